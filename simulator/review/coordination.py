"""Coordination: unified command, fact sharing, radio traffic, assignments and safety.

Reads the communications, knowledge and unified-command events of the comms contract
(``message.*``, ``fact.*``, ``unified_command.established``, ``assignment.*``,
``unit.harmed``, ``span.*``). A log from an engine without them still gets a fact
latency: each incident's existence is then a critical fact for the agencies it needs,
learned when their CAD opens it.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from simulator.events import Event
from simulator.payloads import payload
from simulator.review import told
from simulator.review.idle import IDLE_GRACE_S as IDLE_GRACE_S  # where callers read it
from simulator.review.idle import idle_units
from simulator.review.stats import Distribution, Evidence, Sample, between, cite
from simulator.scenario.facts import fact_key
from simulator.scenario.model import Scenario
from simulator.scenario.vocabulary import Capability

# Kinds only an engine with communications emits; their absence means "not modelled".
COMMS_PREFIXES = ("message.", "fact.", "unified_command.", "command_post.", "patch.")
# A span-of-control breach shorter than this is a unit arriving before its supervisor.
SPAN_GRACE_S = 120.0
# Channel load is reported in bins of this many seconds.
LOAD_BIN_S = 300.0


@dataclass(frozen=True)
class FactSharing:
    """One critical fact: who needed it, when it was first known, when all knew."""

    fact: str
    incident: str | None
    needed_by: tuple[str, ...]
    first_known: float | None
    all_known: float | None
    missing: tuple[str, ...]
    latency: float | None
    evidence: tuple[Evidence, ...]
    # Every agency that knew it at the first instant (``told.py``), in agency order.
    first_knowers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChannelLoad:
    """Radio traffic on one channel: utilisation, queueing and losses."""

    channel: str
    sent: int
    lost: int
    airtime: float
    utilisation: float
    wait_mean: float | None
    wait_p90: float | None
    wait_max: float | None
    load: tuple[float, ...]


@dataclass(frozen=True)
class Coordination:
    """Every coordination measurement of one run."""

    comms_modelled: bool
    facts_derived: bool
    unified_command: tuple[Sample, ...]
    facts: tuple[FactSharing, ...]
    messages: int
    paths: dict[str, int]
    lost: tuple[Sample, ...]
    lost_by_reason: dict[str, int]
    channels: tuple[ChannelLoad, ...]
    duplicated: tuple[Sample, ...]
    conflicted: tuple[Sample, ...]
    unsafe: tuple[Sample, ...]
    span: tuple[Sample, ...]
    idle: tuple[Sample, ...]

    def fact_samples(self, agency: str | None = None) -> list[Sample]:
        """Fact latencies as samples (a fact never fully shared is censored at the end)."""
        return [
            Sample(f.latency, f.incident, None, None, f.evidence, f.fact, censored=bool(f.missing))
            for f in self.facts
            if f.latency is not None and (agency is None or agency in f.needed_by)
        ]


# Plain names of the engine's message paths (``engine/message.py``).
PATHS = {
    "data": "CAD-to-CAD data link",
    "phone": "phone",
    "bridge": "conference bridge",
    "command_post": "liaison at the command post",
    "talkaround": "talk-around",
    "talkgroup": "mutual-aid talkgroup",
    "patch": "console patch",
    "shared": "shared system",
    "own": "own radio system",
}

# The events each measure below reads: kinds, or every kind under a prefix ("span.").
READS = {
    "unified": (
        "incident.started",
        "fact.critical",
        "unit.on_scene",
        "unified_command.established",
        "incident.resolved",
    ),
    "critical": ("fact.critical", *told.READS),
    "derived": ("incident.started", "cad.opened"),
    "channels": ("message.sent", "message.lost"),
    "queued": ("message.queued",),
    "lost": ("message.lost",),
    "duplicated": ("assignment.duplicated",),
    "conflicted": ("assignment.conflicted",),
    "harmed": ("unit.harmed", "operation.blue_on_blue"),
    "span": ("span.",),
}


def coordination(scenario: Scenario, events: Sequence[Event]) -> Coordination:
    """Measure coordination in a log."""
    end, kinds, read = _sorted(events)
    modelled = any(kind.startswith(COMMS_PREFIXES) for kind in kinds)
    derived = "fact.critical" not in kinds
    reasons: dict[str, int] = defaultdict(int)
    for e in read["lost"]:
        reasons[payload(e).reason] += 1
    return Coordination(
        comms_modelled=modelled,
        facts_derived=derived,
        unified_command=tuple(
            unified_command(read["unified"], end, _commanders(scenario)) if modelled else ()
        ),
        facts=tuple(
            derived_facts(read["derived"], end) if derived else fact_sharing(read["critical"], end)
        ),
        messages=len(read["queued"]),
        paths=between_agencies(read["queued"]),
        lost=tuple(_counted(e, payload(e).reason) for e in read["lost"]),
        lost_by_reason=dict(sorted(reasons.items())),
        channels=tuple(channel_load(read["channels"], end)),
        duplicated=tuple(_costed(e) for e in read["duplicated"]),
        conflicted=tuple(_costed(e) for e in read["conflicted"]),
        unsafe=tuple(s for e in read["harmed"] for s in _harm(e)),
        span=tuple(span_breaches(read["span"], end)),
        idle=tuple(idle_units(scenario, events)),
    )


def _sorted(events: Iterable[Event]) -> tuple[float, set[str], dict[str, list[Event]]]:
    """One pass: the last time, the kinds present and each measure's events in log order."""
    read: dict[str, list[Event]] = {name: [] for name in READS}
    routes: dict[str, tuple[list[Event], ...]] = {}
    end: float | None = None
    for e in events:
        if end is None or e.t > end:
            end = e.t
        lists = routes.get(e.kind)
        if lists is None:
            lists = routes[e.kind] = tuple(
                read[name] for name, wanted in READS.items() if _reads(wanted, e.kind)
            )
        for found in lists:
            found.append(e)
    return (0.0 if end is None else end), set(routes), read


