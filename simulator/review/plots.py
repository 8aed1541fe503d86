"""Figures for the after-action report: matplotlib (Agg, no window), PNG as base64.

Each function takes plain data and returns a base64 PNG, or None when there is nothing
to draw. Figures are built on ``matplotlib.figure.Figure`` directly, so no global pyplot
state leaks between reports.
"""

import base64
import io
import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import matplotlib
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from simulator.events import Event
from simulator.payloads import payload
from simulator.review.coordination import LOAD_BIN_S, ChannelLoad, FactSharing
from simulator.review.findings import seconds_text
from simulator.review.intervals import Check

# Headless: never open a window, whatever the environment says.
matplotlib.use("Agg")

STATUS_COLOURS = {
    "available": "#d9d9d9",
    "dispatched": "#fdd49e",
    "en_route": "#fc8d59",
    "staged": "#c994c7",
    "on_scene": "#d7301f",
    "transporting": "#2b8cbe",
    "at_hospital": "#7bccc4",
    "returning": "#a6d96a",
    "out_of_service": "#525252",
}
# Interval plots are logarithmic; a zero interval is drawn at this multiple of target.
FLOOR = 0.05
AGENCY_COLOURS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
)


def _png(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _minutes_axis(ax: object, end: float) -> None:
    ax.set_xlim(0, end / 60)
    ax.set_xlabel("exercise time (minutes, T+)")


def unit_status_timeline(events: Sequence[Event], end: float) -> str | None:
    """One bar per unit, grouped by agency, coloured by status over time."""
    spans: dict[tuple[str, str], list[tuple[float, str]]] = defaultdict(list)
    for e in events:
        if e.unit and e.kind.startswith("unit.") and "prev" in e.data:
            spans[(e.agency, e.unit)].append((e.t, e.kind.removeprefix("unit.")))
    if not spans:
        return None
    keys = sorted(spans)
    fig = Figure(figsize=(10, 0.6 + 0.16 * len(keys)))
    ax = fig.subplots()
    for row, key in enumerate(keys):
        changes = spans[key]
        for (t, status), nxt in zip(changes, [*changes[1:], (end, "")], strict=True):
            if nxt[0] > t:
                ax.broken_barh(
                    [(t / 60, (nxt[0] - t) / 60)],
                    (row - 0.4, 0.8),
                    color=STATUS_COLOURS.get(status, "#999"),
                )
    ax.set_yticks(range(len(keys)), [f"{a}: {u}" for a, u in keys], fontsize=6)
    ax.invert_yaxis()
    _minutes_axis(ax, end)
    ax.legend(
        handles=[Patch(color=c, label=s.replace("_", " ")) for s, c in STATUS_COLOURS.items()],
        ncol=5,
        fontsize=7,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.08 - 2.0 / len(keys)),
    )
    ax.set_title("Unit status over time (units without a status change are not shown)", fontsize=9)
    return _png(fig)


_MARKS = {
    "call.received": ("x", "#333333", "first 911 call"),
    "unit.dispatched": ("v", "#fc8d59", "first dispatch"),
    "unit.on_scene": ("o", "#d7301f", "first unit on scene"),
    "incident.requirements_met": ("s", "#2b8cbe", "full assignment on scene"),
    "incident.escalated": ("*", "#000000", "escalated"),
}


def incident_timelines(events: Sequence[Event], end: float) -> str | None:
    """Each incident from start to resolution, with its key events marked."""
    started: dict[str, float] = {}
    resolved: dict[str, float] = {}
    marks: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for e in events:
        if e.kind == "incident.started":
            started[e.incident] = e.t
        elif e.kind == "incident.resolved":
            resolved.setdefault(e.incident, e.t)
        elif e.kind in _MARKS and e.incident:
            seen = marks[e.incident][e.kind]
            if e.kind == "incident.escalated" or not seen:
                seen.append(e.t)
    if not started:
        return None
    order = sorted(started, key=lambda i: (started[i], i))
    fig = Figure(figsize=(10, 0.8 + 0.32 * len(order)))
    ax = fig.subplots()
    for row, incident in enumerate(order):
        t0, t1 = started[incident], resolved.get(incident, end)
        ax.broken_barh([(t0 / 60, (t1 - t0) / 60)], (row - 0.3, 0.6), color="#c6dbef")
        for kind, times in marks[incident].items():
            marker, colour, _ = _MARKS[kind]
            ax.scatter(
                [t / 60 for t in times],
                [row] * len(times),
                marker=marker,
                color=colour,
                s=28,
                zorder=3,
            )
    ax.set_yticks(range(len(order)), order, fontsize=7)
    ax.invert_yaxis()
    _minutes_axis(ax, end)
    handles = [
        ax.scatter([], [], marker=m, color=c, label=label) for m, c, label in _MARKS.values()
    ]
    ax.legend(
        handles=handles,
        fontsize=7,
        ncol=5,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12 - 1.5 / len(order)),
    )
    ax.set_title("Incidents: open (bar) and key events", fontsize=9)
    return _png(fig)


