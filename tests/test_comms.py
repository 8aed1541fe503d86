"""Communications: channels, queueing, loss, coverage, SAFECOM paths and faults.

Times come from the channel model: airtime = setup_seconds + words / words_per_second,
with the words taken from the ``message.queued`` event. On the default map (conftest)
the police CAD opens at 56 s and P1 (30 s turnout, 200 s drive) is on scene at I at
286 s. Most tests declare their channels with ``loss_probability`` 0 so nothing is
left to chance.
"""

import pytest
from conftest import (
    CAD_OPENS,
    PROCESSING,
    RING,
    exercise,
    first,
    incident,
    kinds,
    open_cad,
    run_until,
    scenario_dict,
)

from simulator.commands import Dispatch, Patch, SendMessage, Share
from simulator.engine.message import LEVEL
from simulator.exercise import Exercise

P1_ON_SCENE = CAD_OPENS + 30 + 200


def channel(ident: str, kind: str, members: list[str], **kw) -> dict:
    """A channel spec; radio kinds sit on the ``county`` system unless told otherwise."""
    spec = {"id": ident, "kind": kind, "members": members, "loss_probability": 0.0, **kw}
    if kind in ("dispatch", "tactical", "interop"):
        spec.setdefault("system", "county")
    return spec


def dispatch_channels(*agencies: str) -> list[dict]:
    return [channel(f"{a}-dispatch", "dispatch", [a]) for a in agencies]


def comms(*channels: dict, systems: list[dict] | None = None, **settings) -> dict:
    """A communications section: the ``county`` system (coverage everywhere) by default."""
    return {
        "systems": systems if systems is not None else [{"id": "county"}],
        "channels": list(channels),
        **settings,
    }


def county_agencies() -> list[dict]:
    """Agencies whose units and dispatch use the declared ``county`` system."""
    from conftest import agency

    return [
        agency("police", "police", turnout_seconds=30, radio_system="county"),
        agency("fire", "fire", turnout_seconds=60, radio_system="county"),
        agency("ems", "ems", turnout_seconds=20, radio_system="county"),
    ]


def stations_at(police: str = "S", fire: str = "S", ems: str = "S") -> list[dict]:
    return [
        {"id": "PS", "agency": "police", "location": police},
        {"id": "FS", "agency": "fire", "location": fire},
        {"id": "ES", "agency": "ems", "location": ems},
    ]


def message(ex: Exercise, kind: str, ident: str):
    return first(ex, f"message.{kind}", message=ident)


def airtime(ex: Exercise, ident: str, channel_id: str) -> float:
    spec = ex.engine.network.lines[channel_id].spec
    return spec.setup_seconds + message(ex, "queued", ident).data["words"] / spec.words_per_second


def share(ex: Exercise, to: str = "fire", frm: str = "police", **kw):
    result = ex.submit(Share(agency=frm, to=to, incident="INC1", **kw), source="test")
    assert result.accepted, result.reason
    ex.advance(ex.now)  # the message's process starts at the current time
    return kinds(ex, "message.queued")[-1]


def police_knows(data: dict) -> Exercise:
    ex = exercise(data)
    run_until(ex, lambda: ex.knows("police", "INC1"))
    return ex


# -- the default plan ---------------------------------------------------------------


def test_default_plan_gives_dispatch_radio_phone_lines_and_a_cad_link():
    ex = exercise(scenario_dict())
    views = {c.id: c for c in ex.channels()}
    assert sorted(views) == [
        "cad-link",
        "dispatch-phone",
        "ems-dispatch",
        "fire-dispatch",
        "police-dispatch",
    ]
    assert views["police-dispatch"].members == ("police",)
    assert views["police-dispatch"].medium == "radio"
    assert views["dispatch-phone"].members == ("ems", "fire", "police")
    assert views["dispatch-phone"].medium == "phone"
    assert views["cad-link"].medium == "data"
    assert all(v.busy == 0 and v.queue == 0 and not v.faulty for v in views.values())
    assert ex.coverage_holes() == []


def test_a_declared_channel_list_gets_no_phone_or_data_defaults():
    ex = exercise(scenario_dict(communications=comms(channel("pf", "interop", ["police", "fire"]))))
    assert sorted(c.id for c in ex.channels()) == [
        "ems-dispatch",
        "fire-dispatch",
        "pf",
        "police-dispatch",
    ]


# -- queueing and airtime -----------------------------------------------------------


