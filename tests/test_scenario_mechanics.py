"""What each bundled scenario's briefing promises, seen in a whole run at seed 0.

Every agency is played by the automated (SOP) players, as ``run_sim.py run`` does. The
assertions are the mechanics a scenario exists to exercise: command posts, unified
command, mutual aid, road closures, safety gates, communications faults and the facts
that must cross agencies. A change that silently stops one of them (as the players once
stopped taking command) fails here even when every unit test still passes. Times are
MSEL offsets (HH:MM from the start).
"""

import itertools
from typing import Any

import pytest
from golden import SCENARIOS, run_scenario, set_up, where

from simulator.events import Event
from simulator.exercise import Exercise
from simulator.scenario.timing import parse_offset as clock
from simulator.scenario.vocabulary import Capability


@pytest.fixture(scope="module")
def riverton() -> Exercise:
    return run_scenario(SCENARIOS / "riverton_night_shift.yaml")


@pytest.fixture(scope="module")
def harbor() -> Exercise:
    return run_scenario(SCENARIOS / "harbor_district_mci.yaml")


@pytest.fixture(scope="module")
def warehouse() -> Exercise:
    return run_scenario(SCENARIOS / "warehouse_chemical_outage.yaml")


@pytest.fixture(scope="module")
def warehouse_seeds(warehouse) -> list[Exercise]:
    """Seed 0 and three more: some of the warehouse's stories turn on chance."""
    path = SCENARIOS / "warehouse_chemical_outage.yaml"
    return [warehouse, *(run_scenario(path, seed) for seed in (1, 2, 3))]


@pytest.fixture(scope="module")
def warehouse_seed_1(warehouse_seeds) -> Exercise:
    return warehouse_seeds[1]


@pytest.fixture(scope="module")
def small_town() -> Exercise:
    return run_scenario(SCENARIOS / "small_town_collision.yaml")


ALL = ["riverton", "harbor", "warehouse", "small_town"]


def started(ex: Exercise) -> set[str]:
    return {e.incident for e in ex.log.of_kind("incident.started")}


def resolved(ex: Exercise) -> set[str]:
    return {e.incident for e in ex.log.of_kind("incident.resolved")}


def on_scene_agencies(ex: Exercise, incident: str) -> set[str]:
    return {e.agency for e in where(ex, "unit.on_scene", incident=incident)}


def posts(ex: Exercise) -> dict[str, Event]:
    return {e.incident: e for e in ex.log.of_kind("command_post.established")}


def unified(ex: Exercise) -> dict[str, Event]:
    return {e.incident: e for e in ex.log.of_kind("unified_command.established")}


def learned(ex: Exercise, agency: str, fact: str, **match: Any) -> list[Event]:
    return where(ex, "fact.learned", agency=agency, fact=fact, **match)


def aid(ex: Exercise) -> tuple[list[tuple], list[tuple]]:
    """Mutual-aid requests and receipts as (incident, from, to, capability, count)."""
    asked = [
        (e.incident, e.agency, e.data["to"], e.data["capability"], e.data["count"])
        for e in ex.log.of_kind("mutual_aid.requested")
    ]
    given = [
        (e.incident, e.data["source"], e.agency, e.data["capability"], e.data["count"])
        for e in ex.log.of_kind("mutual_aid.received")
    ]
    return asked, given


# -- every scenario --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["riverton", "harbor", "warehouse"])
def test_command_units_set_up_the_command_post_on_arrival(name, request):
    # SOP (docs/architecture.md): a command unit arriving on scene sets up the post.
    ex = request.getfixturevalue(name)
    arrivals = [
        e for e in ex.log.of_kind("unit.on_scene") if ex.unit_can(e.unit, Capability.COMMAND)
    ]
    assert arrivals, "no command unit ever reached a scene"
    established = posts(ex)
    assert len(established) == len(ex.log.of_kind("command_post.established"))
    assert set(established) == {e.incident for e in arrivals}
    # A tasking clash on arrival (no unified command yet) holds the unit back for its
    # cost; the post follows once that is over (docs/architecture.md, players).
    clashes = {
        (e.incident, e.unit): e.t + e.data["cost"]
        for e in ex.log.of_kind("assignment.conflicted", "assignment.duplicated")
    }
    for incident, post in established.items():
        on_arrival = {(e.t, e.unit) for e in arrivals if e.incident == incident}
        after_clash = clashes.get((incident, post.unit))
        assert (post.t, post.unit) in on_arrival or (
            after_clash is not None and after_clash <= post.t <= after_clash + 300
        )


