"""Joint-operations training simulator: ``python run_sim.py --help``."""

import sys

from simulator.cli import main

if __name__ == "__main__":
    sys.exit(main())
