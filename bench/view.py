"""View benchmark: frames per second of the map view on the city-scale scenario.

1280x800 under the dummy SDL driver, every agency shown (a controller's view, so all
300 units are drawn) with the automated players dispatching, the incident board,
roster, selection panel and log on, the simulation at 60x. The reference is a bare
blit of the cached road layer plus a display flip, measured in the same run.

    SDL_VIDEODRIVER=dummy python bench/view.py [--frames N] [--start HH:MM]
"""

import argparse
import os
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
from simulator.scenario.timing import parse_offset
from simulator.view.app import App
from simulator.view.console import Console
from simulator.view.session import Session

MOVING = {"en_route", "transporting", "returning"}


def frame_times(step, frames: int) -> list[float]:
    """Wall seconds of each of ``frames`` calls of ``step(dt)`` (dt: the last frame)."""
    out, dt = [], 1 / 60
    for _ in range(frames):
        start = time.perf_counter()
        step(dt)
        dt = time.perf_counter() - start
        out.append(dt)
    return out


def report(name: str, times: list[float]) -> float:
    ordered = sorted(times)
    median = statistics.median(ordered)
    p90 = ordered[int(len(ordered) * 0.9)]
    print(
        f"{name:<28} median {1 / median:7.0f} FPS ({median * 1000:5.2f} ms), "
        f"p10 {1 / p90:7.0f} FPS ({p90 * 1000:5.2f} ms)"
    )
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=600)
    parser.add_argument("--start", default="03:00", help="exercise time to start drawing")
    args = parser.parse_args()

    scenario = city_scenario()
    exercise = Exercise(scenario, seed=1)
    roles = tuple(sorted(a.id for a in scenario.agencies))
    attach_players(exercise, list(roles))
    exercise.advance(parse_offset(args.start))
    app = App((1280, 800))
    console = Console(app, Session(exercise, roles), speed=60)
    app.push(console)
    frame_times(app.frame, 30)  # warm caches: road layer, icons, labels

    def bare(dt: float) -> None:
        del dt
        console.roads.draw(app.surface, console.camera)
        pygame.display.flip()

    reference = report("reference: road blit + flip", frame_times(bare, args.frames))
    t0 = exercise.now
    view = report("map view, 60x, panels on", frame_times(app.frame, args.frames))
    snap = console.snapshot
    moving = sum(1 for u in snap.units if u.status.value in MOVING)
    busy = sum(1 for u in snap.units if u.status.value not in ("available", "out_of_service"))
    print(
        f"shown: {len(snap.units)} units ({busy} committed, {moving} driving), "
        f"{len(snap.incidents)} incidents; {len(exercise.atlas.roads)} road nodes"
    )
    print(f"simulated {exercise.now - t0:.0f} s in {args.frames} frames")
    print(f"road layer rebuilds {console.roads.builds}; view/reference {view / reference:.1f}x")
    pygame.display.quit()


if __name__ == "__main__":
    main()
