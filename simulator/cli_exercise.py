"""The exercise commands: ``validate``, ``schema``, ``run``, ``replay`` and ``play``.

Wall-clock times are read here (run records), never in the engine.
"""

import argparse
import json
import shlex
import sys
import tempfile
from collections.abc import Callable, Collection
from contextlib import closing, suppress
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from simulator.build import build_exercise, player_profiles
from simulator.cli import BadInput, arguments, check_database, check_output, error
from simulator.cli_records import (
    Recording,
    RecordInputError,
    open_recording,
    open_store,
    print_recording,
    recorded_as,
    run_purpose,
    trainee_name,
)
from simulator.exercise import Exercise
from simulator.fingerprint import code_fingerprint
from simulator.interrupt import sigterm_as_ctrl_c
from simulator.players.profile import parse_players
from simulator.record import (
    COMMANDS,
    EVENTS,
    MANIFEST,
    PLAYER,
    PlaceCheck,
    RunRecord,
    TimedCommand,
    file_sha256,
    first_command_difference,
    first_difference,
    fresh_dir,
    manifest_settings,
    read_commands,
    read_manifest,
    record_files,
    running,
    scenario_copy,
)
from simulator.review.conduct import stopped_as_asked
from simulator.review.findings import Names, agency_named, seconds_text, share_text
from simulator.review.summary import Orders, Summary, orders_by_giver, summarise
from simulator.scenario import Scenario, ScenarioError
from simulator.scenario.advice import advice
from simulator.scenario.attainable import unattainable
from simulator.scenario.limits import MAX_LOG_BYTES
from simulator.scenario.loader import load_with
from simulator.scenario.source import SourceError, regular
from simulator.scenario.timing import format_offset
from simulator.store.database import database_files, default_path
from simulator.world import build_atlas
from simulator.world.atlas import SNAP_LIMIT_M, Atlas
from simulator.world.isolation import cut_off

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = ROOT / "scenarios" / "riverton_night_shift.yaml"
# Advance in slices this long so the progress bar moves and Ctrl-C is prompt.
SLICE_S = 300.0


# -- commands ---------------------------------------------------------------------------


def validate_command(args: argparse.Namespace, console: Console) -> int:
    """Check scenario files: every problem (exit 2), else warnings and ``ok``.

    Warnings (silent no-ops, objectives never met) leave the file usable.
    """
    del console
    status = 0
    for name in args.files:
        try:
            scenario, atlas = load_scenario(name)
        except ScenarioError as exc:
            status = 2
            for line in exc.lines():
                error(line)
            continue
        for problem in [*advice(scenario), *unattainable(scenario), *cut_off(atlas)]:
            error(problem.render(name).replace(": ", ": warning: ", 1))
        print(f"{name}: ok")
    return status


def load_scenario(path: str | Path) -> tuple[Scenario, Atlas]:
    """Load a scenario and place it on its map, with every stage's problems at once.

    Raises:
        ScenarioError: every problem in the file.
    """
    return load_with(path, lambda scenario: build_atlas(scenario, str(path)))


def schema_command(args: argparse.Namespace, console: Console) -> int:
    """Print the scenario JSON Schema (for editor completion)."""
    del args
    schema = Scenario.model_json_schema(by_alias=True)
    sys.stdout.write(json.dumps(schema, indent=2) + "\n")
    return 0


def default_run(console: Console) -> int:
    """No command: the default scenario in the map view, or headless with no display."""
    note = _default_play(console)
    if note is None:
        return 0
    console.print(
        f"{note}: running the default scenario headless ({DEFAULT_SCENARIO.name}); "
        "see README.md for the other commands.",
        highlight=False,
        soft_wrap=True,
    )
    return run_command(arguments("run", str(DEFAULT_SCENARIO)), console)


def run_command(args: argparse.Namespace, console: Console) -> int:
    """Run a scenario headless with automated players, recorded and scored."""
    with sigterm_as_ctrl_c():
        return _run(args, console)


