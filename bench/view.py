"""View benchmark: frames per second of the map view, and how long a zoom step takes.

Under the dummy SDL driver, every agency shown (a controller's view, so every unit is
drawn) with the automated players dispatching, the incident board, roster, selection
panel and log on, the simulation at 60x. The reference is a bare blit of the cached
base map plus a display flip, measured in the same run. A zoom step is the wall time of
one paused frame right after a zoom (the base map is redrawn for the new scale), from
the whole city in to street level and back out.

    SDL_VIDEODRIVER=dummy python bench/view.py [--frames N] [--start HH:MM]
    SDL_VIDEODRIVER=dummy python bench/view.py --units 1000 --nodes 100000 --start 01:00
"""

import argparse
import math
import os
import resource
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pygame

from bench.city import city_scenario
from simulator.exercise import Exercise
from simulator.players import attach_players
from simulator.scenario import Scenario, parse
from simulator.scenario.timing import parse_offset
from simulator.terminal import Terminal
from simulator.view.app import App
from simulator.view.console import Console
from simulator.view.session import Session

MOVING = {"en_route", "transporting", "returning"}
ZOOM_STEPS = 14  # in from the whole city to street level, then back out


def frame_times(step, frames: int) -> list[float]:
    """Wall seconds of each of ``frames`` calls of ``step(dt)``.

    ``dt`` is the last frame's time, but at least 1/60 s: the window caps itself at
    60 FPS, so each frame the trainee sees moves the exercise on by at least 1/60 s of
    wall time (a second at 60x) and reads unit positions at least every other frame.
    The time measured is the frame's own work, so 1 / time is the rate it could hold.
    """
    out, dt = [], 1 / 60
    for _ in range(frames):
        start = time.perf_counter()
        step(dt)
        spent = time.perf_counter() - start
        out.append(spent)
        dt = max(spent, 1 / 60)
    return out


def report(name: str, times: list[float]) -> float:
    """Print median, p10 and p1 frame rates (p10: the 90th-percentile frame time)."""
    ordered = sorted(times)
    median = statistics.median(ordered)
    p90 = ordered[int(len(ordered) * 0.9)]
    p99 = ordered[int(len(ordered) * 0.99)]
    print(
        f"{name:<28} median {1 / median:7.0f} FPS ({median * 1000:5.2f} ms), "
        f"p10 {1 / p90:7.0f} FPS ({p90 * 1000:5.2f} ms), "
        f"p1 {1 / p99:6.0f} FPS ({p99 * 1000:5.1f} ms)"
    )
    return median


def scenario_for(units: int, nodes: int) -> Scenario:
    """The benchmark city at about ``nodes`` road nodes with ``units`` units.

    The city's 300 units are copied round-robin (same stations, new ids) up to the
    number asked for.
    """
    side = max(10, round(math.sqrt(nodes)))
    base = city_scenario(side=side)
    if units == len(base.units):
        return base
    data = base.model_dump(mode="json", by_alias=True, exclude_none=True)
    fleet = data["units"]
    data["units"] = [
        {**fleet[n % len(fleet)], "id": f"{fleet[n % len(fleet)]['id']}-{n // len(fleet)}"}
        if n >= len(fleet)
        else fleet[n]
        for n in range(units)
    ]
    return parse(data, "bench-city")


def zoom_steps(app: App, console: Console) -> list[float]:
    """Wall seconds of a paused frame after each zoom step, in and back out."""
    console.pace.toggle()
    camera = console.camera
    camera.fit(console.exercise.atlas.roads.xy)
    app.frame(0.0)
    times = []
    for steps in [1] * ZOOM_STEPS + [-1] * ZOOM_STEPS:
        camera.zoom(steps)
        start = time.perf_counter()
        app.frame(0.0)
        times.append(time.perf_counter() - start)
    console.pace.toggle()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=600)
    parser.add_argument("--start", default="03:00", help="exercise time to start drawing")
    parser.add_argument("--units", type=int, default=300, help="units (300: the city's own)")
    parser.add_argument("--nodes", type=int, default=10_000, help="road nodes, about")
    parser.add_argument("--size", default="1280x800", help="window WIDTHxHEIGHT")
    args = parser.parse_args()

    started = time.perf_counter()
    scenario = scenario_for(args.units, args.nodes)
    exercise = Exercise(scenario, seed=1)
    roles = tuple(sorted(a.id for a in scenario.agencies))
    attach_players(exercise, list(roles))
    exercise.advance(parse_offset(args.start))
    width, height = (int(v) for v in args.size.split("x"))
    app = App((width, height))
    console = Console(app, Session(Terminal(exercise, roles), roles), speed=60)
    app.push(console)
    print(f"set up (city, players to {args.start}, console) {time.perf_counter() - started:.1f} s")
    frame_times(app.frame, 30)  # warm caches: base map, icons, labels

    def bare(dt: float) -> None:
        del dt
        console.roads.draw(app.surface, console.camera)
        pygame.display.flip()

    reference = report("reference: map blit + flip", frame_times(bare, args.frames))
    t0 = exercise.now
    view = report("map view, 60x, panels on", frame_times(app.frame, args.frames))
    zooms = zoom_steps(app, console)
    print(
        f"zoom step  {max(zooms) * 1000:.0f} ms (worst of {len(zooms)}; "
        f"median {statistics.median(zooms) * 1000:.0f} ms)"
    )
    snap = console.snapshot
    moving = sum(1 for u in snap.units if u.status.value in MOVING)
    busy = sum(1 for u in snap.units if u.status.value not in ("available", "out_of_service"))
    print(
        f"shown: {len(snap.units)} units ({busy} committed, {moving} driving), "
        f"{len(snap.incidents)} incidents; {len(exercise.atlas.roads)} road nodes"
    )
    print(f"simulated {exercise.now - t0:.0f} s in {args.frames} frames")
    print(f"base map rebuilds {console.roads.builds}; view/reference {view / reference:.1f}x")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MB")
    pygame.display.quit()


if __name__ == "__main__":
    main()
