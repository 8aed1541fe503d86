"""Command line: validate scenarios, print the schema, run, replay, play and review.

Exit codes: 0 success, 2 bad input (scenario, command file, argument, or a scenario
calibrate cannot calibrate: its score is never observed), 1 a replay that does not match
(or a calibration that fails), 130 interrupted. Bad input never prints a traceback.

This module only parses arguments, so ``--help`` answers at once: each command's code
(and numpy, scipy, networkx and pydantic behind it) is imported when the command runs.
"""

import argparse
import errno
import importlib
import os
import re
import sys
import unicodedata
from contextlib import suppress
from pathlib import Path

from simulator.scenario.limits import MAX_SEED, shown

# Errors of a path the user gave (a missing file is named where it is read).
_PATH_ERRORS = frozenset(
    {
        errno.ENAMETOOLONG,
        errno.EACCES,
        errno.EPERM,
        errno.EROFS,
        errno.ENOSPC,
        errno.EDQUOT,
        errno.EISDIR,
        errno.ENOTDIR,
        errno.ELOOP,
        errno.EEXIST,
    }
)


class BadInput(Exception):
    """Input the user can fix; the message is printed as is, exit code 2."""


WINDOW = (1280, 720)  # the map view's window size unless --size says otherwise
TIME_HELP = "exercise time (T+): HH:MM or HH:MM:SS"
UNTIL_HELP = "stop at exercise time (T+): HH:MM or HH:MM:SS"


def main(argv: list[str] | None = None) -> int:
    """Entry point for ``python run_sim.py``."""
    for stream in (sys.stdout, sys.stderr):
        # A path through a folder named in other bytes is printed as the shell gave it.
        with suppress(AttributeError, ValueError):
            stream.reconfigure(errors="surrogateescape")
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return _command(parser, args)
    except KeyboardInterrupt:
        # Ctrl+C while starting, or in a command that records nothing: a run in
        # progress catches it itself and keeps what it recorded.
        error("interrupted")
        return 130


# Columns for tables written to a file or a pipe, which has no width of its own: wide
# enough that a history's scenario names and hashes are not cut to "small-…".
PIPED_COLUMNS = 200


def _width() -> int | None:
    """The console's width: the terminal's, ``$COLUMNS``, or ``PIPED_COLUMNS`` for a pipe."""
    if os.environ.get("COLUMNS") or sys.stdout.isatty():
        return None  # rich reads them
    return PIPED_COLUMNS


def _command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Run the command asked for; input the user can fix is a message and exit code 2."""
    from rich.console import Console  # after parsing: --help needs none of rich

    console = Console(width=_width())
    from sqlite3 import DatabaseError, InterfaceError, ProgrammingError

    from simulator.cli_records import RecordInputError
    from simulator.scenario import ScenarioError
    from simulator.store.database import StoreError, default_path

    try:
        _check_text(parser, args)
        handler = _handler(args.handler if args.command else "cli_exercise:default_run")
        if args.command is None:
            return handler(console)
        return handler(args, console)
    except (BadInput, RecordInputError) as exc:
        error(str(exc))
        return 2
    except ScenarioError as exc:
        for line in exc.lines():
            error(line)
        return 2
    except StoreError as exc:
        error(str(exc))
        return 2
    except BrokenPipeError:
        # The reader (head, less) went away: stop quietly, as a Unix filter does.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:  # a path the file system refuses (a name too long...)
        if exc.filename is None or exc.errno not in _PATH_ERRORS:
            raise
        error(f"{exc.filename}: {exc.strerror or exc}")
        return 2
    except DatabaseError as exc:  # a table or column gone, a page overwritten
        if isinstance(exc, ProgrammingError | InterfaceError):
            raise  # our own mistake with the database, not its damage
        database = getattr(args, "db", None) or default_path()
        error(f"{database}: a damaged simulator database ({exc}); its runs cannot be read")
        return 2


# Arguments that are words a person typed, recorded as text (not paths).
_WORDS = frozenset({"trainee", "text", "value", "roles", "role", "seats", "players"})


def _check_text(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse, before anything is made, words that are not UTF-8 or hold control codes.

    The shell hands them over as undecodable bytes; recorded, they cannot be written
    as text, and a run stopped there left a half-made run directory behind. A control
    code (an escape sequence in a trainee's name) would be replayed into every terminal
    table and report that shows the word; a note may still run over several lines.

    Only words are checked: a path may name a folder whose name is no UTF-8, which
    the file system reads as well as any other.

    Raises:
        BadInput: an argument holds bytes that are not UTF-8.
    """
    for name, value in sorted(vars(args).items()):
        recorded = name == "scenario" and args.command in ("run", "play", "serve")
        if name not in _WORDS and not recorded and (args.command, name) != ("history", "scenario"):
            continue
        for word in value if isinstance(value, list) else [value]:
            if not isinstance(word, str):
                continue
            if not _utf8(Path(word).name if recorded else word):
                what = "the file's name is not" if recorded else "not"
                raise BadInput(f"{_spelling(parser, args.command, name)}: {what} UTF-8 text")
            allowed = "\n\t" if name == "text" else ""
            if not recorded and any(_control(c) and c not in allowed for c in word):
                spelled = _spelling(parser, args.command, name)
                raise BadInput(f"{spelled}: holds a control character (an escape or similar)")