# road, closed at, reopened at
CLOSURES = {
    "riverton": ("Bridge 2", "00:53", "02:20"),
    "harbor": ("14th Street", "00:15", "02:20"),
    "warehouse": ("Bridge 2", "00:32", "01:25"),
    "small_town": ("Mill Bridge", "00:10", "01:30"),
}


@pytest.mark.parametrize("name", ALL)
def test_roads_close_and_reopen_as_the_msel_says(name, request):
    ex = request.getfixturevalue(name)
    road, closed, opened = CLOSURES[name]
    seen = [(e.kind, e.data["names"], e.t) for e in ex.log.of_kind("road.closed", "road.opened")]
    assert seen == [("road.closed", [road], clock(closed)), ("road.opened", [road], clock(opened))]


@pytest.mark.parametrize("name", ALL)
def test_no_trip_is_planned_across_a_closed_road(name, request):
    # Units route around a closure; one whose agency was never told drives up to the
    # barrier, and its path then ends there (unit.blocked), still not across it.
    ex = request.getfixturevalue(name)
    closed: set[tuple[str, str]] = set()
    planned, across = 0, []
    for e in ex.log.events:
        if e.kind == "road.closed":
            closed |= {tuple(edge) for edge in e.data["edges"]}
        elif e.kind == "road.opened":
            closed -= {tuple(edge) for edge in e.data["edges"]}
        elif closed and e.data.get("path"):
            planned += 1
            if closed & set(itertools.pairwise(e.data["path"])):
                across.append(e)
    assert planned, "no trip was planned while the road was closed"
    assert not across


# (scenario, incident, condition, blocked agency kind or blocked capability)
GATES = [
    ("riverton", "SHOOT-01", "scene_secure", "ems", None),
    ("riverton", "WHSE-01", "substance_identified", "ems", None),
    ("riverton", "WHSE-01", "substance_identified", None, Capability.RESCUE),
    ("riverton", "LAB-01", "lab_safe", None, Capability.INVESTIGATION),
    ("harbor", "MCI-01", "sweep", "ems", None),
    # Seed 0's police hear the FBI's warning in time, so nobody is hurt and EMS is
    # never needed at RAIL-1; seed 1's do not.
    ("warehouse_seed_1", "RAIL-1", "secure", "ems", None),
    ("warehouse", "STOR-1", "safe", None, Capability.INVESTIGATION),
    ("small_town", "INC1", "scene_secure", "ems", None),
]


@pytest.mark.parametrize(
    ("name", "incident", "condition", "kind", "capability"),
    GATES,
    ids=[f"{g[1]}-{g[3] or g[4].value}" for g in GATES],
)
def test_blocked_crews_stage_until_the_condition_is_declared(
    name, incident, condition, kind, capability, request
):
    ex = request.getfixturevalue(name)

    def blocked(event: Event) -> bool:
        if capability is not None:
            return ex.unit_can(event.unit, capability)
        return ex.scenario.agency(event.agency).kind.value == kind

    [met] = where(ex, "incident.precondition_met", incident=incident, condition=condition)
    waited = [e for e in where(ex, "unit.staged", incident=incident) if blocked(e)]
    entered = [e for e in where(ex, "unit.on_scene", incident=incident) if blocked(e)]
    assert waited, "nobody had to wait"
    assert all(e.t < met.t for e in waited)
    assert entered, "the blocked crews never went in"
    assert all(e.t >= met.t for e in entered)


# -- Riverton Night Shift ----------------------------------------------------------------


def test_riverton_battalion_chief_commands_the_warehouse_fire(riverton):
    assert "WHSE-01" in posts(riverton), "no command post at the warehouse fire"
    post = posts(riverton)["WHSE-01"]
    assert post.agency == "fire" and post.unit in {"BC1", "BC2"}  # a battalion chief
    [done] = where(riverton, "incident.resolved", incident="WHSE-01")
    assert post.t < done.t
    # SOP sends a commander only where one is required, so unified command forms where
    # the commanders of every agency on scene happen to be there (the shooting).
    joints = unified(riverton).values()
    assert joints and all(len(j.data["agencies"]) >= 2 for j in joints)


def test_riverton_lake_county_answers_mutual_aid(riverton):
    asked, given = aid(riverton)
    assert {(frm, to) for _, frm, to, _, _ in asked} == {
        ("fire", "county_fire"),
        ("ems", "county_ems"),
    }
    assert given == asked
    # The Eastgate apartment fire is fought by Lake County Fire; Lake County's regional
    # hazmat makes the drug lab safe while Hazmat 3 is still at the warehouse.
    assert "county_fire" in on_scene_agencies(riverton, "APT-01")
    [safe] = where(riverton, "incident.precondition_met", incident="LAB-01")
    assert safe.agency == "county_fire"


