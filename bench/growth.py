"""Growth benchmark: how the simulation's cost grows in incidents, units and road nodes.

Starts from the city day (10,000 nodes, 300 units, 2,000 incidents) and varies one
size at a time, the others held. Each size is simulated ``--repeat`` times and the
least CPU time kept (on a shared machine the least is the run the load disturbed
least); the exponent between neighbouring sizes is that of a power law through the two
points, so 1.0 means cost in proportion and 2.0 cost in the square.

    python bench/growth.py [--repeat N] [--only incidents|units|nodes]
"""

import argparse
import gc
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.city import city_scenario
from simulator.exercise import Exercise
from simulator.players import attach_players

BASE = {"incidents": 2000, "units": 300, "side": 100}

# The size varied, its values, and how it maps onto the city's parameters.
SERIES = {
    "incidents": [1000, 2000, 4000],
    "units": [300, 600, 1000],
    "nodes": [10_000, 25_000, 50_000],
}


def parameters(varied: str, size: int) -> dict[str, int]:
    """The city's parameters with one size changed (nodes as a square grid's side)."""
    chosen = dict(BASE)
    if varied == "nodes":
        chosen["side"] = round(math.sqrt(size))
    else:
        chosen[varied] = size
    return chosen


def cpu_seconds(incidents: int, units: int, side: int) -> tuple[float, int]:
    """CPU seconds to simulate one city day with every agency played, and its log size."""
    scenario = city_scenario(incidents=incidents, side=side, units=units)
    exercise = Exercise(scenario, seed=1)
    attach_players(exercise, [a.id for a in scenario.agencies])
    start = time.process_time()
    exercise.advance(scenario.metadata.duration)
    spent = time.process_time() - start
    events = len(exercise.log)
    del exercise
    gc.collect()
    return spent, events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (least kept)")
    parser.add_argument("--only", choices=sorted(SERIES), help="vary this size alone")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    for varied, sizes in SERIES.items():
        if args.only and varied != args.only:
            continue
        print(f"varied: {varied} (others as the city day: {BASE})")
        previous = None
        for size in sizes:
            runs = [cpu_seconds(**parameters(varied, size)) for _ in range(args.repeat)]
            best = min(spent for spent, _ in runs)
            spread = max(spent for spent, _ in runs)
            events = runs[0][1]
            line = f"  {size:>7,}  {best:7.2f} s CPU (up to {spread:.2f} s), {events:,} events"
            if previous:
                exponent = math.log(best / previous[1]) / math.log(size / previous[0])
                line += f", exponent {exponent:.2f}"
            print(line, flush=True)
            previous = (size, best)


if __name__ == "__main__":
    main()
