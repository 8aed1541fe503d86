"""Traffic: congestion that slows every vehicle, and the control points that beat it.

Congestion comes from the MSEL (a ``traffic`` row): its roads carry traffic at a share
of their normal speed until it clears. Responders are slowed with everyone else (one
speed view: the public is not simulated as vehicles), except where a police unit with
``traffic_control`` holds a traffic control point: it closes the road to the public
and waves emergency vehicles through, so they drive it at free flow. A control point
is a public closure, unlike ``CloseRoad``, which stops responders too.

Every change sets each affected edge's responder seconds in the road network, which
drops exactly the cached routes it changes; units whose road ahead was retimed plan
their trip again from the next intersection.
"""

from collections.abc import Callable
from dataclasses import dataclass

from simulator.commands import CommandBase, TrafficPoint
from simulator.engine.crews import Crews
from simulator.engine.kernel import Kernel
from simulator.engine.movement import Movement
from simulator.engine.roster import Roster
from simulator.engine.unit import Unit
from simulator.events import Event
from simulator.scenario.msel import TrafficInject
from simulator.scenario.vocabulary import Capability, UnitStatus
from simulator.world.atlas import Atlas

Verdict = tuple[str, Callable[[], object] | None]
# Events of a unit's status changing: one of these not made by this module means the
# unit was taken off its traffic point (dispatched, recalled, out of service).
STATUS_KINDS = tuple(sorted(f"unit.{s.value}" for s in UnitStatus))


@dataclass
class Jam:
    """One congestion inject while it lasts."""

    seq: int
    edges: tuple[int, ...]
    names: tuple[str, ...]
    speed: float


@dataclass
class Post:
    """A traffic control point: the unit holding it and the road it controls."""

    agency: str
    unit: str
    road: str
    edges: tuple[int, ...]
    node: int
    since: float | None = None  # set when the unit arrived; None while it drives there