def _control(char: str) -> bool:
    """A C0/C1 control code, as a terminal would act on it."""
    return unicodedata.category(char) == "Cc"


def _utf8(word: str) -> bool:
    try:
        word.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _spelling(parser: argparse.ArgumentParser, command: str | None, dest: str) -> str:
    """How the command line spells the argument stored as ``dest`` (its option or name)."""
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    chosen = commands.choices.get(command or "", parser)
    action = next((a for a in chosen._actions if a.dest == dest), None)
    if action is None:
        return dest
    if action.option_strings:
        return action.option_strings[-1]
    return str(action.metavar or dest.upper())


def check_output(option: str, path: Path, records: list[Path]) -> None:
    """Refuse, before anything runs, a file to write that would destroy a record.

    ``report --out`` onto the database it reads, or ``--screenshot`` onto a run's event
    log, replaced the record with an image or a page; a directory or a place that cannot
    be written failed only after a whole played exercise.

    Besides ``records``, the record files of any run directory ``path`` sits in (it
    holds a ``run.json``) and any SQLite database are refused: a seat's screenshot or
    a tokens file named into another run would end that run's replay.

    Raises:
        BadInput: ``path`` is a directory, a record, or cannot be written.
    """
    from simulator.record import MANIFEST, record_files

    # Written through a link, the file written is where the link leads: judge that one.
    try:
        target = path.resolve()
    except (OSError, RuntimeError) as exc:  # a loop of links
        raise BadInput(f"{option}: {path}: cannot be written: {exc}") from None
    if (target.parent / MANIFEST).is_file():
        records = [*records, *record_files(target.parent)]
    record = _replaced(target, records)
    if record is not None:
        raise BadInput(f"{option}: {path} would replace the record {record}; choose another file")
    if _is_database(target):
        raise BadInput(f"{option}: {path} is a database, a record; choose another file")
    try:
        if path.is_dir():
            raise BadInput(f"{option}: {path} is a directory; give a file")
        _probe(path)
    except OSError as exc:
        raise BadInput(f"{option}: cannot write {path}: {exc.strerror or exc}") from None


def check_database(db: Path | None, out: Path | None, scenario: Path) -> None:
    """Refuse a ``--db`` that is one of the run's own record files (its event log...).

    Raises:
        BadInput: the database would be written where the run writes its record.
    """
    if db is None or out is None:
        return
    from simulator.record import record_files

    record = _replaced(db, record_files(out, scenario))
    if record is not None:
        raise BadInput(f"--db: {db} is where the run writes {record.name}; choose another file")


def _replaced(path: Path, records: list[Path]) -> Path | None:
    """The record ``path`` names, if it names one."""
    return next((record for record in records if _same_file(path, record)), None)


