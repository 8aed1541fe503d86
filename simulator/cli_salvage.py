"""``run_sim.py recover``: save the runs a damaged exercise database still holds."""

import argparse
from pathlib import Path

from rich.console import Console

from simulator.cli_records import RecordInputError
from simulator.store.database import StoreError, database_files, default_path
from simulator.store.salvage import salvage


def recover_command(args: argparse.Namespace, console: Console) -> int:
    """Copy every run still whole into ``--out``; name each run left out and why."""
    source: Path = args.db or default_path()
    try:
        found = salvage(source, args.out)
    except StoreError as exc:
        raise RecordInputError(str(exc)) from None
    say = console.print
    total = len(found.saved) + len(found.lost)
    say(f"Saved {len(found.saved)} of {total} runs from {source} into {args.out}.", markup=False)
    for run, reason in sorted(found.lost.items()):
        say(f"  run {run} left out: {reason}", markup=False, highlight=False)
    if found.unlisted:
        say(
            "Part of the list of runs itself could not be read: runs recorded there are "
            "not counted above. Restore a backup to get them back.",
            markup=False,
        )
    if not found.saved and (total or found.unlisted):  # kept, it would pass for a database
        for path in database_files(args.out):
            path.unlink(missing_ok=True)
        say(f"Nothing could be saved; {args.out} was not kept. Restore a backup.", markup=False)
        return 2
    say(f"Use it with --db {args.out}, or set SIMULATOR_DB={args.out}.", markup=False)
    return 0
