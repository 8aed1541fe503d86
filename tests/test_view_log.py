"""The log reads like a dispatcher's log (issue 12, item 5).

Plain sentences with no engine names in them; message ids that cannot be read as units
("msg #12", never "M12"); each inject told once, when the trainee's agency learns it
(an incident's callers when its CAD opens, information when it arrives); lines
filtered by channel.
"""

import re

import pygame
import pytest
import view_helpers  # noqa: F401  (sets the dummy driver before pygame starts)
from conftest import CAD_OPENS, build, complete, incident, scenario_dict, unit
from view_helpers import exercise_of, key, rendered, start

from simulator.commands import SendMessage, Share
from simulator.events import Event
from simulator.payloads import problems
from simulator.view.app import App
from simulator.view.console import Console
from simulator.view.narrate import Narrator


def run_until(app: App, console: Console, t: float) -> None:
    while console.exercise.now < t:
        app.frame(1 / 60)


def texts(console: Console) -> list[str]:
    return [e.text for e in console.log.entries]


def event(kind: str, agency: str | None = None, **fields) -> Event:
    unit_id, incident_id = fields.pop("unit", None), fields.pop("incident", None)
    t = fields.pop("t", 60.0)
    return Event(1, t, kind, agency, unit_id, incident_id, complete(kind, fields))


