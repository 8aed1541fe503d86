"""Shared builders: small hand-made scenarios whose every time can be worked out by hand.

The default map (36 km/h everywhere, so 1000 m takes 100 s)::

    S ---Main Street--- M ---Main Street--- I ---Hospital Road--- H
    |                                       |
    West Lane                               East Lane
    |                                       |
    D1 -------------Back Road (2000 m)----- D2

All stations sit at S, the hospital at H and incidents default to I. The direct route
S->I takes 200 s; the detour S-D1-D2-I takes 400 s.
"""

import copy
import math
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from simulator.commands import Share
from simulator.events import Event
from simulator.exercise import Exercise
from simulator.payloads import declared
from simulator.scenario import Scenario, parse

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"

KMH_10MS = 36.0  # 36 km/h is 10 m/s

DEFAULT_NODES = [
    {"id": "S", "x": 0, "y": 0},
    {"id": "M", "x": 1000, "y": 0},
    {"id": "I", "x": 2000, "y": 0},
    {"id": "H", "x": 3000, "y": 0},
    {"id": "D1", "x": 0, "y": 1000},
    {"id": "D2", "x": 2000, "y": 1000},
]
DEFAULT_EDGES = [
    {"from": "S", "to": "M", "speed_kmh": KMH_10MS, "name": "Main Street"},
    {"from": "M", "to": "I", "speed_kmh": KMH_10MS, "name": "Main Street"},
    {"from": "I", "to": "H", "speed_kmh": KMH_10MS, "name": "Hospital Road"},
    {"from": "S", "to": "D1", "speed_kmh": KMH_10MS, "name": "West Lane"},
    {"from": "D1", "to": "D2", "speed_kmh": KMH_10MS, "name": "Back Road"},
    {"from": "D2", "to": "I", "speed_kmh": KMH_10MS, "name": "East Lane"},
]

# Calls are answered after ring_seconds and processed after processing_seconds (no
# spread), so the lead CAD opens at RING + PROCESSING after the incident starts.
RING = 6.0
PROCESSING = 50.0
CAD_OPENS = RING + PROCESSING


def psap(**overrides: Any) -> dict:
    """A PSAP with exact (spread-free) call-taking times."""
    return {
        "call_takers": 2,
        "ring_seconds": RING,
        "processing_seconds": PROCESSING,
        "processing_spread": 0,
        **overrides,
    }


def agency(ident: str, kind: str, **overrides: Any) -> dict:
    return {"id": ident, "name": ident.title(), "kind": kind, "psap": psap(), **overrides}


def unit(ident: str, agency_id: str, capabilities: list[str], station: str, **kw: Any) -> dict:
    return {
        "id": ident,
        "agency": agency_id,
        "type": kw.pop("type", "unit"),
        "capabilities": capabilities,
        "station": station,
        **kw,
    }


def incident(
    ident: str = "INC1",
    *,
    at: str | dict = "I",
    time: float | str = 0,
    seq: int = 1,
    **spec: Any,
) -> dict:
    """An incident MSEL row; by default it needs one patrol unit and calls police."""
    body = {
        "id": ident,
        "title": f"Incident {ident}",
        "location": at,
        "incident_type": spec.pop("incident_type", "traffic_collision"),
        "requires": spec.pop("requires", {"patrol": 1}),
        "calls": spec.pop("calls", {"count": 1, "agency": "police"}),
        **spec,
    }
    return {
        "seq": seq,
        "time": time,
        "type": "incident",
        "to": ["police"],
        "description": f"{ident} happens",
        "incident": body,
    }


def closure(
    seq: int,
    time: float | str,
    *,
    roads: list[str] | None = None,
    edges: list[list[str]] | None = None,
    action: str = "close",
) -> dict:
    row: dict[str, Any] = {
        "seq": seq,
        "time": time,
        "type": "road_closure",
        "action": action,
        "to": ["police"],
        "description": f"roads {action}",
    }
    if roads:
        row["roads"] = roads
    if edges:
        row["edges"] = edges
    return row