def test_riverton_escalations_and_the_exposure_fire(riverton):
    escalated = [e.incident for e in riverton.log.of_kind("incident.escalated")]
    assert sorted(set(escalated)) == ["APT-01", "SHOOT-01", "WHSE-01"]
    assert escalated.count("WHSE-01") == 2  # drums rupture, roof collapse (MSEL 11)
    [exposure] = where(riverton, "incident.started", incident="APT-02")
    assert exposure.data["parent"] == "APT-01"


def test_riverton_only_the_warehouse_worker_dies_waiting_for_hazmat(riverton):
    deaths = riverton.log.of_kind("patient.died")
    [identified] = where(riverton, "incident.precondition_met", incident="WHSE-01")
    assert [e.incident for e in deaths] == ["WHSE-01"]
    assert deaths[0].t < identified.t


def test_riverton_drug_lab_booby_trap_hurts_the_patrol_car_that_walks_up(riverton):
    # Nobody reported the wired side door; SOP patrol goes in before hazmat sizes it up.
    (harmed,) = where(riverton, "unit.harmed", incident="LAB-01")
    assert harmed.agency == "police" and harmed.data["hazard"] == "explosive"
    hazmat = [e for e in where(riverton, "unit.on_scene", incident="LAB-01") if "HM" in e.unit]
    assert hazmat and harmed.t < min(e.t for e in hazmat)


def test_riverton_resource_changes(riverton):
    assert where(riverton, "unit.available", unit="M4", t=clock("01:40"))
    assert where(riverton, "unit.out_of_service", unit="E2", t=clock("02:40"))


def test_riverton_incidents_resolve(riverton):
    # At seed 0 the police dispatcher forgets (forget_probability) to pass the dark
    # signals on to public works, who answer for them; nobody chases it.
    assert started(riverton) - resolved(riverton) <= {"SIGNALS-01"}
    assert len(resolved(riverton)) >= 11


# -- Harbor District MCI -------------------------------------------------------------------


def test_harbor_command_posts_at_the_blast_and_the_reunification_point(harbor):
    established = posts(harbor)
    assert set(established) >= {"MCI-01", "REUNIFY-01"}
    reunify = established["REUNIFY-01"]  # OEM opens the reunification point
    assert (reunify.agency, reunify.unit) == ("oem", "OEM-MCP")


def test_harbor_patients_spread_over_every_hospital(harbor):
    delivered = where(harbor, "patient.delivered", incident="MCI-01")
    assert {e.data["hospital"] for e in delivered} == {h.id for h in harbor.scenario.hospitals}
    assert len(harbor.log.of_kind("patient.delivered")) >= 20  # OBJ3 transport target
    # Every immediate bed in the city is taken by about 00:45 (the festival traffic
    # slows the first transports); later patients arrive over capacity.
    beds = sum(h.beds.immediate for h in harbor.scenario.hospitals)
    assert len([e for e in delivered if e.data["triage"] == "immediate"]) > beds
    full = harbor.log.of_kind("hospital.over_capacity")
    assert full
    assert full[0].data["triage"] == "immediate"
    assert full[0].t <= clock("00:45")


def test_harbor_county_and_state_send_mutual_aid(harbor):
    asked, given = aid(harbor)
    assert {to for _, _, to, _, _ in asked} == {"county_ems", "county_fire", "state_police"}
    # Every request answered (replies to requests sent together may come back in any order).
    assert sorted(given) == sorted(asked)
    assert on_scene_agencies(harbor, "MCI-01") >= {"county_ems", "county_fire"}


def test_harbor_the_sweep_costs_an_escalation_and_the_backpack_another(harbor):
    escalations = where(harbor, "incident.escalated", incident="MCI-01")
    assert [e.t for e in escalations] == [clock("00:25"), clock("00:50")]
    [backpack] = where(harbor, "incident.started", incident="SUSP-01")
    assert (backpack.t, backpack.data["parent"]) == (clock("00:50"), "MCI-01")


def test_harbor_incidents_resolve(harbor):
    # At seed 0 the MCI's work (115 min once fully staffed) is still going at the end,
    # and so is the motel arrest, staffed late while crowded hospitals hold ambulances
    # and police work the MCI's scenes; its team is all there by then.
    assert started(harbor) - resolved(harbor) <= {"MCI-01", "ARREST-01"}
    assert where(harbor, "incident.requirements_met", incident="ARREST-01")
    assert len(resolved(harbor)) >= 5


