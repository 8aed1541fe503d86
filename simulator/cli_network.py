"""The networked exercise commands: ``serve`` (the trainer's server) and ``join`` (a seat).

``serve`` records the run as ``run`` does (same run directory, manifest and database
record, commands with their seat as source), so ``replay`` and the scores work on it.
Wall-clock times are read here and in the server, never in the engine.
"""

import argparse
import asyncio
import ipaddress
import signal
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from rich.console import Console

from simulator.build import build_exercise, player_profiles
from simulator.cli import WINDOW, BadInput, check_database, check_output, speed
from simulator.cli_exercise import _begin, _close, _out_dir, invocation
from simulator.cli_records import Recording, open_store, run_purpose
from simulator.commands import CommandBase, command_json
from simulator.events import Event
from simulator.exercise import Exercise
from simulator.network.host import Host
from simulator.network.roles import CONTROLLER, Seat
from simulator.network.tokens import new_tokens, write_tokens
from simulator.record import CONTROLLER_LOG, RunRecord, record_files
from simulator.review.findings import role_score_text, untold_reasons
from simulator.review.summary import summarise
from simulator.scenario import Scenario, load
from simulator.scenario.facts import TOPICS, FactKey
from simulator.scenario.limits import shown
from simulator.scenario.problem import plain
from simulator.scenario.timing import format_offset
from simulator.store.database import database_files, default_path
from simulator.world import build_atlas

MAX_REASON = 1000  # characters in the reason ``control end`` gives (it is logged)
NOT_CONTROLLER = "control: this token is a trainee's seat, not the controller's"


@dataclass
class Served:
    """An exercise ready to serve: the scenario, its run record and its seats."""

    scenario: Scenario
    path: Path
    exercise: Exercise
    record: RunRecord
    recording: Recording
    seats: list[Seat]
    tokens: dict[str, str]
    tokens_file: Path
    until: float
    speed: float
    host: str
    port: int
    players: dict[str, str]


def prepare(args: argparse.Namespace) -> Served:
    """Check the arguments, build the exercise and its record, write the tokens.

    Raises:
        BadInput: an unknown agency, an ``--until`` past the end, an --out in use.
    """
    path = Path(args.scenario)
    scenario = load(path)
    atlas = build_atlas(scenario, str(path))
    agencies = sorted(a.id for a in scenario.agencies)
    seats = args.seats if args.seats is not None else agencies
    unknown = [s for s in seats if s not in agencies]
    if unknown:
        raise BadInput(
            f"--seats: unknown agency {', '.join(map(repr, unknown))}; "
            f"this scenario has {', '.join(agencies)}"
        )
    until = scenario.metadata.duration if args.until is None else args.until
    if until > scenario.metadata.duration:
        raise BadInput(
            f"--until: {format_offset(until)} is after the end of the exercise "
            f"({format_offset(scenario.metadata.duration)})"
        )
    _check_address(args.host, args.port)
    check_database(args.db, args.out, path)
    if args.tokens is not None:
        run = record_files(args.out, path) if args.out else []
        records = [*database_files(args.db or default_path()), path, *run]
        check_output("--tokens", args.tokens, records)
        if args.out is not None and args.tokens.resolve() == args.out.resolve():
            raise BadInput(f"--tokens: {args.tokens} is the run directory (--out); name a file")
    # The database first: one it cannot open leaves no run directory behind.
    store = open_store(args.db)
    directory = _out_dir(args.out, scenario, args.seed)
    tokens = new_tokens([*seats, CONTROLLER])
    tokens_file = args.tokens or directory / "tokens.json"
    try:
        write_tokens(tokens_file, tokens)
    except OSError as exc:
        raise BadInput(f"--tokens: cannot write {tokens_file}: {exc}") from None
    recording = Recording(store, scenario, path, args.seed, until, list(seats), None, run_purpose())
    record = RunRecord.create(directory, path)
    exercise = build_exercise(
        scenario,
        args.seed,
        atlas=atlas,
        file=str(path),
        sink=record.events,
        automated=recording.automated,
    )
    recording.attach(exercise)
    return Served(
        scenario,
        path,
        exercise,
        record,
        recording,
        [Seat(s, (s,)) for s in seats] + [Seat(CONTROLLER, tuple(agencies))],
        tokens,
        tokens_file,
        until,
        float(args.speed),
        args.host,
        args.port,
        player_profiles(scenario, recording.automated),
    )


