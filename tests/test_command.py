"""Incident command: command posts, unified command, tasking clashes, span of control.

Default map (conftest): police hear of INC1 at 56 s and share it with fire over the
CAD-to-CAD link, which fire hears at 76.02 s. Police units (30 s turnout) reach I at
286 s; fire units (60 s turnout) dispatched at 76.02 s reach it at 336.02 s.
"""

import pytest
from conftest import (
    CAD_OPENS,
    agency,
    build,
    exercise,
    first,
    incident,
    kinds,
    open_cad,
    run_until,
    scenario_dict,
    unit,
)

from simulator.commands import (
    CommandPost,
    Dispatch,
    OpenStaging,
    RequestMutualAid,
    Share,
    UnifiedCommand,
)
from simulator.exercise import Exercise
from simulator.players import attach_players

POLICE_ON_SCENE = CAD_OPENS + 30 + 200
FIRE_TOLD = CAD_OPENS + 20 / 1000 + 20  # a 20-word share on the CAD-to-CAD link
FIRE_ON_SCENE = FIRE_TOLD + 60 + 200

UNITS = [
    unit("P1", "police", ["patrol"], "PS"),
    unit("PC", "police", ["command"], "PS", type="command"),
    unit("F1", "fire", ["fire_suppression"], "FS"),
    unit("FC", "fire", ["command"], "FS", type="command"),
]


def scene(settings=None, communications=None, msel_extra=(), **spec) -> dict:
    spec.setdefault("requires", {"patrol": 1, "fire_suppression": 1})
    spec.setdefault("work_minutes", 30)
    return scenario_dict(
        units=UNITS,
        msel=[incident(**spec), *msel_extra],
        settings=settings,
        communications=communications,
    )


def start(data: dict, police=("P1", "PC"), fire=("FC",)) -> Exercise:
    """Police and fire dispatch as soon as each hears of INC1 (fire only of its existence)."""
    ex = exercise(data)
    open_cad(ex, "police")
    if police:
        assert ex.submit(Dispatch(agency="police", incident="INC1", units=list(police))).accepted
    share = Share(agency="police", to="fire", facts=["incident:INC1"])
    assert ex.submit(share).accepted
    run_until(ex, lambda: ex.knows("fire", "INC1"))
    assert ex.now == pytest.approx(FIRE_TOLD)
    if fire:
        assert ex.submit(Dispatch(agency="fire", incident="INC1", units=list(fire))).accepted
    return ex


def on_scene(ex: Exercise, *units: str) -> float:
    return run_until(ex, lambda: set(units) <= ex.engine.incidents["INC1"].on_scene)


def unify(ex: Exercise) -> None:
    on_scene(ex, "PC", "FC")
    assert ex.submit(CommandPost(agency="police", incident="INC1", unit="PC")).accepted
    result = ex.submit(UnifiedCommand(agency="fire", incident="INC1"))
    assert result.accepted, result.reason


# -- command post and unified command ----------------------------------------------


def test_a_command_unit_on_scene_sets_up_the_command_post():
    ex = start(scene())
    on_scene(ex, "PC")
    assert ex.command_post("INC1") is None
    assert ex.submit(CommandPost(agency="police", incident="INC1", unit="PC")).accepted
    post = first(ex, "command_post.established")
    assert (post.agency, post.unit, post.incident) == ("police", "PC", "INC1")
    assert post.data == {"node": "I", "x": 2000.0, "y": 0.0}
    assert ex.command_post("INC1") == ("police", "PC")


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        (CommandPost(agency="police", incident="INC1", unit="P1"), "unit P1 is not a command unit"),
        (
            CommandPost(agency="fire", incident="INC1", unit="FC"),
            "unit FC is not at INC1 (on scene or at its perimeter)",
        ),
        (
            CommandPost(agency="police", incident="INC1", unit="FC"),
            "unit FC belongs to fire, not police",
        ),
        (
            CommandPost(agency="ems", incident="INC1", unit="PC"),
            "incident 'INC1' is not in ems's CAD",
        ),
    ],
    ids=["not command", "not on scene", "other agency", "not in CAD"],
)
def test_command_post_rejections(command, reason):
    ex = start(scene())
    on_scene(ex, "PC")
    result = ex.submit(command)
    assert (result.accepted, result.reason) == (False, reason)