def _is_database(path: Path) -> bool:
    """Whether ``path`` is an SQLite database (by its header; a pipe is not opened)."""
    if not path.is_file():
        return False
    try:
        with path.open("rb") as file:
            return file.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _probe(path: Path) -> None:
    """Try writing where ``path`` is, changing nothing that is there.

    A new file in an existing folder is made and removed; an existing regular file is
    opened to append (its bytes and time untouched). A pipe, a device or a link is left
    alone (opening a pipe would end its reader's input), and so is a folder still to
    be made (the writers make it): then only the nearest existing folder is checked.

    Raises:
        OSError: the place cannot be written.
    """
    if os.path.lexists(path):
        if path.is_file() and not path.is_symlink():
            with path.open("ab"):
                pass
        return
    folder = path.parent
    if folder.is_dir():
        with path.open("xb"):
            pass
        path.unlink()
        return
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise OSError(errno.EACCES, f"{folder} is not a folder this user can write in")


def _same_file(path: Path, record: Path) -> bool:
    try:
        if path.exists() and record.exists():
            return os.path.samefile(path, record)
        return path.resolve() == record.resolve()
    except OSError:
        return False


def _handler(name: str):
    """``"module:function"`` (a module of this package) to the function, imported now."""
    module, function = name.split(":")
    return getattr(importlib.import_module(f"simulator.{module}"), function)


def error(line: str) -> None:
    """Print one problem to stderr: plain, never wrapped (one line per problem)."""
    print(line, file=sys.stderr)


def arguments(*words: str) -> argparse.Namespace:
    """A command's arguments as its parser reads them, every default included.

    The default launch builds its ``play`` and ``run`` this way, so their options can
    never drift from what the same command typed by hand gets.
    """
    return _parser().parse_args(list(words))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="run_sim.py",
        description="Joint-operations training simulator. With no command, runs the "
        "default scenario.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    validate = sub.add_parser("validate", help="check scenario files")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(handler="cli_exercise:validate_command")

    schema = sub.add_parser("schema", help="print the scenario JSON Schema")
    schema.set_defaults(handler="cli_exercise:schema_command")

    run = sub.add_parser("run", help="run a scenario headless with automated players")
    run.add_argument("scenario", metavar="SCENARIO")
    run.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    run.add_argument("--until", type=_clock, help=UNTIL_HELP)
    run.add_argument("--out", type=_path, help="run directory (default runs/<id>-seed<N>)")
    run.add_argument("--commands", type=Path, help="JSON Lines file of timed commands")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.add_argument(
        "--players",
        metavar="PROFILE",
        help="automated players' profile: idle, poor, sop (default) or expert; or "
        "AGENCY=PROFILE,... for some agencies (the rest sop)",
    )
    _add_run_options(run)
    run.set_defaults(handler="cli_exercise:run_command")

    _add_calibrate(sub)

    _add_play(sub)
    _add_network(sub)

    replay = sub.add_parser("replay", help="re-simulate a run and check its event log")
    replay.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    replay.set_defaults(handler="cli_exercise:replay_command")
    _add_record_commands(sub)
    return parser


def _seed(text: str) -> int:
    """A seed from 0 to 2**63 - 1, the most SQLite stores (a larger one left a run behind)."""
    value = _whole(text)
    if value > MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_SEED} (2**63 - 1)")
    return value


def _path(text: str) -> Path:
    """A path given on the command line; an empty one would quietly mean "here"."""
    if not text.strip():
        raise argparse.ArgumentTypeError("is empty; give a path")
    return Path(text)


def _whole(text: str) -> int:
    """A whole number of 0 or more, in the digits 0-9 only.

    ``int()`` also reads "1_000", "+5", " 7 " and other scripts' digits (full-width 123): a
    seed or a count typed so is a typo, not the number it happens to spell. No option
    read here takes a negative number, so a minus sign is refused by name.
    """
    if text.startswith("-") and _digits(text[1:]):
        raise argparse.ArgumentTypeError("must not be negative")
    if not _digits(text):
        raise argparse.ArgumentTypeError(
            f"expected a whole number in the digits 0-9, got {shown(text)}"
        )
    # Python refuses to read an integer of over 4,300 digits: that is bad input too.
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {shown(text)}") from None