def _reads(wanted: tuple[str, ...], kind: str) -> bool:
    return any(kind.startswith(w) if w.endswith(".") else kind == w for w in wanted)


def _counted(e: Event, note: str) -> Sample:
    return Sample(1.0, e.incident, e.agency, e.unit, (cite(e),), note)


def _harm(e: Event) -> list[Sample]:
    """A unit harmed by a hazard; or each operation's team hurt in a blue-on-blue.

    An operation's officers carry no unit id: the team is counted by the operation's.
    """
    if e.kind == "unit.harmed":
        return [_counted(e, payload(e).hazard)]
    met = payload(e)
    lapsed = [op for op, done in zip(met.operations, met.registered, strict=True) if not done]
    note = f"blue-on-blue: {' and '.join(met.operations)} met; not registered: {', '.join(lapsed)}"
    return [
        Sample(1.0, e.incident, agency, team, (cite(e),), note)
        for agency, team in zip(met.agencies, met.operations, strict=True)
    ]


def _costed(e: Event) -> Sample:
    """A tasking clash, charged to both agencies whose orders crossed ("ems and police").

    The unit's agency alone was charged when another agency's orders crossed its own:
    without unified command, neither coordinated with the other.
    """
    clash = payload(e)
    note = f"with {clash.with_agency}" if clash.with_agency else ""
    both = " and ".join(sorted({str(e.agency), clash.with_agency} - {""}))
    return Sample(float(clash.cost), e.incident, both, e.unit, (cite(e),), note)


def _commanders(scenario: Scenario) -> dict[str, str]:
    """Command-capable units, each with its agency."""
    return {u.id: u.agency for u in scenario.units if Capability.COMMAND in u.capabilities}