def shared_scenario(scenario: Scenario) -> dict[str, Any]:
    """The scenario a seat is sent: the map, agencies and units, without the MSEL.

    The master scenario events list is the controller's script; a trainee learns of
    an incident from its calls, as in the room.
    """
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["msel"] = []
    return data


def host_exercise(served: Served, ready: Callable[[Host, int], None] | None = None) -> Host:
    """Serve the exercise until it ends or is stopped, then write its record.

    ``ready`` is called with the host and the port once clients can connect. SIGINT
    and SIGTERM (in the main thread) stop the server and record the run incomplete.
    """
    recording = served.recording

    def ended() -> dict[str, Any]:
        recording.automate(host.bots())
        complete = _finish(served, host)
        return verdict(recording, complete, served.exercise.log.events)

    def joined() -> None:
        """A seat taken: the database and the provisional manifest say who sits where."""
        bots = host.bots()
        recording.automate(bots)
        _begin(
            served.record, served.exercise, served.path, served.until, started, **_who(served, bots)
        )

    host = Host(
        served.exercise,
        served.seats,
        served.tokens,
        speed=served.speed,
        until=served.until,
        scenario=shared_scenario(served.scenario),
        run=recording.run,
        on_end=ended,
        on_join=joined,
    )
    started = datetime.now(UTC).isoformat(timespec="seconds")
    _begin(served.record, served.exercise, served.path, served.until, started, **_who(served, {}))

    async def main() -> None:
        loop = asyncio.get_running_loop()
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, host.stop, False, "interrupted")
        await host.run(served.host, served.port, lambda port: ready and ready(host, port))

    try:
        asyncio.run(main())
    except OSError as exc:
        served.record.events.close()
        served.record.commands.close()
        raise BadInput(
            f"--host/--port: cannot listen on {served.host}:{served.port}: {exc}"
        ) from None
    _write_record(served, host, started)
    return host


def verdict(recording: Recording, complete: bool, events: list[Event]) -> dict[str, Any]:
    """What the server tells the seats it recorded: the run's number, status and scores.

    ``run`` is None when the database could not be written. ``whole``: the scores cover
    the whole exercise (else they are pro-rated to ``end``).
    """
    scores = recording.scores
    return {
        "run": None if recording.failure else recording.run,
        "status": "complete" if complete and not recording.failure else "incomplete",
        "overall": scores.overall,
        "whole": scores.complete,
        "window": scores.window_overall,
        "end": scores.end,
        "roles": {agency: role.score for agency, role in scores.roles.items()},
        # Why a role has no score when it was never told of what needed it.
        "untold": untold_reasons(scores, recording.scenario.agency_names()),
        "objectives": [[o.rating, o.title, o.core_capability, o.score] for o in scores.objectives],
        # The whole run's headline numbers: a seat heard only its agencies' events.
        "summary": summarise(events).as_dict(),
    }


def _check_address(host: str, port: int) -> None:
    """Refuse an address this machine cannot listen on before anything is recorded.

    A server that never listened must leave no run directory and no run in the
    database; binding a probe socket finds a bad address or a port in use up front.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except socket.gaierror:
        raise BadInput(
            f"--host: {host!r} is no address of this machine nor a name it knows"
        ) from None
    except OSError as exc:
        raise BadInput(
            f"--host/--port: cannot listen on {host}:{port}: {exc.strerror or exc}"
        ) from None


def _write_record(served: Served, host: Host, started: str) -> None:
    exercise = served.exercise
    if served.recording.scores is None:  # not recorded as it ended (``Host.on_end`` failed)
        _finish(served, host)
    _close(
        served.record,
        exercise,
        served.path,
        host.until,
        started,
        complete=host.complete,
        **_who(served, host.bots()),
        connections={name: info["joins"] for name, info in host.seats().items()},
    )
    served.recording.play_baseline()


def _finish(served: Served, host: Host) -> bool:
    """Write the controller's log, then the database's record; whether both are whole.

    The log first: one that cannot be written (a full disk) leaves the database saying
    incomplete too, as the run directory's manifest will.
    """
    served.record.write_rows(CONTROLLER_LOG, host.actions)
    complete = host.complete and not served.record.failure
    served.recording.finish(served.exercise, complete, host.actions)
    return complete


def _who(served: Served, bots: dict[str, str]) -> dict[str, Any]:
    """The manifest's account of the seats, with the automated players in them."""
    players = dict(sorted({**served.players, **bots}.items()))
    roles = served.recording.roles
    return {"players": players, "roles": roles, "seats": _seats(served), "bots": bots}