def _run(args: argparse.Namespace, console: Console) -> int:
    """``run_command`` itself, with SIGTERM already read as Ctrl+C."""
    path = Path(args.scenario)
    scenario, atlas = load_scenario(path)
    until = scenario.metadata.duration if args.until is None else args.until
    if until > scenario.metadata.duration:
        raise BadInput(
            f"--until: {format_offset(until)} is after the end of the exercise "
            f"({format_offset(scenario.metadata.duration)})"
        )
    if until <= 0:
        # Nothing would be played: every measure unobserved, a record of nothing.
        raise BadInput(
            "--until: 00:00 is the start of the exercise, so nothing would be played or "
            "scored; give a time after the start"
        )
    profiles = _profiles(args.players, scenario, getattr(args, "roles", None) or ())
    check_database(args.db, args.out, path)
    recording = open_recording(args, scenario, path, until, profiles)
    with closing(recording.store):  # closed here, not whenever it is collected
        commands = _commands(
            args.commands,
            place=_on_map(atlas),
            roles=recording.roles,
            end=scenario.metadata.duration,
        )
        directory = _out_dir(args.out, scenario, args.seed)
        outcome = _execute(
            scenario,
            atlas,
            path,
            args.seed,
            until,
            commands,
            directory,
            show_progress=not args.quiet and console.is_terminal,
            console=console,
            automated=recording.automated,
            recording=recording,
            profiles=profiles,
        )
        summary = outcome["summary"]
        console.print(_headline(scenario, summary.end, until), soft_wrap=True)
        _print_summary(console, outcome, directory, scenario.agency_names())
        if outcome["unplayed"]:
            # Silence here would let a trainer believe every line of the file was played.
            _say(
                console,
                f"Commands not played: {outcome['unplayed']} from {args.commands} "
                f"(due at or after T+{format_offset(outcome['stopped'])}, when the run "
                "stopped)",
            )
        for role in outcome["idle_roles"]:
            error(_idle_role(role, args.commands))
        print_recording(console, recording)
        if outcome["failures"]:
            raise BadInput(_failed(outcome, directory, recording))
        if not outcome["complete"]:
            console.print("Interrupted: everything up to now is kept in the run directory.")
            return 130
        return 0


def _idle_role(role: str, commands: Path | None) -> str:
    """Why a role of the trainee's did nothing in a headless run, and what to do instead.

    ``--players`` plays only the agencies nobody plays: a role given with ``--roles``
    and no orders scored near zero with nothing on the screen to say why.
    """
    given = (
        "no --commands were given" if commands is None else f"--commands {commands} gave it none"
    )
    return (
        f"warning: {role} is yours (--roles) and no order of yours was given ({given}): "
        "it did nothing, and --players does not play it (give --commands, or play it in "
        "the map view with play)"
    )


def _failed(outcome: dict, directory: Path, recording: Recording) -> str:
    """The records that could not be written, then how far the run got and where it is kept."""
    kept = []
    if not recording.failure:
        kept.append(f"run {recording.run} of {recording.store.path}")
    if not any(str(directory) in failure for failure in outcome["failures"]):
        kept.append(str(directory))
    where = " and ".join(kept) if kept else "what was written before the failure"
    at = format_offset(outcome["stopped"])
    if outcome["complete"]:
        last = f"{directory}: the run ran to T+{at}; it is kept in full in {where}"
    else:
        last = (
            f"{directory}: the run stopped at T+{at} and is marked incomplete; its events "
            f"up to then are kept in {where}"
        )
    return "\n".join([*outcome["failures"], last])


def _profiles(
    text: str | None, scenario: Scenario, trainee: Collection[str] = ()
) -> dict[str, str]:
    if text is None:
        return {}
    try:
        return parse_players(text, [a.id for a in scenario.agencies], trainee)
    except ValueError as exc:
        raise BadInput(f"--players: {exc}") from None


def _commands(
    path: Path | None,
    *,
    players: bool = False,
    place: PlaceCheck | None = None,
    roles: list[str] | None = None,
    end: float | None = None,
) -> list[TimedCommand]:
    if path is None:
        return []
    try:
        return read_commands(path, players=players, place=place, roles=roles or (), end=end)
    except ValueError as exc:
        raise BadInput(str(exc)) from None


