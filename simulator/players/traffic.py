"""Traffic control: police post officers where traffic blocks the way to their scenes.

Congestion is public (the traffic news: ``traffic.congested``). A police dispatcher
following procedure posts a free ``traffic_control`` unit at a congested street near
one of its open incidents, so that ambulances and engines get through (a traffic
control point closes the street to the public and waves responders on). It takes
only units left free once the incidents' own needs are met, and releases them when
the congestion clears. The expert posts at once, on every congested street near a
scene and farther out; SOP after a while, one street per jam, close in; poor never.
"""

import math
from dataclasses import dataclass, field

from simulator.commands import TrafficPoint
from simulator.events import Event
from simulator.players.profile import Profile
from simulator.scenario.vocabulary import Capability
from simulator.viewpoint import Viewpoint

# A street whose point was refused (another agency's officer holds it, or no road
# leads there) is not asked for again before this many seconds: a refusal changes
# nothing, and asking on every batch would never let the exercise move on.
REFUSED_RETRY_S = 300.0

_KINDS = frozenset(
    {
        "traffic.congested",
        "traffic.cleared",
        "traffic.point_set",
        "traffic.point_released",
        "cad.opened",
        "incident.resolved",
    }
)


@dataclass
class _Jam:
    """A congestion inject as the traffic news gave it."""

    start: float
    names: tuple[str, ...]
    posted: set[str] = field(default_factory=set)  # streets we posted a unit at


class TrafficDesk:
    """One police agency's traffic control points: where to post, and when to lift them."""

    def __init__(self, desk: Viewpoint, style: Profile) -> None:
        self.desk = desk
        self.after_s = float(style.traffic_after_s or 0.0)
        self.radius_m = style.traffic_radius_m
        self.every_street = style.traffic_every_street
        self.jams: dict[int, _Jam] = {}
        self.controlled: set[str] = set()  # streets with a point set or on its way
        self.ours: dict[str, str] = {}  # our unit -> the street it holds
        self.incidents: set[str] = set()  # open in our CAD
        self._streets: dict[str, list[tuple[float, float]]] = {}
        self.refused: dict[str, float] = {}  # street -> when its point was last refused

    def observe(self, events: list[Event]) -> None:
        """Follow the traffic news and our CAD; post or lift points when due."""
        cleared: list[_Jam] = []
        for event in events:
            if event.kind in _KINDS:
                cleared += self._follow(event)
        for jam in cleared:
            self._lift(jam)
        if self.jams and self.incidents:
            self._post()

    def _follow(self, event: Event) -> list[_Jam]:
        kind, data = event.kind, event.data
        if kind == "traffic.congested":
            self.jams[int(data["seq"])] = _Jam(event.t, tuple(data["names"]))
        elif kind == "traffic.cleared":
            jam = self.jams.pop(int(data["seq"]), None)
            return [jam] if jam else []
        elif kind == "traffic.point_set":
            self.controlled.add(str(data["road"]))
        elif kind == "traffic.point_released":
            self.controlled.discard(str(data["road"]))
            if self.ours.pop(str(event.unit), None) is not None:
                for jam in self.jams.values():
                    jam.posted.discard(str(data["road"]))
        elif kind == "cad.opened" and event.agency == self.desk.agency:
            self.incidents.add(str(event.incident))
        elif kind == "incident.resolved":
            self.incidents.discard(str(event.incident))
        return []

    def _lift(self, jam: _Jam) -> None:
        """The jam cleared: our officers on its streets (and no other jam's) go home."""
        still = {n for j in self.jams.values() for n in j.names}
        for unit, street in sorted(self.ours.items()):
            if street in jam.names and street not in still:
                self.desk.submit(TrafficPoint(agency=self.desk.agency, unit=unit, release=True))

    def _post(self) -> None:
        """Post free traffic units at congested streets near our scenes, when due."""
        free = [
            u for u in self.desk.free_units() if self.desk.unit_can(u, Capability.TRAFFIC_CONTROL)
        ]
        if not free:
            return
        now = self.desk.now
        for seq in sorted(self.jams):
            jam = self.jams[seq]
            if jam.posted and not self.every_street:
                continue
            for incident, street in self._wanted(jam, now):
                chosen = self.desk.nearest(free, incident, 1)
                if not chosen:
                    continue  # no free unit has an open road there
                command = TrafficPoint(agency=self.desk.agency, unit=chosen[0], road=street)
                if self.desk.submit(command).accepted:
                    self.ours[chosen[0]] = street
                    self.controlled.add(street)
                    jam.posted.add(street)
                    free.remove(chosen[0])
                else:
                    self.refused[street] = now
                if not free:
                    return
                if not self.every_street:
                    break

    def _wanted(self, jam: _Jam, now: float) -> list[tuple[str, str]]:
        """(incident, street) pairs still to post, nearest street to a scene first."""
        pairs = []
        for incident in sorted(self.incidents):
            view = self.desk.cad_incident(incident)
            if view is None or now - max(jam.start, view.opened) < self.after_s:
                continue
            x, y = self.desk.where(view.node)
            for street in jam.names:
                if street in self.controlled or self._refused_lately(street, now):
                    continue
                metres = min(math.dist((x, y), p) for p in self._street(street))
                if metres <= self.radius_m:
                    pairs.append((metres, street, incident))
        pairs.sort()
        seen: set[str] = set()
        out = []
        for _, street, incident in pairs:
            if street not in seen:
                seen.add(street)
                out.append((incident, street))
        return out

    def _refused_lately(self, street: str, now: float) -> bool:
        return now - self.refused.get(street, -math.inf) < REFUSED_RETRY_S

    def _street(self, name: str) -> list[tuple[float, float]]:
        if name not in self._streets:
            self._streets[name] = self.desk.street(name)
        return self._streets[name]