def unified_command(
    events: Sequence[Event], end: float, commanders: dict[str, str] | None = None
) -> list[Sample]:
    """Per incident: the second agency with jurisdiction on scene until unified command.

    Agencies with jurisdiction are the ones the incident needs (``incident.started``);
    a partner sent on a mutual-aid request assists under its host's command (NIMS), so
    its arrival starts no clock (0 if unified command came before).

    An incident that never got unified command counts to its resolution or the end of
    the exercise, noted "not established" (a censored miss), unless an agency on scene owns
    no command-capable unit: unified command needs every agency's commander there, so
    no player could have formed it (``validate`` warns of such scenarios).

    ``commanders`` (command-capable units and their agencies) names who held it up: the
    agencies on scene whose commander never came (before unified command formed), or
    the one whose commander came last after the second agency arrived; else the second
    agency, whose arrival made it due.
    """
    arrivals: dict[str, dict[str, Event]] = defaultdict(dict)
    came: dict[str, dict[str, Event]] = defaultdict(dict)  # incident -> agency -> commander
    jurisdiction: dict[str, set[str]] = {}
    established: dict[str, Event] = {}
    resolved: dict[str, Event] = {}
    for e in events:
        if e.kind == "incident.started":
            jurisdiction[e.incident] = set(payload(e).agencies)
        elif e.kind == "fact.critical" and e.incident in jurisdiction:
            jurisdiction[e.incident].update(payload(e).needed_by)  # drawn in by escalation
        elif e.kind in ("unit.on_scene", "unit.staged") and e.incident in jurisdiction:
            if e.agency not in jurisdiction[e.incident]:
                continue
            if e.kind == "unit.on_scene":
                arrivals[e.incident].setdefault(e.agency, e)
            elif payload(e).at != "perimeter":
                continue  # at a staging area: not at the scene
            if commanders and e.unit in commanders:  # ICS: it may command from outside
                came[e.incident].setdefault(e.agency, e)
        elif e.kind == "unified_command.established":
            established.setdefault(e.incident, e)
        elif e.kind == "incident.resolved":
            resolved.setdefault(e.incident, e)
    out, known = [], commanders is not None
    for incident in sorted(arrivals):
        firsts = sorted(arrivals[incident].values(), key=lambda e: e.seq)
        if len(firsts) < 2:
            continue
        second = firsts[1]
        present = [e.agency for e in firsts if e.seq <= second.seq]
        uc = established.get(incident)
        if uc is not None:
            value = max(0.0, round(uc.t - second.t, 3))
            held = _holding(present, came[incident] if known else None, second, uc)
            out.append(Sample(value, incident, held, None, (cite(second), cite(uc))))
            continue
        if commanders is not None and not set(present) <= set(commanders.values()):
            continue
        stop = resolved.get(incident)
        value = round((stop.t if stop else end) - second.t, 3)
        evidence = (cite(second), cite(stop)) if stop else (cite(second),)
        held = _holding(present, came[incident] if known else None, second, None)
        out.append(Sample(value, incident, held, None, evidence, "not established", censored=True))
    return out


def _holding(
    present: list[str], came: dict[str, Event] | None, second: Event, uc: Event | None
) -> str:
    """The agency that held unified command up (see ``unified_command``).

    Agencies on scene whose commander had not come by the time unified command formed
    (or ever) are named together ("ems and police"): it needs every agency's commander.
    With no commanders known (``came`` None), the second agency. ``uc``: when unified
    command was established (None: never), so a commander who came later held nothing up.
    """
    if came is None:
        return str(second.agency)
    here = {a: e for a, e in came.items() if uc is None or e.seq < uc.seq}
    missing = sorted(a for a in present if a not in here)
    if missing:
        return " and ".join(missing)
    last = max((here[a] for a in present), key=lambda e: e.seq)
    return str(last.agency if last.seq > second.seq else second.agency)


def fact_sharing(events: Sequence[Event], end: float) -> list[FactSharing]:
    """Each critical fact from first known (by anyone) to told to every agency needing it.

    A hazard an agency learned only when its crews walked into it did not reach it
    (``told.py``): it stays missing until somebody tells it.
    """
    critical: dict[str, Event] = {}
    learnings = told.Learnings()
    for e in events:
        if e.kind == "fact.critical":
            critical.setdefault(payload(e).fact, e)
        else:
            learnings.apply(e)
    return [
        _sharing(
            fact,
            critical[fact].incident,
            payload(critical[fact]).needed_by,
            learnings.told.get(fact, {}),
            end,
            critical[fact].t,
            learnings.first_knowers(fact),
        )
        for fact in sorted(critical, key=lambda f: (critical[f].seq, f))
    ]


def derived_facts(events: Sequence[Event], end: float) -> list[FactSharing]:
    """Incident existence as the critical fact, learned when each needed agency's CAD opens."""
    needed: dict[str, list[str]] = {}
    opened: dict[str, dict[str, Event]] = defaultdict(dict)
    for e in events:
        if e.kind == "incident.started":
            needed[e.incident] = list(payload(e).agencies)
        elif e.kind == "cad.opened":
            opened[e.incident].setdefault(e.agency, e)
    return [
        _sharing(fact_key("incident", i), i, needed[i], opened[i], end)
        for i in needed
        if len(needed[i]) > 1
    ]


