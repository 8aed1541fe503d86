"""Re-pin the golden event-log hashes: ``.venv/bin/python tests/pin_golden.py``.

Only after a deliberate change of behaviour; say in the commit why the logs changed.
"""

import sys
from pathlib import Path

# Pin this checkout's simulator, not whichever one the venv has installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from golden import GOLDEN, bundled, read_pins, run_scenario, write_pins


def main() -> None:
    old = read_pins() if GOLDEN.exists() else {}
    new = {path.name: run_scenario(path).log.sha256() for path in bundled()}
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name, "(none)"), new.get(name, "(removed)")
        note = "unchanged" if before == after else f"{before} -> {after}"
        print(f"{name}: {note}")
    write_pins(new)
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    main()
