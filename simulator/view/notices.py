"""What the notice at the bottom of the map says an order did, one line per part.

An order of one command reads "Done: <its label>" or "Rejected: <why>". An order of
several, or one with dispatches waiting for a share, reads a line per command with the
agency that gave it, and each line says what that command did: a share is a share, a
hold at the perimeter a hold, crews held there sent in, not "dispatched" for every
part (a trainee at a joint console read "Done: Assign M1 ..." when only the share had
gone and the dispatch was waiting for it). A dispatch that was waiting on a share the
engine refused is said not to have been given.
"""

from simulator.commands import (
    CommandBase,
    Dispatch,
    PublicStatement,
    Recall,
    Share,
    Stage,
    Transport,
)
from simulator.exercise import Result
from simulator.view.option import Option
from simulator.view.words import Names, shared_words

# Option kinds whose dispatches send in crews already held at the incident's perimeter.
SEND_IN = "perimeter"


def parts(
    option: Option,
    results: list[Result],
    names: Names,
    held: dict[tuple[str, str], object] | None = None,
) -> list[str]:
    """One line for a one-command order; else one line per command given.

    ``held``: the value each sharing agency holds of each fact it shares (a road
    reopened is shared as its reopening, not as a closure).
    """
    if len(results) == 1 and not option.deferred:
        result = results[0]
        return [
            f"Done: {option.label}"
            if result.accepted
            else f"Rejected: {names.reason(result.reason)}"
        ]
    held = held or {}
    lines = [part(option, c, r, names, held) for c, r in zip(option.commands, results, strict=True)]
    return lines + _not_given(option, results, names)


def part(
    option: Option,
    command: CommandBase,
    result: Result,
    names: Names,
    held: dict[tuple[str, str], object],
) -> str:
    """One command's line, agencies by name (the ids mean nothing on the map)."""
    agency = names.agency(command.agency)
    if not result.accepted:
        return f"Rejected ({agency}): {names.reason(result.reason)}"
    if isinstance(command, Dispatch):
        units = ", ".join(command.units)
        if command.hold:
            return f"{agency}: held {units} at the {command.incident} perimeter"
        if option.kind == SEND_IN:
            return f"{agency}: sent {units} in to {command.incident}"
        return f"{agency}: dispatched {units} to {command.incident}"
    if isinstance(command, Share):
        # A closure's share names no incident: what it passes on is its facts.
        what = command.incident or ", ".join(
            shared_words(f, held.get((command.agency, f))) for f in command.facts
        )
        return f"{agency}: shared {what} with {names.agency(command.to)}"
    if isinstance(command, Recall):
        return f"{agency}: recalled {', '.join(command.units)} to station"
    if isinstance(command, Stage):
        return f"{agency}: sent {', '.join(command.units)} to staging area {command.staging}"
    if isinstance(command, Transport):
        return f"{agency}: sent {command.unit} to {names.hospital(command.hospital)}"
    return f"{agency}: {option.label}"


def statement(command: PublicStatement, names: Names) -> str:
    """A statement issued, as the notice says it: what it was and, jointly, whose.

    "Public statement on PKG-1 issued", "Denial of rumour R1 issued"; at a joint
    console "... issued by Meridian Office of Emergency Management".
    """
    if command.rumour is not None:
        what = f"{'Denial' if command.stance == 'deny' else 'Confirmation'} of rumour"
        what += f" {command.rumour}"
    else:
        what = "Public statement" + (f" on {command.incident}" if command.incident else "")
    by = f" by {names.agency(command.agency)}" if names.joint else ""
    return f"{what} issued{by}"


def share_for(option: Option, results: list[Result], agency: str) -> Share | None:
    """The accepted share in ``option`` that puts its incident in ``agency``'s CAD."""
    for command, result in zip(option.commands, results, strict=True):
        if isinstance(command, Share) and command.to == agency and result.accepted:
            return command
    return None


def _not_given(option: Option, results: list[Result], names: Names) -> list[str]:
    """The waiting dispatches whose share was refused: never given, and said so."""
    return [
        f"Not dispatched: {', '.join(d.units)} to {d.incident} ({names.agency(d.agency)}): "
        "the share was refused"
        for d in option.deferred
        if share_for(option, results, d.agency) is None
    ]