def test_commanders_held_at_the_perimeter_command_from_there():
    """ICS: the command post stands outside the hazard area; held chiefs unify there."""
    ex = exercise(scene())
    open_cad(ex, "police")
    held = Dispatch(agency="police", incident="INC1", units=["PC"], hold=True)
    assert ex.submit(held).accepted
    assert ex.submit(Share(agency="police", to="fire", facts=["incident:INC1"])).accepted
    run_until(ex, lambda: ex.knows("fire", "INC1"))
    assert ex.submit(Dispatch(agency="fire", incident="INC1", units=["FC"], hold=True)).accepted
    staged = lambda u: ex.engine.units[u].status.value == "staged"  # noqa: E731
    run_until(ex, lambda: staged("PC"))
    assert ex.submit(CommandPost(agency="police", incident="INC1", unit="PC")).accepted
    assert ex.submit(UnifiedCommand(agency="police", incident="INC1")).reason == (
        "needs command units of at least two agencies at the scene"
    )
    run_until(ex, lambda: staged("FC"))
    result = ex.submit(UnifiedCommand(agency="fire", incident="INC1"))
    assert result.accepted, result.reason
    assert ex.unified("INC1") == ["fire", "police"]
    assert ex.engine.incidents["INC1"].on_scene == set()  # both still outside


def test_automated_commanders_waiting_outside_take_command():
    """A chief held for a precondition (scene secure) sets up the post outside at once."""
    gate = {
        "id": "scene_secure",
        "name": "scene secure",
        "capability": "patrol",
        "minutes": 3,
        "blocks_agencies": ["fire"],
    }
    needs = {"patrol": 1, "fire_suppression": 1, "command": 1}
    ex = exercise(scene(requires=needs, responsible={"command": "fire"}, preconditions=[gate]))
    attach_players(ex, ["police", "fire", "ems"])
    ex.advance(3600)
    post = first(ex, "command_post.established")
    assert first(ex, "unit.staged", unit="FC").data["reason"] == "waiting for scene secure"
    staged = [e.t for e in kinds(ex, "unit.staged", unit=post.unit) if e.data["at"] == "perimeter"]
    on = [e.t for e in kinds(ex, "unit.on_scene", unit=post.unit)]
    assert post.t == min(staged + on)


def test_only_one_command_post_per_incident():
    ex = start(scene())
    on_scene(ex, "PC", "FC")
    assert ex.submit(CommandPost(agency="police", incident="INC1", unit="PC")).accepted
    result = ex.submit(CommandPost(agency="fire", incident="INC1", unit="FC"))
    assert result.reason == "INC1 already has a command post (set up by police)"


def test_unified_command_is_rejected_without_a_command_post():
    ex = start(scene())
    on_scene(ex, "PC", "FC")
    result = ex.submit(UnifiedCommand(agency="police", incident="INC1"))
    assert result.reason == "set up a command post at the incident first"
    assert ex.unify_problem("INC1") == result.reason
    assert not kinds(ex, "unified_command.established")


def test_unified_command_needs_command_units_of_two_agencies():
    ex = start(scene(), fire=("F1",))
    on_scene(ex, "PC", "F1")
    assert ex.submit(CommandPost(agency="police", incident="INC1", unit="PC")).accepted
    result = ex.submit(UnifiedCommand(agency="police", incident="INC1"))
    assert result.reason == "needs command units of at least two agencies at the scene"
    result = ex.submit(UnifiedCommand(agency="fire", incident="INC1"))
    assert result.reason == "fire has no command unit at INC1"


def test_unified_command_is_established_once_and_shows_other_units():
    ex = start(scene())
    assert {v.id for v in ex.visible_units(["police"])} == {"P1", "PC"}
    unify(ex)
    established = first(ex, "unified_command.established")
    assert established.incident == "INC1"
    assert established.data == {"agencies": ["fire", "police"], "channel": "cp-INC1"}
    assert ex.unified("INC1") == ["fire", "police"]
    assert {v.id for v in ex.visible_units(["police"])} == {"P1", "PC", "FC"}
    assert {v.id for v in ex.visible_units(["ems"])} == set()
    again = ex.submit(UnifiedCommand(agency="police", incident="INC1"))
    assert again.reason == "unified command is already established"


