"""``run_sim.py --help`` answers at once: it loads no validation or console library."""

import subprocess
import sys


def test_help_loads_neither_pydantic_nor_rich():
    # Each costs about 0.1 s to import; --help needs neither (issue 10: help under 0.3 s).
    probe = (
        "import sys\n"
        "from simulator.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted({'pydantic', 'rich'} & {m.split('.')[0] for m in sys.modules}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_a_bad_clock_is_still_refused_with_a_clear_message():
    # The clock parser now loads when --until is given: bad input still exits 2.
    probe = "from simulator.cli import main; main(['run', 'x.yaml', '--until', 'soon'])"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 2
    assert "--until" in result.stderr and "Traceback" not in result.stderr