def _seats(served: Served) -> dict[str, list[str]]:
    """Each trainee seat's agencies, as the manifest lists them."""
    return {s.name: list(s.agencies) for s in served.seats if s.name != CONTROLLER}


# -- commands ---------------------------------------------------------------------------


def serve_command(args: argparse.Namespace, console: Console) -> int:
    """Host one exercise for its seats; print the join commands; record the run."""
    served = prepare(args)

    def ready(host: Host, port: int) -> None:
        _print_joins(console, served, port)

    host = host_exercise(served, ready)
    _print_outcome(console, served, host)
    return 0 if host.complete else 130


def _print_joins(console: Console, served: Served, port: int) -> None:
    say = _say(console)
    url = f"ws://{_url_host(_reachable(served.host))}:{port}"
    if not ipaddress.ip_address(_bare(served.host)).is_loopback:
        say(
            f"Listening on {served.host}:{port}, beyond this machine and unencrypted: "
            "put it behind TLS (docs/network.md)."
        )
    say(f"Serving {served.scenario.metadata.title} at {url}; tokens in {served.tokens_file}")
    # The interpreter and script that started the server: a bare "python" outside the
    # venv has none of the simulator's packages.
    program = invocation()
    for seat in served.seats:
        token = served.tokens[seat.name]
        say(f"  {seat.name:12} {program} join {url} --token {token}")
    say(
        "Agencies without a seat are played by the automated players; fill an empty seat "
        "with: join URL --token TOKEN --bot sop"
    )


def _bare(host: str) -> str:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return "127.0.0.1" if host == "localhost" else "0.0.0.0"
    return host


def _reachable(host: str) -> str:
    """The name other machines join by: an any-address (0.0.0.0, ::) is no place to go.

    Listening on every interface, the server is reached by this machine's name (or any
    of its addresses); a join command naming 0.0.0.0 fails on every trainee's machine.
    """
    try:
        unspecified = ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return host
    return socket.gethostname() if unspecified else host


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _print_outcome(console: Console, served: Served, host: Host) -> None:
    say = _say(console)
    exercise = served.exercise
    if not host.complete:
        say("Interrupted: everything up to now is kept in the run directory (incomplete run).")
    say(f"Exercise ended at T+{format_offset(exercise.now)}")
    say(f"Run directory: {served.record.directory}")
    say(f"Event log SHA-256: {exercise.log.sha256()}")
    scores, bots = served.recording.scores, host.bots()
    names = exercise.scenario.agency_names()  # who knew, by name
    for seat in served.seats:
        if seat.name == CONTROLLER or scores is None:
            continue
        value = role_score_text(scores, seat.agencies[0], names)
        who = f" (automated player: {bots[seat.agencies[0]]})" if seat.agencies[0] in bots else ""
        say(f"  seat {seat.name}{who}: {value}")
    line = f"Recorded as run {served.recording.run} in {served.recording.store.path}"
    if scores is not None and scores.overall is not None:
        line += f"; overall score {scores.overall:.1f}/100"
    say(line)


def _say(console: Console) -> Callable[[str], None]:
    return lambda line: console.print(line, markup=False, highlight=False, soft_wrap=True)


