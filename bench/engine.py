"""Engine benchmark: a 10,000-node city, 300 units, 2,000 incidents over 24 hours.

Prints wall seconds, simulated-to-wall ratio, events per second, peak memory, our
cost per event against a bare simpy timeout, and the time to score the run as the CLI
does. The bare timeout is sampled between the run's slices (every half hour of
exercise time), so it sees the same machine load as the run; its median is the
reference. The run's CPU seconds are printed beside its wall seconds: on a shared
machine they move less with the load. ``--metro`` is the large case: 100k nodes,
1,000 units, 10,000 incidents.

    python bench/engine.py [--incidents N] [--side N] [--units N] [--metro]
"""

import argparse
import gc
import resource
import statistics
import sys
import time
from pathlib import Path

import simpy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.city import city_scenario
from simulator.exercise import Exercise
from simulator.players import attach_players
from simulator.review.score import score
from simulator.review.summary import summarise


def bare_timeout_cost(n: int = 200_000) -> float:
    """Seconds per bare simpy timeout event (a process yielding timeouts)."""
    env = simpy.Environment()

    def ticker():
        for _ in range(n):
            yield env.timeout(1.0)

    env.process(ticker())
    start = time.perf_counter()
    env.run()
    return (time.perf_counter() - start) / n


# Exercise time between two samples of the bare timeout, and events per sample.
SLICE_S = 1800.0
SAMPLE_EVENTS = 20_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=2000)
    parser.add_argument("--side", type=int, default=100)
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument(
        "--metro", action="store_true", help="317x317 nodes, 1,000 units, 10,000 incidents"
    )
    args = parser.parse_args()
    if args.metro:
        args.side, args.units, args.incidents = 317, 1000, 10_000

    t0 = time.perf_counter()
    scenario = city_scenario(incidents=args.incidents, side=args.side, units=args.units)
    t1 = time.perf_counter()
    exercise = Exercise(scenario, seed=1)
    attach_players(exercise, [a.id for a in scenario.agencies])
    t2 = time.perf_counter()
    run_s, cpu_s, samples = 0.0, 0.0, []
    until = 0.0
    while not exercise.ended:
        until += SLICE_S
        start, start_cpu = time.perf_counter(), time.process_time()
        exercise.advance(until)
        run_s += time.perf_counter() - start
        cpu_s += time.process_time() - start_cpu
        samples.append(bare_timeout_cost(SAMPLE_EVENTS))
    t3 = time.perf_counter()
    sha = exercise.log.sha256()
    t4 = time.perf_counter()

    bare = statistics.median(samples)
    events = len(exercise.log)
    steps = next(exercise.engine.env._eid)  # simpy events scheduled (ours + internal)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    roads = exercise.atlas.roads
    print(
        f"city: {len(roads)} road nodes, {len(roads.src)} edges, "
        f"{len(scenario.units)} units, {len(scenario.agencies)} agencies, "
        f"{args.incidents} incidents over {scenario.metadata.duration / 3600:.0f} h"
    )
    print(f"scenario build (pydantic)  {t1 - t0:8.2f} s")
    print(f"exercise build (map, CSR)  {t2 - t1:8.2f} s")
    print(f"simulation run             {run_s:8.2f} s ({cpu_s:.2f} s CPU)")
    print(f"final flush and hash       {t4 - t3:8.2f} s")
    print(f"wall seconds, whole run    {t4 - t0 - (t3 - t2 - run_s):8.2f} s (without samples)")
    print(f"simulated-to-wall ratio    {scenario.metadata.duration / run_s:8.0f} x")
    print(f"log events                 {events:8d}  ({events / run_s:,.0f} per second)")
    print(f"simpy events scheduled     {steps:8d}  ({steps / run_s:,.0f} per second)")
    print(f"routing trees built        {roads.tree_builds:8d}")
    print(f"road nodes settled         {roads.nodes_settled:8d}  (the routing work)")
    print(f"peak memory (max RSS)      {peak_mb:8.0f} MB")
    print(
        f"bare simpy timeout         {bare * 1e6:8.2f} us per event (median of {len(samples)} "
        f"samples during the run, {min(samples) * 1e6:.2f} to {max(samples) * 1e6:.2f})"
    )
    print(
        f"our cost per simpy event   {run_s / steps * 1e6:8.2f} us "
        f"({run_s / steps / bare:.1f}x bare)"
    )
    print(
        f"our cost per log event     {run_s / events * 1e6:8.2f} us "
        f"({run_s / events / bare:.1f}x bare)"
    )
    # Score as the CLI does after a run: from the log alone, the exercise gone (its
    # players and engine refer to each other, and scoring pauses the collector).
    log = exercise.log.events
    del exercise, roads
    gc.collect()
    t5 = time.perf_counter()
    scores = score(scenario, log)
    scoring_s = time.perf_counter() - t5
    share = 100 * scoring_s / run_s
    print(f"scoring                    {scoring_s:8.2f} s ({share:.0f}% of simulation)")
    print(f"overall score              {scores.overall:8.1f}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory, with scoring  {peak_mb:8.0f} MB")
    summary = summarise(log)
    print(f"incidents resolved         {summary.resolved:8d} of {summary.incidents}")
    for row in summary.response:
        if row.mean is None or row.p90 is None:
            print(f"  {row.agency:<14} {row.unreached_text()}")
            continue
        print(
            f"  {row.agency:<14} response mean {row.mean / 60:5.1f} min, "
            f"p90 {row.p90 / 60:5.1f} min over {row.responses} incidents"
        )
    print(f"event log sha256           {sha}")


if __name__ == "__main__":
    main()