# -- Ironworks Warehouse: chemical fire, armed suspect, systems down -----------------------

CAD_DOWN = ("00:10", "01:00")
PHONES_JAMMED = ("00:24", "00:54")
PD_SOUTH_DOWN = ("00:35", "01:05")


def during(event: Event, window: tuple[str, str]) -> bool:
    return clock(window[0]) <= event.t < clock(window[1])


def test_warehouse_unified_command_forms_at_the_warehouse(warehouse):
    assert "WHSE-1" in unified(warehouse), "no unified command at the warehouse"
    joint = unified(warehouse)["WHSE-1"]
    assert joint.data["agencies"] == ["ashford_ems", "ashford_fire", "ashford_pd"]
    assert clock("00:27") <= joint.t < clock("00:28")
    assert set(posts(warehouse)) == {"WHSE-1", "RAIL-1", "STOR-1"}


def test_warehouse_liaisons_pass_facts_across_the_command_post(warehouse_seeds):
    # SAFECOM level 1: a liaison at the unified command post passes what one agency
    # knows to the others, whatever radios they carry (when one knows what the others
    # do not: not at every seed).
    assert all("WHSE-1" in unified(ex) for ex in warehouse_seeds)
    relayed = [e for ex in warehouse_seeds for e in where(ex, "fact.learned", via="command_post")]
    assert relayed
    assert {e.incident for e in relayed} <= set(unified(warehouse_seeds[0])) | {"RAIL-1"}


def test_warehouse_faults_start_and_end_on_time(warehouse):
    seen = [
        (e.kind, e.data["fault"], e.data["target"], e.t)
        for e in warehouse.log.of_kind("fault.started", "fault.ended")
    ]
    assert seen == [
        ("fault.started", "cad", "ashford_pd", clock(CAD_DOWN[0])),
        ("fault.started", "phone", "city-phones", clock(PHONES_JAMMED[0])),
        ("fault.started", "radio_site", "PD-SOUTH", clock(PD_SOUTH_DOWN[0])),
        ("fault.ended", "phone", "city-phones", clock(PHONES_JAMMED[1])),
        ("fault.ended", "cad", "ashford_pd", clock(CAD_DOWN[1])),
        ("fault.ended", "radio_site", "PD-SOUTH", clock(PD_SOUTH_DOWN[1])),
    ]


def test_warehouse_messages_are_lost_to_the_faults_and_missing_lines(warehouse_seeds):
    reasons = set()
    for ex in warehouse_seeds:
        lost = ex.log.of_kind("message.lost")
        reasons |= {e.data["reason"] for e in lost}
        assert 30 <= len(lost) <= 90  # tens of messages, by the faults and missing lines
        hole = [e for e in lost if e.data["reason"] == "no_coverage"]
        assert all(e.data["channel"] == "pd-dispatch" and during(e, PD_SOUTH_DOWN) for e in hole)
        busy = [e for e in lost if e.data["reason"] == "saturated"]
        assert all(e.data["channel"] == "city-phones" and during(e, PHONES_JAMMED) for e in busy)
    assert reasons == {"no_path", "no_coverage", "saturated", "noise"}


def test_warehouse_reports_lost_in_the_coverage_hole_are_retried(warehouse_seeds):
    # A crew keys up again retry_seconds after a report did not get out (a few times).
    assert any(_retried(ex) for ex in warehouse_seeds)


def _retried(warehouse: Exercise) -> bool:
    retry = warehouse.scenario.communications.retry_seconds
    lost_units = {e.unit for e in where(warehouse, "message.lost", reason="no_coverage")}
    reports = {
        unit: [e.t for e in where(warehouse, "message.queued", type="sitrep", unit=unit)]
        for unit in lost_units
    }
    return any(
        b - a == pytest.approx(retry, abs=0.01)
        for times in reports.values()
        for a, b in itertools.pairwise(times)
    )


def test_warehouse_police_stay_off_the_cad_link_while_their_cad_is_down(warehouse):
    police_data = [
        e
        for e in where(warehouse, "message.queued", channel="cad-link")
        if "ashford_pd" in (e.agency, e.data["to"])
    ]
    assert police_data
    assert not [e for e in police_data if during(e, CAD_DOWN)]


def test_warehouse_warnings_cross_agencies_by_message(warehouse):
    assert learned(
        warehouse, "ashford_pd", "hazard:RAIL-1/gunman", via="message", source="fbi_jttf"
    )
    assert learned(warehouse, "ashford_fire", "hazard:WHSE-1/chem", via="message")
    for agency in ("ashford_fire", "ashford_ems", "public_works"):
        assert learned(warehouse, agency, "closure:Bridge 2", via="message", value=True), agency