# One event of each kind a trainee playing fire hears, and the line it should read as
# (None: only checked for plain words).
MAIN_KINDS: list[tuple[Event, str | None]] = [
    (
        event(
            "hospital.crowded",
            incident="MVC-01",
            hospital="H1",
            patient="MVC-01-P2",
            triage="immediate",
            in_use=2,
            beds=2,
        ),
        "MVC-01: H1 is crowded (2 of 2 immediate beds taken); the crew will wait to hand over",
    ),
    (
        event(
            "cad.opened", "fire", incident="WHSE-01", via="call", type="hazmat_release", priority=1
        ),
        "911 call for new incident WHSE-01 (hazmat release, priority 1)",
    ),
    (
        event(
            "command.accepted",
            "fire",
            source="trainee",
            command={
                "type": "dispatch",
                "agency": "fire",
                "incident": "WHSE-01",
                "units": ["E1", "E3"],
            },
        ),
        "E1, E3 dispatched to WHSE-01",
    ),
    (
        event(
            "command.rejected",
            "fire",
            source="trainee",
            reason="unit E2 is out of service",
            command={"type": "dispatch", "agency": "fire", "incident": "WHSE-01", "units": ["E2"]},
        ),
        "Could not dispatch E2 to WHSE-01: unit E2 is out of service",
    ),
    (
        event("unit.on_scene", "fire", unit="E3", incident="WHSE-01", prev="en_route"),
        "E3 on scene at WHSE-01",
    ),
    (
        event(
            "command_post.established", "fire", unit="BC1", incident="WHSE-01", node="I", x=0, y=0
        ),
        "Command post set up at WHSE-01 by BC1",
    ),
    (
        event(
            "incident.escalated",
            incident="MCI-01",
            reason="MSEL 8",
            description="A second device is found.",
        ),
        "MCI-01 is getting worse: A second device is found.",
    ),
    (
        event(
            "unit.transporting",
            "fire",
            unit="R1",
            prev="on_scene",
            hospital="H1",
            patients=["P1", "P2"],
        ),
        "R1 transporting 2 patients to H1",
    ),
    (
        event(
            "unit.transporting",
            "ems",
            unit="M1",
            prev="transporting",
            hospital="H2",
            patients=["P1"],
            diverted_from="H1",
        ),
        "M1 transporting 1 patient to H2, diverted from H1",
    ),
    (event("unit.available", "fire", unit="E1", prev="returning"), "E1 back at station, available"),
    (
        event("unit.out_of_service", "fire", unit="E2", prev="available", reason="initial status"),
        "E2 out of service (since the start of the shift)",
    ),
    (
        event("unit.out_of_service", "fire", unit="E3", prev="available", reason="ordered by fire"),
        "E3 out of service (ordered by you)",
    ),
    (
        event("unit.out_of_service_pending", "fire", unit="R1", reason="ordered by fire"),
        "R1 goes out of service after its hospital handover (ordered by you)",
    ),
    (
        event("unit.out_of_service_cancelled", "fire", unit="R1", reason="ordered by fire"),
        "R1 stays in service after its hospital handover (ordered by you)",
    ),
    (
        event(
            "unit.staged",
            "fire",
            unit="E4",
            incident="WHSE-01",
            prev="en_route",
            at="STG-1",
            reason="pre-positioned",
        ),
        "E4 waiting at staging area STG-1 (pre-positioned)",
    ),
    (
        event("road.closed", by="fire", edges=[["D1", "D2"]], names=["Back Road"]),
        "Back Road closed by you",
    ),
    (
        event("patch.established", "fire", channels=["fire-dispatch", "police-dispatch"]),
        "Patch Fire dispatch + Police dispatch is live",
    ),
    (event("fault.started", fault="cad", target="police", seq=3), "Police CAD is down"),
    (
        event("fault.ended", fault="radio_site", target="PD-SOUTH", seq=9),
        "Radio site PD-SOUTH is back on the air",
    ),
    (
        event(
            "unified_command.established",
            incident="WHSE-01",
            agencies=["fire", "police"],
            channel="cp-WHSE-01",
        ),
        "Unified command at WHSE-01: Fire, Police",
    ),
    (
        event(
            "mutual_aid.received",
            "fire",
            incident="WHSE-01",
            source="police",
            capability="fire_suppression",
            count=2,
        ),
        "Police asks you for 2 fire suppression at WHSE-01 (mutual aid)",
    ),
    (
        event(
            "incident.precondition_ready",
            "fire",
            incident="WHSE-01",
            condition="scene_secure",
            name="",
        ),
        "WHSE-01: ready to declare scene secure",
    ),
    (
        event("incident.resolved", incident="WHSE-01", duration=600.0, escalations=0),
        "WHSE-01 resolved",
    ),
    (
        event(
            "unit.harmed",
            "fire",
            unit="E1",
            incident="WHSE-01",
            hazard="hazmat",
            effect="crew_injured",
            count=2,
        ),
        "E1 hurt at WHSE-01 by an unreported hazmat: crew injured",
    ),
    (
        event(
            "assignment.duplicated",
            "fire",
            unit="E1",
            incident="WHSE-01",
            with_agency="police",
            cost=120,
        ),
        "E1 at WHSE-01 was also tasked by Police: 120 s lost sorting it out",
    ),
    (event("span.exceeded", incident="WHSE-01", supervisors=1, units=9, limit=7, factor=0.8), None),
    (
        event("staging.opened", "fire", staging="STG-1", node="M", x=1000, y=0),
        "Staging area STG-1 opened at M by you",
    ),
    (
        event(
            "information.received",
            "fire",
            seq=4,
            text="Bridge inspectors are on the way.",
            source="City engineer",
            delivery="phone",
        ),
        "City engineer tells you (phone): Bridge inspectors are on the way.",
    ),
    (
        event(
            "fact.learned",
            "fire",
            incident="WHSE-01",
            fact="hazard:WHSE-01/chem",
            value="chemical",
            via="command_post",
        ),
        "From the command post: hazard at WHSE-01: chemical",
    ),
    (event("exercise.ended", reason="duration reached"), "Exercise over: duration reached"),
    (
        event("hospital.over_capacity", incident="MVC-01", hospital="H1", triage="immediate"),
        "MVC-01: H1 has no immediate bed free; one taken in over capacity",
    ),
    (
        event("patient.died", incident="MVC-01", patient="MVC-01-P1", reason="untreated"),
        "MVC-01: a patient died (untreated, waiting for care)",
    ),
]
RAW_WORDS = re.compile(r"\b(None|True|False)\b")


def test_log_sentences_for_the_main_event_kinds_contain_no_raw_kind_names():
    scenario = build(scenario_dict())
    narrator = Narrator(scenario, ("fire",))
    for ev, expected in MAIN_KINDS:
        assert not problems(ev), problems(ev)  # shaped as the engine logs it
        (line,) = narrator.lines([ev])
        assert ev.kind not in line.text, line.text
        assert not RAW_WORDS.search(line.text), line.text
        assert "_" not in line.text, line.text  # no snake_case kinds or values
        if expected is not None:
            assert line.text == expected