@pytest.mark.parametrize("capacity", [1, 2])
def test_a_busy_voice_channel_queues_the_second_message(capacity):
    data = scenario_dict(
        communications=comms(channel("tac", "tactical", ["police"], capacity=capacity)),
        msel=[],
    )
    ex = exercise(data)
    for text in ("first call on the air", "second call"):
        result = ex.submit(SendMessage(agency="police", channel="tac", text=text))
        assert result.accepted, result.reason
    ex.advance(120)
    m1, m2 = (e.data["message"] for e in kinds(ex, "message.queued"))
    first_air = airtime(ex, m1, "tac")
    assert message(ex, "queued", m1).data["words"] == 30 + 5
    assert message(ex, "sent", m1).data == {
        "message": m1,
        "channel": "tac",
        "wait": 0.0,
        "airtime": pytest.approx(first_air),
    }
    second = message(ex, "sent", m2)
    expected_wait = first_air if capacity == 1 else 0.0
    assert second.data["wait"] == pytest.approx(expected_wait)
    assert second.t == pytest.approx(expected_wait + airtime(ex, m2, "tac"))
    delivered = message(ex, "delivered", m2)
    assert delivered.data["latency"] == pytest.approx(second.t + 0.5)


def test_channel_view_shows_the_transmission_and_the_queue():
    data = scenario_dict(communications=comms(channel("tac", "tactical", ["police"])), msel=[])
    ex = exercise(data)
    for text in ("one", "two", "three"):
        ex.submit(SendMessage(agency="police", channel="tac", text=text))
    ex.advance(1)
    tac = next(c for c in ex.channels() if c.id == "tac")
    assert (tac.busy, tac.queue) == (1, 2)


# -- loss ---------------------------------------------------------------------------


@pytest.mark.parametrize("loss", [0.0, 1.0])
def test_noise_loses_a_message_and_the_recipient_learns_nothing(loss):
    data = scenario_dict(
        communications=comms(
            *dispatch_channels("police", "fire", "ems"),
            channel("pf", "phone", ["police", "fire"], loss_probability=loss),
        )
    )
    ex = police_knows(data)
    queued = share(ex)
    ident = queued.data["message"]
    assert queued.data["channel"] == "pf" and queued.data["path"] == "phone"
    ex.advance(ex.now + 120)
    if loss:
        lost = message(ex, "lost", ident)
        assert lost.data["reason"] == "noise" and lost.agency == "police"
        assert not kinds(ex, "message.delivered")
        assert ex.knowledge("fire") == {}
        assert not ex.knows("fire", "INC1")
    else:
        assert not kinds(ex, "message.lost")
        delivered = message(ex, "delivered", ident)
        assert delivered.agency == "fire" and delivered.data["source"] == "police"
        assert ex.knowledge("fire")["incident:INC1"].via == "message"
        assert ex.knows("fire", "INC1")


# -- coverage -----------------------------------------------------------------------


# P1 (traffic_control) recognises a fuel spill safely and has news to report.
SPILL = {"id": "spill", "kind": "traffic"}


def coverage_data(sites: list[dict], links=(), core=None, msel_extra=(), **comm) -> dict:
    system = {"id": "county", "sites": sites, "links": [list(x) for x in links]}
    if core:
        system["core"] = core
    return scenario_dict(
        agencies=county_agencies(),
        communications=comms(*dispatch_channels("police", "fire", "ems"), systems=[system], **comm),
        msel=[incident(hazards=[SPILL]), *msel_extra],
    )


def sitreps(ex: Exercise) -> list:
    return [e for e in kinds(ex, "message.queued", unit="P1") if e.data["type"] == "sitrep"]


def p1_to_scene(data: dict) -> Exercise:
    ex = exercise(data)
    open_cad(ex, "police")
    assert ex.submit(Dispatch(agency="police", incident="INC1", units=["P1"])).accepted
    return ex


def test_a_sitrep_from_outside_coverage_is_lost_and_retried():
    data = coverage_data([{"id": "T1", "location": "S", "radius_m": 500}], retry_seconds=90)
    ex = p1_to_scene(data)
    run_until(ex, lambda: len(sitreps(ex)) >= 3)
    reports = sitreps(ex)
    assert [e.t for e in reports] == pytest.approx(
        [P1_ON_SCENE, P1_ON_SCENE + 90, P1_ON_SCENE + 180]
    )
    for report in reports:
        lost = message(ex, "lost", report.data["message"])
        assert lost.t == report.t
        assert lost.data["reason"] == "no_coverage" and lost.unit == "P1"
    assert not [e for e in kinds(ex, "fact.learned") if e.data["via"] == "message"]