def test_warehouse_unknown_hazards_hurt_only_crews_whose_agency_was_not_told(warehouse_seeds):
    places = set()
    for ex in warehouse_seeds:
        harmed = ex.log.of_kind("unit.harmed")
        places |= {e.incident for e in harmed}
        for e in harmed:
            told = [
                f
                for f in where(ex, "fact.learned", agency=e.agency)
                if f.data["fact"].startswith(f"hazard:{e.incident}/")
                and f.data["value"] == e.data["hazard"]
                and f.t < e.t
            ]
            assert not told, e
    assert places == {"WHSE-1", "RAIL-1"}


def test_warehouse_police_warned_before_they_arrive_keep_the_rail_yard_unharmed(warehouse):
    # Seed 0: the FBI's warning, lost once to the jammed phones, is sent again on time
    # and reaches the police before their first crew gets to RAIL-1.
    (warned,) = learned(warehouse, "ashford_pd", "hazard:RAIL-1/gunman")
    arrived = where(warehouse, "unit.on_scene", agency="ashford_pd", incident="RAIL-1")
    assert warned.t < arrived[0].t
    assert not where(warehouse, "unit.harmed", incident="RAIL-1")


def test_warehouse_only_crews_whose_agency_was_not_told_meet_the_bridge_closure(
    warehouse_seeds,
):
    for ex in warehouse_seeds:
        for blocked in ex.log.of_kind("unit.blocked"):
            road = blocked.data["road"]
            told = learned(ex, blocked.agency, f"closure:{road}")
            assert not [f for f in told if f.t < blocked.t], (blocked, told)


def test_warehouse_the_bridge_cordon_outgrows_its_supervisor(warehouse):
    assert where(warehouse, "span.exceeded", incident="VAN-1")


def test_warehouse_the_sop_players_never_patch(warehouse):
    assert not [e for e in warehouse.log.events if e.kind.startswith("patch.")]


def test_warehouse_every_incident_resolves_and_nobody_dies(warehouse):
    assert resolved(warehouse) == started(warehouse)
    assert len(started(warehouse)) == 7
    assert not warehouse.log.of_kind("patient.died")


def test_warehouse_calder_county_ems_answers_mutual_aid(warehouse_seeds):
    for ex in warehouse_seeds[1:]:  # seed 0 has nobody hurt at the rail yard
        asked, given = aid(ex)
        ems = [a for a in asked if a[1] == "ashford_ems"]
        assert ems and {to for _, _, to, _, _ in ems} == {"county_ems"}
        assert [g for g in given if g[1] == "ashford_ems"] == ems


# -- Small Town: collision at the Mill Bridge ----------------------------------------------


def test_small_town_collision_is_resolved_with_every_agency_on_scene(small_town):
    assert resolved(small_town) == {"INC1"}
    assert on_scene_agencies(small_town, "INC1") == {"police", "fire", "ems"}
    rescuers = {
        e.unit
        for e in where(small_town, "unit.on_scene", incident="INC1", agency="fire")
        if small_town.unit_can(e.unit, Capability.RESCUE)
    }
    assert len(rescuers) >= 2


def test_small_town_immediate_patient_reaches_hospital_in_the_golden_hour(small_town):
    [crash] = where(small_town, "incident.started", incident="INC1")
    [immediate] = where(small_town, "patient.delivered", triage="immediate")
    assert immediate.data["hospital"] == "MERCY"
    assert immediate.t - crash.t < 3600
    assert not small_town.log.of_kind("patient.died")


# -- Scenario library (issue 14): the law-enforcement themes -------------------------------


@pytest.fixture(scope="module")
def eastfield() -> Exercise:
    return run_scenario(SCENARIOS / "eastfield_warrant_day.yaml")


@pytest.fixture(scope="module")
def granite() -> Exercise:
    return run_scenario(SCENARIOS / "granite_retaliation_night.yaml")


@pytest.fixture(scope="module")
def lakeport() -> Exercise:
    return run_scenario(SCENARIOS / "lakeport_swatting_wave.yaml")


@pytest.fixture(scope="module")
def calloway() -> Exercise:
    return run_scenario(SCENARIOS / "calloway_transit_trafficking.yaml")


LIBRARY = ["eastfield", "granite", "lakeport", "calloway"]

# scenario -> (road, closed at, reopened at)
LIBRARY_CLOSURES = {
    "eastfield": ("15th Avenue", "01:00", "02:10"),
    "granite": ("21st Avenue", "01:00", "02:30"),
    "calloway": ("6th Street", "00:05", "02:30"),
}