def intervals_against_targets(checks: Sequence[Check]) -> str | None:
    """Every sample of each response standard as a multiple of its target (1 = target)."""
    observed = [c for c in checks if c.observed]
    if not observed:
        return None
    fig = Figure(figsize=(10, 0.8 + 0.5 * len(observed)))
    ax = fig.subplots()
    for row, check in enumerate(observed):
        ratios = [max(FLOOR, v / check.target) for v in check.values]
        ys = [row + ((i % 7) - 3) * 0.05 for i in range(len(ratios))]
        colours = ["#2ca02c" if r <= 1 else "#d62728" for r in ratios]
        ax.scatter(ratios, ys, c=colours, s=14, zorder=3)
        if check.judged is not None:
            judged = max(FLOOR, check.judged / check.target)
            ax.plot([judged] * 2, [row - 0.35, row + 0.35], color="#ff7f0e", linewidth=2)
    ax.axvline(1.0, color="black", linestyle="--", linewidth=1)
    labels = [
        f"{c.name}, {'average ' if c.average else ''}target {seconds_text(c.target)}"
        f"\n({c.standard})"
        for c in observed
    ]
    ax.set_yticks(range(len(observed)), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(FLOOR, max(2.0, *(max(c.values) / c.target * 1.3 for c in observed)))
    ax.set_xlabel(
        "multiple of target (dashed: target; orange: the percentile at the required share, "
        "or the mean for an average; red: over target)"
    )
    ax.set_title("Response intervals against standards", fontsize=9)
    return _png(fig)


def channel_load(channels: Sequence[ChannelLoad], end: float) -> str | None:
    """Each radio channel's airtime share per time bin."""
    if not channels:
        return None
    fig = Figure(figsize=(10, 3))
    ax = fig.subplots()
    for i, channel in enumerate(channels):
        xs = [(k + 0.5) * LOAD_BIN_S / 60 for k in range(len(channel.load))]
        ax.plot(
            xs,
            [100 * x for x in channel.load],
            label=channel.channel,
            color=AGENCY_COLOURS[i % len(AGENCY_COLOURS)],
        )
    _minutes_axis(ax, end)
    ax.set_ylabel("airtime (% of bin)")
    ax.set_ylim(0, 100)
    ax.legend(fontsize=7, ncol=4)
    ax.set_title(f"Channel load per {LOAD_BIN_S / 60:g} minutes", fontsize=9)
    return _png(fig)


def fact_latency(facts: Sequence[FactSharing]) -> str | None:
    """Minutes from first known to known by all who needed it; red when never complete."""
    shown = [f for f in facts if f.latency is not None]
    if not shown:
        return None
    fig = Figure(figsize=(10, 0.8 + 0.28 * len(shown)))
    ax = fig.subplots()
    colours = ["#d62728" if f.missing else "#1f77b4" for f in shown]
    ax.barh(range(len(shown)), [f.latency / 60 for f in shown], color=colours)
    ax.set_yticks(range(len(shown)), [f.fact for f in shown], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("minutes from first known to known by every agency needing it (red: never)")
    ax.set_title("Critical fact sharing", fontsize=9)
    return _png(fig)


Point = tuple[float, float]
# The status change that sets a unit off on each kind of drive; a reroute continues it.
_DRIVES = {
    "unit.en_route": "responding",
    "unit.transporting": "transporting",
    "unit.returning": "returning",
}
TRANSPORT_COLOUR = "#08306b"


class _Style(NamedTuple):
    """How a kind of drive is drawn; no colour: the agency's."""

    label: str
    colour: str | None
    line: str
    width: float
    alpha: float


# A transport stands out in one colour of its own, so the patients' trips can be followed.
_DRIVE_STYLES = {
    "responding": _Style("responding", None, "-", 1.2, 0.35),
    "transporting": _Style("taking patients to hospital", TRANSPORT_COLOUR, "--", 1.8, 0.8),
    "returning": _Style("returning to station", None, ":", 0.9, 0.35),
}


@dataclass(frozen=True)
class Leg:
    """One path a unit set off on, or was rerouted onto, in map coordinates."""

    drive: str  # "responding", "transporting" or "returning"
    agency: str
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Routes:
    """What the map draws of the units: their legs, and the hospitals patients reached."""

    legs: tuple[Leg, ...] = ()
    hospitals: dict[str, Point] = field(default_factory=dict)


def unit_routes(events: Sequence[Event], nodes: dict[str, Point]) -> Routes:
    """Every leg units drove, by kind of drive, and where each hospital reached lies.

    A reroute belongs to the drive under way, so a transport turned by a closed road is
    still a transport; a hospital lies at the end of the last leg of a unit reaching it.
    """
    under_way: dict[str, str] = {}
    last: dict[str, Leg] = {}
    legs: list[Leg] = []
    hospitals: dict[str, Point] = {}
    for e in events:
        if e.kind == "unit.at_hospital" and e.unit in last and last[e.unit].points:
            hospitals[payload(e).hospital] = last[e.unit].points[-1]
            continue
        if e.kind in _DRIVES:
            under_way[e.unit] = _DRIVES[e.kind]
        elif e.kind != "unit.rerouted":
            continue
        if not e.agency:
            continue
        points = tuple(nodes[n] for n in payload(e).path if n in nodes)
        last[e.unit] = Leg(under_way.get(e.unit, "responding"), e.agency, points)
        legs.append(last[e.unit])
    return Routes(tuple(legs), hospitals)


def incident_map(
    events: Sequence[Event],
    nodes: dict[str, Point],
    roads: Sequence[tuple[float, float, float, float]],
) -> str | None:
    """Roads, the legs units drove (by agency and kind of drive) and the incidents."""
    incidents = [e for e in events if e.kind == "incident.started"]
    if not incidents:
        return None
    fig = Figure(figsize=(9, 9))
    ax = fig.subplots()
    ax.add_collection(
        LineCollection([((a, b), (c, d)) for a, b, c, d in roads], colors="#dddddd", linewidths=0.5)
    )
    routes = unit_routes(events, nodes)
    agencies = sorted({leg.agency for leg in routes.legs})
    colour = {a: AGENCY_COLOURS[i % len(AGENCY_COLOURS)] for i, a in enumerate(agencies)}
    _draw_legs(ax, routes.legs, colour)
    _draw_hospitals(ax, routes.hospitals)
    for e in incidents:
        x, y = payload(e).x, payload(e).y
        ax.scatter([x], [y], marker="*", s=160, color="#d62728", edgecolor="black", zorder=4)
        ax.annotate(
            e.incident, (x, y), textcoords="offset points", xytext=(6, 4), fontsize=7, zorder=5
        )
    ax.autoscale()
    ax.set_aspect("equal")
    ax.invert_yaxis()
    ax.set_xlabel("metres east")
    ax.set_ylabel("metres south")
    if routes.legs:
        ax.legend(
            handles=_route_legend(routes, colour),
            fontsize=7,
            loc="upper left",
            bbox_to_anchor=(1.01, 1),
            title="routes driven",
            title_fontsize=7,
        )
    ax.set_title("Incidents (stars), unit routes and patient transports", fontsize=9)
    return _png(fig)


def _draw_legs(ax: object, legs: Sequence[Leg], colour: dict[str, str]) -> None:
    """Each kind of drive in its style, transports on top so they are not hidden."""
    segments: dict[tuple[str, str], list] = defaultdict(list)
    for leg in legs:
        segments[(leg.drive, leg.agency)].extend(itertools.pairwise(leg.points))
    for (drive, agency), lines in sorted(segments.items()):
        style = _DRIVE_STYLES[drive]
        ax.add_collection(
            LineCollection(
                lines,
                colors=style.colour or colour[agency],
                linestyles=style.line,
                linewidths=style.width,
                alpha=style.alpha,
                zorder=3 if drive == "transporting" else 2,
            )
        )


def _draw_hospitals(ax: object, hospitals: dict[str, Point]) -> None:
    """A cross at each hospital patients were taken to, named."""
    for hospital, (x, y) in sorted(hospitals.items()):
        ax.scatter([x], [y], marker="P", s=110, color="white", edgecolor=TRANSPORT_COLOUR, zorder=4)
        ax.annotate(
            hospital, (x, y), textcoords="offset points", xytext=(6, -10), fontsize=7, zorder=5
        )


def _route_legend(routes: Routes, colour: dict[str, str]) -> list:
    """The agencies' colours, then the line style of each kind of drive on the map."""
    handles: list = [Line2D([], [], color=c, label=a) for a, c in colour.items()]
    drawn = {leg.drive for leg in routes.legs}
    for style in (s for drive, s in _DRIVE_STYLES.items() if drive in drawn):
        line = {"color": style.colour or "#555555", "linestyle": style.line}
        handles.append(Line2D([], [], label=style.label, linewidth=style.width, **line))
    if routes.hospitals:
        handles.append(
            Line2D(
                [],
                [],
                marker="P",
                linestyle="",
                markerfacecolor="white",
                markeredgecolor=TRANSPORT_COLOUR,
                label="hospital patients were taken to",
            )
        )
    return handles