def test_a_sitrep_inside_coverage_is_delivered():
    ex = p1_to_scene(coverage_data([{"id": "T1", "location": "I", "radius_m": 500}]))
    run_until(ex, lambda: bool(kinds(ex, "message.delivered")))
    report = sitreps(ex)[0]
    assert report.t == pytest.approx(P1_ON_SCENE)
    assert report.data["path"] == "own" and report.data["level"] is None
    assert not kinds(ex, "message.lost")


def site_fault(seq: int, time: float, target: str, minutes: float | None = None) -> dict:
    row = {
        "seq": seq,
        "time": time,
        "type": "fault",
        "fault": "radio_site",
        "target": target,
        "description": f"{target} fails",
    }
    if minutes:
        row["minutes"] = minutes
    return row


def test_a_failed_site_takes_coverage_away_until_the_fault_ends():
    data = coverage_data(
        [{"id": "T1", "location": "I", "radius_m": 500}],
        msel_extra=[site_fault(2, 10, "T1", minutes=5)],
        retry_seconds=60,
    )
    ex = p1_to_scene(data)
    started = first(ex, "fault.started")
    assert (started.t, started.data["fault"], started.data["target"]) == (10, "radio_site", "T1")
    assert [h["site"] for h in ex.coverage_holes()] == ["T1"]
    run_until(ex, lambda: bool(kinds(ex, "message.delivered")))
    ended = first(ex, "fault.ended")
    assert ended.t == pytest.approx(10 + 300)
    reports = sitreps(ex)
    assert message(ex, "lost", reports[0].data["message"]).data["reason"] == "no_coverage"
    # Retries every 60 s from 286 s: 346 is the first after the site is back at 310.
    assert reports[-1].t == pytest.approx(P1_ON_SCENE + 60)
    assert first(ex, "message.delivered").data["message"] == reports[-1].data["message"]
    assert ex.coverage_holes() == []


def test_a_site_cut_off_from_the_core_stops_serving():
    sites = [
        {"id": "CORE", "location": "S", "radius_m": 500},
        {"id": "RELAY", "location": "M", "radius_m": 500},
        {"id": "FAR", "location": "I", "radius_m": 500},
    ]
    data = coverage_data(
        sites,
        links=[("CORE", "RELAY"), ("RELAY", "FAR")],
        core="CORE",
        msel_extra=[site_fault(2, 10, "RELAY")],
    )
    ex = p1_to_scene(data)
    holes = ex.coverage_holes()
    assert [(h["site"], h["x"], h["y"]) for h in holes] == [("FAR", 2000, 0), ("RELAY", 1000, 0)]
    coverage = ex.engine.network.coverage
    assert coverage.covered("county", 0, 0)
    assert not coverage.covered("county", 2000, 0)
    run_until(ex, lambda: bool(sitreps(ex)))
    lost = message(ex, "lost", sitreps(ex)[0].data["message"])
    assert lost.data["reason"] == "no_coverage"


def test_a_site_linked_to_the_core_serves():
    sites = [
        {"id": "CORE", "location": "S", "radius_m": 500},
        {"id": "FAR", "location": "I", "radius_m": 500},
    ]
    data = coverage_data(sites, links=[("CORE", "FAR")])
    ex = p1_to_scene(data)
    assert ex.engine.network.coverage.covered("county", 2000, 0)
    run_until(ex, lambda: bool(kinds(ex, "message.delivered")))
    assert not kinds(ex, "message.lost")


# -- interoperability paths and their SAFECOM level ---------------------------------


def test_safecom_levels():
    assert LEVEL == {
        "own": None,
        "data": None,
        "phone": None,
        "bridge": None,
        "command_post": 1,
        "talkaround": 2,
        "talkgroup": 3,
        "patch": 4,
        "shared": 6,
    }


def delivered_share(data: dict) -> tuple[Exercise, object]:
    ex = police_knows(data)
    queued = share(ex)
    run_until(ex, lambda: bool(kinds(ex, "message.delivered", "message.lost")))
    return ex, queued