def told_before(ex: Exercise, agency: str, fact: str, t: float) -> bool:
    return any(e.t < t for e in learned(ex, agency, fact))


@pytest.mark.parametrize("name", LIBRARY)
def test_library_every_incident_resolves_and_nobody_dies(name, request):
    ex = request.getfixturevalue(name)
    assert started(ex) and resolved(ex) == started(ex)
    assert not ex.log.of_kind("patient.died")


@pytest.mark.parametrize("name", LIBRARY)
def test_library_hidden_hazards_hurt_only_crews_whose_agency_was_not_told(name, request):
    # The themes turn on what one agency knows and another does not: every harmed crew
    # walked into a hazard its own dispatch had not heard of.
    ex = request.getfixturevalue(name)
    harmed = ex.log.of_kind("unit.harmed")
    assert harmed, "SOP crews should walk into at least one hidden hazard"
    for e in harmed:
        hidden = {
            f"hazard:{e.incident}/{h.id}"
            for h in ex.engine.incidents[e.incident].spec.hazards
            if not h.reported and h.kind.value == e.data["hazard"]
        }
        assert hidden, e
        assert not [f for f in hidden if told_before(ex, e.agency, f, e.t)], e


@pytest.mark.parametrize("name", sorted(LIBRARY_CLOSURES))
def test_library_roads_close_and_reopen_as_the_msel_says(name, request):
    ex = request.getfixturevalue(name)
    road, closed, opened = LIBRARY_CLOSURES[name]
    seen = [(e.kind, e.data["names"], e.t) for e in ex.log.of_kind("road.closed", "road.opened")]
    assert seen == [("road.closed", [road], clock(closed)), ("road.opened", [road], clock(opened))]


LIBRARY_GATES = [
    ("eastfield", "WARRANT-1", "secure", "ems", None),
    ("eastfield", "WARRANT-1", "secure", None, Capability.INVESTIGATION),
    ("eastfield", "BUST-1", "identified", None, Capability.INVESTIGATION),
    ("granite", "SHOOT-1", "secure", "ems", None),
    ("granite", "SHOOT-2", "secure", "ems", None),
    ("calloway", "MOTEL-1", "secure", "ems", None),
]


@pytest.mark.parametrize(
    ("name", "incident", "condition", "kind", "capability"),
    LIBRARY_GATES,
    ids=[f"{g[1]}-{g[3] or g[4].value}" for g in LIBRARY_GATES],
)
def test_library_blocked_crews_stage_until_the_condition_is_declared(
    name, incident, condition, kind, capability, request
):
    test_blocked_crews_stage_until_the_condition_is_declared(
        name, incident, condition, kind, capability, request
    )


@pytest.mark.parametrize("name", LIBRARY)
def test_library_no_incident_requires_unified_command_and_sop_forms_none(name, request):
    # Every agency that fields units owns a supervisor, but SOP sends one only for a
    # required command need: the gap a team that sends its supervisors early closes
    # (docs/players.md). An agency with no units in the field (a watch centre that only
    # runs deconfliction) has nobody to send to a scene, so it needs no supervisor.
    ex = request.getfixturevalue(name)
    assert not unified(ex)
    commanders = {u.agency for u in ex.scenario.units if Capability.COMMAND in u.capabilities}
    assert commanders == {u.agency for u in ex.scenario.units}


# -- Eastfield Warrant Day -------------------------------------------------------------


def test_eastfield_the_laundromat_car_meets_the_dea_agents_before_the_dea_speaks(eastfield):
    # The buy was never registered: the first patrol car reaches the agents before the
    # DEA itself hears they have been seen (00:36), so nobody could have warned it.
    [first] = [e for e in eastfield.log.of_kind("unit.harmed") if e.incident == "BUY-1"][:1]
    assert first.agency == "eastfield_pd" and first.t < clock("00:36")
    assert not told_before(eastfield, "dea", "hazard:BUY-1/agents", first.t)
    assert learned(eastfield, "dea", "incident:BUY-1", via="message", source="eastfield_pd")
    [police] = learned(eastfield, "eastfield_pd", "hazard:BUY-1/agents")
    assert police.t >= first.t  # police learn it from their own hurt crew or the DEA


def test_eastfield_the_stash_house_perimeter_walks_into_the_armed_occupant(eastfield):
    hurt = where(eastfield, "unit.harmed", incident="WARRANT-1")
    assert hurt and all(e.agency == "eastfield_pd" for e in hurt)
    [swat] = where(eastfield, "unit.on_scene", incident="WARRANT-1", unit="SWAT-1")
    assert all(e.t < swat.t for e in hurt)
    assert "WARRANT-1" in posts(eastfield)  # the one incident that requires a commander