def _on_map(atlas: Atlas) -> PlaceCheck:
    """Judge a command's x/y as a scenario's places are judged: within reach of a road.

    Only ``run --commands`` asks this: a replay gives back what its run accepted.
    """

    def check(x: float, y: float) -> str:
        _, dist = atlas.roads.nearest(x, y)
        if dist <= SNAP_LIMIT_M:
            return ""
        return (
            f"({x:g}, {y:g}) is off the map: {dist:.0f} m from the nearest road "
            f"(at most {SNAP_LIMIT_M:.0f} m)"
        )

    return check


def _out_dir(out: Path | None, scenario: Scenario, seed: int) -> Path:
    if out is None:
        try:
            return fresh_dir(Path("runs"), f"{scenario.metadata.id}-seed{seed}")
        except OSError as exc:
            raise BadInput(_cannot_write(exc, Path("runs"))) from None
    try:
        taken = out.exists() and (not out.is_dir() or any(out.iterdir()))
    except OSError as exc:  # a name too long, a parent that is a file, no permission
        raise BadInput(f"--out: {out}: {exc.strerror or exc}") from None
    if taken and not out.is_dir():
        raise BadInput(f"--out: {out} is a file; give a directory for the run")
    if taken:
        raise BadInput(f"--out: {out} already exists and is not empty; choose another directory")
    return out


def _cannot_write(exc: OSError, where: Path) -> str:
    return f"{exc.filename or where}: cannot write the run directory: {exc.strerror or exc}"


def _create_record(directory: Path, path: Path) -> RunRecord:
    """Open the run directory, or say which file cannot be written and why."""
    try:
        return RunRecord.create(directory, path)
    except OSError as exc:
        raise BadInput(_cannot_write(exc, directory)) from None


def _execute(
    scenario: Scenario,
    atlas: object,
    path: Path,
    seed: int,
    until: float,
    commands: list[TimedCommand],
    directory: Path,
    *,
    show_progress: bool,
    console: Console,
    automated: list[str] | None = None,
    recording: Recording | None = None,
    profiles: dict[str, str] | None = None,
) -> dict:
    record = _create_record(directory, path)
    exercise = build_exercise(
        scenario,
        seed,
        atlas=atlas,
        file=str(path),
        sink=record.events,
        automated=automated,
        profiles=profiles,
    )
    if recording is not None:
        try:
            recording.attach(exercise)
        except RecordInputError:
            record.discard()
            raise

    def failing() -> bool:
        return bool(record.failure or (recording is not None and recording.failure))

    started = datetime.now(UTC).isoformat(timespec="seconds")
    players = player_profiles(scenario, automated, profiles)
    # Who played, as play's manifest says it: a report of the directory names them.
    extra = {
        "trainee": recording.trainee if recording is not None else None,
        "roles": sorted(a.id for a in scenario.agencies if a.id not in automated),
    }
    _begin(record, exercise, path, until, started, players=players, **extra)
    complete = True
    pending = list(commands)
    try:
        _drive(exercise, until, pending, show_progress, console, failing)
    except KeyboardInterrupt:
        complete = False
        exercise.finish("interrupted")
    if failing():
        # A full disk or a read-only medium: stop now, keep what was written.
        complete = False
        exercise.finish(f"stopped at {format_offset(exercise.now)}: a record cannot be written")
    if complete and until < exercise.end:
        exercise.finish(f"stopped at {format_offset(until)}")
        extra["stopped_by"] = "until"  # a run directory's length alone cannot tell
    sha = exercise.log.sha256()
    if recording is not None:
        recording.finish(exercise, complete)
    summary = _close(
        record, exercise, path, until, started, players=players, complete=complete, **extra
    )
    if recording is not None:
        recording.play_baseline()  # a whole exercise again: after both records are written
    failures = [record.failure, recording.failure if recording is not None else ""]
    roles = recording.roles if recording is not None else ()
    return {
        "summary": summary,
        "orders": orders_by_giver(exercise.log.events, roles),
        "roles": roles,
        # A trainee role nobody gave an order: headless, it does nothing at all.
        "idle_roles": [
            role for role in roles if orders_by_giver(exercise.log.events, (role,))[0] == Orders()
        ],
        "sha256": sha,
        "complete": complete,
        "unplayed": len(pending),
        "stopped": exercise.now,
        "failures": [failure for failure in failures if failure],
    }


