"""Moving units along the road graph: one scheduled arrival per trip.

A trip's intermediate positions are never simulated; they are interpolated when
someone asks. Changing a unit's goal bumps its epoch, which makes the old arrival
callback a no-op, so no process has to be interrupted.
"""

import math
from collections.abc import Callable

import numpy as np

from simulator.engine.kernel import Kernel
from simulator.engine.roster import Roster
from simulator.engine.unit import Unit
from simulator.world.margin import Margin
from simulator.world.roads import MAX_WIDENINGS, WIDENING
from simulator.world.route import Trip

Arrival = Callable[[Unit], None]


class Movement:
    """Plans trips, reroutes around closures and answers where units are."""

    def __init__(self, kernel: Kernel, roster: Roster) -> None:
        self.kernel = kernel
        self.roster = roster
        self.roads = self.roster.atlas.roads
        self._noise = self.kernel.streams.get("travel")
        self._sigma = self.roster.scenario.settings.travel_noise
        # Per unit: the unit, its rank in id order (ties in a ranking go by id) and its
        # agency's turnout; and the speed factors by rank.
        units = self.roster.sorted_units()
        turnout = {a.id: a.turnout for a in self.roster.agency_specs()}
        self._units = units
        self._rank = {u.spec.id: i for i, u in enumerate(units)}
        self._turnout = np.array([turnout[u.spec.agency] for u in units], dtype=float)
        self._speed = np.array([u.spec.speed_factor for u in units], dtype=float)
        # By rank, where each unit is parked (-1 while it drives) and the turnout a
        # dispatch from there costs (its agency's at its own station, else none): kept
        # as units stop and start, so a ranking reads them for all its units at once.
        self._parked = np.empty(len(units), dtype=np.int64)
        self._parked_turnout = np.zeros(len(units))
        for unit in units:
            unit.placed = self._place
            self._place(unit)
        self._stops: dict[Unit, tuple[Trip, float, int, float]] = {}  # see ``_state``
        self._margin = Margin()  # how far a ranking's first search goes

    def _place(self, unit: Unit) -> None:
        """Note where a unit is parked, if it is, and whether there it is ``at_home``."""
        rank = self._rank[unit.spec.id]
        self._parked[rank] = -1 if unit.trip is not None else unit.node
        self._parked_turnout[rank] = self._turnout[rank] if unit.at_home else 0.0

    def origin(self, unit: Unit) -> tuple[int, float]:
        """The node a unit can next turn at, and when it gets there."""
        now = self.kernel.env.now
        trip = unit.trip
        if trip is None:
            return unit.node, now
        if now >= trip.end:
            return trip.destination, now
        i = trip.next_stop(now)
        return int(trip.nodes[i]), float(trip.times[i])

    def position(self, unit: Unit, t: float) -> tuple[float, float]:
        """Where a unit is at time ``t`` (interpolated along its trip)."""
        if unit.trip is not None:
            return unit.trip.position(t)
        x, y = self.roads.xy[unit.node]
        return float(x), float(y)

    def eta(self, unit: Unit, target: int) -> float:
        """Estimated seconds for a unit to reach ``target`` (no noise, no turnout)."""
        node, reach = self.origin(unit)
        seconds = self.roads.seconds_from(node, target)
        return float((reach - self.kernel.env.now) + seconds / unit.spec.speed_factor)

    def nearest(self, ids: list[str], target: int, count: int, farthest: bool = False) -> list[str]:
        """The ``count`` units that reach ``target`` first (last if ``farthest``), ties by id.

        Only units with an open road to the target are named, so fewer than ``count``
        may come back.

        Each unit's time is ``eta`` plus its turnout if at its station (as dispatch
        counts it), computed for all units at once. Ranking the nearest searches the
        roads only as far as it must to be sure no unit left out could come sooner;
        the order is the one a whole search gives.
        """
        now = self.kernel.env.now
        ranks, nodes, lead, turnout = self._state(ids, now)
        speed = self._speed[ranks]
        limit, bound = math.inf, 0.0
        wanted = min(count, len(ids))  # all of them: every one's ETA must be known
        ranking = not farthest and wanted > 0
        if ranking:
            bound = self._bound(nodes, target, wanted)
            limit = self._margin.first_limit(bound)
        kept, widening = ranking, 0  # a tree kept toward the target may settle it at once
        while True:
            seconds, searched = self.roads.reach(nodes, target, limit, kept=kept)
            etas = turnout + (lead + seconds / speed)
            if searched == math.inf or _sure(
                etas, seconds, turnout + (lead + searched / speed), wanted
            ):
                break
            if kept and searched < limit:  # it fell short: search as far as first planned
                kept = False
                continue
            kept, widening = False, widening + 1
            limit = searched * WIDENING if widening < MAX_WIDENINGS else math.inf
        if ranking:
            self._margin.learn(bound, _needed(etas, seconds, turnout + lead, speed, wanted))
        # Ties by id: the units' ranks follow their ids. A unit no open road joins to
        # the target is left out: a dispatch naming it would be refused whole.
        order = np.lexsort((ranks, -etas if farthest else etas))
        order = order[np.isfinite(etas[order])][:count]
        return [ids[i] for i in order.tolist()]

    def warm(self, groups: list[tuple[list[str], int]], target: int) -> None:
        """Search once as far as several rankings toward ``target`` will first go.

        A dispatcher filling several needs at one incident ranks its units need by need;
        a later need's units may be farther, and its search would start again from
        scratch. Searching at once as far as the farthest first guess leaves every one
        of them a kept tree (the rankings are the same either way). Where a tree is
        already kept toward the target, whatever its reach, it is left to the rankings,
        each searching on only if it falls short: over whole runs that searches less
        (city day 5.70 M road nodes against 5.85 M; metro day 138.8 M against 139.1 M),
        though a short kept tree then costs a search a ranking instead of one.
        """
        now, limit = self.kernel.env.now, 0.0
        for ids, count in groups:
            wanted = min(count, len(ids))
            if wanted > 0:
                _, nodes, _, _ = self._state(ids, now)
                bound = self._bound(nodes, target, wanted)
                limit = max(limit, self._margin.first_limit(bound))
        if limit > 0.0:
            self.roads.reach(np.empty(0, dtype=np.int64), target, limit, kept=True)

    def _bound(self, nodes: np.ndarray, target: int, wanted: int) -> float:
        """The straight-line bound of the ``wanted``-th nearest of units at ``nodes``."""
        bounds = self.roads.lower_bound(nodes, target)
        bounds.partition(wanted - 1)
        return float(bounds[wanted - 1])

    def _state(
        self, ids: list[str], now: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per unit: its rank, ``origin`` node, seconds until there, and turnout.

        A parked unit's are kept by rank (``_place``); a driving unit's next stop is
        looked up once per trip and instant: players rank the same free units for one
        incident after another.
        """
        ranks = np.fromiter(map(self._rank.__getitem__, ids), dtype=np.int64, count=len(ids))
        nodes = self._parked[ranks]
        turnouts = self._parked_turnout[ranks]
        leads = np.zeros(len(ids))
        driving = (nodes < 0).nonzero()[0]
        if len(driving):
            units, stops = self._units, self._stops
            for i, rank in zip(driving.tolist(), ranks[driving].tolist(), strict=True):
                unit = units[rank]
                trip = unit.trip
                stop = stops.get(unit)
                if stop is None or stop[0] is not trip or stop[1] != now:
                    stop = stops[unit] = (trip, now, *self.origin(unit))
                nodes[i] = stop[2]
                leads[i] = stop[3] - now
        return ranks, nodes, leads, turnouts

    def send(self, unit: Unit, target: int, on_arrive: Arrival) -> bool:
        """Start a unit toward ``target``.

        Returns False when closures leave no open road: the unit then waits at its next
        intersection, keeps its goal, and drives on when a road reopens.
        """
        unit.factor = float(np.exp(self._noise.normal(0.0, self._sigma))) / unit.spec.speed_factor
        unit.goal = (target, on_arrive)
        self._drive(unit)
        return not unit.stranded

    def hold(self, unit: Unit) -> None:
        """Forget the unit's goal; a moving unit stops at the next intersection."""
        unit.goal = None
        unit.stranded = False
        node, reach = self.origin(unit)
        self._go(unit, [node], reach, lambda u: None)

    def _drive(self, unit: Unit) -> None:
        target, on_arrive = unit.goal
        node, reach = self.origin(unit)
        path = self.roads.path(node, target)
        unit.stranded = path is None
        if path is None:
            self.kernel.emit(
                "unit.no_route",
                agency=unit.agency,
                unit=unit.id,
                at=self.roads.ids[node],
                to=self.roads.ids[target],
            )
            self._go(unit, [node], reach, lambda u: None)
            return
        self._go(unit, path, reach, on_arrive)

    def _go(self, unit: Unit, path: list[int], reach: float, on_arrive: Arrival) -> None:
        now = self.kernel.env.now
        trip = self.roads.trip(path, reach, unit.factor)
        if reach > now and unit.trip is not None:
            trip = _prefix(trip, unit.trip.position(now), now)
        unit.trip = trip
        self._place(unit)
        unit.epoch += 1
        epoch = unit.epoch
        self.kernel.at(trip.end - now, self._arrive, unit, epoch, on_arrive)

    def _arrive(self, unit: Unit, epoch: int, on_arrive: Arrival) -> None:
        if unit.epoch != epoch:
            return
        unit.node = unit.trip.destination
        unit.trip = None
        self._place(unit)
        if not unit.stranded:
            unit.goal = None
        on_arrive(unit)

    def path_ids(self, unit: Unit) -> list[str]:
        """The node ids of a unit's current trip, for the event log."""
        return [self.roads.ids[n] for n in unit.trip.nodes.tolist() if n >= 0]

    def driving_into(self, closed: set[int]) -> list[tuple[Unit, int]]:
        """Moving units whose planned road ahead crosses a just-closed edge, and that edge."""
        now = self.kernel.env.now
        edge_of = self.roads.edge_of
        out = []
        for unit in self.roster.sorted_units():
            if unit.trip is None or unit.goal is None or now >= unit.trip.end:
                continue
            for edge in unit.trip.edges_ahead(now):
                if edge_of.get(edge) in closed:
                    out.append((unit, edge_of[edge]))
                    break
        return out

    def reroute(self, unit: Unit) -> None:
        """A unit told of a closure ahead turns off at its next intersection."""
        self._drive(unit)
        if not unit.stranded:
            self.rerouted(unit)

    def drive_to(self, unit: Unit, closed_edge: int, on_arrive: Arrival) -> None:
        """Keep to the planned road as far as the intersection before ``closed_edge``."""
        now = self.kernel.env.now
        nodes = unit.trip.nodes.tolist()
        start = unit.trip.next_stop(now)
        stop = next(
            j
            for j in range(start, len(nodes) - 1)
            if self.roads.edge_of.get((nodes[j], nodes[j + 1])) == closed_edge
        )
        _, reach = self.origin(unit)
        self._go(unit, nodes[start : stop + 1], reach, on_arrive)

    def after_reopening(self) -> None:
        """Give stranded units another try."""
        for unit in self.roster.sorted_units():
            if unit.stranded and unit.goal is not None:
                target, _ = unit.goal
                node, _ = self.origin(unit)
                if np.isfinite(self.roads.seconds_to(target)[node]):
                    self._drive(unit)
                    self.rerouted(unit)

    def rerouted(self, unit: Unit) -> None:
        """Log a unit's new path (the view redraws its trip from it)."""
        self.kernel.emit(
            "unit.rerouted",
            agency=unit.agency,
            unit=unit.id,
            incident=unit.incident,
            path=self.path_ids(unit),
            eta=round(float(unit.trip.end), 3),
        )


def _needed(
    etas: np.ndarray, seconds: np.ndarray, start: np.ndarray, speed: np.ndarray, count: int
) -> float:
    """The least search limit (seconds) that would have settled this ranking at once.

    It reaches the first ``count`` units, and goes far enough that every other unit is
    either reached or, at that limit, sure to come later (``_sure``); ``start`` is each
    unit's turnout plus its lead to its next node.
    """
    first = etas.argpartition(count - 1)
    top, rest = first[:count], first[count:]
    kth = etas[top].max()
    rest_need = np.minimum(seconds[rest], (kth - start[rest]) * speed[rest])
    return float(max(seconds[top].max(), rest_need.max(initial=0.0)))


def _sure(etas: np.ndarray, seconds: np.ndarray, floor: np.ndarray, count: int) -> bool:
    """Whether the ``count`` first among units the search reached beat every other.

    A unit not reached is farther than the limit searched, so it comes no sooner than
    ``floor`` (its ETA at exactly that limit).
    """
    known = np.isfinite(seconds)
    if known.sum() < count:
        return False
    if known.all():
        return True
    reached = etas[known]
    reached.partition(count - 1)
    return bool(reached[count - 1] < floor[~known].min())


def _prefix(trip: Trip, point: tuple[float, float], now: float) -> Trip:
    """Start a trip part-way along the road the unit is already on."""
    return Trip(
        nodes=np.concatenate(([-1], trip.nodes)),
        points=np.vstack((np.asarray(point)[None, :], trip.points)),
        times=np.concatenate(([now], trip.times)),
    )
