"""``run_sim.py calibrate``: the score's calibration over seeds, as a table or JSON.

Exit codes: 0 every scenario passes, 1 one fails, 2 bad input.
"""

import argparse
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from simulator.calibration import Report, calibrate, to_json, to_markdown
from simulator.scenario import load


def calibrate_command(args: argparse.Namespace, console: Console) -> int:
    """Run the calibration and print it; exit 1 when a scenario fails."""
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
    return 0 if all(r.passed for r in reports) else 1


def _table(report: Report) -> Table:
    verdict = "[green]passes[/green]" if report.passed else "[red]FAILS[/red]"
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
            f"{row.overall.mean:.1f} ± {row.overall.sd:.1f}",
            "-" if judged is None else f"{judged.mean:.1f} ± {judged.sd:.1f}",
            row.compared,
            f"{row.gap:+.1f}",
            row.rule,
            "yes" if row.passed else "[red]no[/red]",
        )
    return table