def _close(
    record: RunRecord,
    exercise: Exercise,
    path: Path,
    until: float,
    started: str,
    *,
    players: dict[str, str],
    complete: bool = True,
    **extra: object,
) -> Summary:
    """Write the run directory's commands, summary and manifest (one shape for every run)."""
    summary = summarise(exercise.log.events)
    record.close(
        manifest={
            **_settings(record, exercise, path, until, players, **extra),
            "complete": complete,
            "events": len(exercise.log),
            "events_sha256": exercise.log.sha256(),
            "started": started,
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        },
        commands=exercise.commands,
        summary=summary.as_dict(),
    )
    return summary


def _begin(
    record: RunRecord,
    exercise: Exercise,
    path: Path,
    until: float,
    started: str,
    *,
    players: dict[str, str],
    **extra: object,
) -> None:
    """Write the run's provisional manifest and follow its commands as they are given.

    A run killed outright never reaches ``_close``: its directory still says what the
    run was, that it never finished, and holds its events and commands up to then.
    Called again when who plays changed, it writes the manifest again.
    """
    settings = _settings(record, exercise, path, until, players, **extra)
    record.begin({**settings, "started": started}, exercise.log, exercise.commands)


def _settings(
    record: RunRecord,
    exercise: Exercise,
    path: Path,
    until: float,
    players: dict[str, str],
    **extra: object,
) -> dict:
    """The manifest's account of what the run is: scenario, seed, length, who played."""
    return {
        "scenario": exercise.scenario.metadata.id,
        "scenario_file": path.name,
        "scenario_sha256": file_sha256(scenario_copy(record.directory, path)),
        "seed": exercise.seed,
        "until": until,
        "automated": sorted(players),
        "players": players,
        # The program that played it: a replay by a later build that fixed a behaviour
        # may differ, and says so (``_other_build``).
        "code": code_fingerprint(),
        **extra,
    }


def _drive(
    exercise: Exercise,
    until: float,
    pending: list[TimedCommand],
    show_progress: bool,
    console: Console,
    failing: Callable[[], bool] | None = None,
) -> None:
    """Advance to ``until``, giving each command at its time; ``pending`` keeps the rest.

    ``failing`` says a record can no longer be written: the run stops at the end of
    the slice (the events after the failure are kept in memory and in the other record).

    Commands due after ``until`` stay in ``pending``, neither given nor recorded: the
    run stops first, and a replay (which stops at the same time) could never give them,
    so giving them at the stop would make the record one that does not replay.
    """
    with Progress(
        TextColumn("[bold]exercise time"),
        BarColumn(),
        TextColumn("{task.fields[clock]}"),
        TimeElapsedColumn(),
        console=console,
        disable=not show_progress,
        transient=True,
    ) as progress:
        task = progress.add_task("run", total=until, clock=format_offset(0))
        while True:  # at least once: commands due at T+0 of a run stopped at T+0
            target = min(until, exercise.now + SLICE_S)
            while pending and pending[0].t <= target:
                step = pending.pop(0)
                # A recorded position pins the point exactly; a time alone means after
                # everything due by then (a hand-written file, an older record). A
                # position passed before its time (a file edited, or recorded from
                # another scenario) cannot be where it was given: the time decides.
                exercise.advance(step.t, ticks=step.ticks)
                if exercise.now < step.t:
                    exercise.advance(step.t)
                if exercise.ended:  # due at the very end: the exercise is over by then
                    pending.insert(0, step)
                    break
                exercise.submit(step.command, source=step.source)
            exercise.advance(target)
            progress.update(task, completed=exercise.now, clock=format_offset(exercise.now))
            if exercise.now >= until or exercise.ended or (failing and failing()):
                break