def test_a_message_reads_who_said_what_and_its_id_as_msg_number():
    scenario = build(scenario_dict())
    queued = event(
        "message.queued",
        "police",
        message="M12",
        type="sitrep",
        to="fire",
        path="phone",
        text="gunman seen at the north door",
    )
    delivered = event(
        "message.delivered",
        "fire",
        message="M12",
        channel="dispatch-phone",
        source="police",
        latency=20.0,
        facts=[],
    )
    narrator = Narrator(scenario, ("fire",), {"M12": queued})
    (line,) = narrator.lines([delivered])
    assert line.text == "Police told you: gunman seen at the north door (msg #12 by phone)"
    assert line.channel == "dispatch-phone" and line.inbox
    assert line.reply is not None and (line.reply.agency, line.reply.to) == ("fire", "police")
    # A share's facts are told with it, from the facts learnt from it in the batch.
    share = event(
        "message.queued",
        "police",
        message="M13",
        type="share",
        to="fire",
        incident="WHSE-01",
        path="data",
    )
    narrator = Narrator(scenario, ("fire",), {"M13": share})
    arrived = event(
        "message.delivered",
        "fire",
        incident="WHSE-01",
        message="M13",
        channel="cad-link",
        source="police",
        latency=20.0,
        facts=["casualties:WHSE-01", "hazard:WHSE-01/gas"],
    )
    learnt = [
        event(
            "fact.learned",
            "fire",
            incident="WHSE-01",
            fact="casualties:WHSE-01",
            value=3,
            via="message",
            message="M13",
            source="police",
        ),
        event(
            "fact.learned",
            "fire",
            incident="WHSE-01",
            fact="hazard:WHSE-01/gas",
            value="gas_leak",
            via="message",
            message="M13",
            source="police",
        ),
    ]
    (line,) = narrator.lines([arrived, *learnt])
    assert line.text == (
        "Police shared WHSE-01 with you: 3 casualties at WHSE-01; hazard at WHSE-01: gas leak"
        " (msg #13 over the CAD link)"
    )
    assert line.inbox and line.alert
    # The same share again teaches nothing: no line at all (the bots send dozens).
    assert narrator.lines([arrived]) == []
    # At a joint console, a share between the trainee's own desks is no inbox news either.
    joint = Narrator(scenario, ("police", "fire"), {"M13": share})
    (own,) = joint.lines([arrived, *learnt])
    assert "3 casualties at WHSE-01" in own.text and not own.inbox and not own.alert


def test_an_information_inject_appears_exactly_once(app):
    brief = {
        "seq": 2,
        "time": 10,
        "type": "information",
        "to": ["police", "fire"],
        "from": "County engineer",
        "description": "The Back Road bridge is unsafe for heavy trucks.",
        "facts": ["closure:Back Road"],
    }
    for roles in (("police",), ("police", "fire")):
        console = start(app, roles, msel=[incident(), brief])
        run_until(app, console, 40)
        lines = [t for t in texts(console) if "unsafe for heavy trucks" in t]
        assert len(lines) == 1, lines
        who = "you" if len(roles) == 1 else "Fire and Police"
        assert lines[0] == (
            f"County engineer tells {who} (phone): The Back Road bridge is unsafe for heavy trucks."
        )
        assert not any("Back Road" in t and t not in lines for t in texts(console))
        app.stack.clear()


def test_an_incident_inject_is_not_shown_before_the_agencys_cad_opens(app):
    console = start(app, ("police",))  # INC1 happens at 0 s; its call reaches the CAD at 56 s
    run_until(app, console, CAD_OPENS - 10)
    assert not any("INC1" in t for t in texts(console))
    run_until(app, console, CAD_OPENS + 10)
    calls = [e for e in console.log.entries if "INC1 happens" in e.text]
    assert len(calls) == 1
    assert calls[0].t == pytest.approx(CAD_OPENS)
    assert calls[0].text == (
        "911 call for new incident INC1 (traffic collision, priority 2): INC1 happens"
    )
    assert calls[0].inbox


def test_an_incident_inject_is_told_once_at_a_joint_console_whose_second_cad_gets_it(app):
    console = start(app, ("police", "fire"))
    run_until(app, console, CAD_OPENS + 1)
    assert console.exercise.submit(Share(agency="police", to="fire", incident="INC1")).accepted
    run_until(app, console, CAD_OPENS + 60)
    assert exercise_of(console).knows("fire", "INC1")
    assert len([t for t in texts(console) if "INC1 happens" in t]) == 1
    assert any(t.startswith("Fire: Police told Fire of new incident INC1") for t in texts(console))