def join_command(args: argparse.Namespace, console: Console) -> int:
    """Take a seat: the map view, or (``--bot``) an automated player headless."""
    from simulator.network.bot import play_seat, sit
    from simulator.network.link import LinkError

    _check_join(args)
    if args.screenshot is not None:
        # A seat records nothing, but the machine it runs on may hold the default database.
        check_output("--screenshot", args.screenshot, database_files(default_path()))
    try:
        seated = sit(args.url, args.token, bot=args.bot)
    except LinkError as exc:
        raise BadInput(f"join: {exc}") from None
    mirror = seated.mirror
    say = _say(console)
    say(f"Joined as seat {mirror.seat} ({', '.join(mirror.agencies)}) at {args.url}")
    if args.bot is not None:
        try:
            play_seat(args.url, args.token, args.bot, seated=seated)
        except LinkError as exc:
            raise BadInput(f"join: {exc}") from None
        say(f"Exercise ended: {mirror.reason}; this seat heard {len(mirror.log)} events")
        return 0
    from simulator.network.window import watch
    from simulator.view.play import NoDisplay

    try:
        size = args.size or WINDOW
        watch(seated, args.url, args.token, size=size, frames=args.frames, shot=args.screenshot)
    except NoDisplay as exc:
        raise BadInput(f"cannot open a window: {exc}") from None
    if args.screenshot is not None:
        say(f"Screenshot: {args.screenshot}")
    return 0


def _check_join(args: argparse.Namespace) -> None:
    """Refuse options ``join`` would ignore, as ``play`` does, before connecting.

    ``--frames`` without ``--screenshot`` opened the window for a human anyway, and a
    ``--bot`` seat has no window: its ``--screenshot`` or ``--size`` was never used.

    Raises:
        BadInput: options that conflict, or one another option makes pointless.
    """
    scripted = args.screenshot is not None or args.frames is not None
    if scripted and (args.screenshot is None or args.frames is None):
        raise BadInput("--screenshot and --frames go together")
    if args.bot is None:
        return
    for option, value in (("--screenshot", args.screenshot), ("--size", args.size)):
        if value is not None:
            raise BadInput(f"{option} does not go with --bot (a bot's seat has no window)")


def control_command(args: argparse.Namespace, console: Console) -> int:
    """The controller's actions from a terminal: the clock, the script, the seats.

    Pause, resume, speed, on-drop and end run the clock; release, hold and inject are
    engine commands, recorded and replayed. Exits 1 when the engine rejects one.
    """
    from simulator.network.link import Link, LinkError

    say = _say(console)
    given = getattr(args, "value", None)  # one word, several (a text), or none
    value = given if isinstance(given, str) else " ".join(given or ()) or None
    script = _script_command(args, value)  # checked before connecting: bad input exits 2
    pace = _speed(value) if args.action == "speed" else None
    if args.action == "end" and value and len(value) > MAX_REASON:
        raise BadInput(f"control end: the reason is over {MAX_REASON} characters")
    try:
        link = Link(args.url, args.token, controller=True)
    except LinkError as exc:
        if exc.code == "not_controller":
            raise BadInput(NOT_CONTROLLER) from None
        raise BadInput(f"control: {exc}") from None
    status: dict[str, Any] = {}
    link.on_message = lambda message: _take_status(status, message)
    rejected = ""
    try:
        if not link.welcome.get("controller"):  # a server that does not read ``controller``
            raise BadInput(NOT_CONTROLLER)
        if args.action == "end":
            _act(link, {"action": "end", "reason": value or "ended by the controller"})
            say(f"Exercise ended: {value or 'ended by the controller'}")
            return 0
        if script is not None:
            rejected = _give(link, script, say)
        elif pace is not None:
            _act(link, {"action": "speed", "speed": pace})
        elif args.action == "on-drop":
            _act(link, {"action": "on_drop", "on_drop": value})
        elif args.action != "status":
            _act(link, {"action": args.action})
        _status(link, status)
    except LinkError as exc:
        raise BadInput(f"control: {exc}") from None
    finally:
        link.close()
    _print_status(say, status)
    return 1 if rejected else 0


def _script_command(args: argparse.Namespace, value: str | None) -> CommandBase | None:
    """The engine command a release, hold or inject names (None for the clock's actions).

    Raises:
        BadInput: a seq that is not a whole number, an inject without recipients or text.
    """
    from simulator.commands import AddInject, HoldInject, ReleaseInject

    action = args.action
    try:
        if action in ("release", "hold"):
            if value is None or not (value.strip().isascii() and value.strip().isdigit()):
                raise BadInput(f"control {action}: expected the inject's seq, got {value!r}")
            kind = ReleaseInject if action == "release" else HoldInject
            return kind(seq=int(value))
        if action == "inject":
            to = [a.strip() for a in (args.to or "").split(",") if a.strip()]
            if not to:
                raise BadInput("control inject: name its recipients with --to AGENCY[,AGENCY]")
            if not value or not value.strip():
                raise BadInput("control inject: give the inject's text")
            for fact in args.fact:
                if not _fact_shaped(fact):
                    raise BadInput(f"control inject: --fact: {FACT_FORMS}, got {shown(fact)}")
            return AddInject(text=value, to=to, incident=args.incident, facts=args.fact)
    except ValidationError as exc:
        problem = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise BadInput(f"control {action}: {where}: {plain(problem)}") from None
    return None