def _digits(text: str) -> bool:
    """Only the ASCII digits 0-9, at least one (``isdigit`` alone takes superscripts)."""
    return text.isascii() and text.isdigit()


def _clock(text: str) -> float:
    from simulator.scenario.timing import parse_offset  # pydantic: only when given

    try:
        return parse_offset(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_play(sub: argparse._SubParsersAction) -> None:
    from simulator.view.clock import SPEEDS  # no pygame: the clock is pure Python

    play = sub.add_parser("play", help="play agencies yourself in the map view")
    play.add_argument("scenario", metavar="SCENARIO")
    play.add_argument(
        "--role",
        action="append",
        default=[],
        metavar="AGENCY",
        help="agency id you play (repeatable; default: choose in the briefing)",
    )
    play.add_argument("--trainee", default="trainee", help="your name, kept in the record")
    play.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    play.add_argument("--speed", type=_whole, choices=SPEEDS, default=1, help="starting speed")
    play.add_argument("--out", type=_path, help="run directory (default runs/<id>-seed<N>)")
    play.add_argument(
        "--screenshot", type=_image, metavar="PATH", help=f"save a frame (no human): {IMAGES}"
    )
    play.add_argument(
        "--frames",
        type=_frames,
        help="frames to run before the screenshot (fewer if the exercise ends first)",
    )
    play.add_argument(
        "--show",
        choices=("briefing", "map", "help", "end"),
        help="screen to capture with --screenshot (default map)",
    )
    play.add_argument("--size", type=_size, default=WINDOW, help="window WIDTHxHEIGHT")
    play.add_argument("--db", type=Path, help="exercise database (default: user data directory)")
    play.set_defaults(handler="cli_exercise:play_command")


def _add_network(sub: argparse._SubParsersAction) -> None:
    """``serve`` (host a networked exercise) and ``join`` (take a seat in one)."""
    serve = sub.add_parser("serve", help="host an exercise with a seat per agency over the network")
    serve.add_argument("scenario", metavar="SCENARIO")
    serve.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default loopback only)"
    )
    serve.add_argument("--port", type=_port, default=8765, help="port (default 8765; 0: any)")
    serve.add_argument(
        "--seats",
        type=_roles,
        help="agencies with a seat, comma-separated (default every agency); the others "
        "are played by the automated players",
    )
    serve.add_argument("--speed", type=_speed, default=1.0, help="exercise speed (default 1)")
    serve.add_argument("--until", type=_clock, help=UNTIL_HELP)
    serve.add_argument("--tokens", type=Path, help="file for the join tokens (JSON seat: token)")
    serve.add_argument("--out", type=_path, help="run directory (default runs/<id>-seed<N>)")
    serve.add_argument("--db", type=Path, help="exercise database (default: user data directory)")
    serve.set_defaults(handler="cli_network:serve_command")

    join = sub.add_parser("join", help="take a seat in a served exercise")
    join.add_argument("url", metavar="URL", help="the server, e.g. ws://127.0.0.1:8765")
    join.add_argument("--token", required=True, help="the seat's token (from serve)")
    join.add_argument(
        "--bot",
        choices=("idle", "poor", "sop", "expert"),
        help="play the seat headless with an automated player of this profile",
    )
    join.add_argument("--size", type=_size, help="window WIDTHxHEIGHT (default 1280x720)")
    join.add_argument(
        "--screenshot", type=_image, metavar="PATH", help=f"save a frame and leave: {IMAGES}"
    )
    join.add_argument("--frames", type=_frames, help="frames to run before --screenshot")
    join.set_defaults(handler="cli_network:join_command")

    control = sub.add_parser("control", help="the controller's actions on a served exercise")
    control.add_argument("url", metavar="URL")
    control.add_argument("--token", required=True, help="the controller's token")
    actions = control.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, text in (
        ("status", "seats, connections, last actions and the MSEL"),
        ("pause", "pause the exercise for everyone"),
        ("resume", "resume it"),
    ):
        actions.add_parser(name, help=text)
    actions.add_parser("speed", help="set the speed for everyone").add_argument("value")
    end = actions.add_parser("end", help="end the exercise for everyone")
    end.add_argument("value", nargs="*", metavar="REASON")
    drop = actions.add_parser("on-drop", help="when a seat drops: pause or continue")
    drop.add_argument("value", choices=("pause", "continue"))
    for name, text in (
        ("release", "release an MSEL inject now (held or not yet due)"),
        ("hold", "hold an MSEL inject: it does not fire at its time"),
    ):
        actions.add_parser(name, help=text).add_argument("value", metavar="SEQ")
    inject = actions.add_parser("inject", help="an ad-hoc information inject, now")
    inject.add_argument("--to", required=True, help="recipient agencies, comma-separated")
    inject.add_argument("--incident", help="the incident it is about")
    inject.add_argument(
        "--fact", action="append", default=[], help="a fact it carries, e.g. hazard:INC1/fuel"
    )
    inject.add_argument("value", nargs="+", metavar="TEXT")
    control.set_defaults(handler="cli_network:control_command")


