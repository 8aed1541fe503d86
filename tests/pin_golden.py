"""Re-pin the golden event-log hashes: ``.venv/bin/python tests/pin_golden.py [NAME ...]``.

Only after a deliberate change of behaviour; say in the commit why the logs changed.
Name scenario files (e.g. ``harbor_district_mci.yaml``) to re-pin only those, so one
change of behaviour never silently re-pins another scenario's log.
"""

import sys
from pathlib import Path

# Pin this checkout's simulator, not whichever one the venv has installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from golden import GOLDEN, bundled, read_pins, run_scenario, write_pins


def main(names: list[str]) -> None:
    old = read_pins() if GOLDEN.exists() else {}
    paths = [path for path in bundled() if not names or path.name in names]
    unknown = sorted(set(names) - {path.name for path in paths})
    if unknown:
        sys.exit(f"pin_golden: no bundled scenario named {', '.join(unknown)}")
    new = dict(old) if names else {}
    new.update({path.name: run_scenario(path).log.sha256() for path in paths})
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name, "(none)"), new.get(name, "(removed)")
        note = "unchanged" if before == after else f"{before} -> {after}"
        print(f"{name}: {note}")
    write_pins(new)
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    main(sys.argv[1:])
