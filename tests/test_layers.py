"""The engine is headless: it runs without pygame, and imports only point down the layers."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "simulator"

# docs/architecture.md: the layers, lowest first; a module may import its own layer or
# any layer below it. ``simulator`` itself (the version) may be imported by anyone.
RANK = {
    "scenario": 0,
    "world": 1,
    "events": 2,
    "payloads": 2,
    "commands": 2,
    "engine": 3,
    "exercise": 4,
    "players": 5,
    "terminal": 5,
    "review": 6,
    "store": 6,
    "view": 6,
    "record": 7,
    "cli": 8,
    "cli_records": 8,
}
# What review/ and store/ may import of ours (docs/architecture.md): scoring is a pure
# function of the scenario and the event log; the store keeps plain records.
MAY_IMPORT = {
    "review": {"scenario", "events", "payloads", "review"},
    "store": {"events", "payloads", "commands", "scenario", "store"},
}
# Where optional heavy libraries may be imported (docs/architecture.md).
ALLOWED_IN = {"pygame": {"view"}, "matplotlib": {"review"}}


def sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def layer(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def imported(path: Path) -> list[tuple[int, str]]:
    """Every module a source file imports (at any depth, TYPE_CHECKING included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.ImportFrom) and node.level:
            found.append((node.lineno, "<relative>"))
    return found


def test_sources_are_found():
    names = {p.relative_to(PACKAGE).as_posix() for p in sources()}
    assert {"exercise.py", "engine/core.py", "world/roads.py", "scenario/model.py"} <= names


@pytest.mark.parametrize("library", sorted(ALLOWED_IN))
def test_heavy_libraries_are_imported_only_where_allowed(library):
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in sources()
        if layer(path) not in ALLOWED_IN[library]
        for line, name in imported(path)
        if name == library or name.startswith(f"{library}.")
    ]
    assert offenders == []


def test_imports_point_down_the_layers():
    offenders = []
    for path in sources():
        here = layer(path)
        if here not in RANK:
            continue
        for line, name in imported(path):
            if name == "<relative>":
                offenders.append(f"{path.relative_to(ROOT)}:{line}: relative import")
                continue
            parts = name.split(".")
            if parts[0] != "simulator" or len(parts) == 1:
                continue
            target = parts[1]
            if RANK.get(target, -1) > RANK[here]:
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {here} imports {name}")
    assert offenders == []


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_review_and_store_import_only_what_they_may(package):
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in PACKAGE.joinpath(package).rglob("*.py")
        for line, name in imported(path)
        if name.startswith("simulator.") and name.split(".")[1] not in MAY_IMPORT[package]
    ]
    assert offenders == []


def test_scenario_layer_imports_nothing_else_of_ours():
    for path in PACKAGE.joinpath("scenario").rglob("*.py"):
        for _, name in imported(path):
            assert not name.startswith("simulator.") or name.startswith("simulator.scenario")


HEADLESS = r"""
import importlib, pkgutil, sys
sys.modules["pygame"] = None  # any "import pygame" now raises ImportError
sys.modules["matplotlib"] = None
import simulator
for info in pkgutil.walk_packages(simulator.__path__, "simulator."):
    top = info.name.split(".")[1]
    if top in ("view", "review"):
        continue
    importlib.import_module(info.name)
from simulator.exercise import Exercise
from simulator.players import attach_players
from simulator.scenario import load
scenario = load(sys.argv[1])
ex = Exercise(scenario, seed=1)
attach_players(ex, [a.id for a in scenario.agencies])
ex.advance(1800)
assert "pygame" not in {m.split(".")[0] for m in sys.modules if sys.modules[m] is not None}
print(len(ex.log.events), ex.log.events[-1].kind)
"""


def test_engine_and_players_run_without_pygame():
    out = subprocess.run(
        [sys.executable, "-c", HEADLESS, str(ROOT / "scenarios" / "small_town_collision.yaml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert out.returncode == 0, out.stderr
    count, _ = out.stdout.split()
    assert int(count) > 20


# -- the engine package's own layout (issue 10) -------------------------------------

ENGINE = PACKAGE / "engine"
ENGINE_LINE_LIMIT = 400


def engine_graph() -> dict[str, set[str]]:
    """Engine module -> the engine modules it imports (TYPE_CHECKING imports included)."""
    names = {p.stem for p in ENGINE.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in sorted(ENGINE.glob("*.py")):
        found = set()
        for _, module in imported(path):
            head, _, rest = module.rpartition(".")
            if head == "simulator.engine" and rest in names:
                found.add(rest)
        graph[path.stem] = found
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle in the graph, as its modules in order, or [] if there is none."""
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str]:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return []
        path.append(node)
        for target in sorted(graph[node]):
            found = visit(target)
            if found:
                return found
        path.pop()
        done.add(node)
        return []

    for node in sorted(graph):
        found = visit(node)
        if found:
            return found
    return []


def test_the_cycle_finder_finds_a_cycle_and_passes_a_tree():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_the_engine_package_has_no_import_cycle():
    graph = engine_graph()
    assert {"core", "kernel", "scene", "crews"} <= set(graph)
    assert cycle(graph) == []


def test_no_engine_module_but_the_package_imports_the_engine():
    importers = sorted(name for name, targets in engine_graph().items() if "core" in targets)
    assert importers == []


def test_the_kernel_imports_no_subsystem():
    assert engine_graph()["kernel"] <= {"streams"}


def test_no_engine_module_is_over_the_line_limit():
    long = {
        path.name: n
        for path in sorted(ENGINE.glob("*.py"))
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > ENGINE_LINE_LIMIT
    }
    assert long == {}


def engine_readers() -> list[str]:
    """Places outside the engine and the exercise that read an ``engine`` attribute."""
    found = []
    for path in sources():
        if layer(path) in {"engine", "exercise"}:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found += [
            f"{path.relative_to(PACKAGE)}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "engine"
        ]
    return found


def test_only_the_exercise_reads_the_engine():
    # Players, the view, the networked seats and the CLI read the exercise's
    # per-agency reads (``Viewpoint``, ``Exercise``), never the engine's state.
    assert engine_readers() == []


def test_what_changes_belongs_to_its_subsystem_not_to_the_roster():
    # The roster is what is fixed at the start; incidents, CADs, knowledge and staging
    # areas change as the exercise runs and belong to the subsystem that changes them.
    from conftest import exercise, open_cad

    ex = exercise()
    open_cad(ex, "police")
    engine = ex.engine
    assert set(vars(engine.roster)) == {
        "scenario",
        "atlas",
        "_agencies",
        "stations",
        "units",
        "_fleets",
    }
    assert engine.incidents["INC1"] is engine.lifecycle["INC1"]
    assert engine.cads is engine.awareness.cads and engine.cads["police"].knows("INC1")
    assert engine.knowledge is engine.awareness.knowledge
    assert engine.staging is engine.command.staging
    with pytest.raises(TypeError):
        engine.incidents["INC2"] = engine.incidents["INC1"]  # clients read, never write