def test_unified_command_pools_facts_after_command_post_seconds():
    # Police alone are told the casualty count (0) before unified command, and a
    # hazard-free "condition" later: both reach fire by liaison after 45 s.
    tip = {
        "seq": 2,
        "time": 100,
        "type": "information",
        "to": ["police"],
        "description": "no injuries",
        "facts": ["casualties:INC1"],
    }
    data = scene(msel_extra=[tip], communications={"command_post_seconds": 45})
    ex = start(data)
    assert "casualties:INC1" not in ex.knowledge("fire")
    unify(ex)
    unified_at = ex.now
    run_until(ex, lambda: "casualties:INC1" in ex.knowledge("fire"))
    fact = first(ex, "fact.learned", agency="fire", fact="casualties:INC1")
    assert fact.t == pytest.approx(unified_at + 45)
    assert fact.data["via"] == "command_post"
    assert ex.picture_gap("INC1", ["police", "fire"]) == {"fire": [], "police": []}


def test_without_unified_command_facts_are_not_pooled():
    tip = {
        "seq": 2,
        "time": 100,
        "type": "information",
        "to": ["police"],
        "description": "no injuries",
        "facts": ["casualties:INC1"],
    }
    ex = start(scene(msel_extra=[tip]))
    on_scene(ex, "PC", "FC")
    ex.advance(ex.now + 600)
    assert ex.picture_gap("INC1", ["police", "fire"]) == {
        "fire": ["casualties:INC1"],
        "police": [],
    }


def test_the_command_post_is_a_level_1_liaison_path():
    separate = {
        "systems": [{"id": "county"}],
        "channels": [
            {"id": f"{a}-dispatch", "kind": "dispatch", "system": "county", "members": [a]}
            for a in ("police", "fire", "ems")
        ],
        "command_post_seconds": 40,
    }
    data = scene(communications=separate)
    ex = exercise(data)
    open_cad(ex, "police")
    assert ex.submit(Dispatch(agency="police", incident="INC1", units=["PC"])).accepted
    # With no common channel fire can only be told by the controller's inject.
    ex.engine.learn("fire", "incident:INC1", ex.engine.truth("incident:INC1"), "inject")
    assert ex.submit(Dispatch(agency="fire", incident="INC1", units=["FC"])).accepted
    unify(ex)
    ex.engine.learn("police", "casualties:INC1", 0, "inject")  # pooled, not a message
    assert ex.submit(Share(agency="police", to="fire", incident="INC1")).accepted
    ex.advance(ex.now)
    queued = kinds(ex, "message.queued")[-1]
    assert (queued.data["channel"], queued.data["path"], queued.data["level"]) == (
        "cp-INC1",
        "command_post",
        1,
    )
    sent_at = ex.now
    run_until(ex, lambda: bool(kinds(ex, "message.delivered")))
    delivered = first(ex, "message.delivered")
    spec = ex.engine.network.lines["cp-INC1"].spec
    airtime = spec.setup_seconds + queued.data["words"] / spec.words_per_second
    assert delivered.t == pytest.approx(sent_at + airtime + 40)


# -- tasking clashes ------------------------------------------------------------------


def test_without_unified_command_a_second_agency_meets_conflicting_tasking():
    data = scene(settings={"conflict_probability": 1, "conflict_seconds": 90})
    ex = start(data, police=("P1",), fire=("F1",))
    run_until(ex, lambda: bool(kinds(ex, "incident.requirements_met")))
    conflict = first(ex, "assignment.conflicted")
    assert (conflict.t, conflict.agency, conflict.unit) == (
        pytest.approx(FIRE_ON_SCENE),
        "fire",
        "F1",
    )
    assert conflict.data == {"with_agency": "police", "cost": 90}
    assert first(ex, "unit.on_scene", unit="F1").t == pytest.approx(FIRE_ON_SCENE)
    assert ex.now == pytest.approx(FIRE_ON_SCENE + 90)
    assert first(ex, "unit.on_scene", unit="P1").t == pytest.approx(POLICE_ON_SCENE)
    assert not kinds(ex, "assignment.conflicted", unit="P1")
    # The moment F1 starts work is logged, so a player (and a CAD read) can tell.
    joined = first(ex, "assignment.sorted", unit="F1")
    assert (joined.t, joined.incident, joined.data) == (
        pytest.approx(FIRE_ON_SCENE + 90),
        "INC1",
        {"waited": 90},
    )
    assert not kinds(ex, "assignment.sorted", unit="P1")


