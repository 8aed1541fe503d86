"""Start-up benchmark: ``run_sim.py --help``, and ``validate`` of a city-sized scenario.

A trainer waits for these before anything runs. Each is timed as a whole process (wall
seconds, median of several runs) beside a reference run the same way, in turn with it:
the interpreter starting and doing nothing for ``--help``, and the same scenario file
parsed by libyaml alone (no checks, no map) for ``validate``. The scenario is the
benchmark city at metro size (317 x 317 road nodes, 1,000 units) with as many
incidents as fit a scenario file's 2 MB.

    python bench/startup.py [--incidents N] [--side N] [--units N] [--runs N]
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.city import city_data

ROOT = Path(__file__).resolve().parent.parent


def wall(command: list[str]) -> float:
    """Seconds one process takes, start to exit (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def paired(command: list[str], reference: list[str], runs: int) -> tuple[float, float]:
    """Median seconds of a command and of its reference, run in turn."""
    ours, refs = [], []
    for _ in range(runs):
        ours.append(wall(command))
        refs.append(wall(reference))
    return statistics.median(ours), statistics.median(refs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=3000)
    parser.add_argument("--side", type=int, default=317)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    python = sys.executable

    ours, ref = paired([python, "run_sim.py", "--help"], [python, "-c", "pass"], args.runs)
    print(f"run_sim.py --help          {ours:8.2f} s  (interpreter alone {ref:.2f} s)")

    data = city_data(incidents=args.incidents, side=args.side, units=args.units)
    plain = json.loads(json.dumps(data, default=float))  # numpy numbers as plain floats
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "city.yaml"
        path.write_text(yaml.safe_dump(plain, sort_keys=False))
        size = path.stat().st_size / 2**20
        parse_only = f"import yaml; yaml.load(open({str(path)!r}), Loader=yaml.CSafeLoader)"
        ours, ref = paired(
            [python, "run_sim.py", "validate", str(path)], [python, "-c", parse_only], args.runs
        )
    print(
        f"scenario                   {args.side * args.side} road nodes, {args.units} units, "
        f"{args.incidents} incidents ({size:.1f} MB of YAML)"
    )
    print(f"run_sim.py validate        {ours:8.2f} s  (libyaml parse alone {ref:.2f} s)")


if __name__ == "__main__":
    main()