def _port(text: str) -> int:
    value = _whole(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("must be between 0 and 65535")
    return value


def _speed(text: str) -> float:
    try:
        return speed(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def speed(text: str) -> float:
    """An exercise speed, as the server takes it: more than 0 and at most 600 (x real time).

    Raises:
        ValueError: not a decimal number, or out of that range; the message says which.
    """
    value = decimal(text)
    if not 0 < value <= 600:
        raise ValueError(f"must be more than 0 and at most 600, got {shown(text)}")
    return value


# A decimal number as a person types it: digits 0-9, a point, perhaps a minus sign.
_DECIMAL = re.compile(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)", re.ASCII)


def decimal(text: str) -> float:
    """A decimal number typed as an option, in the digits 0-9 (``2``, ``0.5``, ``-1``).

    ``float()`` also reads "1_0", " 5 ", "1e3", "nan" and other scripts' digits
    (full-width ones): a speed typed so is a typo, not the number it happens to spell.

    Raises:
        ValueError: the text is not such a number; the message says what was expected.
    """
    if not _DECIMAL.fullmatch(text):
        raise ValueError(f"expected a number in the digits 0-9 (like 2 or 0.5), got {shown(text)}")
    return float(text)


def run_id(text: str) -> int:
    """A run's number in the database (SQLite keeps at most 2**63 - 1)."""
    if not _digits(text) or not 0 < int(text) < 2**63:
        raise argparse.ArgumentTypeError(f"{text!r} is not a run number (1, 2, ...)")
    return int(text)


def _frames(text: str) -> int:
    value = _seed(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


# The extensions pygame saves as the format they name: any other name got a TGA image.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tga")
IMAGES = "a .png, .jpg, .jpeg, .bmp or .tga file"


def _image(text: str) -> Path:
    """A screenshot's file name, which must end in an image format pygame writes.

    pygame picks the format by the extension and writes TGA for any other: a shot named
    ``frame.txt`` or ``frame`` was an image no viewer would open by that name.
    """
    path = _path(text)
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise argparse.ArgumentTypeError(f"expected {IMAGES}, got {shown(text)}")
    return path


def _size(text: str) -> tuple[int, int]:
    """A window size, WIDTHxHEIGHT in the digits 0-9 (as ``_whole``, for the same reason)."""
    width, _, height = text.lower().partition("x")
    try:
        width, height = _whole(width), _whole(height)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, got {shown(text)}") from None
    if width < 960 or height < 600:
        raise argparse.ArgumentTypeError("the smallest window is 960x600")
    if width > 7680 or height > 4320:  # an 8K screen: past it, SDL refuses the window
        raise argparse.ArgumentTypeError("the largest window is 7680x4320")
    return width, height


def _add_run_options(run: argparse.ArgumentParser) -> None:
    """``run --db/--trainee/--roles``: where and for whom the run is recorded."""
    run.add_argument("--db", type=Path, help="exercise database (default: user data directory)")
    run.add_argument("--trainee", help="trainee name recorded with the run")
    run.add_argument(
        "--roles",
        type=_roles,
        default=[],
        action=_AddRoles,
        help="agencies the trainee plays (comma-separated, or the option again); the others "
        "are automated",
    )


def _add_record_commands(sub: argparse._SubParsersAction) -> None:
    """The ``history``, ``note``, ``report`` and ``recover`` subcommands."""
    history = sub.add_parser("history", help="past exercises with scores and trends")
    history.add_argument("--trainee", help="one trainee's runs (any case, spacing or full stops)")
    history.add_argument(
        "--scenario",
        metavar="ID",
        help="one scenario's runs, by its id or its file (moved or renamed alike)",
    )
    history.add_argument("--db", type=Path)
    history.add_argument(
        "--all",
        action="store_true",
        help="also rehearsal and baseline runs, with their purpose",
    )
    history.set_defaults(handler="cli_records:history_command")

    note = sub.add_parser("note", help="attach an evaluator's note to a recorded run")
    note.add_argument("run", type=run_id, metavar="RUN")
    note.add_argument("--at", required=True, metavar="TIME", help=TIME_HELP)
    note.add_argument("text")
    note.add_argument("--db", type=Path)
    note.set_defaults(handler="cli_records:note_command")

    report = sub.add_parser("report", help="the after-action report of a run")
    report.add_argument("run", metavar="RUN", help="run id in the database, or a run directory")
    report.add_argument(
        "--format",
        choices=("html", "md", "json"),
        help="html, md or json (default: as --out's name ends, else html)",
    )
    report.add_argument(
        "--out", type=_path, help="a .html, .md or .json file to write (default: standard output)"
    )
    report.add_argument("--db", type=Path)
    report.set_defaults(handler="cli_records:report_command")

    recover = sub.add_parser(
        "recover", help="save the runs a damaged database still holds into a new database"
    )
    recover.add_argument("--db", type=Path, help="the damaged database (default: the usual one)")
    recover.add_argument("--out", type=_path, required=True, help="the new database to write")
    recover.set_defaults(handler="cli_salvage:recover_command")


class _AddRoles(argparse.Action):
    """``--roles`` given again adds its agencies, as ``play --role`` does.

    Each use replacing the last (argparse's way) silently dropped a role the trainee
    meant to play: ``--roles police --roles fire`` recorded fire alone.
    """

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        del parser, option_string
        setattr(namespace, self.dest, sorted({*getattr(namespace, self.dest), *values}))


def _roles(text: str) -> list[str]:
    roles = sorted({part.strip() for part in text.split(",") if part.strip()})
    if not roles:  # "" or "," would serve no trainee, or record a trainee playing nobody
        raise argparse.ArgumentTypeError("name at least one agency, or leave the option out")
    return roles


def _add_calibrate(sub: argparse._SubParsersAction) -> None:
    """The ``calibrate`` subcommand."""
    parser = sub.add_parser(
        "calibrate", help="check that the score orders idle < poor < SOP < expert play"
    )
    parser.add_argument("scenarios", nargs="+", metavar="SCENARIO")
    parser.add_argument("--seeds", type=_positive, default=20, help="seeds per cell (default 20)")
    parser.add_argument(
        "--jobs", type=_positive, default=os.cpu_count() or 1, help="worker processes"
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON instead of tables")
    output.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.set_defaults(handler="calibrate_cli:calibrate_command")


def _positive(text: str) -> int:
    value = _whole(text)
    if not 1 <= value <= 10_000:
        raise argparse.ArgumentTypeError("must be between 1 and 10000")
    return value