def test_with_unified_command_there_is_no_clash():
    data = scene(settings={"conflict_probability": 1, "conflict_seconds": 90})
    ex = start(data, police=("P1", "PC"), fire=("FC",))
    unify(ex)
    # FC itself arrived before unified command and lost 90 s; F1 comes after it.
    assert [e.unit for e in kinds(ex, "assignment.conflicted")] == ["FC"]
    assert ex.submit(Dispatch(agency="fire", incident="INC1", units=["F1"])).accepted
    sent = ex.now
    run_until(ex, lambda: bool(kinds(ex, "incident.requirements_met")))
    assert ex.now == pytest.approx(sent + 260)
    assert [e.unit for e in kinds(ex, "assignment.conflicted")] == ["FC"]
    assert not kinds(ex, "assignment.duplicated")


def test_a_second_agency_repeating_covered_work_is_a_duplicated_assignment():
    units = [*UNITS, unit("FX", "fire", ["patrol"], "FS")]
    data = scenario_dict(
        units=units,
        msel=[incident(requires={"patrol": 1})],
        settings={"conflict_seconds": 50},
    )
    ex = exercise(data)
    open_cad(ex, "police")
    assert ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"])).accepted
    assert ex.submit(Share(agency="police", to="fire", facts=["incident:INC1"])).accepted
    run_until(ex, lambda: ex.knows("fire", "INC1"))
    assert ex.submit(Dispatch(agency="fire", incident="INC1", units=["FX"])).accepted
    run_until(ex, lambda: bool(kinds(ex, "assignment.duplicated")))
    dup = first(ex, "assignment.duplicated")
    assert dup.t == pytest.approx(FIRE_ON_SCENE)
    assert (dup.unit, dup.data) == ("FX", {"with_agency": "police", "cost": 50})


# -- span of control ------------------------------------------------------------------


def span_data(span: int, extra_units=()) -> dict:
    units = [unit(f"P{k}", "police", ["patrol"], "PS") for k in (1, 2, 3)]
    return scenario_dict(
        units=[*units, *extra_units],
        msel=[incident(requires={"patrol": 1}, work_minutes=10)],
        settings={"span_of_control": span},
    )


def run_span(data: dict, later=()) -> Exercise:
    ex = exercise(data)
    open_cad(ex, "police")
    assert ex.submit(Dispatch(agency="police", incident="INC1", units=["P1", "P2", "P3"])).accepted
    if later:
        ex.advance(356)
        assert ex.submit(Dispatch(agency="police", incident="INC1", units=list(later))).accepted
    run_until(ex, lambda: bool(kinds(ex, "incident.work_completed")))
    return ex


def test_too_many_units_for_one_supervisor_slow_the_work():
    ex = run_span(span_data(2))
    exceeded = first(ex, "span.exceeded")
    assert exceeded.t == pytest.approx(POLICE_ON_SCENE)
    assert exceeded.incident == "INC1"
    assert exceeded.data == {"supervisors": 0, "units": 3, "limit": 2, "factor": 0.667}
    assert ex.now == pytest.approx(POLICE_ON_SCENE + 600 * 3 / 2)


def test_within_span_the_work_runs_at_full_rate():
    ex = run_span(span_data(5))
    assert not kinds(ex, "span.exceeded")
    assert ex.now == pytest.approx(POLICE_ON_SCENE + 600)


def test_command_units_restore_the_span():
    commanders = [unit(f"C{k}", "police", ["command"], "PS") for k in (1, 2)]
    ex = run_span(span_data(2, commanders), later=("C1", "C2"))
    arrive = 356 + 30 + 200
    restored = first(ex, "span.restored")
    assert restored.t == pytest.approx(arrive)
    assert restored.data == {"supervisors": 2, "units": 3, "limit": 2, "factor": 1.0}
    done_by_then = (arrive - POLICE_ON_SCENE) * 2 / 3
    assert ex.now == pytest.approx(arrive + 600 - done_by_then)