def scenario_dict(
    *,
    msel: list[dict] | None = None,
    units: list[dict] | None = None,
    agencies: list[dict] | None = None,
    stations: list[dict] | None = None,
    hospitals: list[dict] | None = None,
    staging_areas: list[dict] | None = None,
    nodes: list[dict] | None = None,
    edges: list[dict] | None = None,
    settings: dict | None = None,
    communications: dict | None = None,
    duration: str | float = "04:00",
) -> dict:
    """A complete, valid scenario as plain data; every section can be replaced."""
    return {
        "metadata": {
            "id": "test-scenario",
            "title": "Test scenario",
            "briefing": "Built by the tests.",
            "duration": duration,
        },
        "map": {
            "kind": "graph",
            "nodes": copy.deepcopy(nodes if nodes is not None else DEFAULT_NODES),
            "edges": copy.deepcopy(edges if edges is not None else DEFAULT_EDGES),
        },
        "settings": {
            "misroute_probability": 0,
            "travel_noise": 0,
            "conflict_probability": 0,
            **(settings or {}),
        },
        "communications": communications or {},
        "agencies": agencies
        if agencies is not None
        else [
            agency("police", "police", turnout_seconds=30),
            agency("fire", "fire", turnout_seconds=60),
            agency("ems", "ems", turnout_seconds=20),
        ],
        "stations": stations
        if stations is not None
        else [
            {"id": "PS", "agency": "police", "location": "S"},
            {"id": "FS", "agency": "fire", "location": "S"},
            {"id": "ES", "agency": "ems", "location": "S"},
        ],
        "hospitals": hospitals
        if hospitals is not None
        else [{"id": "H1", "location": "H", "beds": {"immediate": 4, "delayed": 4, "minor": 4}}],
        "staging_areas": staging_areas or [],
        "units": units
        if units is not None
        else [
            unit("P1", "police", ["patrol", "traffic_control"], "PS"),
            unit("F1", "fire", ["fire_suppression", "rescue"], "FS"),
            unit("M1", "ems", ["als", "bls", "transport"], "ES"),
        ],
        "msel": msel if msel is not None else [incident()],
    }


def joint_data(
    extra_agencies: tuple[dict, ...] = (), extra_units: tuple[dict, ...] = (), **overrides: Any
) -> dict:
    """The default map with police, fire, EMS and a federal agency, each with one unit.

    The base of the joint-operations tests (handling levels, operations, the fusion
    centre); ``extra_agencies`` and ``extra_units`` are added after the defaults.
    """
    return scenario_dict(
        agencies=[
            agency("police", "police", turnout_seconds=30),
            agency("fire", "fire", turnout_seconds=60),
            agency("ems", "ems", turnout_seconds=20),
            agency("feds", "federal"),
            *extra_agencies,
        ],
        stations=[
            {"id": "PS", "agency": "police", "location": "S"},
            {"id": "FS", "agency": "fire", "location": "S"},
            {"id": "ES", "agency": "ems", "location": "S"},
            {"id": "FED", "agency": "feds", "location": "S"},
        ],
        units=[
            unit("P1", "police", ["patrol", "traffic_control"], "PS"),
            unit("F1", "fire", ["fire_suppression", "rescue"], "FS"),
            unit("M1", "ems", ["als", "bls", "transport"], "ES"),
            unit("FED1", "feds", ["investigation"], "FED"),
            *extra_units,
        ],
        **overrides,
    )


def build(data: dict) -> Scenario:
    return parse(data, "test.yaml")


def one_objective(metric: str, target: float) -> Scenario:
    """The default scenario scored by one objective with one measure."""
    data = scenario_dict()
    data["scoring"] = {
        "objectives": [
            {
                "id": "O",
                "title": "t",
                "core_capability": "c",
                "measures": [{"metric": metric, "target": target}],
            }
        ]
    }
    return build(data)


def exercise(data: dict | None = None, seed: int = 0, **kw: Any) -> Exercise:
    """An exercise of ``data`` (or of ``scenario_dict(**kw)``), with no players."""
    return Exercise(build(data if data is not None else scenario_dict(**kw)), seed=seed)


def run_until(ex: Exercise, predicate: Callable[[], bool], limit: float | None = None) -> float:
    """Step the simulation event by event until ``predicate`` holds; returns the time."""
    limit = ex.end if limit is None else limit
    while not predicate():
        upcoming = ex.engine.env.peek()
        if not math.isfinite(upcoming) or upcoming > limit:
            raise AssertionError(f"condition never held before t={limit}")
        ex.advance(upcoming)
    return ex.now


