"""Network benchmark: 16 automated seats and a controller on loopback at 60x.

A region of four districts, each with its own police, fire, EMS and public works (16
agencies, a seat each), incidents answered by their district's agencies. The server is
``run_sim.py serve`` in a subprocess; the 16 seats (``SopPlayer`` over a ``Mirror``)
and the controller run in this process, one thread each. For every command a seat
gives, the delay is from its submission to the moment its ``command.accepted`` or
``command.rejected`` event has reached every seat that hears it (the seat and the
controller). Printed: median and p99 delay (goal: p99 under 50 ms) and the server's
CPU share (its CPU seconds over its wall seconds).

    python bench/network.py [--hours 1.0] [--speed 60]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.network.bot import sit
from simulator.network.link import Link, LinkError
from simulator.network.protocol import event_from
from simulator.players.profile import profile
from simulator.players.sop import SopPlayer
from simulator.scenario import parse
from simulator.scenario.timing import format_offset

ROOT = Path(__file__).resolve().parent.parent
DISTRICTS = ("north", "east", "south", "west")
KINDS = [
    # incident type, priority, needs, casualties (immediate, delayed, minor), work minutes
    ("medical", 2, {"als": 1}, (0, 1, 0), 10),
    ("traffic_collision", 2, {"patrol": 1, "traffic_control": 1}, (0, 1, 1), 20),
    ("structure_fire", 1, {"fire_suppression": 2, "ladder": 1}, (0, 0, 1), 30),
    ("assault", 2, {"patrol": 2}, (0, 0, 1), 15),
    ("infrastructure_failure", 3, {"public_works": 1, "traffic_control": 1}, (0, 0, 0), 40),
]
ANSWERS = {  # capability -> the district agency answering it
    "als": "ems",
    "transport": "ems",
    "patrol": "police",
    "traffic_control": "police",
    "fire_suppression": "fire",
    "ladder": "fire",
    "public_works": "works",
}
FLEET = [
    ("police", "patrol car", ["patrol", "traffic_control"], 8),
    ("fire", "engine", ["fire_suppression", "rescue"], 4),
    ("fire", "ladder", ["ladder", "rescue"], 1),
    ("ems", "ALS ambulance", ["als", "bls", "transport"], 6),
    ("works", "utility truck", ["public_works", "traffic_control"], 3),
]
KIND_OF = {"police": "police", "fire": "fire", "ems": "ems", "works": "public_works"}


def region(hours: float, per_hour: int = 60, seed: int = 5, side: int = 40) -> dict:
    """The benchmark region as scenario data: 16 agencies, 88 units, incidents."""
    rng = np.random.default_rng(seed)
    block = 150.0
    half = (side - 1) * block / 2
    corners = {"north": (0, half), "east": (half, half), "south": (half, 0), "west": (0, 0)}
    agencies, stations, units = [], [], []
    for district in DISTRICTS:
        ox, oy = corners[district]
        for short, kind in KIND_OF.items():
            agency = f"{short}_{district}"
            agencies.append({"id": agency, "name": f"{district} {short}", "kind": kind})
            x, y = ox + rng.uniform(0.2, 0.8) * half, oy + rng.uniform(0.2, 0.8) * half
            stations.append({"id": f"{agency}-st", "agency": agency, "location": {"x": x, "y": y}})
        for short, utype, caps, n in FLEET:
            agency = f"{short}_{district}"
            for i in range(n):
                units.append(
                    {
                        "id": f"{agency}-{utype.split()[0][:3]}-{i + 1}",
                        "agency": agency,
                        "type": utype,
                        "capabilities": caps,
                        "station": f"{agency}-st",
                    }
                )
    hospitals = [
        {
            "id": f"H-{d}",
            "location": {"x": corners[d][0] + half / 2, "y": corners[d][1] + half / 2},
            "beds": {"immediate": 50, "delayed": 100, "minor": 100},
        }
        for d in DISTRICTS
    ]
    duration = int(hours * 3600) + 1800
    count = max(1, int(per_hour * hours))
    msel = []
    for n, t in enumerate(np.sort(rng.uniform(30, hours * 3600, count))):
        kind, priority, needs, (imm, dly, mnr), work = KINDS[int(rng.integers(len(KINDS)))]
        district = DISTRICTS[int(rng.integers(len(DISTRICTS)))]
        ox, oy = corners[district]
        caps = set(needs) | ({"transport"} if imm + dly + mnr else set())
        responsible = {c: f"{ANSWERS[c]}_{district}" for c in sorted(caps)}
        lead = responsible[next(iter(needs))]
        msel.append(
            {
                "seq": n + 1,
                "time": float(round(t)),
                "type": "incident",
                "description": f"{kind} #{n + 1}",
                "incident": {
                    "id": f"I{n + 1}",
                    "location": {"x": ox + rng.uniform(0, half), "y": oy + rng.uniform(0, half)},
                    "incident_type": kind,
                    "priority": priority,
                    "requires": needs,
                    "responsible": responsible,
                    "lead": lead,
                    "casualties": {"immediate": imm, "delayed": dly, "minor": mnr},
                    "work_minutes": work,
                    "calls": {"count": 1, "spread": 30, "agency": lead},
                },
            }
        )
    return {
        "metadata": {
            "id": "bench-region",
            "title": "Benchmark region",
            "briefing": "Network load test.",
            "duration": duration,
        },
        "map": {
            "kind": "generated",
            "seed": seed,
            "columns": side,
            "rows": side,
            "block_m": block,
            "bridges": 4,
        },
        "agencies": agencies,
        "stations": stations,
        "hospitals": hospitals,
        "units": units,
        "msel": msel,
    }


class Arrivals:
    """When each event (by seq) reached each seat, and when each command was sent."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reached: dict[tuple[str, int], float] = {}
        self.sent: list[tuple[str, int, float]] = []  # seat, event seq, submission time

    def heard(self, seat: str, message: dict) -> None:
        now = time.perf_counter()
        with self.lock:
            for raw in message.get("events", ()):
                self.reached.setdefault((seat, raw["seq"]), now)

    def delays(self) -> list[float]:
        out = []
        for seat, seq, t in self.sent:
            got = [self.reached.get((s, seq)) for s in (seat, "controller")]
            if None not in got:
                out.append(max(got) - t)
        return out