def _sharing(
    fact: str,
    incident: str | None,
    needed_by: Iterable[str],
    learned: dict[str, Event],
    end: float,
    need: float = 0.0,
    firsts: Sequence[Event] = (),
) -> FactSharing:
    """How long a fact took to reach every agency needing it, from when it was needed.

    ``learned`` is each agency's first learning that reached it; ``firsts`` the first
    knowers' learnings when they differ (one that learned it only by harm), else the
    earliest of ``learned``, every agency at that instant. A fact known before it was
    needed (``need``: a fusion centre's warning about an incident still to come, whose
    responders nobody could name yet) is timed from the need, so passing it on ahead
    of time costs nothing.
    """
    needed = tuple(sorted(needed_by))
    if not firsts and learned:
        earliest = min(e.t for e in learned.values())
        firsts = sorted(
            (e for e in learned.values() if e.t == earliest), key=lambda e: str(e.agency)
        )
    if not firsts:
        return FactSharing(fact, incident, needed, None, None, needed, None, ())
    first = firsts[0]
    missing = tuple(a for a in needed if a not in learned)
    known = [learned[a] for a in needed if a in learned]
    last = max(known, key=lambda e: e.seq) if known else first
    all_known = None if missing else last.t
    latency = round(max(0.0, (end if missing else last.t) - max(first.t, need)), 3)
    evidence = tuple(cite(e) for e in firsts) + (() if last in firsts else (cite(last),))
    knowers = tuple(str(e.agency) for e in firsts if e.agency)
    return FactSharing(
        fact, incident, needed, first.t, all_known, missing, latency, evidence, knowers
    )


def between_agencies(queued: Iterable[Event]) -> dict[str, int]:
    """Messages from one agency to another, counted by the path each took.

    The path's SAFECOM continuum level is part of its name (``patch (level 4)``), so
    an evaluator sees how high up the continuum the agencies actually talked; a
    message with no route (lost at once) is counted under ``no path``.
    """
    counts: dict[str, int] = defaultdict(int)
    for e in queued:
        message = payload(e)
        if message.to is None or message.to == e.agency:
            continue
        path = message.path or "no path"
        label = PATHS.get(path, path)
        counts[f"{label} (level {message.level})" if message.level else label] += 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def channel_load(events: Sequence[Event], end: float) -> list[ChannelLoad]:
    """Airtime, utilisation over the exercise and per bin, queue waits and losses per channel."""
    sent: dict[str, list[Event]] = defaultdict(list)
    lost: dict[str, int] = defaultdict(int)
    for e in events:
        if e.kind == "message.sent":
            sent[payload(e).channel].append(e)
        elif e.kind == "message.lost":
            lost[str(payload(e).channel)] += 1
    bins = max(1, int(-(-end // LOAD_BIN_S)))
    out = []
    for channel in sorted(set(sent) | set(lost)):
        rows = sent.get(channel, [])
        airtime = sum(float(payload(e).airtime) for e in rows)
        waits = Distribution.of_values([float(payload(e).wait) for e in rows])
        load = [0.0] * bins
        for e in rows:
            load[min(bins - 1, int(e.t // LOAD_BIN_S))] += float(payload(e).airtime)
        out.append(
            ChannelLoad(
                channel=channel,
                sent=len(rows),
                lost=lost.get(channel, 0),
                airtime=round(airtime, 1),
                utilisation=round(airtime / end, 4) if end else 0.0,
                wait_mean=waits.mean,
                wait_p90=waits.p90,
                wait_max=waits.max,
                load=tuple(round(min(1.0, x / LOAD_BIN_S), 4) for x in load),
            )
        )
    return out


def span_breaches(events: Sequence[Event], end: float) -> list[Sample]:
    """Each sustained span-of-control breach and how long it lasted.

    Units arriving a moment before their supervisor, or one unit over the limit coming
    and going, are not a breach an evaluator would write up: a breach restored and
    exceeded again within ``SPAN_GRACE_S`` is one breach, and one that lasted less than
    that is not counted (ICS span of control: 3-7 per supervisor, 5 optimal).
    """
    spells: dict[tuple[str | None, str | None], list[list]] = {}
    for e in events:
        if not e.kind.startswith("span."):
            continue
        runs = spells.setdefault((e.agency, e.incident), [])
        if e.kind == "span.exceeded":
            if runs and runs[-1][1] is not None and e.t - runs[-1][1].t < SPAN_GRACE_S:
                runs[-1][1] = None  # exceeded again at once: the same breach goes on
            elif not runs or runs[-1][1] is not None:
                runs.append([e, None])
        elif e.kind == "span.restored" and runs and runs[-1][1] is None:
            runs[-1][1] = e
    out = []
    for (agency, incident), runs in spells.items():
        for start, stop in runs:
            lasted = (stop.t if stop else end) - start.t
            if lasted < SPAN_GRACE_S:
                continue
            if stop is None:
                note = "not restored"
                out.append(Sample(round(lasted, 3), incident, agency, None, (cite(start),), note))
            else:
                out.append(between(start, stop, incident=incident, agency=agency))
    return sorted(out, key=lambda s: s.evidence[0].seq)