def test_eastfield_the_powder_hurts_crews_who_go_in_before_hazmat(eastfield):
    hurt = where(eastfield, "unit.harmed", incident="BUST-1", hazard="chemical")
    [identified] = where(eastfield, "incident.precondition_met", incident="BUST-1")
    assert hurt and identified.agency == "eastfield_fire"
    assert all(e.t < identified.t for e in hurt)


def test_eastfield_the_county_sheriff_answers_mutual_aid(eastfield):
    asked, given = aid(eastfield)
    assert given == asked
    assert ("BUY-1", "eastfield_pd", "county_sheriff", "tactical", 1) in asked
    assert "county_sheriff" in on_scene_agencies(eastfield, "BUY-1")


# -- Granite City: Retaliation Night -----------------------------------------------------


def test_granite_the_hospital_warning_comes_from_the_fbi_after_the_first_cars(granite):
    [fbi] = learned(granite, "fbi_sstf", "hazard:HOSP-1/bay")
    assert fbi.t == clock("01:07")
    [police] = learned(granite, "granite_pd", "hazard:HOSP-1/bay")
    hurt = where(granite, "unit.harmed", incident="HOSP-1", agency="granite_pd")
    assert hurt and min(e.t for e in hurt) < police.t


def test_granite_harlan_borrows_granite_swat_across_the_line(granite):
    [swat] = where(granite, "unit.on_scene", incident="SHOOT-2", unit="SWAT-1")
    [secure] = where(granite, "incident.precondition_met", incident="SHOOT-2")
    assert secure.agency == "granite_pd" and swat.t < secure.t
    assert {"harlan_pd", "granite_pd", "granite_ems"} <= on_scene_agencies(granite, "SHOOT-2")
    hurt = where(granite, "unit.harmed", incident="SHOOT-2")
    assert hurt and all(e.t < swat.t for e in hurt)


def test_granite_harlan_asks_granite_for_officers_across_the_line(granite):
    asked, given = aid(granite)
    assert given == asked
    assert {(i, frm, to, c) for i, frm, to, c, _ in asked} >= {
        ("SHOOT-2", "harlan_pd", "granite_pd", "patrol"),
        ("CAR-1", "harlan_pd", "granite_pd", "investigation"),
    }


# -- Lakeport: swatting wave on a dark CAD ------------------------------------------------


def test_lakeport_faults_start_on_time_and_the_cad_returns_with_the_restore(lakeport):
    seen = [
        (e.kind, e.data["fault"], e.data["target"], e.t)
        for e in lakeport.log.of_kind("fault.started", "fault.ended", "fault.restored")
    ]
    [restored] = where(lakeport, "incident.work_completed", incident="CYBER-1")
    assert seen == [
        ("fault.started", "cad", "lakeport_pd", clock("00:05")),
        ("fault.started", "records", "lakeport_pd", clock("00:05")),
        ("fault.started", "phone", "dispatch-phone", clock("00:10")),
        ("fault.ended", "phone", "dispatch-phone", clock("00:40")),
        ("fault.restored", "cad", "lakeport_pd", restored.t),
        ("fault.restored", "records", "lakeport_pd", restored.t),
    ]


def test_lakeport_hoaxes_are_cleared_by_patrol_and_hurt_nobody(lakeport):
    for hoax in ("HOAX-1", "HOAX-2"):
        units = {e.unit for e in where(lakeport, "unit.on_scene", incident=hoax)}
        assert units and all(lakeport.unit_can(u, Capability.PATROL) for u in units), hoax
    # The flagged ones are verified and stood down (SOP checks every flagged call).
    checked = {e.incident: e.data["hoax"] for e in lakeport.log.of_kind("incident.verified")}
    assert checked == {"HOAX-3": True, "HOAX-4": True}
    assert {e.incident for e in lakeport.log.of_kind("unit.harmed")} == {"REAL-1", "REAL-2"}


def test_lakeport_the_bomb_squad_is_drawn_to_the_mall_hoax_first(lakeport):
    bomb = [e.incident for e in lakeport.log.of_kind("unit.dispatched") if e.unit == "SO-BOMB"]
    assert bomb[:2] == ["HOAX-3", "REAL-2"]