def seat_thread(url: str, seat: str, token: str, arrivals: Arrivals) -> threading.Thread:
    """A thread that plays ``seat`` with the SOP player, timing its commands."""

    def run() -> None:
        seated = sit(url, token)
        mirror = seated.mirror
        feed = mirror.feed

        def timed_feed(message: dict) -> None:
            arrivals.heard(seat, message)
            feed(message)

        def timed_request(message: dict) -> dict:
            start = time.perf_counter()
            answer = seated.link.request(message)
            if message["type"] == "command" and answer.get("type") == "result":
                seq = event_from(answer["event"]).seq
                with arrivals.lock:
                    arrivals.sent.append((seat, seq, start))
            return answer

        seated.link.on_message = timed_feed
        mirror.rebind(timed_request, seated.link.welcome)
        SopPlayer(mirror, mirror.agencies[0], profile("sop"))
        while not mirror.ended:
            try:
                message = seated.link.receive(1.0)
            except LinkError:
                return
            if message is not None:
                timed_feed(message)
                mirror.deliver()
        seated.link.close()

    return threading.Thread(target=run, name=seat)


def controller_thread(url: str, token: str, arrivals: Arrivals) -> threading.Thread:
    def run() -> None:
        link = Link(url, token)
        while True:
            try:
                message = link.receive(1.0)
            except LinkError:
                return
            if message is None:
                continue
            arrivals.heard("controller", message)
            if any(e["kind"] == "exercise.ended" for e in message.get("events", ())):
                link.close()
                return

    return threading.Thread(target=run, name="controller")


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) a live process has used, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=1.0, help="exercise hours to play")
    parser.add_argument("--speed", type=float, default=60.0)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-network-"))
    scenario_file = scratch / "region.yaml"
    data = region(args.hours)
    parse(data, "bench-region")  # a bad generator fails here, not in the server
    scenario_file.write_text(json.dumps(data))
    until = format_offset(args.hours * 3600)[:5]
    command = [
        sys.executable,
        str(ROOT / "run_sim.py"),
        "serve",
        str(scenario_file),
        "--port",
        "0",
        "--speed",
        str(args.speed),
        "--until",
        until,
        "--out",
        str(scratch / "run"),
        "--db",
        str(scratch / "db.sqlite"),
        "--tokens",
        str(scratch / "tokens.json"),
    ]
    env = {**os.environ, "SIMULATOR_PURPOSE": "rehearsal"}
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    url = None
    for line in server.stdout:
        found = re.search(r"(ws://[\d.]+:\d+)", line)
        if found:
            url = found.group(1)
            break
    if url is None:
        sys.exit("the server did not start")
    tokens = json.loads((scratch / "tokens.json").read_text())
    arrivals = Arrivals()
    cpu0, wall0 = cpu_seconds(server.pid), time.perf_counter()
    threads = [controller_thread(url, tokens["controller"], arrivals)]
    threads += [seat_thread(url, s, t, arrivals) for s, t in tokens.items() if s != "controller"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The exercise is over: what the server spent serving it, before it scores the run.
    cpu, wall = cpu_seconds(server.pid) - cpu0, time.perf_counter() - wall0
    rest = server.stdout.read()
    server.wait()
    delays = sorted(arrivals.delays())
    if not delays:
        sys.exit("no command was timed")
    p99 = delays[min(len(delays) - 1, int(0.99 * len(delays)))]
    median = statistics.median(delays)
    print(
        f"seats: 16 bots + controller, speed {args.speed:g}x, exercise {until}, wall {wall:.1f} s"
    )
    print(f"commands timed: {len(delays)}")
    print(
        f"submission -> event at every seat that hears it: median {median * 1000:.1f} ms, "
        f"p99 {p99 * 1000:.1f} ms (goal < 50 ms p99), max {delays[-1] * 1000:.1f} ms"
    )
    print(f"server CPU while serving: {cpu:.1f} s over {wall:.1f} s = {cpu / wall:.0%} of one core")
    last = [line for line in rest.splitlines() if line.startswith("Recorded as")]
    if last:
        print(last[0])


if __name__ == "__main__":
    main()
