"""Calibration: prove the score rewards the response, over many seeds and every profile.

For each scenario it runs every player profile for all agencies (idle, poor, SOP,
expert) and an idle trainee in each agency that owns units (the rest SOP), over N
seeds, and checks that the score orders them as an evaluator would:

- idle (nobody, or any one agency that owns units) at least ``IDLE_GAP`` below SOP;
  an idle agency is judged on its role score, the trainee's own score;
- poor at least ``POOR_GAP`` below SOP, expert at least ``EXPERT_GAP`` above it;
- SOP's standard deviation over seeds at most ``SOP_SD``.
"""

import json
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from simulator.build import build_exercise
from simulator.players.profile import PROFILES
from simulator.review.score import score
from simulator.scenario import Scenario, load
from simulator.world import build_atlas

IDLE_GAP = 25.0
POOR_GAP = 20.0
EXPERT_GAP = 10.0
SOP_SD = 8.0


@dataclass(frozen=True)
class Cell:
    """One way of playing a scenario: a profile for everyone, or one agency idle."""

    name: str
    profiles: tuple[tuple[str, str], ...]
    judged: str | None = None  # the agency whose role score is judged, for an idle trainee


@dataclass(frozen=True)
class Stat:
    """Mean and standard deviation of some scores over seeds."""

    mean: float
    sd: float
    n: int

    @classmethod
    def of(cls, values: list[float]) -> "Stat":
        """Summarise scores (a run with no score counts as 0)."""
        array = np.asarray(values, dtype=float)
        return cls(round(float(array.mean()), 1), round(float(array.std(ddof=0)), 1), len(values))


@dataclass(frozen=True)
class Row:
    """One cell's result: overall score, the judged role's score, and the check."""

    cell: str
    overall: Stat
    role: Stat | None
    compared: str
    gap: float
    rule: str
    passed: bool