FACT_FORMS = (
    "expected incident:INC, casualties:INC, hazard:INC/HAZARD, condition:INC/CONDITION "
    "or closure:ROAD"
)


def _fact_shaped(key: str) -> bool:
    """Whether a fact key has a fact's form (what it names is the exercise's to judge).

    A key of no form at all is a typo, refused before connecting (exit 2); one naming an
    incident that has not started is the engine's rejection (exit 1).
    """
    fact = FactKey.parse(key)
    if fact.topic not in TOPICS or not fact.subject.strip():
        return False
    return bool(fact.part) == (fact.topic in ("hazard", "condition"))


def _give(link: Any, command: CommandBase, say: Callable[[str], None]) -> str:
    """Give the controller's command; say what became of it; the reason if rejected."""
    answer = link.request({"type": "command", "command": command_json(command)})
    if answer.get("type") == "error":
        raise BadInput(f"control: {answer.get('message')}")
    if not answer.get("accepted"):
        reason = str(answer.get("reason") or "rejected")
        say(f"Rejected: {reason}")
        return reason
    seq = getattr(command, "seq", None)
    done = {
        "release_inject": f"Released MSEL inject {seq}",
        "hold_inject": f"Holding MSEL inject {seq}: it will not fire until released",
    }
    say(done.get(command.type, f"Inject sent to {', '.join(getattr(command, 'to', ()))}"))
    return ""


def _act(link: Any, message: dict[str, Any]) -> None:
    answer = link.request({"type": "control", **message})
    if answer.get("type") == "error":
        raise BadInput(f"control: {answer.get('message')}")


def _speed(text: str | None) -> float:
    """The speed ``control speed`` sets, checked as the server checks it (exit 2 if not)."""
    try:
        return speed(text or "")
    except ValueError as exc:
        raise BadInput(f"control speed: {exc}") from None


def _take_status(status: dict[str, Any], message: dict[str, Any]) -> None:
    """Keep the latest clock, seats and injects from a server message."""
    for key in ("now", "speed", "paused"):
        if key in message:
            status[key] = message[key]
    state = message.get("state")
    if state is None:
        return
    status["fresh"] = True  # the state as it stands after what came before
    for name in ("seats", "injects"):
        if name in state:
            status[name] = state[name]


def _status(link: Any, status: dict[str, Any]) -> None:
    """Wait for the controller's state to follow the action (at most 10 s)."""
    status["fresh"] = False
    while not status["fresh"]:
        message = link.receive(10)
        if message is None:
            break
        _take_status(status, message)


def _connection(seat: dict[str, Any]) -> str:
    """Connected, never joined, or dropped (and when, as the server knows it)."""
    if seat["connected"]:
        return "connected"
    if not seat["joins"]:
        return "never joined"
    dropped = seat.get("dropped_at")
    return "dropped" if dropped is None else f"dropped at T+{format_offset(dropped)}"


def _print_status(say: Callable[[str], None], status: dict[str, Any]) -> None:
    state = "paused" if status.get("paused") else f"running at {status.get('speed', 0):g}x"
    say(f"T+{format_offset(status.get('now', 0.0))}, {state}")
    for name, seat in sorted(status.get("seats", {}).items()):
        where = _connection(seat)
        last = seat["last_action"] or "nothing yet"
        at = f" at T+{format_offset(seat['last_at'])}" if seat["last_at"] is not None else ""
        say(f"  {name:12} {where:21} last action: {last}{at}")
    injects = status.get("injects", [])
    if injects:
        say("MSEL:")
    for row in injects:
        state = row["status"]
        if row["released"] is not None:
            state += f" at T+{format_offset(row['released'])}"
        line = f"  {row['seq']:>4}  T+{format_offset(row['time'])}  {state:22} {row['type']}: "
        say(line + row["description"][:80])