class Congestion:
    """Congested roads, traffic control points, and the responder speeds they make."""

    def __init__(self, kernel: Kernel, roster: Roster, movement: Movement, crews: Crews) -> None:
        self.kernel = kernel
        self.roster = roster
        self.atlas: Atlas = roster.atlas
        self.movement = movement
        self.crews = crews
        self.jams: dict[int, Jam] = {}  # by MSEL seq
        self.posts: dict[str, Post] = {}  # by unit id
        self._slowed: set[int] = set()  # edges whose responder seconds traffic changed
        self._moving = False  # this module is changing a posted unit's status

    def orders(self) -> dict[type, Callable[[CommandBase], Verdict]]:
        """The command handlers this subsystem answers (``orders.py`` registers them)."""
        return {TrafficPoint: self.check_point}

    # -- congestion --------------------------------------------------------------------

    def congest(self, row: TrafficInject) -> None:
        """A traffic row fires: its roads slow down, until it clears if it has a time."""
        roads = self.atlas.roads
        edges = tuple(self.atlas.closure_edges(row))
        names = tuple(sorted({roads.names[k] for k in edges} - {""}))
        self.jams[row.seq] = Jam(row.seq, edges, names, row.speed)
        until = None if row.minutes is None else self.kernel.env.now + row.minutes * 60
        self.kernel.emit(
            "traffic.congested",
            seq=row.seq,
            edges=self._edge_ids(edges),
            names=list(names),
            speed=row.speed,
            until=until,
            description=row.description,
        )
        self._apply()
        if row.minutes is not None:
            self.kernel.at(row.minutes * 60, self._clear, row.seq)

    def _clear(self, seq: int) -> None:
        jam = self.jams.pop(seq)
        self.kernel.emit(
            "traffic.cleared", seq=seq, edges=self._edge_ids(jam.edges), names=list(jam.names)
        )
        self._apply()

    def speed(self, edge: int) -> float:
        """The share of free flow responders drive an edge at now (1: no traffic)."""
        if any(edge in p.edges for p in self.posts.values() if p.since is not None):
            return 1.0
        return min((j.speed for j in self.jams.values() if edge in j.edges), default=1.0)

    def _apply(self) -> None:
        """Set responder seconds on every edge traffic touches; replan units driving them."""
        roads = self.atlas.roads
        jammed = {k for j in self.jams.values() for k in j.edges}
        edges = sorted(jammed | self._slowed)
        seconds = [float(roads.free_flow[k]) / self.speed(k) for k in edges]
        self._slowed = jammed
        changed = roads.retime(edges, seconds)
        if not changed:
            return
        for unit, _edge in self.movement.driving_into(set(changed)):
            self.movement.reroute(unit)

    # -- traffic control points --------------------------------------------------------

    def check_point(self, command: TrafficPoint) -> Verdict:
        """Why the point cannot be posted (or released) now, or the change that does it."""
        unit = self.roster.units.get(command.unit)
        if unit is None:
            return f"unknown unit {command.unit!r}", None
        if unit.agency != command.agency:
            return f"unit {unit.id} belongs to {unit.agency}, not {command.agency}", None
        held = self.posts.get(unit.id)
        if command.release:
            if held is None:
                return f"unit {unit.id} holds no traffic point", None
            return "", lambda: self.release(unit, "released", home=True)
        if not unit.can(Capability.TRAFFIC_CONTROL):
            return f"unit {unit.id} has no traffic_control capability", None
        if held is not None:
            return f"unit {unit.id} already holds a traffic point on {held.road}", None
        if not unit.free:
            return f"unit {unit.id} is {unit.status.value} and not free to post", None
        edges, reason = self.atlas.road_edges(command.road, command.between)
        if reason:
            return reason, None
        covered = {k for p in self.posts.values() for k in p.edges}
        if set(edges) <= covered:
            return "a traffic point already controls that road", None
        node = self._post_node(edges)
        here, _ = self.movement.origin(unit)
        if self.atlas.roads.path(here, node) is None:
            return f"no open road from unit {unit.id} to the traffic point", None
        # The map's own spelling of a named street (a trainee may type it in any case).
        road = self.atlas.roads.names[edges[0]] if command.road else "-".join(command.between)
        return "", lambda: self._post(unit, road, tuple(edges), node)

    def _post_node(self, edges: list[int]) -> int:
        """Where the officer stands: the road's node nearest the middle of its ends."""
        roads = self.atlas.roads
        ends = sorted({int(roads.src[k]) for k in edges} | {int(roads.dst[k]) for k in edges})
        middle = roads.xy[ends].mean(axis=0)
        return min(ends, key=lambda n: (float(((roads.xy[n] - middle) ** 2).sum()), n))

    def _post(self, unit: Unit, road: str, edges: tuple[int, ...], node: int) -> None:
        self.crews.detach(unit)
        self.posts[unit.id] = Post(unit.agency, unit.id, road, edges, node)
        unit.posted = road
        self.movement.send(unit, node, self._arrived)
        self._moving = True
        self.crews.set_status(
            unit,
            UnitStatus.EN_ROUTE,
            to=self.roster.node_id(node),
            path=self.movement.path_ids(unit),
            eta=round(float(unit.trip.end), 3),
        )
        self._moving = False

    def _arrived(self, unit: Unit) -> None:
        post = self.posts[unit.id]
        post.since = self.kernel.env.now
        self._moving = True
        self.crews.set_status(
            unit, UnitStatus.STAGED, at=f"traffic point {post.road}", reason="traffic control"
        )
        self._moving = False
        x, y = self.atlas.roads.xy[post.node]
        self.kernel.emit(
            "traffic.point_set",
            agency=unit.agency,
            unit=unit.id,
            road=post.road,
            edges=self._edge_ids(post.edges),
            node=self.roster.node_id(post.node),
            x=float(x),
            y=float(y),
            congested=sorted(s for s, j in self.jams.items() if set(j.edges) & set(post.edges)),
        )
        self._apply()

    def release(self, unit: Unit, reason: str, home: bool = False) -> None:
        """Lift a unit's traffic point; ``home`` sends it back to station."""
        post = self.posts.pop(unit.id)
        unit.posted = None
        held = None if post.since is None else round(self.kernel.env.now - post.since, 3)
        self.kernel.emit(
            "traffic.point_released",
            agency=unit.agency,
            unit=unit.id,
            road=post.road,
            reason=reason,
            held=held,
        )
        self._apply()
        if home:
            self.crews.send_home(unit, reason="traffic point released")

    def watch(self, event: Event) -> None:
        """A posted unit given another order leaves its point (a free unit is not posted)."""
        if self._moving or event.unit not in self.posts:
            return
        self.release(self.roster.units[event.unit], event.kind.removeprefix("unit."))

    def _edge_ids(self, edges: tuple[int, ...]) -> list[list[str]]:
        roads = self.atlas.roads
        return [[roads.ids[roads.src[k]], roads.ids[roads.dst[k]]] for k in edges]