def test_a_fault_inject_is_told_once_and_its_engine_line_is_left_out(app):
    fault = {
        "seq": 2,
        "time": 10,
        "type": "fault",
        "fault": "cad",
        "target": "fire",
        "minutes": 1,
        "to": ["police"],
        "from": "SimCell",
        "description": "The fire CAD has crashed; fire dispatch works on paper.",
    }
    console = start(app, ("fire", "police"), msel=[incident(), fault])
    run_until(app, console, 80)
    lines = texts(console)
    assert lines.count("SimCell: The fire CAD has crashed; fire dispatch works on paper.") == 1
    assert "Fire CAD is down" not in lines  # fault.started: the inject said it
    assert "Fire CAD is back up" in lines
    app.stack.clear()
    other = start(app, ("fire",), msel=[incident(), fault])  # not told: the engine's line
    run_until(app, other, 20)
    assert "Fire CAD is down" in texts(other)
    assert not any("crashed" in t for t in texts(other))


def test_an_escalation_is_told_once(app):
    worse = {
        "seq": 2,
        "time": 100,
        "type": "escalation",
        "incident": "INC1",
        "to": ["police"],
        "description": "A second car has hit the wreck.",
        "add_requires": {"patrol": 1},
    }
    console = start(app, ("police",), msel=[incident(), worse])
    run_until(app, console, 120)
    assert [t for t in texts(console) if "second car" in t] == [
        "INC1 is getting worse: A second car has hit the wreck."
    ]


def test_message_ids_never_read_as_unit_ids_in_the_log(app):
    ambulances = [
        unit("P1", "police", ["patrol"], "PS"),
        unit("F1", "fire", ["fire_suppression"], "FS"),
        unit("M1", "ems", ["als", "bls", "transport"], "ES"),
        unit("M2", "ems", ["als", "bls", "transport"], "ES"),
    ]
    call = incident(requires={"als": 1}, calls={"count": 1, "agency": "ems"})
    call["to"] = ["ems"]
    console = start(app, ("ems",), units=ambulances, msel=[call])
    ex = exercise_of(console)
    for n in range(3):  # messages M1, M2, M3 from police, as the ambulances are M1, M2
        said = SendMessage(agency="police", to="ems", text=f"update {n}")
        assert ex.submit(said, source="controller").accepted
    run_until(app, console, CAD_OPENS + 1)
    console.selection.toggle_unit("M1", False)
    console.selection.incident = "INC1"
    key(pygame.K_a)  # dispatch M1
    app.frame(0.0)
    ours = SendMessage(agency="ems", to="police", text="M1 is on its way")
    assert ex.submit(ours).accepted
    run_until(app, console, 400)
    message_ids = {str(e.data["message"]) for e in ex.log.of_kind("message.queued")}
    unit_ids = set(ex.engine.units)
    assert {"M1", "M2"} <= message_ids & unit_ids  # the clash the log must avoid
    said = [e for e in console.log.entries if e.kind.startswith("message.")]
    assert said and all("msg #" in e.text or e.unit for e in said)
    for entry in console.log.entries:
        words = set(re.findall(r"\bM\d+\b", entry.text))
        # An M-number in a line is a unit the line is about (or a unit the trainee
        # named in their own text), never a message.
        assert words <= unit_ids, entry.text
        if entry.kind.startswith("message.") and not entry.unit:
            assert not words - {"M1"} or "msg #" in entry.text, entry.text
    assert any(t.startswith("M1 on scene at INC1") for t in texts(console))
    assert any(t.startswith("Police told you: update 0 (msg #1") for t in texts(console))


def test_the_log_filters_by_channel(app, monkeypatch):
    console = start(app, ("fire",))
    ex = exercise_of(console)
    for channel in ("dispatch-phone", "fire-dispatch"):
        text = f"on {channel}"
        to = "police" if channel == "dispatch-phone" else None
        assert ex.submit(SendMessage(agency="fire", to=to, channel=channel, text=text)).accepted
    assert ex.submit(
        SendMessage(agency="police", to="fire", text="from police"), source="x"
    ).accepted
    run_until(app, console, 120)
    tabs = console.log.tabs()
    assert tabs[:2] == ["all", "inbox"] and {"orders", "dispatch-phone", "fire-dispatch"} <= set(
        tabs
    )
    for tab in tabs[2:]:
        console.log.choose(tab)
        assert console.log.shown() and all(e.channel == tab for e in console.log.shown())
    # A channel's tab and its lines' prefix name it as the plan does, not by its id.
    console.log.choose("fire-dispatch")
    drawn = rendered(app, monkeypatch)
    assert "fire-dispatch" in tabs and "Fire dispatch" in drawn and "[Fire dispatch]" in drawn
    assert not [s for s in drawn if "fire-dispatch" in s]
    console.log.choose("inbox")
    assert [e.text.split(" (msg")[0] for e in console.log.shown()] == [
        "Police told you: from police"
    ]
    # Tab cycles through every tab and back to "all".
    console.log.choose("all")
    for _ in tabs:
        console.log.next_tab()
    assert console.log.tab == "all"