def open_cad(ex: Exercise, agency_id: str, incident_id: str = "INC1") -> float:
    """Run until ``agency_id``'s CAD holds the incident.

    With no players attached nobody passes the word on, so once the call-taking agency
    knows, it shares the incident with ``agency_id`` as its dispatcher would.
    """
    agencies = sorted(ex.engine.cads)
    run_until(ex, lambda: any(ex.knows(a, incident_id) for a in agencies))
    if not ex.knows(agency_id, incident_id):
        teller = next(a for a in agencies if ex.knows(a, incident_id))
        tell(ex, teller, agency_id, incident_id)
    return run_until(ex, lambda: ex.knows(agency_id, incident_id))


def tell(ex: Exercise, teller: str, to: str, incident_id: str = "INC1") -> None:
    """``teller`` shares everything it knows of an incident with ``to``."""
    result = ex.submit(Share(agency=teller, to=to, incident=incident_id), source="test")
    assert result.accepted, result.reason


def kinds(ex: Exercise, *wanted: str, unit: str | None = None) -> list[Event]:
    """Events of the given kinds (optionally for one unit), in order."""
    return [e for e in ex.log.of_kind(*wanted) if unit is None or e.unit == unit]


def first(ex: Exercise, kind: str, **match: Any) -> Event:
    """The first event of ``kind`` whose fields (or data) match."""
    for event in ex.log.events:
        if event.kind != kind:
            continue
        if all(getattr(event, k, event.data.get(k)) == v for k, v in match.items()):
            return event
    raise AssertionError(f"no {kind} event with {match}")


def status(ex: Exercise, unit_id: str) -> str:
    return ex.engine.units[unit_id].status.value


def unit_statuses(ex: Exercise, unit_id: str) -> list[str]:
    """Every status a unit passed through, in order (from its unit.* events)."""
    from simulator.scenario.vocabulary import UnitStatus

    names = {f"unit.{s.value}" for s in UnitStatus}
    return [
        e.kind.removeprefix("unit.") for e in ex.log.events if e.unit == unit_id and e.kind in names
    ]


@pytest.fixture
def default_data() -> dict:
    return scenario_dict()


@pytest.fixture(autouse=True)
def _private_database(tmp_path_factory, monkeypatch):
    """Every test (and its subprocesses) records into a scratch database, never the home."""
    monkeypatch.setenv("SIMULATOR_DB", str(tmp_path_factory.mktemp("db") / "exercises.sqlite"))


def _empty(hint: Any) -> Any:
    """The empty value of a declared payload type (None where None is allowed)."""
    origin = typing.get_origin(hint) or hint
    if origin in (typing.Union, types.UnionType) or hint is Any:
        return None
    return {str: "", int: 0, float: 0.0, bool: False, list: [], dict: {}}[origin]


def complete(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """A hand-built event's data with every declared field it leaves out empty.

    Review reads payloads strictly (``simulator.payloads``); a test states the fields
    it is about and the rest are empty, as a real record of the kind would have them.
    """
    missing = {
        name: _empty(hint)
        for name, (hint, required) in declared(kind).items()
        if required and name not in data
    }
    return {**missing, **data}


class LogBuilder:
    """Hand-built event logs: ``add(t, kind, agency=, unit=, incident=, **data)``.

    Fields of the kind's payload that a test leaves out are filled in empty.
    """

    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(
        self,
        t: float,
        kind: str,
        agency: str | None = None,
        unit: str | None = None,
        incident: str | None = None,
        **data: Any,
    ) -> "LogBuilder":
        self.events.append(
            Event(
                len(self.events) + 1,
                float(t),
                kind,
                agency,
                unit,
                incident,
                complete(kind, data),
            )
        )
        return self


@pytest.fixture
def app():
    """A 1280x720 map-view window under the dummy SDL driver, closed after the test."""
    import pygame
    import view_helpers  # noqa: F401  (sets the dummy driver before pygame starts)

    from simulator.view.app import App

    application = App((1280, 720))
    yield application
    pygame.display.quit()