def replay_command(args: argparse.Namespace, console: Console) -> int:
    """Re-simulate a run directory and compare the result with its ``events.jsonl``.

    The file on disk is what is judged, not the hash ``run.json`` claims for it: a log
    changed after the run must not pass. A hash in ``run.json`` that disagrees with the
    file is reported too, since then the record is not what the run wrote.
    """
    directory: Path = args.run_dir
    try:
        manifest = read_manifest(directory)
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    if running(manifest):
        raise BadInput(
            f"{directory / MANIFEST}: status: running: the run never finished writing its "
            "record (its program was killed, or is still running); its events and commands "
            "up to then are kept, and `run_sim.py report` reads them as an incomplete run, "
            "but it cannot be replayed exactly"
        )
    if manifest.get("complete") is False:
        # Ctrl-C can land in the middle of an instant: the events up to it are kept, but
        # no re-simulation can stop at exactly the same point.
        raise BadInput(
            f"{directory / MANIFEST}: complete: the run was interrupted; its events up to "
            "the interruption are kept, but an interrupted run cannot be replayed exactly"
        )
    scenario_file = next(iter(sorted(directory.glob("scenario.*"))), None)
    if scenario_file is None:
        raise BadInput(f"{directory}: no scenario copy in the run directory")
    scenario, atlas = load_scenario(scenario_file)
    try:
        settings = manifest_settings(directory / MANIFEST, manifest, scenario)
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    seed, until, automated, profiles, _, bots = settings
    # A seat's automated player gave its orders over the network: they are replayed.
    automated = [a for a in automated if a not in bots]
    events = directory / EVENTS
    try:
        regular(events, MAX_LOG_BYTES)  # a pipe would hang the hash, /dev/zero never end
        on_disk = file_sha256(events)
    except SourceError as exc:
        raise BadInput(f"{events}: cannot read the event log: {exc}") from None
    except OSError as exc:
        raise BadInput(f"{events}: cannot read the event log: {exc.strerror or exc}") from None
    recorded = _commands(directory / COMMANDS, players=True)
    # The automated players give their commands again; the record's copies would double them.
    external = [c for c in recorded if not c.source.startswith(PLAYER)]
    with tempfile.TemporaryDirectory(prefix="replay-") as scratch:
        outcome = _execute(
            scenario,
            atlas,
            scenario_file,
            seed,
            until,
            external,
            Path(scratch),
            show_progress=False,
            console=console,
            automated=automated,
            profiles=profiles,
        )
        if outcome["failures"]:
            raise BadInput("\n".join(outcome["failures"]))
        difference = None
        if outcome["sha256"] != on_disk:
            difference = first_difference(events, Path(scratch) / EVENTS)
        ordered = first_command_difference(directory / COMMANDS, Path(scratch) / COMMANDS, events)
    problems = []  # what makes the record not the run's, the events aside
    for field, path, digest in (
        ("events_sha256", events, on_disk),
        # A scenario copy changed after the run (its objectives, say) replays the same
        # events but grades them otherwise: the record is not what the run was.
        ("scenario_sha256", scenario_file, file_sha256(scenario_file)),
    ):
        claimed = manifest[field]  # read_manifest made sure both are there
        if claimed != digest:
            problems.append(
                f"{directory / MANIFEST}: {field} {claimed} is not the sha256 of {path} "
                f"({digest}): the file or the manifest was changed after the run"
            )
    if ordered is not None:
        # The events match, or differ for this: either way the record is not the run's.
        given = "in the replay" if ordered.other == "replayed" else "in the run (its event log)"
        problems += [f"{directory / COMMANDS}: not the orders given {given}"]
        problems += ordered.lines()
    if difference is not None:
        replayed = outcome["sha256"]
        _say(console, f"replay DIFFERS: {events} has sha256 {on_disk}, replayed {replayed}")
        for line in difference.lines():
            _say(console, line)
        note = _other_build(manifest)
        if note:
            _say(console, note)
    elif problems:  # "matches" first would read as a pass: the record still fails
        _say(console, f"replay FAILS: the events match (sha256 {on_disk}), but the record does not")
    else:
        _say(console, f"replay matches: events sha256 {on_disk}")
    for line in problems:
        _say(console, line)
    return 1 if difference is not None or problems else 0