@dataclass
class Report:
    """One scenario's calibration."""

    scenario: str
    seeds: int
    rows: list[Row] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Whether every check passed."""
        return all(r.passed for r in self.rows)


def cells(scenario: Scenario) -> list[Cell]:
    """Every profile for everyone, then an idle trainee in each agency that owns units."""
    agencies = sorted(a.id for a in scenario.agencies)
    out = [Cell(name, tuple((a, name) for a in agencies)) for name in PROFILES]
    owners = sorted({u.agency for u in scenario.units})
    for agency in owners:
        profiles = tuple((a, "idle" if a == agency else "sop") for a in agencies)
        out.append(Cell(f"idle {agency}", profiles, judged=agency))
    return out


@cache
def _loaded(path: str) -> tuple[Scenario, object]:
    scenario = load(path)
    return scenario, build_atlas(scenario, path)


def play(path: str, cell: Cell, seed: int) -> tuple[float, dict[str, float | None]]:
    """Run one cell at one seed: the overall score and every role score."""
    scenario, atlas = _loaded(path)
    profiles = dict(cell.profiles)
    exercise = build_exercise(
        scenario, seed, atlas=atlas, file=path, automated=profiles, profiles=profiles
    )
    exercise.advance(scenario.metadata.duration)
    result = score(scenario, exercise.log.events)
    return result.overall or 0.0, {a: r.score for a, r in result.roles.items()}


def _job(args: tuple[str, Cell, int]) -> tuple[float, dict[str, float]]:
    return play(*args)


def calibrate(
    paths: list[Path],
    seeds: int,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> list[Report]:
    """Run every cell of every scenario over ``seeds`` seeds and check the gaps."""
    plan = [(str(p), c, s) for p in paths for c in cells(load(p)) for s in range(seeds)]
    results = list(_map(plan, jobs, progress))
    reports = []
    for path in paths:
        mine = [(c, r) for (p, c, _), r in zip(plan, results, strict=True) if p == str(path)]
        reports.append(_judge(load(path).metadata.id, seeds, mine))
    return reports


def _map(
    plan: list[tuple[str, Cell, int]], jobs: int, progress: Callable[[int, int], None] | None
) -> Iterator[tuple[float, dict[str, float]]]:
    if jobs <= 1:
        outputs: Iterator = map(_job, plan)
    else:
        pool = ProcessPoolExecutor(max_workers=jobs)
        outputs = pool.map(_job, plan, chunksize=max(1, len(plan) // (jobs * 8)))
    for done, result in enumerate(outputs, start=1):
        if progress is not None:
            progress(done, len(plan))
        yield result
    if jobs > 1:
        pool.shutdown()


def _judge(
    scenario: str, seeds: int, results: list[tuple[Cell, tuple[float, dict[str, float]]]]
) -> Report:
    by_cell: dict[str, list[tuple[float, dict[str, float]]]] = {}
    cell_of: dict[str, Cell] = {}
    for cell, result in results:
        by_cell.setdefault(cell.name, []).append(result)
        cell_of[cell.name] = cell
    sop = by_cell["sop"]
    sop_overall = Stat.of([o for o, _ in sop])
    report = Report(scenario, seeds)
    for name, runs in by_cell.items():
        overall = Stat.of([o for o, _ in runs])
        judged = cell_of[name].judged
        if judged is not None:
            arose = [r[judged] for _, r in sop if r[judged] is not None]
            if not arose:  # nothing for this agency to do, even when it plays by SOP
                rule = "no duty arose under SOP: not judged"
                report.rows.append(Row(name, overall, None, "-", 0.0, rule, True))
                continue
            role = Stat.of([r[judged] or 0.0 for _, r in runs])
            base = Stat.of([r[judged] or 0.0 for _, r in sop])
            gap = round(role.mean - base.mean, 1)
            rule = f"role <= SOP role - {IDLE_GAP:g}"
            report.rows.append(
                Row(
                    name,
                    overall,
                    role,
                    f"SOP {judged} {base.mean:.1f}",
                    gap,
                    rule,
                    gap <= -IDLE_GAP,
                )
            )
            continue
        gap = round(overall.mean - sop_overall.mean, 1)
        rule, passed = _rule(name, gap, overall)
        report.rows.append(
            Row(name, overall, None, f"SOP {sop_overall.mean:.1f}", gap, rule, passed)
        )
    return report


def _rule(name: str, gap: float, overall: Stat) -> tuple[str, bool]:
    if name == "idle":
        return f"<= SOP - {IDLE_GAP:g}", gap <= -IDLE_GAP
    if name == "poor":
        return f"<= SOP - {POOR_GAP:g}", gap <= -POOR_GAP
    if name == "expert":
        return f">= SOP + {EXPERT_GAP:g}", gap >= EXPERT_GAP
    return f"sd <= {SOP_SD:g}", overall.sd <= SOP_SD


def to_json(reports: list[Report]) -> str:
    """The reports as JSON (for scripts and the docs' table)."""
    return json.dumps(
        [{**asdict(r), "passed": r.passed} for r in reports], indent=2, sort_keys=True
    )


def to_markdown(reports: list[Report]) -> str:
    """The reports as Markdown tables (docs/calibration.md is made with this)."""
    lines = []
    for report in reports:
        verdict = "passes" if report.passed else "FAILS"
        lines += [
            f"### {report.scenario} ({report.seeds} seeds per row): {verdict}",
            "",
            "| players | overall | judged score | against | gap | rule | met |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in report.rows:
            judged = row.role or (None if row.compared == "-" else row.overall)
            lines.append(
                f"| {row.cell} | {_stat(row.overall)} | {_stat(judged)} | {row.compared} "
                f"| {row.gap:+.1f} | {row.rule} | {'yes' if row.passed else '**no**'} |"
            )
        lines.append("")
    return "\n".join(lines)


def _stat(stat: Stat | None) -> str:
    return "-" if stat is None else f"{stat.mean:.1f} ± {stat.sd:.1f}"
