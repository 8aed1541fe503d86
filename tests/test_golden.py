"""Each bundled scenario at seed 0 still produces, byte for byte, its pinned event log."""

import pytest
from golden import PIN_COMMAND, SEED, bundled, read_pins, run_scenario

SHIPPED = bundled()


def test_every_bundled_scenario_is_pinned():
    assert sorted(read_pins()) == [p.name for p in SHIPPED], (
        f"tests/golden_sha256.json does not list exactly the bundled scenarios; run `{PIN_COMMAND}`"
    )


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_event_log_matches_the_pinned_hash(path):
    pinned = read_pins().get(path.name)
    actual = run_scenario(path).log.sha256()
    assert actual == pinned, (
        f"{path.name} at seed {SEED} (automated players, whole duration) logged different "
        f"events: sha256 {actual}, pinned {pinned}. If behaviour changed on purpose, "
        f"re-pin with `{PIN_COMMAND}` and say why in the commit message "
        f"(docs/testing.md); otherwise this is a regression."
    )