def _other_build(manifest: dict) -> str:
    """Why a replay may differ that is no fault of the record: another program played it."""
    code = manifest.get("code")
    if not isinstance(code, str) or code == code_fingerprint():
        return ""
    return (
        f"The run was recorded by another build of the simulator (code {code[:12]}, this one "
        f"{code_fingerprint()[:12]}): a behaviour changed since may be what differs; replay "
        "it with the build that recorded it."
    )


def _say(console: Console, line: str) -> None:
    # Event lines hold brackets, which rich would read as markup.
    console.print(line, markup=False, highlight=False, soft_wrap=True)


def play_command(args: argparse.Namespace, console: Console) -> int:
    """Play agencies in the map view; the run is recorded like ``run``."""
    from simulator.view.play import NoDisplay, play
    from simulator.view.session import FAILED, INTERRUPTED, TRAINEE

    path = Path(args.scenario)
    scenario, atlas = load_scenario(path)
    agencies = {a.id for a in scenario.agencies}
    unknown = [r for r in args.role if r not in agencies]
    if unknown:
        raise BadInput(
            f"--role: unknown agency {', '.join(map(repr, unknown))}; "
            f"this scenario has {', '.join(sorted(agencies))}"
        )
    scripted = args.screenshot is not None or args.frames is not None
    if scripted and (args.screenshot is None or args.frames is None):
        raise BadInput("--screenshot and --frames go together")
    if args.show is not None and not scripted:
        raise BadInput("--show goes with --screenshot (the screen to capture)")
    if scripted and args.show != "briefing" and not args.role:
        raise BadInput("--screenshot needs --role (there is nobody to pick one)")
    check_database(args.db, args.out, path)
    out = _out_dir(args.out, scenario, args.seed) if args.out else None
    if args.screenshot is not None:
        run = record_files(out, path) if out else []
        records = [*database_files(args.db or default_path()), path, *run]
        check_output("--screenshot", args.screenshot, records)
    # A scripted run has no human playing: a rehearsal, never the trainee's record.
    purpose = run_purpose(scripted=scripted)
    args.trainee = trainee_name(args.trainee)
    store = open_store(args.db)
    sessions = []
    failures: list[str] = []

    def start(roles: tuple[str, ...]):
        directory = out or fresh_dir(Path("runs"), f"{scenario.metadata.id}-seed{args.seed}")
        recording = Recording(
            store,
            scenario,
            path,
            args.seed,
            scenario.metadata.duration,
            list(roles),
            args.trainee,
            purpose,
        )
        session = _play_session(
            scenario,
            atlas,
            path,
            args.seed,
            roles,
            args.trainee,
            directory,
            recording,
            failures=failures,
        )
        sessions.append((session, recording))
        return session

    try:
        # Set before the window opens: SDL then leaves SIGTERM alone, which it would
        # turn into a window close, recorded as the trainee's.
        with sigterm_as_ctrl_c():
            play(
                scenario,
                start,
                tuple(dict.fromkeys(args.role)),
                speed=args.speed,
                size=args.size,
                frames=args.frames,
                screenshot=args.screenshot,
                show=args.show or "map",
            )
    except NoDisplay as exc:
        raise BadInput(f"cannot open a window: {exc}") from None
    except BaseException as exc:
        # Interrupted, or the view failed: what was played is still written down, as a
        # run stopped at that moment, and said where, before the error goes on.
        how = INTERRUPTED if isinstance(exc, KeyboardInterrupt) else FAILED
        for session, recording in sessions:
            with suppress(Exception):
                _kept_run(console, session, recording, how)
        raise
    for session, recording in sessions:
        # Still open: the window went without the console's End (a scripted run's last
        # frame, which stands for the trainee's; the system's quit).
        _kept_run(console, session, recording, TRAINEE)
    if args.screenshot is not None:
        _say(console, f"Screenshot: {args.screenshot}")
    if failures:
        raise BadInput("\n".join(failures))
    return 0


