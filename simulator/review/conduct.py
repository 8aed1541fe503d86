"""Exercise conduct: where the exercise departed from its script, and why it ended.

HSEEP evaluators judge play against the MSEL; a row the controller held, released out
of its time or added ad hoc changes what the players faced, and must be read beside
their scores. The MSEL's own changes are in the event log (``inject.on_hold``,
``inject.held``, ``inject.released`` by the controller); why the exercise ended is in
its ``exercise.ended`` reason, the length asked (``--until``) and the controller's
actions (``controller.jsonl`` of a served run: its ``end`` and the reason given).

One wording of why a run stopped (``stop_reason``) serves the report's header line,
its incomplete-run banner and this section, so they never disagree.
"""

import math
from collections.abc import Iterable, Sequence

from simulator.events import Event
from simulator.payloads import payload
from simulator.review.opportunity import FULL_LENGTH
from simulator.scenario.model import Scenario
from simulator.scenario.timing import format_offset

TIME_UP = "time up: the exercise ran its full length"
AS_ASKED = "as --until asked"
BY_CONTROLLER = "ended by the exercise controller"
# A database run recorded before it kept who stopped it (``stopped_by``).
ENDED_EARLY = "ended early by the trainee or the exercise controller"
BY_TRAINEE = "ended by the trainee (End or Ctrl+Q)"
VIEW_FAILED = "the map view failed: the run is kept as far as it went"
# A run directory recorded before ``stopped_by`` holds the stop time as its length
# whether ``--until`` or the trainee's End stopped it.
UNTOLD = "stopped early: by --until or the trainee's End, which a run directory does not tell"
INTERRUPTED = "interrupted: the run or its server was stopped by Ctrl+C or SIGTERM"
NOT_ENDED = "the log ends without the exercise's end"
SCRIPTED = "The exercise ran as scripted: no MSEL row was held, released out of time or added."
UNCHANGED = (
    "No MSEL row was held, released out of time or added; the exercise did not run to its "
    "planned end (below)."
)
# Every scripted row ran at its time, but a contingency row was kept back (listed after).
UNTOUCHED = "No MSEL row was held, released out of time or added."
# The reason ``run_sim.py control URL end`` gives when none is typed.
_DEFAULT_END = "ended by the controller"


def stop_reason(
    scenario: Scenario,
    ended: str,
    end: float,
    until: float | None,
    actions: Sequence[dict] = (),
    stopped_by: str = "",
) -> str:
    """Why the run stopped where it did, in words.

    ``until`` is the length the run was asked for (None when the record cannot tell it
    from where it stopped); ``actions`` the controller's (``controller.jsonl``);
    ``stopped_by`` who the record says stopped it, since its log's "stopped at" reads
    the same whoever did: "trainee" (a ``play`` session's End), "failed" (its view
    raised), "until" (``run --until``), "interrupted" (Ctrl+C or SIGTERM, which its log
    says too) or "" (runs recorded before the field, and every other run).
    """
    given = controller_end(actions)
    if given is not None:
        return BY_CONTROLLER + (f": {given}" if given else "")
    if ended == FULL_LENGTH:
        return TIME_UP
    if ended == "interrupted":
        return INTERRUPTED
    if ended == "not ended":
        return NOT_ENDED
    if not ended.startswith("stopped at"):
        return ended  # "server fault", or a reason a newer version wrote
    _, _, why = ended.partition(": ")  # "stopped at 00:20:00: a record cannot be written"
    if why:
        return why
    if stopped_by == "trainee":
        return BY_TRAINEE
    if stopped_by == "failed":
        return VIEW_FAILED
    if until is None:
        return UNTOLD
    return AS_ASKED if stopped_as_asked(scenario, end, until) else ENDED_EARLY


def stopped_as_asked(scenario: Scenario, end: float, until: float) -> bool:
    """Whether a run ended early where ``--until`` asked (not interrupted, not quit)."""
    return until < scenario.metadata.duration and math.isclose(end, until)


def controller_end(actions: Iterable[dict]) -> str | None:
    """The reason the controller gave for ending (``""`` for none), or None if it did not."""
    for action in actions:
        if action.get("action") == "end":
            reason = action.get("reason")
            reason = " ".join(reason.split()) if isinstance(reason, str) else ""
            return "" if reason == _DEFAULT_END else reason
    return None


