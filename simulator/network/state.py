"""A seat's picture of the exercise as plain JSON: the reads a player or the view makes.

The server builds it from the exercise's role-filtered reads for the seat's agencies
(the controller's seat: every agency, every unit); the client's ``Mirror`` answers the
same reads from it. It is sent in sections, each only when it changed, so a quiet seat
costs little.
"""

from typing import Any

from simulator.exercise import CadIncident, Exercise, UnitView
from simulator.scenario.vocabulary import Triage


def seat_state(exercise: Exercise, agencies: tuple[str, ...]) -> dict[str, Any]:
    """Every section of the picture for these agencies, now."""
    held = sorted(
        {i.id for a in agencies for i in exercise.cad(a)}
        | {u.incident for a in agencies for u in exercise.units(a) if u.incident}
    )
    return {
        "cad": {
            a: {
                "open": [cad_json(i) for i in exercise.cad(a)],
                "entries": {i: [e.via, e.closed] for i, e in exercise.cad_lines(a).items()},
            }
            for a in agencies
        },
        "units": _units(exercise, agencies),
        "knowledge": {
            a: {k: [f.t, f.value, f.via, f.message] for k, f in exercise.knowledge(a).items()}
            for a in agencies
        },
        "incidents": {i: _incident(exercise, agencies, i) for i in held},
        "comms": {
            "channels": [
                [c.id, c.name, c.kind, c.medium, list(c.members), c.busy, c.queue, c.faulty]
                for c in exercise.channels()
            ],
            "patches": [[list(p.channels), p.agency, p.live] for p in exercise.patches()],
            "staging": {k: list(v) for k, v in exercise.staging_areas().items()},
            "holes": exercise.coverage_holes(),
        },
        "hospitals": [
            [
                h.id,
                h.node,
                {c.value: n for c, n in h.beds.items()},
                {c.value: n for c, n in h.in_use.items()},
            ]
            for h in exercise.hospitals()
        ],
    }


def _by_triage(counts: dict[Triage, int]) -> dict[str, int]:
    return {c.value: n for c, n in counts.items()}


def cad_json(incident: CadIncident) -> list[Any]:
    """One CAD incident as a list (``Mirror`` reads it back)."""
    return [
        incident.id,
        incident.type,
        incident.priority,
        incident.node,
        incident.opened,
        {c.value: n for c, n in incident.aid.items()},
        [
            [n.capability.value, n.required, n.assigned, n.on_scene, n.responsible]
            for n in incident.needs
        ],
    ]


def _units(exercise: Exercise, agencies: tuple[str, ...]) -> list[list[Any]]:
    """Visible units; our own with where they can next turn, for estimated arrivals."""
    mine = set(agencies)
    free = {u for a in agencies for u in exercise.free_units(a)}
    out = []
    for view in exercise.visible_units(list(agencies)):
        row = _unit_json(view)
        if view.agency in mine:
            node, reach, at_home = exercise.turning_point(view.id)
            row.append([node, reach, at_home, view.id in free])
        out.append(row)
    return out


def _unit_json(view: UnitView) -> list[Any]:
    return [
        view.id,
        view.agency,
        view.type,
        view.status.value,
        view.incident,
        sorted(c.value for c in view.capabilities),
        round(view.x, 1),
        round(view.y, 1),
    ]


def _incident(exercise: Exercise, agencies: tuple[str, ...], incident: str) -> dict[str, Any]:
    """Command at an incident one of the agencies holds or works."""
    post = exercise.command_post(incident)
    return {
        "post": list(post) if post else None,
        "unified": exercise.unified(incident),
        "problem": exercise.unify_problem(incident),
        "supervision": list(exercise.supervision(incident)),
        "commanders": {a: exercise.commanders_on_scene(a, incident) for a in agencies},
        "assigned": exercise.assigned(incident, agencies),
    }


def inject_state(exercise: Exercise) -> list[dict[str, Any]]:
    """The controller's script: each MSEL row in order, due, held or released (and when).

    The controller's seat alone gets it: the MSEL is what trainees must not see coming.
    """
    return [
        {
            "seq": row.seq,
            "time": row.time,
            "type": row.type,
            "to": list(row.to),
            "description": row.description,
            "status": row.status,
            "released": row.released,
            "expected_action": row.expected_action,
            "notes": row.notes,
            "objectives": list(row.objectives),
            "contingency": row.contingency,
        }
        for row in exercise.injects()
    ]