def _kept_run(console: Console, session, recording: Recording, stopped_by: str) -> None:
    """Close a played session as ``stopped_by`` says, then say where it is kept and its scores."""
    session.close(stopped_by)
    _say(console, f"Run directory: {session.record}")
    print_recording(console, recording)


def kept(recording: Recording) -> list[str]:
    """Where a played run is kept and the command for its report (the end screen says)."""
    db = recording.store.path
    flag = "" if db == default_path() else f" --db {shlex.quote(str(db))}"
    report = f"{invocation()} report {recording.run}{flag} --format html --out report.html"
    return [recorded_as(recording, "the terminal says why"), f"After-action report: {report}"]


def invocation() -> str:
    """This program as the trainee's shell runs it: the interpreter and script started.

    A bare "run_sim.py" is no command a shell runs (not on the PATH, not executable);
    paths inside the working directory stay relative (".venv/bin/python run_sim.py",
    as the README has it), so the line fits the end screen.
    """
    script = sys.argv[0] if sys.argv and Path(sys.argv[0]).name == "run_sim.py" else ""
    return f"{_shell_path(sys.executable)} {_shell_path(script or 'run_sim.py')}"


def _shell_path(path: str) -> str:
    """A path as typed in the working directory: relative inside it, else absolute."""
    full = Path(path).absolute()
    with suppress(ValueError):
        return shlex.quote(str(full.relative_to(Path.cwd())))
    return shlex.quote(str(full))


def _play_session(
    scenario: Scenario,
    atlas: object,
    path: Path,
    seed: int,
    roles: tuple[str, ...],
    trainee: str,
    directory: Path,
    recording: Recording,
    *,
    failures: list[str] | None = None,
):
    """An exercise recorded like ``run``: the trainee's agencies are not automated.

    A record that cannot be written does not stop the trainee's session; what failed
    is added to ``failures`` when it closes, and the run is marked incomplete.
    """
    from simulator.terminal import Terminal
    from simulator.view.session import INTERRUPTED, Session

    record = _create_record(directory, path)
    automated = [a.id for a in scenario.agencies if a.id not in roles]
    exercise = build_exercise(
        scenario, seed, atlas=atlas, file=str(path), sink=record.events, automated=automated
    )
    try:
        recording.attach(exercise)
    except RecordInputError:
        record.discard()
        raise
    started = datetime.now(UTC).isoformat(timespec="seconds")
    players = player_profiles(scenario, automated)
    extra = {"trainee": trainee, "roles": list(roles)}
    until = scenario.metadata.duration
    _begin(record, exercise, path, until, started, players=players, **extra)

    def close(session: Session) -> None:
        cut = exercise.now < until
        # Interrupted, the log may end mid-instant: no replay stops there (as ``run``'s).
        whole = not cut or session.stopped_by != INTERRUPTED
        complete = whole and not (record.failure or recording.failure)
        # Its length is where it stopped (replay plays to it): say who stopped it early.
        early = {"stopped_by": session.stopped_by} if cut else {}
        recording.finish(exercise, complete, **early)
        _close(
            record,
            exercise,
            path,
            exercise.now,
            started,
            players=players,
            complete=complete,
            **extra,
            **early,
        )
        recording.play_baseline()
        session.saved = kept(recording)
        if failures is not None:
            failures.extend(f for f in (record.failure, recording.failure) if f)

    def trouble() -> str:
        failure = record.failure or recording.failure
        if not failure:
            return ""
        return f"Not recording: {failure}. Play on; this run will be kept incomplete."

    # Absolute: the end screen's path must work wherever the trainee pastes it.
    return Session(Terminal(exercise, roles), roles, directory.absolute(), close, trouble)


def _default_play(console: Console) -> str | None:
    """Open the default scenario's briefing; a note saying why not when there is no display."""
    from simulator.view.play import display_configured

    if not display_configured():
        return "No display"
    try:
        play_command(arguments("play", str(DEFAULT_SCENARIO)), console)
    except BadInput as exc:
        return str(exc)
    return None