def aid_data() -> dict:
    agencies = [
        agency("police", "police", turnout_seconds=30),
        agency("fire", "fire", turnout_seconds=60),
        agency("ems", "ems", turnout_seconds=20),
        agency("nvfire", "fire", turnout_seconds=60, jurisdiction="Northvale"),
    ]
    stations = [
        {"id": "PS", "agency": "police", "location": "S"},
        {"id": "FS", "agency": "fire", "location": "S"},
        {"id": "ES", "agency": "ems", "location": "S"},
        {"id": "NS", "agency": "nvfire", "location": "H"},
    ]
    units = [*UNITS, unit("NF1", "nvfire", ["fire_suppression"], "NS")]
    return scenario_dict(agencies=agencies, stations=stations, units=units)


@pytest.mark.parametrize(
    "to",
    [
        "nvfire",
        "Northvale",
    ],
)
def test_mutual_aid_by_agency_or_jurisdiction(to):
    ex = exercise(aid_data())
    run_until(ex, lambda: ex.knows("police", "INC1"))
    command = RequestMutualAid(
        agency="police", to=to, incident="INC1", capability="fire_suppression"
    )
    result = ex.submit(command)
    assert result.accepted, result.reason
    assert first(ex, "mutual_aid.requested").data["to"] == "nvfire"
    run_until(ex, lambda: bool(kinds(ex, "mutual_aid.received")))
    received = first(ex, "mutual_aid.received")
    assert (received.agency, received.data["source"], received.data["count"]) == (
        "nvfire",
        "police",
        1,
    )
    assert ex.knows("nvfire", "INC1")


def test_an_automated_dispatcher_asks_only_partners_whose_units_can_help():
    # Fire answers a hazmat call with none of its own; of its partners, county has no
    # hazmat unit and the neighbour has one.
    data = aid_data()
    data["agencies"][1]["mutual_aid"] = ["county", "nvfire"]
    data["agencies"].append(agency("county", "fire", jurisdiction="Lake County"))
    data["stations"].append({"id": "CS", "agency": "county", "location": "D1"})
    data["units"] += [
        unit("CE1", "county", ["fire_suppression"], "CS"),
        unit("HZ1", "nvfire", ["hazmat"], "NS"),
    ]
    row = incident(requires={"hazmat": 1}, calls={"count": 1, "agency": "fire"})
    data["msel"] = [{**row, "to": ["fire"]}]
    ex = Exercise(build(data), seed=0)
    attach_players(ex, ["police", "fire", "ems", "county", "nvfire"])
    ex.advance(ex.end)
    asked = [(e.agency, e.data["to"]) for e in kinds(ex, "mutual_aid.requested")]
    assert asked == [("fire", "nvfire")]
    assert not kinds(ex, "command.rejected")
    assert first(ex, "unit.on_scene", unit="HZ1")


def test_mutual_aid_to_an_unknown_jurisdiction_is_rejected():
    ex = exercise(aid_data())
    run_until(ex, lambda: ex.knows("police", "INC1"))
    command = RequestMutualAid(
        agency="police", to="Southvale", incident="INC1", capability="fire_suppression"
    )
    assert ex.submit(command).reason == "unknown agency or jurisdiction 'Southvale'"


def test_open_staging_at_a_node_or_near_a_point():
    ex = exercise(scenario_dict())
    assert ex.submit(OpenStaging(agency="fire", id="ST1", node="M")).accepted
    opened = first(ex, "staging.opened")
    assert (opened.agency, opened.data) == (
        "fire",
        {"staging": "ST1", "node": "M", "x": 1000.0, "y": 0.0},
    )
    assert ex.submit(OpenStaging(agency="fire", id="ST2", x=1900, y=900)).accepted
    assert kinds(ex, "staging.opened")[-1].data["node"] == "D2"
    assert ex.submit(OpenStaging(agency="fire", id="ST1", node="H")).reason == (
        "staging area 'ST1' already exists"
    )
    assert ex.submit(OpenStaging(agency="fire", id="ST3", node="Q")).reason == (
        "unknown road node 'Q'"
    )
    assert ex.submit(OpenStaging(agency="fire", id="ST3", x=5)).reason == (
        "give a node, or both x and y"
    )
    far = ex.submit(OpenStaging(agency="fire", id="ST3", x=69000, y=0))
    assert far.reason == "(69000, 0) is off the map: 66000 m from the nearest road"


# -- determinism ------------------------------------------------------------------------