def test_lakeport_the_cyber_incident_is_worked_by_city_it_and_the_fbi(lakeport):
    assert on_scene_agencies(lakeport, "CYBER-1") == {"city_it", "fbi_cyber"}
    [imaged] = where(lakeport, "incident.precondition_met", incident="CYBER-1")
    assert imaged.agency == "fbi_cyber"  # the FBI images the servers before IT restores
    [done] = where(lakeport, "incident.resolved", incident="CYBER-1")
    assert imaged.t < done.t < clock("01:30")


# -- Calloway Championship Night: trafficking at the transit center ------------------------


def test_calloway_hsi_works_the_hub_and_leads_the_motel(calloway):
    assert {"transit_police", "hsi", "victim_services"} <= on_scene_agencies(calloway, "HUB-1")
    [secure] = where(calloway, "incident.precondition_met", incident="MOTEL-1")
    assert secure.agency == "hsi"
    assert "HSI-SRT" in {e.unit for e in where(calloway, "unit.on_scene", incident="MOTEL-1")}


def test_calloway_victim_advocates_care_for_the_victims(calloway):
    released = where(calloway, "patient.released", incident="MOTEL-1")
    assert released
    carers = {e.unit for e in where(calloway, "unit.on_scene", incident="MOTEL-1")}
    assert carers & {"VS-1", "VS-2"}


def test_calloway_transit_police_borrow_city_officers(calloway):
    asked, given = aid(calloway)
    assert given == asked
    assert {(frm, to) for _, frm, to, _, _ in asked} == {("transit_police", "calloway_pd")}


def test_calloway_city_pio_denies_the_kidnapping_rumour_after_it_brings_calls(calloway):
    """The arena post is a rumour row: unanswered it brings 911 calls; the city PIO
    (SOP, who noticed it) denies it, accurately, and it fades rather than grows."""
    [started] = where(calloway, "rumour.started")
    assert (started.data["rumour"], started.data["factual"]) == ("R1", False)
    assert started.t == clock("01:30") and started.incident == "HUB-1"
    [countered] = where(calloway, "rumour.countered")
    assert countered.agency == "calloway_pd" and countered.t > started.t
    [denial] = where(calloway, "statement.issued", rumour="R1")
    assert denial.data["stance"] == "deny" and denial.data["accurate"]
    spread = where(calloway, "rumour.spread")
    assert sum(e.data["calls"] for e in spread if e.t < countered.t) > 0


def test_granite_wire_product_passed_beyond_police_and_ems_burns_the_surveillance(granite):
    """The bay report is the FBI's, law-enforcement sensitive (EMS named too): SOP keeps
    it to police; passed to fire, the crew's lookout fires on the surveillance car."""
    from simulator.commands import Share

    path = SCENARIOS / "granite_retaliation_night.yaml"
    ex = set_up(path)
    bay = "hazard:HOSP-1/bay"
    while bay not in ex.facts("fbi_sstf", "HOSP-1"):
        ex.advance(ex.now + 30)
    [caveat] = where(ex, "intelligence.caveat", agency="fbi_sstf", fact=bay)
    assert caveat.data["level"] == "law_enforcement_sensitive"
    share = Share(agency="fbi_sstf", to="granite_fire", incident="HOSP-1", facts=[bay])
    assert ex.submit(share).accepted
    ex.advance(ex.scenario.metadata.duration)
    over = where(ex, "intelligence.overshared", fact=bay)
    assert [e.data["to"] for e in over] == ["granite_fire"]
    [burned] = where(ex, "incident.started", incident="BURNED-1")
    assert burned.t == pytest.approx(over[0].t + clock("00:15"))
    assert not where(granite, "intelligence.overshared")  # SOP tells police only


def test_meridian_jttf_cctv_warning_reaches_police_before_the_platform_call():
    """The JTTF sees the second bag on CCTV ten minutes before the supervisor calls: the
    SOP task force tells police, whose officers then keep off the holdall."""
    meridian = run_scenario(SCENARIOS / "meridian_riverfest_package.yaml")
    [started] = where(meridian, "incident.started", incident="PKG-2")
    calls = where(meridian, "call.received", incident="PKG-2")
    assert min(e.t for e in calls) == pytest.approx(started.t + clock("00:10"))
    [fbi] = where(meridian, "cad.opened", agency="fbi_jttf", incident="PKG-2")
    assert fbi.data["via"] == "inject" and fbi.t == started.t
    [police] = where(meridian, "cad.opened", agency="meridian_pd", incident="PKG-2")
    assert police.data["via"] == "notification" and police.data["source"] == "fbi_jttf"
    assert police.t < min(e.t for e in calls)
    assert not where(meridian, "unit.harmed", incident="PKG-2")
