"""Calibration: prove the score rewards the response, over many seeds and every profile.

For each scenario it runs every player profile for all agencies (idle, poor, SOP,
expert) and an idle trainee in each agency that owns units (the rest SOP), over N
seeds, and checks that the score orders them as an evaluator would:

- idle (nobody, or any one agency that owns units) at least ``IDLE_GAP`` below SOP;
  an idle agency is judged on its role score, the trainee's own score;
- poor at least ``POOR_GAP`` below SOP, expert at least ``EXPERT_GAP`` above it;
- SOP's standard deviation over seeds at most ``SOP_SD``.

A scenario whose overall score SOP play never earns (nothing it scores falls due, as
``run`` and ``history`` show "-") cannot be calibrated: its report says so and judges
no rule, rather than failing them on scores of 0.
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
        """Summarise scores (a role with no duty counts as 0: see ``_judge``)."""
        array = np.asarray(values, dtype=float)
        return cls(round(float(array.mean()), 1), round(float(array.std(ddof=0)), 1), len(values))

    @classmethod
    def observed(cls, values: list[float | None]) -> "Stat | None":
        """Summarise the overall scores that were observed, or None when none was.

        A run with nothing scored has no score, not a score of 0: counting it as 0
        would rank it with a run that failed everything. ``n`` counts the observed.
        """
        seen = [v for v in values if v is not None]
        return cls.of(seen) if seen else None


@dataclass(frozen=True)
class Row:
    """One cell's result: overall score, the judged role's score, and the check.

    ``overall`` is None when no run of the cell was scored; ``gap`` and ``passed`` are
    None when nothing could be judged because SOP's score itself was never observed.
    """

    cell: str
    overall: Stat | None
    role: Stat | None
    compared: str
    gap: float | None
    rule: str
    passed: bool | None


@dataclass
class Report:
    """One scenario's calibration."""

    scenario: str
    seeds: int
    rows: list[Row] = field(default_factory=list)
    observed: bool = True  # whether SOP play earned an overall score at any seed

    @property
    def passed(self) -> bool:
        """Whether every check passed (never for a scenario that cannot be calibrated)."""
        return self.observed and all(r.passed for r in self.rows)

    @property
    def verdict(self) -> str:
        """The scenario's result in words, as the tables head it."""
        if not self.observed:
            return NOT_OBSERVED
        return "passes" if self.passed else "FAILS"


# What a report says of a scenario whose score SOP play never earns.
NOT_OBSERVED = "score not observed: cannot be calibrated"


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


def play(path: str, cell: Cell, seed: int) -> tuple[float | None, dict[str, float | None]]:
    """Run one cell at one seed: the overall score (None: not observed), every role's."""
    scenario, atlas = _loaded(path)
    profiles = dict(cell.profiles)
    exercise = build_exercise(
        scenario, seed, atlas=atlas, file=path, automated=profiles, profiles=profiles
    )
    exercise.advance(scenario.metadata.duration)
    result = score(scenario, exercise.log.events)
    return result.overall, {a: r.score for a, r in result.roles.items()}


Result = tuple[float | None, dict[str, float | None]]


def _job(args: tuple[str, Cell, int]) -> Result:
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
) -> Iterator[Result]:
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


def _judge(scenario: str, seeds: int, results: list[tuple[Cell, Result]]) -> Report:
    by_cell: dict[str, list[Result]] = {}
    cell_of: dict[str, Cell] = {}
    for cell, result in results:
        by_cell.setdefault(cell.name, []).append(result)
        cell_of[cell.name] = cell
    sop = by_cell["sop"]
    sop_overall = Stat.observed([o for o, _ in sop])
    if sop_overall is None:
        return _unobserved(scenario, seeds, by_cell)
    report = Report(scenario, seeds)
    for name, runs in by_cell.items():
        overall = Stat.observed([o for o, _ in runs])
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
        compared = f"SOP {sop_overall.mean:.1f}"
        if overall is None:  # SOP earns a score and this play none: it cannot be ranked
            report.rows.append(Row(name, None, None, compared, None, "score not observed", False))
            continue
        gap = round(overall.mean - sop_overall.mean, 1)
        rule, passed = _rule(name, gap, overall)
        report.rows.append(Row(name, overall, None, compared, gap, rule, passed))
    return report


def _unobserved(scenario: str, seeds: int, by_cell: dict[str, list[Result]]) -> Report:
    """A scenario SOP play earns no score in: every cell shown, no rule judged."""
    rows = [
        Row(name, Stat.observed([o for o, _ in runs]), None, "-", None, "not observed", None)
        for name, runs in by_cell.items()
    ]
    return Report(scenario, seeds, rows, observed=False)


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
        [{**asdict(r), "passed": r.passed, "verdict": r.verdict} for r in reports],
        indent=2,
        sort_keys=True,
    )


def to_markdown(reports: list[Report]) -> str:
    """The reports as Markdown tables (docs/calibration.md is made with this)."""
    lines = []
    for report in reports:
        lines += [
            f"### {report.scenario} ({report.seeds} seeds per row): {report.verdict}",
            "",
            "| players | overall | judged score | against | gap | rule | met |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in report.rows:
            judged = row.role or (None if row.compared == "-" else row.overall)
            met = {True: "yes", False: "**no**", None: "-"}[row.passed]
            lines.append(
                f"| {row.cell} | {stat_text(row.overall)} | {stat_text(judged)} | {row.compared} "
                f"| {gap_text(row.gap)} | {row.rule} | {met} |"
            )
        lines.append("")
    return "\n".join(lines)


def stat_text(stat: Stat | None) -> str:
    """Mean ± standard deviation, or "-" for a score never observed (as ``history``)."""
    return "-" if stat is None else f"{stat.mean:.1f} ± {stat.sd:.1f}"


def gap_text(gap: float | None) -> str:
    """A signed gap to SOP, or "-" when nothing was judged."""
    return "-" if gap is None else f"{gap:+.1f}"