@pytest.mark.parametrize(
    ("channels", "channel_id", "path", "level"),
    [
        ([channel("county", "dispatch", ["police", "fire"])], "county", "shared", 6),
        (
            [*dispatch_channels("police", "fire"), channel("icall", "interop", ["police", "fire"])],
            "icall",
            "talkgroup",
            3,
        ),
        (
            [*dispatch_channels("police", "fire"), channel("pf", "phone", ["police", "fire"])],
            "pf",
            "phone",
            None,
        ),
        (
            [*dispatch_channels("police", "fire"), channel("link", "data", ["police", "fire"])],
            "link",
            "data",
            None,
        ),
    ],
    ids=["shared-system", "interop-talkgroup", "phone", "data"],
)
def test_each_path_is_recorded_with_its_level(channels, channel_id, path, level):
    ex, queued = delivered_share(scenario_dict(communications=comms(*channels)))
    assert queued.data["channel"] == channel_id
    assert queued.data["path"] == path
    assert queued.data["level"] == level
    assert first(ex, "message.delivered").agency == "fire"
    assert ex.knows("fire", "INC1")


def test_with_no_common_path_a_share_is_lost_no_path():
    data = scenario_dict(communications=comms(*dispatch_channels("police", "fire", "ems")))
    ex, queued = delivered_share(data)
    assert queued.data["channel"] is None and queued.data["path"] is None
    lost = message(ex, "lost", queued.data["message"])
    assert lost.t == queued.t and lost.data["reason"] == "no_path"
    assert not ex.knows("fire", "INC1")


def separate_radios(**settings) -> dict:
    return scenario_dict(
        communications=comms(
            *dispatch_channels("police", "fire", "ems"),
            channel("spare", "tactical", ["police"]),
            **settings,
        )
    )


def test_a_console_patch_carries_traffic_only_once_established():
    ex = police_knows(separate_radios(patch_seconds=100))
    result = ex.submit(Patch(agency="police", channels=("police-dispatch", "fire-dispatch")))
    assert result.accepted, result.reason
    asked = ex.now
    requested = first(ex, "patch.requested")
    assert requested.data["channels"] == ["fire-dispatch", "police-dispatch"]
    early = share(ex)
    assert early.data["path"] is None
    run_until(ex, lambda: bool(kinds(ex, "patch.established")))
    assert ex.now == pytest.approx(asked + 100)
    assert first(ex, "patch.established").agency == "police"
    late = share(ex)
    assert (late.data["channel"], late.data["path"], late.data["level"]) == (
        "police-dispatch",
        "patch",
        4,
    )
    run_until(ex, lambda: bool(kinds(ex, "message.delivered")))
    assert message(ex, "lost", early.data["message"]).data["reason"] == "no_path"
    assert first(ex, "message.delivered").data["message"] == late.data["message"]
    assert ex.knows("fire", "INC1")


def test_a_released_patch_stops_carrying_traffic():
    ex = police_knows(separate_radios(patch_seconds=0))
    assert ex.submit(Patch(agency="police", channels=("police-dispatch", "fire-dispatch"))).accepted
    ex.advance(ex.now + 1)
    release = Patch(agency="police", channels=("fire-dispatch", "police-dispatch"), release=True)
    assert ex.submit(release).accepted
    assert first(ex, "patch.released").agency == "police"
    assert share(ex).data["path"] is None


def test_traffic_still_queued_for_a_patch_released_meanwhile_is_lost_not_delivered():
    ex = police_knows(separate_radios(patch_seconds=0))
    assert ex.submit(Patch(agency="police", channels=("police-dispatch", "fire-dispatch"))).accepted
    ex.advance(ex.now + 1)
    on_air, waiting = share(ex), share(ex)  # one goes on air, the other waits its turn
    assert waiting.data["path"] == "patch"
    release = Patch(agency="police", channels=("fire-dispatch", "police-dispatch"), release=True)
    assert ex.submit(release).accepted
    ex.advance(ex.now + 600)
    assert message(ex, "delivered", on_air.data["message"])  # already on the air
    lost = message(ex, "lost", waiting.data["message"])
    assert lost.data["reason"] == "no_path"
    assert lost.t == pytest.approx(message(ex, "sent", on_air.data["message"]).t)
    assert not kinds(ex, "message.delivered")[1:]


def test_a_patch_asked_for_again_goes_live_on_its_own_timer():
    ex = police_knows(separate_radios(patch_seconds=240))
    pair = ("police-dispatch", "fire-dispatch")
    start = ex.now
    assert ex.submit(Patch(agency="police", channels=pair)).accepted
    ex.advance(start + 200)
    assert ex.submit(Patch(agency="police", channels=pair, release=True)).accepted
    ex.advance(start + 210)
    assert ex.submit(Patch(agency="police", channels=pair)).accepted
    ex.advance(start + 500)
    (live,) = kinds(ex, "patch.established")  # not at 240 s from the released request
    assert live.t == pytest.approx(start + 210 + 240)


