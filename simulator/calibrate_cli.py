"""``run_sim.py calibrate``: the score's calibration over seeds, as a table or JSON.

Exit codes: 0 every scenario passes, 1 one fails, 2 bad input, including a scenario
whose score SOP play never earns (it cannot be calibrated; 2 wins over 1).
"""

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from simulator.calibration import (
    NOT_OBSERVED,
    Report,
    calibrate,
    gap_text,
    stat_text,
    to_json,
    to_markdown,
)
from simulator.scenario import load


def calibrate_command(args: argparse.Namespace, console: Console) -> int:
    """Run the calibration and print it; exit 1 when a scenario fails.

    Exit 2 when one cannot be calibrated: its score is never observed, so no rule can
    be judged, and calling that a failure of the ladder would mislead.
    """
    paths = [Path(p) for p in args.scenarios]
    for path in paths:
        load(path)  # a bad scenario is reported (exit 2) before any run starts
    show = console.is_terminal and not (args.json or args.markdown)
    with Progress(
        "[bold]calibrating", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, disable=not show, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("runs", total=None)
        reports = calibrate(
            paths,
            args.seeds,
            args.jobs,
            lambda done, total: bar.update(task, completed=done, total=total),
        )
    if args.json:
        print(to_json(reports))
    elif args.markdown:
        print(to_markdown(reports))
    else:
        for report in reports:
            console.print(_table(report))
    return _exit_code(reports)


def _exit_code(reports: list[Report]) -> int:
    """0 all pass; 2 when a scenario cannot be calibrated, saying which; else 1 on a fail."""
    unobserved = [r.scenario for r in reports if not r.observed]
    for scenario in unobserved:
        print(
            f"calibrate: {scenario}: {NOT_OBSERVED} (SOP play earned no overall score at any "
            "seed: nothing it scores fell due; give it incidents its measures observe)",
            file=sys.stderr,
        )
    if unobserved:
        return 2
    return 0 if all(r.passed for r in reports) else 1


_VERDICTS = {"passes": "[green]passes[/green]", "FAILS": "[red]FAILS[/red]"}


def _table(report: Report) -> Table:
    verdict = _VERDICTS.get(report.verdict, f"[yellow]{report.verdict}[/yellow]")
    title = f"{escape(report.scenario)}: {report.seeds} seeds per cell, {verdict}"
    table = Table(title=title)
    for name in ("players", "overall", "judged score", "against", "gap", "rule", "ok"):
        table.add_column(
            name, justify="left" if name in ("players", "against", "rule") else "right"
        )
    for row in report.rows:
        judged = row.role or (None if row.compared == "-" else row.overall)
        table.add_row(
            escape(row.cell),
            stat_text(row.overall),
            stat_text(judged),
            row.compared,
            gap_text(row.gap),
            row.rule,
            {True: "yes", False: "[red]no[/red]", None: "-"}[row.passed],
        )
    return table
