"""Share duties: a hazard walked into is not being told; co-first knowers all owe the share."""

import pytest
import yaml
from conftest import SCENARIOS, LogBuilder, build, scenario_dict

from simulator.exercise import Exercise
from simulator.players import attach_players
from simulator.review.coordination import coordination, fact_sharing
from simulator.review.findings import never_told
from simulator.review.roles import role_scores
from simulator.review.score import score

HAZARD = "hazard:I1/solvent"
END = 7200.0


def walked_in(harm: str | None, found_at: float = 200.0) -> LogBuilder:
    """Police know of I1's solvent hazard ahead of time; fire's crew finds it on scene.

    ``harm`` is the kind of hazard that struck fire's crew at I1 just before its report
    (None: nothing did, the crew sized the hazard up); EMS hears of it from fire.
    """
    log = LogBuilder()
    log.add(10, "fact.learned", "police", incident="I1", fact=HAZARD, via="inject")
    log.add(100, "incident.started", incident="I1", agencies=["ems", "fire", "police"])
    log.add(100, "fact.critical", incident="I1", fact=HAZARD, needed_by=["ems", "fire", "police"])
    log.add(found_at - 20, "unit.on_scene", "fire", "E1", "I1", prev="en_route")
    if harm is not None:
        log.add(found_at - 20, "unit.harmed", "fire", "E1", "I1", hazard=harm)
    log.add(
        found_at,
        "fact.learned",
        "fire",
        "E1",
        "I1",
        fact=HAZARD,
        value="chemical",
        via="unit",
        source="fire",
    )
    log.add(
        found_at + 10,
        "fact.learned",
        "ems",
        incident="I1",
        fact=HAZARD,
        value="chemical",
        via="message",
        source="fire",
    )
    log.add(END, "exercise.ended")
    return log


def police_shares(events) -> list[tuple[float, bool, str]]:
    groups = role_scores(build(scenario_dict()), events)["police"].groups
    return [(d.value, d.censored, d.note) for g in groups if g.name == "share" for d in g.duties]


def test_a_hazard_fires_crew_walked_into_never_reached_fire_and_police_still_owed_it():
    """The trainer's lab: told nobody, police must not read as having shared in time."""
    events = walked_in("chemical").events
    never = "the solvent hazard at I1 never reached fire, whose crews walked into it"
    # EMS was told by fire within the target, so police owed EMS nothing.
    assert police_shares(events) == [(END - 100, True, never)]
    (fact,) = fact_sharing(events, END)
    assert (fact.missing, fact.all_known, fact.latency) == (("fire",), None, END - 100)


def test_a_crews_size_up_before_any_harm_is_discovery_and_counts_as_told():
    """Found before it hurt anyone, within the target: police's duty to fire was taken away."""
    events = walked_in(None).events
    assert police_shares(events) == []
    (fact,) = fact_sharing(events, END)
    assert (fact.missing, fact.all_known, fact.latency) == ((), 210.0, 110.0)


def hurt_first(police_heard_at: float | None = None) -> LogBuilder:
    """Fire's crew is hurt by I1's solvent at 180, reports it at 200, fire tells EMS at 210.

    Nobody knew of it before the harm; ``police_heard_at``: police hear of it by a call.
    """
    log = LogBuilder()
    log.add(100, "incident.started", incident="I1", agencies=["ems", "fire", "police"])
    log.add(100, "fact.critical", incident="I1", fact=HAZARD, needed_by=["ems", "fire"])
    log.add(180, "unit.on_scene", "fire", "E1", "I1", prev="en_route")
    log.add(180, "unit.harmed", "fire", "E1", "I1", hazard="chemical")
    found = {"fact": HAZARD, "value": "chemical"}
    if police_heard_at is not None:
        heard = {"via": "call", "source": "police"}
        log.add(police_heard_at, "fact.learned", "police", incident="I1", **found, **heard)
    log.add(200, "fact.learned", "fire", "E1", "I1", **found, via="unit", source="fire")
    log.add(210, "fact.learned", "ems", incident="I1", **found, via="message", source="fire")
    log.add(END, "exercise.ended")
    return log


def test_a_hazard_nobody_knew_of_is_discovered_by_the_crew_it_hurts():
    """No one could have warned fire: its report is told, and fire then owes it to EMS.

    Fact latency once timed it to the end as never reaching fire, and the plan told
    fire to share the hazard with itself.
    """
    log = hurt_first()
    (fact,) = fact_sharing(log.events, END)
    assert (fact.missing, fact.first_knowers, fact.latency) == ((), ("fire",), 10.0)
    groups = role_scores(build(scenario_dict()), log.events)["fire"].groups
    shares = [(d.value, d.censored) for g in groups if g.name == "share" for d in g.duties]
    assert shares == [(10.0, False)]


