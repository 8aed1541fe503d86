"""One action of the selection panel, and the engine's verdict on it before it is offered.

Every command an option would submit is first put to ``Exercise.check``, the engine's
own verdict with nothing changed: an option the engine would refuse is greyed out with
the engine's reason instead of being offered to fail.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from pydantic import ValidationError

from simulator.commands import CommandBase, Dispatch
from simulator.exercise import Result
from simulator.scenario.problem import plain
from simulator.terminal import SeatView
from simulator.view.draft import Draft
from simulator.view.ledger import Ledger
from simulator.view.picture import Snapshot
from simulator.view.words import agency_reason, plain_reason


@dataclass(frozen=True)
class Option:
    """One action: a label, a kind (for shortcuts) and the commands it submits.

    ``deferred`` dispatches wait for their incident to reach their agency's CAD (the
    option's shares put it there); ``done`` marks an action already taken, listed so
    the trainee sees it was done rather than wonder whether to do it again; a ``draft``
    opens the text entry (a message to write) instead of submitting anything at once;
    a ``warning`` is asked as a question first (a share that would over-share a fact);
    ``key`` names the action across refreshes whatever its label says (``steady``);
    ``rows``: how many rows the panel gives its label before cutting it (0: one, or two
    when greyed or done), for a label whose end is what the trainee reads it for (a
    statement's "update due" time).
    """

    kind: str
    label: str
    commands: tuple[CommandBase, ...] = ()
    reason: str = ""
    deferred: tuple[Dispatch, ...] = ()
    done: bool = False
    draft: Draft | None = None
    warning: str = ""
    key: str = ""
    rows: int = 0

    @property
    def enabled(self) -> bool:
        """Whether choosing it submits anything (or opens the text entry to write it)."""
        return bool(self.commands) or (self.draft is not None and bool(self.draft.recipients))


def keyed(options: list[Option]) -> list[Option]:
    """Name each option with no key of its own by its label."""
    return [o if o.key else replace(o, key=o.label) for o in options]


def keep(option: Option, key: str) -> Option:
    """The option named ``key`` whatever its label says (done, an update, a count)."""
    return replace(option, key=key)


def steady(shown: list[Option], fresh: list[Option], given: set[str]) -> list[Option]:
    """The fresh options in the places the shown ones had: numbers do not move.

    A trainee presses numbers in quick succession; had the list been sorted again
    after each order, the next number would do something else. An action no longer
    listed keeps its place, done if the trainee gave it (``given``), else greyed as no
    longer possible, or as superseded when an order just given moved all its units (a
    hold at the perimeter once they are assigned); one still listed but refused now
    because the trainee gave it (an assignment: "already assigned") is done too. New
    ones come last.
    """
    by_key = {o.key: o for o in fresh}
    ordered = {u for o in shown if o.key in given for u in _units(o)}
    kept = [_kept(o, by_key.pop(o.key, None), o.key in given, ordered) for o in shown]
    return kept + [o for o in fresh if o.key in by_key]


def _units(option: Option) -> set[str]:
    """The units an option's commands order (dispatches, recalls, staging)."""
    return {u for c in option.commands for u in getattr(c, "units", None) or ()}


def _kept(shown: Option, fresh: Option | None, given: bool, ordered: set[str]) -> Option:
    """What stands in a shown action's place: its fresh self, or its mark."""
    if fresh is None:
        return _gone(shown, given, ordered)
    if given and (shown.enabled or shown.done) and not (fresh.enabled or fresh.done):
        return Option(fresh.kind, shown.label, reason="done", done=True, key=fresh.key)
    return fresh


def _gone(option: Option, given: bool, ordered: set[str]) -> Option:
    """An action no longer listed for the selection, kept greyed in its place.

    Why it went is said when the trainee's own order did it: a bare "no longer
    possible" under the hold they had just chosen against read as a fault.
    """
    if not option.enabled:
        return option
    if given:
        return Option(option.kind, option.label, reason="done", done=True, key=option.key)
    units = _units(option)
    why = "superseded by your order" if units and units <= ordered else "no longer possible"
    return Option(option.kind, option.label, reason=why, key=option.key)


@dataclass(frozen=True)
class Context:
    """What every option builder reads: the exercise, the picture, the roles played."""

    exercise: SeatView
    snapshot: Snapshot
    roles: tuple[str, ...]
    ledger: Ledger | None = None

    @property
    def joint(self) -> bool:
        """Whether the trainee plays several agencies (labels then name the agency)."""
        return len(self.roles) > 1

    def desk(self, agency: str) -> str:
        """A suffix naming which of a joint console's agencies an option is for ("" alone).

        By name, as the log calls it: ids such as ``county_fire`` mean nothing on the map.
        """
        return f" ({self.exercise.scenario.agency(agency).name})" if self.joint else ""

    def named(self, agency: str) -> str:
        """An agency by name, as the log calls it, marked when the trainee plays it."""
        name = self.exercise.scenario.agency(agency).name
        return name + (" (yours)" if agency in self.roles else "")

    def reason(self, refusal: str) -> str:
        """The engine's refusal with the agencies it names by id named, as the log does."""
        return agency_reason(refusal, self.exercise.scenario.agency_names())


def submit(exercise: SeatView, option: Option) -> list[Result]:
    """Submit an option's commands as the trainee (deferred dispatches are not given)."""
    return [exercise.submit(command, source="trainee") for command in option.commands]


def checked(
    ctx: Context, kind: str, label: str, commands: tuple[CommandBase, ...], reason: str = ""
) -> Option:
    """An option, greyed out with the engine's reason if it would refuse a command."""
    for command in commands:
        refusal = ctx.exercise.check(command)
        if refusal:
            return Option(kind, label, (), ctx.reason(refusal))
    return Option(kind, label, commands, "" if commands else reason)


def build(ctx: Context, kind: str, label: str, cls: type[CommandBase], **fields) -> Option:
    """A checked one-command option; fields the command model refuses grey it out."""
    try:
        command = cls(**fields)
    except ValidationError as exc:
        return Option(kind, label, (), plain(exc.errors(include_url=False)[0]))
    return checked(ctx, kind, label, (command,))


def give(
    check: Callable[[CommandBase], str],
    submit: Callable[[CommandBase], Result],
    command: CommandBase,
    verb: str = "send",
) -> tuple[Result | None, str]:
    """Submit a typed order only if the engine would take it: (result, "") or (None, why).

    A dialog keeps the text and shows why when the engine refuses it, before or after;
    ``verb`` says what was refused ("Cannot issue it: ..." for a public statement).
    """
    refusal = check(command)
    if refusal:
        return None, f"Cannot {verb}: {plain_reason(refusal)}"
    result = submit(command)
    return (result, "") if result.accepted else (None, f"Rejected: {plain_reason(result.reason)}")