def faulty_scenario() -> dict:
    msel = [
        incident(
            requires={"patrol": 1, "fire_suppression": 1},
            casualties={"delayed": 1, "minor": 2},
            hazards=[{"id": "chem", "kind": "chemical", "reported": True}],
        ),
        incident("INC2", at="D2", time=300, seq=2, requires={"fire_suppression": 1}),
        {
            "seq": 3,
            "time": 0,
            "type": "fault",
            "fault": "cad",
            "target": "police",
            "minutes": 10,
            "description": "police CAD down",
        },
        {
            "seq": 4,
            "time": 400,
            "type": "fault",
            "fault": "phone",
            "target": "dispatch-phone",
            "minutes": 5,
            "description": "phones saturated",
        },
        {
            "seq": 5,
            "time": 60,
            "type": "fault",
            "fault": "congestion",
            "target": "fire-dispatch",
            "load": 0.6,
            "minutes": 20,
            "description": "fireground chatter",
        },
        {
            "seq": 6,
            "time": 120,
            "type": "fault",
            "fault": "radio_site",
            "target": "T-EAST",
            "minutes": 15,
            "description": "tower down",
        },
    ]
    units = [*UNITS, unit("M1", "ems", ["als", "bls", "transport"], "ES")]
    agencies = [
        agency("police", "police", turnout_seconds=30, radio_system="county"),
        agency("fire", "fire", turnout_seconds=60, radio_system="fire-radio"),
        agency("ems", "ems", turnout_seconds=20, radio_system="county"),
    ]
    systems = [
        {
            "id": "fire-radio",
            "sites": [
                {"id": "T-WEST", "location": "S", "radius_m": 1500},
                {"id": "T-EAST", "location": "I", "radius_m": 1500},
            ],
            "links": [["T-WEST", "T-EAST"]],
        }
    ]
    everyone = ["ems", "fire", "police"]
    channels = [
        {"id": "police-dispatch", "kind": "dispatch", "system": "county", "members": ["police"]},
        {"id": "ems-dispatch", "kind": "dispatch", "system": "county", "members": ["ems"]},
        {"id": "fire-dispatch", "kind": "dispatch", "system": "fire-radio", "members": ["fire"]},
        {"id": "dispatch-phone", "kind": "phone", "members": everyone, "setup_seconds": 20},
        {"id": "cad-link", "kind": "data", "members": everyone, "latency_seconds": 20},
    ]
    return scenario_dict(
        agencies=agencies,
        units=units,
        msel=msel,
        communications={"systems": [*systems, {"id": "county"}], "channels": channels},
        settings={"conflict_probability": 0.5, "travel_noise": 0.1},
        duration="02:00",
    )


def run_with_players(seed: int) -> Exercise:
    ex = exercise(faulty_scenario(), seed=seed)
    attach_players(ex, ["ems", "fire", "police"])
    ex.advance(ex.end)
    return ex


def test_same_seed_and_commands_give_identical_event_logs_with_comms_faults():
    a, b = run_with_players(11), run_with_players(11)
    assert a.log.sha256() == b.log.sha256()
    assert len(a.log.sha256()) == 64
    assert a.log.events == b.log.events
    assert a.commands == b.commands
    started = {e.data["fault"] for e in kinds(a, "fault.started")}
    assert started == {"cad", "phone", "congestion", "radio_site"}
    assert kinds(a, "message.delivered")
    assert any(c["command"]["type"] == "share" for c in a.commands)


def test_an_assisting_agency_works_under_unified_command_without_its_own_chief():
    """NIMS: unified command is of the agencies responsible; mutual aid joins under it."""
    data = aid_data()
    data["msel"][0]["incident"]["requires"] = {"patrol": 1, "fire_suppression": 1}
    ex = start(data)
    aid = RequestMutualAid(
        agency="police", to="nvfire", incident="INC1", capability="fire_suppression"
    )
    assert ex.submit(aid).accepted
    run_until(ex, lambda: bool(kinds(ex, "mutual_aid.received")))
    assert ex.submit(Dispatch(agency="nvfire", incident="INC1", units=["NF1"])).accepted
    on_scene(ex, "PC", "FC", "NF1")
    assert ex.submit(CommandPost(agency="police", incident="INC1", unit="PC")).accepted
    result = ex.submit(UnifiedCommand(agency="fire", incident="INC1"))
    assert result.accepted, result.reason
    assert ex.unified("INC1") == ["fire", "police"]