def test_an_agency_that_learned_only_after_the_harm_could_have_warned_nobody():
    """Police heard of it by a call between fire's harm and fire's sitrep: no warning due."""
    log = hurt_first(police_heard_at=190)
    (fact,) = fact_sharing(log.events, END)
    assert (fact.missing, fact.latency) == ((), 20.0)
    groups = role_scores(build(scenario_dict()), log.events)["police"].groups
    assert not [d for g in groups if g.name == "share" for d in g.duties if d.censored]


def test_harm_by_another_kind_of_hazard_does_not_taint_the_discovery():
    events = walked_in("armed_suspect").events
    assert police_shares(events) == []
    (fact,) = fact_sharing(events, END)
    assert fact.missing == ()


def told_at_once(order: list[str], shared_by: str | None = None) -> list:
    """An inject tells the agencies in ``order`` of I1's hazard at one instant.

    Fire, needing it, hears it from ``shared_by`` 60 s later, or never.
    """
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1", agencies=["fire", "police"])
    log.add(0, "fact.critical", incident="I1", fact=HAZARD, needed_by=["fire", "police"])
    for agency in order:
        log.add(30, "fact.learned", agency, incident="I1", fact=HAZARD, via="inject")
    if shared_by is not None:
        log.add(
            90, "fact.learned", "fire", incident="I1", fact=HAZARD, via="message", source=shared_by
        )
    log.add(END, "exercise.ended")
    return log.events


def share_groups(events) -> dict[str, list[tuple[float, bool]]]:
    roles = role_scores(build(scenario_dict()), events)
    return {
        agency: [(d.value, d.censored) for g in role.groups if g.name == "share" for d in g.duties]
        for agency, role in roles.items()
    }


@pytest.mark.parametrize("shared_by", [None, "ems", "police"])
def test_every_agency_told_at_the_first_instant_owes_the_share_whatever_the_order(shared_by):
    ahead = told_at_once(["ems", "police"], shared_by)
    behind = told_at_once(["police", "ems"], shared_by)
    assert share_groups(ahead) == share_groups(behind)
    got = share_groups(ahead)
    if shared_by is None:  # nobody passed it on: both knew, both missed it
        assert got["ems"] == got["police"] == [(END - 30, True)]
    else:  # one told fire in time: its share is done, the other's duty was taken away
        other = {"ems": "police", "police": "ems"}[shared_by]
        assert (got[shared_by], got[other]) == ([(60.0, False)], [])
    assert got["fire"] == []


def test_a_command_post_pooling_at_the_same_instant_is_a_tell_not_knowing_first():
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1", agencies=["fire", "police"])
    log.add(0, "fact.critical", incident="I1", fact=HAZARD, needed_by=["ems", "fire", "police"])
    log.add(30, "fact.learned", "police", incident="I1", fact=HAZARD, via="call")
    log.add(
        30, "fact.learned", "fire", incident="I1", fact=HAZARD, via="command_post", source="police"
    )
    log.add(END, "exercise.ended")
    got = share_groups(log.events)
    assert got["fire"] == [] and got["police"] == [(END - 30, True), (0.0, False)]  # ems, fire
    (fact,) = fact_sharing(log.events, END)
    assert fact.first_knowers == ("police",)


def small_town(order: list[str]) -> dict[str, float | None]:
    """Small town with an informant's warning of INC1's fuel told to ``order`` at once.

    Nobody acts (the QA trainer's idle task force): whoever owes the warning to fire
    misses it, and an agency owing nothing else scores only on that.
    """
    data = yaml.safe_load((SCENARIOS / "small_town_collision.yaml").read_text())
    warning = {
        "seq": 9,
        "time": "00:01",
        "type": "information",
        "to": order,
        "description": "Fuel tanker on the Mill Bridge approach.",
        "facts": ["hazard:INC1/fuel"],
    }
    # The bridge closure, told to every agency at once too, would hide this tie.
    data["msel"] = [row for row in data["msel"] if row["type"] != "road_closure"] + [warning]
    scenario = build(data)
    exercise = Exercise(scenario, seed=0)
    agencies = [a.id for a in scenario.agencies]
    attach_players(exercise, agencies, dict.fromkeys(agencies, "idle"))
    exercise.advance(scenario.metadata.duration)
    return {a: r.score for a, r in score(scenario, exercise.log.events).roles.items()}


def test_the_order_of_an_injects_recipients_changes_no_role_score():
    """A warning told to police and EMS at once, listed either way round."""
    assert small_town(["police", "ems"]) == small_town(["ems", "police"])


def test_an_incident_nobody_passed_on_is_charged_to_every_agency_that_knew_it_first():
    """The improvement plan names both, not whichever the log happened to list first."""
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1", agencies=["ems", "fire", "police"])
    log.add(
        0, "fact.critical", incident="I1", fact="incident:I1", needed_by=["ems", "fire", "police"]
    )
    for agency in ("police", "ems"):
        log.add(30, "fact.learned", agency, incident="I1", fact="incident:I1", via="inject")
    log.add(END, "exercise.ended")
    untold = never_told(coordination(build(scenario_dict()), log.events))
    assert untold == {("I1", "fire"): "ems and police"}