def test_the_wheel_up_goes_back_in_the_log_and_the_lines_read_stay_put():
    """Newest at the bottom: wheel up shows older lines; news arriving meanwhile does not
    move them, and a marker says how many newer lines wait below."""
    from simulator.view.log import Log
    from simulator.view.palette import YELLOW
    from simulator.view.text import Text

    log = Log(Text(720), frozenset({"fire"}))
    for n in range(30):
        log.note(float(n), f"line {n}")
    log.scroll_by(3)  # the console's wheel down: nothing newer than the newest
    assert log.scroll == 0
    log.scroll_by(-5)  # wheel up five rows
    assert log.scroll == 5
    newest_shown = log.shown()[len(log.shown()) - 1 - log.scroll]
    log.note(31.0, "news")
    assert log.shown()[len(log.shown()) - 1 - log.scroll] is newest_shown
    surface = pygame.Surface((800, 200))
    log.draw(surface, surface.get_rect(), 0.0)
    assert log.scroll == 6
    body_bottom = surface.get_height() - 4
    assert any(tuple(surface.get_at((x, body_bottom)))[:3] == YELLOW for x in range(800))


def test_patients_dying_at_a_scene_the_trainee_holds_are_told_at_once_in_orange(app):
    """Harbor District, fire and EMS played, nobody sent: the immediate patients die at
    MCI-01 with no line in the log; the trainee first saw "deceased" on the end screen."""
    from view_helpers import run_to, start_file

    console = start_file(app, ("fire", "ems"), "scenarios/harbor_district_mci.yaml")
    run_to(app, console, 3000)
    deaths = exercise_of(console).log.of_kind("patient.died")
    assert len(deaths) > 1 and {d.incident for d in deaths} == {"MCI-01"}
    assert {d.t for d in deaths} == {deaths[0].t}  # together: one line says it
    [line] = [e for e in console.log.entries if e.kind == "patient.died"]
    assert line.text == f"MCI-01: {len(deaths)} patients died (untreated, waiting for care)"
    assert line.alert and not line.inbox  # nobody told the trainee: bad news, not mail


def test_a_seat_hears_of_deaths_and_full_hospitals_only_at_incidents_its_cad_holds():
    from simulator.network.roles import Hearing, Seat

    hearing = Hearing(Seat("ems", ("ems",)), known={"MVC-01"})
    crowd = {"hospital": "H1", "patient": "P1", "triage": "delayed", "in_use": 4, "beds": 4}
    for kind, fields in (
        ("patient.died", {"patient": "P1", "reason": "untreated"}),
        ("hospital.over_capacity", {"hospital": "H1", "triage": "immediate"}),
        ("hospital.crowded", crowd),  # the view had a line for it, never heard
    ):
        here = event(kind, incident="MVC-01", **fields)
        there = event(kind, incident="FIRE-02", **fields)
        assert hearing.heard([here, there], [None, None]) == [here]
        assert hearing.hears(here, None) and not hearing.hears(there, None)


def test_every_seat_sees_a_hospital_bed_come_free_on_the_status_board():
    """No seat heard it, so the automated EMS desks never re-planned as beds freed."""
    from simulator.network.roles import Hearing, Seat

    freed = event("hospital.bed_freed", hospital="H1", triage="immediate")
    for agency in ("ems", "police"):
        hearing = Hearing(Seat(agency, (agency,)))
        assert hearing.heard([freed], [None]) == [freed]


def test_a_hold_at_the_perimeter_and_a_send_in_read_as_such_not_as_dispatches():
    narrator = Narrator(build(scenario_dict()), ("police",))
    hold = {"agency": "police", "type": "dispatch", "incident": "INC1", "units": ["P1"]}
    said = narrator.lines(
        [
            event("command.accepted", "police", source="trainee", command={**hold, "hold": True}),
            event(
                "unit.staged",
                "police",
                unit="P1",
                incident="INC1",
                prev="en_route",
                at="perimeter",
                reason="held by dispatch",
            ),
            event("command.accepted", "police", source="trainee", command=hold),
            event("command.accepted", "police", source="trainee", command=hold),
        ]
    )
    assert [e.text for e in said] == [
        "P1 held at the INC1 perimeter",
        "P1 waiting at the perimeter (held by dispatch)",
        "P1 sent in to INC1",
        "P1 dispatched to INC1",  # no longer held: an ordinary dispatch
    ]
