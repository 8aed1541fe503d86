"""The collector pause for bulk builds: resumed after, as it was, even on an error."""

import gc

import pytest

from simulator.scenario.bulk import bulk
from simulator.scenario.document import parse_yaml


@pytest.fixture(autouse=True)
def _collector_back_on():
    yield
    gc.enable()


def test_a_build_pauses_the_collector_and_resumes_it():
    with bulk:
        assert not gc.isenabled()
        with bulk:  # builds nest: the inner end must not resume it early
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_already_off_stays_off():
    gc.disable()
    with bulk:
        pass
    assert not gc.isenabled()


def test_a_failed_build_resumes_the_collector():
    with pytest.raises(ValueError), bulk:
        raise ValueError("bad")
    assert gc.isenabled()


def test_reading_a_document_leaves_the_collector_on():
    assert parse_yaml("a: [1, 2]") == {"a": [1, 2]}
    assert gc.isenabled()