# -- output -----------------------------------------------------------------------------


def _headline(scenario: Scenario, end: float, until: float) -> str:
    """The title and how far the run went: of how long, and why, when it stopped early.

    A run stopped by ``--until`` a second in said only "ran to T+00:00:01", and its
    score line "0% played": the share played is given with the decimals it needs.
    """
    meta = scenario.metadata
    ran = f"ran to T+{format_offset(end)}"
    if end < meta.duration:
        asked = ", as --until asked" if stopped_as_asked(scenario, end, until) else ""
        ran += f" of {format_offset(meta.duration)}{asked}: "
        ran += f"{share_text(end / meta.duration)} of the exercise played"
    return f"[bold]{escape(meta.title)}[/bold]  ({meta.id}, {ran})"


def _print_summary(console: Console, outcome: dict, directory: Path, names: Names) -> None:
    """The run's summary table, response times, where it is written and its hash.

    The commands are split by giver: a trainee who gave three orders read the
    automated players' hundreds as their own. ``names``: the scenario's agency names.
    """
    summary: Summary = outcome["summary"]
    overview = Table(title="Exercise summary", show_header=False)
    overview.add_column("measure")
    overview.add_column("value", justify="right")
    overview.add_row("Incidents", str(summary.incidents))
    overview.add_row("  resolved", str(summary.resolved))
    overview.add_row("  escalated", str(summary.escalated))
    overview.add_row("911 calls", str(summary.calls))
    overview.add_row("Mutual-aid requests", str(summary.mutual_aid_requests))
    cas = summary.casualties
    overview.add_row("Casualties", str(cas["total"]))
    overview.add_row("  transported to hospital", str(cas["transported"]))
    overview.add_row("  treated and released", str(cas["treated_released"]))
    overview.add_row("  deceased", str(cas["deceased"]))
    overview.add_row("  still awaiting care", str(cas["unresolved"]))
    overview.add_row(
        "Commands accepted / rejected", f"{summary.commands_accepted} / {summary.commands_rejected}"
    )
    mine, players = outcome["orders"]
    if outcome["roles"]:
        overview.add_row(f"  yours ({', '.join(outcome['roles'])})", _orders_text(mine))
    overview.add_row("  automated players'", _orders_text(players))
    console.print(overview)
    _print_response_times(console, summary, names)
    _say(console, f"Run directory: {directory}")
    console.print(f"Event log SHA-256: {outcome['sha256']}", highlight=False, soft_wrap=True)


def _orders_text(orders: Orders) -> str:
    return f"{orders.accepted} / {orders.rejected}"


def _print_response_times(console: Console, summary: Summary, names: Names) -> None:
    """The response-time table, or a sentence when no unit reached a scene.

    A table of headers and no rows (a run stopped in its first minute) read as if
    the times had been lost. An agency needed where none of its units came is named
    with how many incidents it missed: left out, its dead patients had no row to
    point to. Agencies are named as the scenario names them, the id beside the name
    ("Riverton EMS (ems)"), as the report's tables have them.
    """
    rows = sorted(summary.response, key=lambda row: agency_named(row.agency, names))
    if not any(row.responses for row in rows):
        _say(console, "No unit reached an incident: no response times.")
        for row in rows:
            _say(console, f"{agency_named(row.agency, names)}: {row.unreached_text()}")
        return
    times = Table(title="Response time: first 911 call to first unit on scene")
    times.add_column("agency")
    times.add_column("incidents reached", justify="right")
    times.add_column("not reached", justify="right")
    times.add_column("mean", justify="right")
    times.add_column("90th percentile", justify="right")
    for row in rows:  # in the order of the names shown
        if row.mean is None or row.p90 is None:
            mean, p90 = "-", "-"
        else:
            mean, p90 = seconds_text(row.mean), seconds_text(row.p90)
        times.add_row(
            agency_named(row.agency, names), str(row.responses), str(row.unreached), mean, p90
        )
    console.print(times)
    for row in rows:
        if not row.responses:
            _say(console, f"{agency_named(row.agency, names)}: {row.unreached_text()}")