def test_patch_consoles_limit_how_many_patches_a_dispatcher_holds():
    ex = police_knows(separate_radios())
    assert ex.submit(Patch(agency="police", channels=("police-dispatch", "fire-dispatch"))).accepted
    result = ex.submit(Patch(agency="police", channels=("spare", "ems-dispatch")))
    assert not result.accepted
    assert result.reason == "all 1 of police's patch consoles are in use"
    assert len(kinds(ex, "patch.requested")) == 1


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        (
            Patch(agency="police", channels=("police-dispatch", "police-dispatch")),
            "a patch joins two different channels",
        ),
        (Patch(agency="police", channels=("police-dispatch", "nope")), "unknown channel 'nope'"),
        (
            Patch(agency="police", channels=("fire-dispatch", "ems-dispatch")),
            "police dispatch is on neither fire-dispatch and ems-dispatch",
        ),
        (
            Patch(agency="police", channels=("police-dispatch", "fire-dispatch"), release=True),
            "police holds no patch of police-dispatch and fire-dispatch",
        ),
    ],
    ids=["same channel", "unknown channel", "not on either", "release unheld"],
)
def test_patch_rejections(command, reason):
    ex = exercise(separate_radios())
    result = ex.submit(command)
    assert not result.accepted
    assert result.reason == reason.replace("fire-dispatch and ems", "fire-dispatch nor ems")


def test_phone_and_data_channels_do_not_patch():
    data = scenario_dict()
    ex = exercise(data)
    result = ex.submit(Patch(agency="police", channels=("police-dispatch", "dispatch-phone")))
    assert result.reason == "dispatch-phone is not a radio channel; only radio channels patch"


def test_no_consoles_no_patch():
    from conftest import agency, psap

    data = separate_radios()
    data["agencies"][0] = agency("police", "police", psap=psap(consoles=0))
    ex = exercise(data)
    result = ex.submit(Patch(agency="police", channels=("police-dispatch", "fire-dispatch")))
    assert result.reason == "all 0 of police's patch consoles are in use"


@pytest.mark.parametrize(("fire_station", "path"), [("S", "talkaround"), ("I", None)])
def test_talkaround_between_nearby_units(fire_station, path):
    data = separate_radios(talkaround_m=1500)
    data["stations"] = stations_at(fire=fire_station)
    ex = exercise(data)
    ident = ex.engine.send("sitrep", "police", "fire", unit="P1", text="on your left")
    ex.advance(60)
    queued = message(ex, "queued", ident)
    assert queued.data["path"] == path
    if path:
        assert queued.data["level"] == 2 and queued.data["channel"] == "talkaround"
        assert message(ex, "delivered", ident).agency == "fire"
    else:
        assert message(ex, "lost", ident).data["reason"] == "no_path"


# -- faults -------------------------------------------------------------------------


def fault(seq: int, time: float, kind: str, target: str, **kw) -> dict:
    return {
        "seq": seq,
        "time": time,
        "type": "fault",
        "fault": kind,
        "target": target,
        "description": f"{kind} fault",
        **kw,
    }


@pytest.mark.parametrize("down", [False, True])
def test_cad_fault_sends_shares_by_phone_and_slows_call_taking(down):
    msel = [incident()] + ([fault(2, 0, "cad", "police")] if down else [])
    data = scenario_dict(msel=msel, settings={"manual_processing_factor": 3})
    ex = exercise(data)
    run_until(ex, lambda: ex.knows("police", "INC1"))
    processed = first(ex, "call.processed")
    assert processed.t == pytest.approx(RING + (3 if down else 1) * PROCESSING)
    queued = share(ex)
    assert (queued.data["channel"], queued.data["path"]) == (
        ("dispatch-phone", "phone") if down else ("cad-link", "data")
    )
    run_until(ex, lambda: ex.knows("fire", "INC1"))
    sent = message(ex, "sent", queued.data["message"])
    channel_id = queued.data["channel"]
    assert sent.data["airtime"] == pytest.approx(airtime(ex, queued.data["message"], channel_id))


