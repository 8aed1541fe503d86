"""An agency's viewpoint: its own CAD, knowledge and units, and only its own orders."""

import pytest
from conftest import exercise, run_until

from simulator.commands import Dispatch
from simulator.viewpoint import Viewpoint


def test_reads_are_the_agencys_own_and_orders_for_another_agency_are_refused():
    ex = exercise()
    police, fire = Viewpoint(ex, "police", "player:police"), Viewpoint(ex, "fire", "player:fire")
    run_until(ex, lambda: police.knows("INC1"))
    assert not fire.knows("INC1") and fire.cad_incident("INC1") is None
    assert police.cad_entry("INC1").via == "call"
    assert {u.agency for u in police.units()} == {"police"}
    assert set(police.free_units()) == {u.id for u in police.units()}
    with pytest.raises(ValueError, match="fire cannot give police's orders"):
        fire.submit(Dispatch(agency="police", incident="INC1", units=["P1"]))
    assert not ex.log.of_kind("command.accepted") and not ex.log.of_kind("command.rejected")
    result = police.submit(Dispatch(agency="police", incident="INC1", units=["P1"]))
    assert result.accepted and ex.commands[-1]["source"] == "player:police"
