"""Engine refusals read with agencies by name, never garbled where an id is a word."""

import pytest

from simulator.view.words import agency_reason

AGENCIES = {
    "fire": "Harbor Fire Department",
    "police": "Harbor Police Department",
    "ems": "Harbor EMS",
    "fbi_jttf": "FBI Joint Terrorism Task Force",
}


@pytest.mark.parametrize(
    ("reason", "read"),
    [
        (
            "no command unit at the scene for fbi_jttf, police",
            "no command unit at the scene for FBI Joint Terrorism Task Force, "
            "Harbor Police Department",
        ),
        (
            "all 1 of ems's patch consoles are in use",
            "all 1 of Harbor EMS's patch consoles are in use",
        ),
        (
            "incident 'MCI-01' is not in fire's CAD",
            "incident 'MCI-01' is not in Harbor Fire Department's CAD",
        ),
        (
            "unit P1 belongs to police, not fire",
            "unit P1 belongs to Harbor Police Department, not Harbor Fire Department",
        ),
        (
            "police has no command unit at MCI-01",
            "Harbor Police Department has no command unit at MCI-01",
        ),
        (
            "no hazmat unit of fire is on scene to confirm fire out",
            "no hazmat unit of Harbor Fire Department is on scene to confirm fire out",
        ),
    ],
)
def test_the_engines_reasons_name_the_agencies_in_them(reason, read):
    assert agency_reason(reason, AGENCIES) == read


def test_an_id_that_is_a_word_is_named_only_where_the_engine_puts_an_agency():
    # A condition, a hazard or a fact key may say "fire" and mean fire.
    for reason in (
        "fire out is already declared",
        "fire out is not yet confirmed by the units on scene",
        "police does not know 'hazard:MCI-01/fire'",
    ):
        assert "Harbor Fire Department" not in agency_reason(reason, AGENCIES)


def test_an_id_with_an_underscore_is_named_wherever_it_stands_alone_but_not_in_a_channel():
    assert agency_reason("a structure fire near fbi_jttf's post", AGENCIES) == (
        "a structure fire near FBI Joint Terrorism Task Force's post"
    )
    patched = "fbi_jttf-dispatch and ems-dispatch are already patched"
    assert agency_reason(patched, AGENCIES) == patched
    assert agency_reason("no agency 'fbi_jttf'", AGENCIES) == "no agency 'fbi_jttf'"


def test_a_refused_orders_notice_names_the_agencies_and_the_status_in_words():
    """The notice after a refused order showed the engine's ids and status names."""
    from conftest import SCENARIOS

    from simulator.scenario import load
    from simulator.view.words import Names

    names = Names(load(SCENARIOS / "harbor_district_mci.yaml"), ("fire", "ems"))
    read = names.reason("unit M3 is at_hospital; all 1 of ems's patch consoles are in use")
    assert read == "unit M3 is at the hospital; all 1 of Bayport EMS's patch consoles are in use"