def test_a_data_share_already_routed_is_lost_when_the_cad_goes_down():
    data = scenario_dict(msel=[incident()])
    ex = exercise(data)
    run_until(ex, lambda: ex.knows("police", "INC1"))
    queued = share(ex)
    assert queued.data["path"] == "data"
    ex.engine.network.cad_down.add("fire")
    # The data link queues nothing (capacity 100), so the check at the start of the
    # transmission happens at once; a later outage does not lose it.
    ex.advance(ex.now + 60)
    assert message(ex, "delivered", queued.data["message"])


def saturation_data(minutes: float | None = None) -> dict:
    extra = {"minutes": minutes} if minutes else {}
    return scenario_dict(
        communications=comms(
            *dispatch_channels("police", "fire", "ems"),
            channel("pf", "phone", ["police", "fire"]),
            channel("icall", "interop", ["police", "fire"]),
        ),
        msel=[incident(), fault(2, 0, "phone", "pf", **extra)],
    )


def test_saturated_phone_lines_lose_the_call_and_the_sender_avoids_them():
    ex = police_knows(saturation_data())
    assert next(c for c in ex.channels() if c.id == "pf").faulty
    tried = share(ex)
    assert tried.data["channel"] == "pf"
    lost = message(ex, "lost", tried.data["message"])
    assert lost.t == tried.t and lost.data["reason"] == "saturated"
    again = share(ex)
    assert (again.data["channel"], again.data["path"], again.data["level"]) == (
        "icall",
        "talkgroup",
        3,
    )
    run_until(ex, lambda: ex.knows("fire", "INC1"))
    # Only the sender that failed avoids the line: fire still tries the phone first.
    assert share(ex, to="police", frm="fire").data["channel"] == "pf"


def test_the_sender_tries_the_phone_again_once_the_fault_clears():
    ex = police_knows(saturation_data(minutes=5))
    share(ex)
    run_until(ex, lambda: bool(kinds(ex, "fault.ended")))
    assert first(ex, "fault.ended").t == pytest.approx(300)
    assert share(ex).data["channel"] == "pf"


def test_congestion_makes_messages_wait():
    def waits(congested: bool) -> list[float]:
        msel = [fault(1, 0, "congestion", "tac", load=0.9)] if congested else []
        data = scenario_dict(
            communications=comms(channel("tac", "tactical", ["police"])), msel=msel
        )
        ex = exercise(data, seed=4)
        for k in range(10):
            ex.advance(60.0 * (k + 1))
            if congested:
                assert next(c for c in ex.channels() if c.id == "tac").faulty
            ex.submit(SendMessage(agency="police", channel="tac", text="radio check"))
        ex.advance(1200)
        return [e.data["wait"] for e in kinds(ex, "message.sent")]

    clear = waits(False)
    busy = waits(True)
    assert clear == [0.0] * 10
    assert len(busy) == 10
    assert sum(1 for w in busy if w > 0) >= 5


def test_a_fault_may_target_a_default_plan_channel():
    ex = exercise(scenario_dict(msel=[incident(), fault(2, 0, "phone", "dispatch-phone")]))
    ex.advance(1)
    assert first(ex, "fault.started").data["target"] == "dispatch-phone"


@pytest.mark.parametrize("kind, target", [("cad", "police"), ("phone", "dispatch-phone")])
def test_overlapping_faults_on_one_target_last_until_the_last_one_ends(kind, target):
    msel = [
        incident(),
        fault(2, 0, kind, target, minutes=10),
        fault(3, 300, kind, target, minutes=30),
    ]
    ex = exercise(scenario_dict(msel=msel))
    network = ex.engine.network

    def down() -> bool:
        return target in network.cad_down if kind == "cad" else network.lines[target].saturated

    ex.advance(601)
    assert [e.data["seq"] for e in kinds(ex, "fault.ended")] == [2]
    assert down()  # the second fault still holds it down
    ex.advance(300 + 1800 + 1)
    assert not down()


def test_overlapping_congestion_keeps_loading_the_channel_until_the_last_ends():
    msel = [
        incident(),
        fault(2, 0, "congestion", "police-dispatch", minutes=10, load=0.5),
        fault(3, 300, "congestion", "police-dispatch", minutes=30, load=0.5),
    ]
    ex = exercise(scenario_dict(msel=msel))
    line = ex.engine.network.lines["police-dispatch"]
    ex.advance(601)
    assert line.congested and line.congestions == {3}
    ex.advance(300 + 1800 + 1)
    assert not line.congested