def conduct(scenario: Scenario, events: Sequence[Event], reason: str) -> dict:
    """The controller's departures from the MSEL in time order, and how the run ended.

    ``reason``: ``stop_reason``'s words. ``scripted`` is True when no row was held,
    released by hand or added and the run went to its time (its length or ``--until``);
    ``summary`` says so, or that no row changed though the run ended otherwise.
    """
    contingency = {row.seq for row in scenario.msel if row.contingency}
    on_hold: set[int] = set()
    rows = []
    for event in events:
        row = _deviation(event, contingency, on_hold)
        if row is not None:
            rows.append({"t": event.t, "time": format_offset(event.t), "seq": event.seq, **row})
    reserve = _reserve(events, contingency - on_hold)
    end = events[-1].t if events else 0.0
    ending = {"t": end, "time": format_offset(end), "what": "Exercise ended", "detail": reason}
    scripted = not rows and not reserve and reason in (TIME_UP, AS_ASKED)
    if scripted:
        summary = SCRIPTED
    elif rows:
        summary = ""
    else:
        summary = UNCHANGED if reason not in (TIME_UP, AS_ASKED) else UNTOUCHED
        if reserve:  # the contingency row was held: "no MSEL row was held" would deny it
            summary = summary.replace("No MSEL row", "No scripted MSEL row", 1)
    if reserve:
        summary = f"{summary} {_reserve_text(reserve)}".strip()
    return {
        "scripted": scripted,
        "summary": summary,
        "deviations": rows,
        "reserve": reserve,
        "ended": ending,
    }


def _reserve(events: Sequence[Event], contingency: set[int]) -> list[dict]:
    """Contingency rows whose time came (``inject.held``) and that were never released.

    A contingency row waits for the controller's release (HSEEP): kept back, it was
    held in reserve by design, yet the players never faced it, which an evaluator
    reading their scores must know.
    """
    released = {payload(e).seq for e in events if e.kind == "inject.released"}
    out = []
    for e in events:
        if e.kind != "inject.held":
            continue
        data = payload(e)
        if data.seq in contingency and data.seq not in released:
            out.append(
                {
                    "t": e.t,
                    "time": format_offset(e.t),
                    "seq": e.seq,
                    "row": data.seq,
                    "what": "Contingency row held in reserve, not played",
                    "detail": f"MSEL row {data.seq} ({_kind(data)}): {_words(data)}",
                }
            )
    return out


def _reserve_text(reserve: list[dict]) -> str:
    """The summary's sentence on contingency rows kept back: by design, yet unplayed."""
    seqs = ", ".join(str(r["row"]) for r in reserve)
    one = len(reserve) == 1
    rows = "contingency row" if one else "contingency rows"
    return (
        f"{len(reserve)} {rows} ({'row' if one else 'rows'} {seqs}) {'was' if one else 'were'} "
        "held in reserve and not played: a contingency row plays only when the controller releases "
        "it, so this is by design, not a departure from the script, but the players never "
        "faced it."
    )


def _deviation(event: Event, contingency: set[int], on_hold: set[int]) -> dict | None:
    """One row of the conduct table, or None for an event that follows the script."""
    if event.kind == "inject.on_hold":
        data = payload(event)
        on_hold.add(data.seq)
        return {
            "what": "Held",
            "detail": f"MSEL row {data.seq} ({_kind(data)}), due T+{format_offset(data.due)}",
        }
    if event.kind == "inject.held" and payload(event).seq in on_hold:
        data = payload(event)
        return {
            "what": "Not delivered at its time (held)",
            "detail": f"MSEL row {data.seq} ({_kind(data)}): {_words(data)}",
        }
    if event.kind != "inject.released" or payload(event).by is None:
        return None
    data = payload(event)
    to = ", ".join(data.to) or "nobody"
    if data.adhoc:
        return {"what": "Ad-hoc inject", "detail": f"inject {data.seq} to {to}: {_words(data)}"}
    return {
        "what": _released(event.t, data.due, data.seq in contingency),
        "detail": f"MSEL row {data.seq} ({_kind(data)}) to {to}: {_words(data)}",
    }


def _kind(data: object) -> str:
    """A row's type in words ("road closure")."""
    return str(data.type).replace("_", " ")


def _words(data: object) -> str:
    """A row's description on one line (a controller's text may hold line breaks)."""
    return " ".join(str(data.description).split())


def _released(t: float, due: float | None, contingency: bool) -> str:
    """How a row the controller released stood to its time: early, late, on time."""
    if contingency:
        return "Contingency row released"
    if due is None or abs(t - due) < 0.5:
        return "Released by hand at its time"
    gap = format_offset(abs(t - due))
    when = "early" if t < due else "late"
    return f"Released {when} (due T+{format_offset(due)}, {gap} {when})"
