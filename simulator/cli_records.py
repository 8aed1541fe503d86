"""Command line for exercise records: recording runs, ``history``, ``note`` and ``report``.

Kept apart from ``cli.py`` so that other subcommands can be added there without
conflicts. Wall-clock times are read here and in the store, never in the engine.
"""

import argparse
import contextlib
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from simulator.build import build_exercise, player_profiles, players_label
from simulator.cli import check_output, run_id
from simulator.events import Event, read_events
from simulator.exercise import Exercise
from simulator.fingerprint import code_fingerprint
from simulator.interrupt import sigterm_as_ctrl_c
from simulator.payloads import check
from simulator.record import (
    CONTROLLER_LOG,
    EVENTS,
    MANIFEST,
    file_sha256,
    manifest_settings,
    read_manifest,
    record_files,
    running,
)
from simulator.review.compare import compare
from simulator.review.conduct import stopped_as_asked
from simulator.review.findings import role_score_text, share_text
from simulator.review.report import Geometry, RunMeta, build_report, render
from simulator.review.score import Scores, score
from simulator.scenario import Scenario, ScenarioError, load
from simulator.scenario.limits import MAX_COMMAND_FILE_BYTES, MAX_LOG_BYTES
from simulator.scenario.source import SourceError, read_bytes, read_text
from simulator.scenario.timing import format_offset, parse_offset
from simulator.store.database import RunInfo, Store, StoreError, database_files, default_path
from simulator.store.recorder import Recorder
from simulator.store.rows import controller_action
from simulator.world import build_atlas

# Test suites, screenshot scripts and demos set this to "rehearsal" so their runs are
# never taken for a trainee's exercise.
PURPOSE_ENV = "SIMULATOR_PURPOSE"
PURPOSES = ("exercise", "rehearsal")


class RecordInputError(Exception):
    """A record command's input the user can fix; printed as is, exit code 2."""


def run_purpose(*, scripted: bool = False) -> str:
    """What a new run is recorded as: a trainee's exercise, or a rehearsal.

    Scripted runs (no human at the controls) are rehearsals, as are runs made while
    ``$SIMULATOR_PURPOSE`` is ``rehearsal``: ``history`` and its trends leave them out.

    Raises:
        RecordInputError: ``$SIMULATOR_PURPOSE`` is set to something else.
    """
    value = os.environ.get(PURPOSE_ENV) or "exercise"
    if value not in PURPOSES:
        raise RecordInputError(
            f"${PURPOSE_ENV}: unknown purpose {value!r} (known: {', '.join(PURPOSES)})"
        )
    return "rehearsal" if scripted else value


def open_store(path: Path | None, *, readonly: bool = False) -> Store:
    """Open the database, turning its errors into bad input.

    Commands that only read (``history``, ``report``) pass ``readonly``: they never
    write, so a read-only database, or one on a full disk, can still be read.
    """
    try:
        return Store.open(path, readonly=readonly)
    except StoreError as exc:
        raise RecordInputError(str(exc)) from None


# -- recording a run --------------------------------------------------------------------


@dataclass
class Recording:
    """A run being recorded in the database (and its baseline, when a trainee played)."""

    store: Store
    scenario: Scenario
    path: Path
    seed: int
    until: float
    roles: list[str]
    trainee: str | None
    purpose: str = "exercise"
    profiles: dict[str, str] | None = None  # the automated agencies' (default: sop)
    run: int = 0
    recorder: Recorder | None = None
    scores: Scores | None = None
    baseline: Scores | None = field(default=None)
    baseline_interrupted: bool = False
    error: str = ""
    # The roles and profiles asked for, before seats filled by automated players (``automate``).
    asked: tuple[list[str], dict[str, str] | None] | None = None

    @property
    def automated(self) -> list[str]:
        """Agencies the automated players run."""
        return sorted(a.id for a in self.scenario.agencies if a.id not in self.roles)

    @property
    def failure(self) -> str:
        """Why the database could not be written (``FILE: reason``), or ""."""
        return self.error or (self.recorder.failure if self.recorder else "")

    def attach(self, exercise: Exercise) -> None:
        """Start the run's record and subscribe to its events.

        Raises:
            RecordInputError: the database cannot be written (nothing has run yet).
        """
        try:
            self.run = _start(
                self.store,
                self.scenario,
                self.path,
                self.seed,
                self.until,
                self.automated,
                self.roles,
                self.trainee,
                self.purpose,
                players_label(player_profiles(self.scenario, self.automated, self.profiles)),
            )
        except StoreError as exc:
            raise RecordInputError(str(exc)) from None
        self.recorder = Recorder(self.store, self.run, exercise.log, exercise.commands)
        exercise.subscribe(self.recorder.on_events)

    def automate(self, bots: dict[str, str]) -> None:
        """Record agencies as automated partners, with their profiles, not trainee roles.

        ``bots``: agency -> profile of the automated player that played it from a seat
        (``join --bot``); the server learns of it as seats join, so it says so each time
        (a seat a person later joins is a trainee's again), from the roles first asked.
        """
        if self.asked is None:
            self.asked = (list(self.roles), self.profiles)
        roles, profiles = self.asked
        self.roles = [r for r in roles if r not in bots]
        self.profiles = {**player_profiles(self.scenario, self.automated, profiles), **bots}
        if self.recorder is None or self.failure:
            return
        try:
            self.store.set_players(
                self.run,
                roles=self.roles,
                automated=self.automated,
                players=players_label(self.profiles),
            )
        except StoreError as exc:
            self._failed(str(exc))

    def finish(
        self,
        exercise: Exercise,
        complete: bool,
        actions: Sequence[dict] = (),
        stopped_by: str = "",
    ) -> None:
        """Write the rest and mark the run with its scores (``play_baseline`` follows).

        ``actions``: a served run's controller actions, kept for its report's conduct;
        ``stopped_by``: who ended a ``play`` session early ("trainee", "interrupted",
        "failed"), which its log (a "stopped at" like --until's) cannot tell.

        The events are committed before scoring, so a scoring failure loses none of
        them; the status and the scores are committed together, so a run is never
        complete without its scores. A database that cannot be written leaves
        ``failure`` set and the run marked incomplete where that can still be written
        (else the next open marks it, once this process is gone).
        """
        try:
            if not self.failure:
                self.recorder.flush()
        except StoreError as exc:
            self.error = str(exc)
        self.scores = score(self.scenario, exercise.log.events)
        if self.failure:
            with contextlib.suppress(StoreError):
                self.store.mark_incomplete(self.run)
            return
        try:
            self.recorder.finish(
                complete=complete,
                events_sha256=exercise.log.sha256(),
                scores=self.scores.to_dict(),
                actions=actions,
                stopped_by=stopped_by,
            )
        except StoreError as exc:
            self._failed(str(exc))

    def play_baseline(self) -> None:
        """For a trainee's run, the automated baseline, once the run is wholly recorded.

        It plays the whole exercise again, so it comes after the run directory is
        written; Ctrl+C here keeps the run, whose report plays the baseline when asked.
        """
        if not self.roles or self.failure:
            return
        try:
            with sigterm_as_ctrl_c():  # ``play`` and ``serve`` play it after their loops
                _, self.baseline = baseline(self.store, self.store.run(self.run), self.scenario)
        except KeyboardInterrupt:
            self.baseline_interrupted = True
        except StoreError as exc:
            self._failed(str(exc))

    def _failed(self, reason: str) -> None:
        self.error = reason
        with contextlib.suppress(StoreError):
            self.store.mark_incomplete(self.run)


def open_recording(
    args: argparse.Namespace,
    scenario: Scenario,
    path: Path,
    until: float,
    profiles: dict[str, str] | None = None,
) -> Recording:
    """The recording a ``run`` asked for (checks ``--roles`` and ``$SIMULATOR_PURPOSE``).

    ``profiles``: the automated agencies' profiles (``--players``), recorded with it.
    """
    roles = list(getattr(args, "roles", None) or [])
    known = {a.id for a in scenario.agencies}
    for role in roles:
        if role not in known:
            raise RecordInputError(
                f"--roles: unknown agency {role!r} (known: {', '.join(sorted(known))})"
            )
    trainee = trainee_name(getattr(args, "trainee", None))
    purpose = run_purpose()
    store = open_store(getattr(args, "db", None))
    return Recording(store, scenario, path, args.seed, until, roles, trainee, purpose, profiles)


def trainee_name(value: str | None) -> str | None:
    """The trainee's name as recorded: one space between words, however it was typed.

    Raises:
        RecordInputError: the name is empty.
    """
    if value is None:
        return None
    name = " ".join(value.split())
    if not _folded(name):
        raise RecordInputError(f"--trainee: {name!r} is no name (no letter or digit)")
    return name


def print_recording(console: Console, recording: Recording) -> None:
    """Say how the trainee's roles and the baseline scored, then the overall score.

    The overall score stays the last line (scripts read it there).

    A run stopped early says where (and whether ``--until`` asked for it) and that its
    overall score is pro-rated to the share played.
    """
    scores = recording.scores
    names = recording.scenario.agency_names()
    if scores is not None:
        for role in recording.roles:
            # By name, as the report's roles table: "Riverton EMS (ems, your role)".
            name = names.get(role, role)
            label = f"{name} ({role}, your role)" if name != role else f"{role} (your role)"
            line = f"  {label}: {role_score_text(scores, role, names)}"
            line += _baseline_role(recording.baseline, role)
            console.print(line, markup=False, highlight=False)
    if recording.baseline is not None and recording.baseline.overall is not None:
        console.print(
            f"Automated-players baseline: overall {recording.baseline.overall:.1f}/100",
            highlight=False,
        )
    elif recording.baseline_interrupted:
        console.print(
            "Automated-players baseline: interrupted before it finished; "
            f"`report {recording.run}` plays it",
            markup=False,
            highlight=False,
        )
    line = recorded_as(recording, "see below")
    if scores is not None and scores.overall is not None:
        if not scores.complete:
            line += f"; {_stopped(recording, scores)}"
        line += f"; overall score {scores.overall:.1f}/100"
    console.print(line, markup=False, highlight=False, soft_wrap=True)


def _baseline_role(baseline: Scores | None, role: str) -> str:
    """The automated players' score in the same role, to set beside the trainee's."""
    played = baseline.roles.get(role) if baseline is not None else None
    if played is None or played.score is None:
        return ""
    return f" (automated players in this role: {played.score:.1f}/100)"


def _stopped(recording: Recording, scores: Scores) -> str:
    """A run stopped early: where, as ``--until`` asked or not, and the share played."""
    share = f"({share_text(scores.played)} played, pro-rated)"
    if not stopped_as_asked(recording.scenario, scores.end, recording.until):
        return f"incomplete run {share}"
    return f"stopped at T+{format_offset(scores.end)} by --until {share}"


def recorded_as(recording: Recording, why: str) -> str:
    """Where the run is recorded: "Recorded as run 8 in DB", or that it is incomplete."""
    where = f"{recording.run} in {recording.store.path}"
    return f"Run {where} is incomplete ({why})" if recording.failure else f"Recorded as run {where}"


def _start(
    store: Store,
    scenario: Scenario,
    path: Path,
    seed: int,
    until: float,
    automated: list[str],
    roles: list[str],
    trainee: str | None,
    purpose: str = "exercise",
    players: str = "",
) -> int:
    text = path.read_bytes().decode("utf-8")  # its line ends as they are: it hashes so
    return store.start_run(
        scenario_id=scenario.metadata.id,
        scenario_title=scenario.metadata.title,
        scenario_name=path.name,
        scenario_text=text,
        scenario_sha256=file_sha256(path),
        seed=seed,
        until=until,
        automated=automated,
        roles=roles,
        trainee=trainee,
        purpose=purpose,
        players=players,
    )


# -- baselines ---------------------------------------------------------------------------


def baseline(store: Store, run: RunInfo, scenario: Scenario) -> tuple[int | None, Scores]:
    """The same scenario and seed played by automated players only, cached per hash and seed.

    The cache is per program too (``code_fingerprint``): after an upgrade the players
    may play differently, and the baseline is played again. It is played as far as the
    run went (``store.played``): a session a trainee ended early is compared with
    automated players over the same stretch, not the whole exercise.

    A read-only store is not written: the baseline is played and scored in memory
    (its id is then None).

    Raises:
        StoreError: the baseline cannot be written to a writable store.
    """
    code = code_fingerprint()
    until = store.played(run)
    cached = store.baseline(run.scenario_sha256, run.seed, until, code)
    if cached is not None:
        with contextlib.suppress(StoreError):  # a damaged cached baseline is played again
            events = store.events(cached)
            store.check_events(store.run(cached), events)
            return cached, score(scenario, events)
    name, text = store.scenario_text(run)
    agencies = sorted(a.id for a in scenario.agencies)
    exercise = build_exercise(scenario, run.seed, atlas=build_atlas(scenario, name), file=name)
    recorder = ident = None
    if not store.readonly:
        with tempfile.TemporaryDirectory(prefix="baseline-") as scratch:
            path = Path(scratch) / name
            path.write_text(text, encoding="utf-8", newline="")  # its line ends as stored
            ident = _start(
                store,
                scenario,
                path,
                run.seed,
                until,
                agencies,
                [],
                None,
                "baseline",
                players_label(player_profiles(scenario)),
            )
        recorder = Recorder(store, ident, exercise.log, exercise.commands)
        exercise.subscribe(recorder.on_events)
    try:
        exercise.advance(until)
    except KeyboardInterrupt:
        if ident is not None:
            with contextlib.suppress(StoreError):
                store.mark_incomplete(ident)  # never cached: played again when next asked
        raise
    if not exercise.ended:
        exercise.finish(f"stopped at {format_offset(until)}")
    result = score(scenario, exercise.log.events)
    if recorder is None:
        return None, result
    if recorder.failure:
        raise StoreError(recorder.failure)
    recorder.finish(complete=True, events_sha256=exercise.log.sha256(), scores=result.to_dict())
    store.set_baseline(run.scenario_sha256, run.seed, until, ident, code)
    return ident, result


# -- history -----------------------------------------------------------------------------


def history_command(args: argparse.Namespace, console: Console) -> int:
    """Past exercises with their scores and ratings, then each trainee's trend.

    Rehearsals and baselines are no trainee's record, so only ``--all`` lists them (and
    their trends, apart from the exercises').
    """
    if not (args.db or default_path()).exists():
        console.print(
            f"No recorded exercises: {args.db or default_path()} does not exist yet.",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        return 0
    trainee_name(args.trainee)  # a look-up for no name would list the anonymous runs
    store = open_store(args.db, readonly=True)
    purpose = None if args.all else "exercise"
    damaged: list[str] = []
    every = store.runs(purpose=purpose, damaged=damaged)
    scenario = _scenario_id(args.scenario)
    runs = [run for run in every if _chosen(run, args.trainee, scenario)]
    runs = [run for run in runs if _readable(store, run, damaged)]
    if runs:
        console.print(_runs_table(store, runs, args.all))
        trends = _trends(store, runs, every, args.all)
        if trends.row_count:
            console.print(trends)
        else:
            console.print("No trend yet: every run listed was stopped early (a '*' score).")
    elif not damaged:
        hint = "" if args.all else " (rehearsal and baseline runs: --all)"
        console.print(f"No recorded exercises match{hint}.", markup=False)
        known = _known(every, args.trainee, args.scenario)
        if known:
            console.print(known, markup=False, soft_wrap=True)
    for reason in damaged:
        print(f"{reason} (left out of the list)", file=sys.stderr)
    return 2 if damaged else 0


def _readable(store: Store, run: RunInfo, damaged: list[str]) -> bool:
    """Whether a run's scores read back; if not, why is added to ``damaged``."""
    try:
        store.scores(run.id)
        store.overall(run.id)
    except StoreError as exc:
        damaged.append(str(exc))
        return False
    return True


def _runs_table(store: Store, runs: list[RunInfo], with_purpose: bool) -> Table:
    # A trainee's name, a path or a scenario's words are text, never rich's markup.
    table = Table(title=Text(f"Exercises in {store.path}"))
    for name, justify in (
        ("run", "right"),
        ("started UTC", "left"),
        *([("purpose", "left")] if with_purpose else []),
        ("trainee", "left"),
        ("roles", "left"),
        ("automated", "left"),
        ("scenario", "left"),
        ("seed", "right"),
        ("record", "left"),
        ("ratings", "left"),
        ("own", "right"),
        ("score", "right"),
    ):
        table.add_column(name, justify=justify, no_wrap=name in ("run", "ratings", "own", "score"))
    incomplete = False
    for run in runs:
        scores = _scores_of(store, run)
        # One letter per objective, in the scenario's order (P/S/M/U, - not observed).
        ratings = "".join(o["rating"] or "-" for o in scores.get("objectives", []))
        overall = scores.get("overall")
        # Runs stored before the redesign have no "complete": their scores were whole.
        mark = "*" if overall is not None and scores.get("complete") is False else ""
        incomplete = incomplete or bool(mark)
        cells = (
            str(run.id),
            run.started.replace("T", " ")[5:16],
            *([run.purpose] if with_purpose else []),
            run.trainee or "-",
            ",".join(run.roles) or "-",
            run.players or "-",
            run.scenario_id,
            str(run.seed),
            run.status,
            ratings,
            _score_text(own_score(run, scores), mark),
            _score_text(overall, mark),
        )
        table.add_row(*map(Text, cells))
    table.caption_justify = "left"
    table.caption = (
        "automated: the automated players' profiles (- not recorded)\n"
        "ratings: one letter per objective (P, S, M, U; - not observed)\n"
        "own: the trainee's roles scored on their own duties (mean over roles; - none "
        "played or none fell due); score: the overall score, which the automated partners "
        "move too"
    )
    if incomplete:
        table.caption += (
            "\n* stopped before the exercise's end (--until, End, Ctrl+C, or the process "
            "killed): pro-rated to the share played; record: whether the run's files are whole"
        )
    if not with_purpose:
        table.caption += "\nrun numbers not listed are automated baselines or rehearsals (--all)"
    return table


def _scores_of(store: Store, run: RunInfo) -> dict:
    """A run's stored scores; a run cut off mid-way is scored from what it recorded.

    A run whose process was killed (SIGKILL, a window closed from outside, power lost)
    never finished, so no scores were stored with it, though its events were: they are
    scored as ``report`` scores them, pro-rated to the share played, so the trainee's
    history still shows what they did. Nothing is written: ``history`` only reads.
    """
    stored = store.scores(run.id)
    if stored is not None or run.status != "incomplete":
        return stored or {}
    try:
        name, text = store.scenario_text(run)
        scenario = _recorded(name, text)  # scoring needs no map geometry
        events = store.events(run.id)
    except (StoreError, ScenarioError):
        return {}  # the report names what is wrong with it
    return score(scenario, events).to_dict() if events else {}


def own_score(run: RunInfo, scores: dict) -> float | None:
    """The trainee's own-duty score: the mean of its roles' scores that fell due.

    The overall score also counts what the automated partners did: an idle trainee
    beside able partners reads 36 there and 0 here.
    """
    roles = scores.get("roles") or {}
    found = [
        value
        for role in run.roles
        if isinstance(roles.get(role), dict)
        and isinstance(value := roles[role].get("score"), int | float)
    ]
    return sum(found) / len(found) if found else None


def _score_text(value: float | None, mark: str) -> str:
    return "-" if value is None else f"{value:.1f}{mark}"


def _trends(store: Store, runs: list[RunInfo], every: list[RunInfo], with_purpose: bool) -> Table:
    """Each trainee's scores over time, one line per scenario version, roles and partners.

    Scores of another version of a scenario (an edited target), of other roles or beside
    automated players of another profile are not a trend: each gets its own line, a
    version named by its file's hash wherever the database (``every`` run, not just
    those listed) holds more than one. A version is what the file says
    (``_versions``): a comment or layout edit is the same one. A
    name is one trainee whatever its case or stops, shown as first recorded.
    """
    table = Table(title="Trend per trainee and scenario (complete runs, oldest first)")
    names = ("trainee", "scenario", "roles", "automated", "runs", "own", "scores", "first")
    names += ("last", "change", "best")
    for name in ("purpose", *names) if with_purpose else names:
        table.add_column(
            name,
            justify="right" if name in ("runs", "first", "last", "change", "best") else "left",
        )
    version = _versions(store, every)
    versions: dict[str, set[str]] = {}
    for run in every:
        versions.setdefault(run.scenario_id, set()).add(version[run.scenario_sha256])
    shown: dict[str, str] = {}  # folded name -> the name first recorded
    groups: dict[tuple[str, ...], list[tuple[float, float | None]]] = {}  # (overall, own)
    left_out = 0  # listed above, yet not here: said so, or a trainer is left guessing
    for run in runs:
        overall = store.overall(run.id)
        scores = store.scores(run.id) or {}
        # A run stopped early (--until) is complete as asked, but its score is pro-rated.
        whole = scores.get("complete") is not False
        if run.status == "complete" and overall is not None and whole:
            scenario = run.scenario_id
            if len(versions[scenario]) > 1:
                scenario += f" ({version[run.scenario_sha256][:8]})"
            name = shown.setdefault(_folded(run.trainee), run.trainee or "-")
            key = (name, scenario, ",".join(run.roles) or "-", run.players or "-")
            key = (run.purpose, *key) if with_purpose else key
            groups.setdefault(key, []).append((overall, own_score(run, scores)))
        else:
            left_out += 1
    for key, scored in sorted(groups.items()):
        values = [overall for overall, _ in scored]
        table.add_row(
            *map(Text, key),
            str(len(values)),
            " -> ".join("-" if own is None else f"{own:.0f}" for _, own in scored[-8:]),
            " -> ".join(f"{v:.0f}" for v in values[-8:]),
            f"{values[0]:.1f}",
            f"{values[-1]:.1f}",
            f"{values[-1] - values[0]:+.1f}",
            f"{max(values):.1f}",
        )
    table.caption_justify = "left"
    table.caption = (
        "own, scores: the trainee's own-duty and overall scores, oldest first (the last 8); "
        "first, last, change, best: the overall score"
    )
    if left_out:
        table.caption += (
            f"\nnot in the trend: {left_out} listed run{'s' if left_out > 1 else ''} stopped "
            "before the exercise's end (a '*' score, pro-rated), or without a whole record "
            "or a score"
        )
    return table


def _versions(store: Store, runs: list[RunInfo]) -> dict[str, str]:
    """Each recorded scenario file's version: the hash of the first file saying the same.

    Files say the same when they load to the same scenario, whatever their comments,
    layout or key order; a recorded text that no longer loads is a version of its own.
    """
    first: dict[str, str] = {}  # what a file says (hashed) -> the first file's hash
    version: dict[str, str] = {}
    for run in sorted(runs, key=lambda r: r.id):
        sha = run.scenario_sha256
        if sha not in version:
            version[sha] = first.setdefault(_said(store, run) or sha, sha)
    return version


def _said(store: Store, run: RunInfo) -> str | None:
    """The hash of the scenario a run's recorded file loads to, or None if it cannot."""
    try:
        scenario = _recorded(*store.scenario_text(run))
    except (StoreError, ScenarioError):
        return None
    said = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(said.encode()).hexdigest()


def _scenario_id(wanted: str | None) -> str | None:
    """The scenario ``--scenario`` names: a file's own id, whatever the file is called.

    A file moved or renamed since its runs were recorded is the same scenario; a word
    that is no file is taken as an id or a file name as recorded.

    Raises:
        RecordInputError: nothing is named, or it names a folder or a file that is no
            scenario (a look-up by it would silently find nothing).
    """
    if wanted is None:
        return None
    path = Path(wanted)
    if not _folded(wanted):
        raise RecordInputError(f"--scenario: {wanted!r} names no scenario")
    if path.is_dir():
        raise RecordInputError(f"--scenario: {wanted} is a folder, not a scenario file")
    if not path.is_file():
        return wanted
    try:
        return load(path).metadata.id
    except ScenarioError as exc:
        raise RecordInputError(f"--scenario: {exc.lines()[0]}") from None


def _chosen(run: RunInfo, trainee: str | None, scenario: str | None) -> bool:
    """Whether a run is the trainee's and the scenario's asked for.

    A name matches whatever its case and surrounding spaces; a scenario by its id or
    by its file (a path to it, as the trainer ran it).
    """
    if trainee is not None and (not run.trainee or _folded(run.trainee) != _folded(trainee)):
        return False
    if scenario is None:
        return True
    wanted = _folded(scenario)
    return wanted == _folded(run.scenario_id) or _folded(Path(scenario).name) == _folded(
        run.scenario_name
    )


def _folded(text: str | None) -> str:
    """Text as a look-up compares it: words only, whatever their case and stops ("t sweep")."""
    words = "".join(c if c.isalnum() or c in "-_" else " " for c in (text or ""))
    return " ".join(words.split()).casefold()


def _known(runs: list[RunInfo], trainee: str | None, scenario: str | None) -> str:
    """The names and scenario ids recorded, for a look-up that found nothing."""
    parts = []
    if trainee is not None:
        names = sorted({r.trainee for r in runs if r.trainee})
        parts.append(f"trainees recorded: {', '.join(names) or 'none'}")
    if scenario is not None:
        ids = sorted({r.scenario_id for r in runs})
        parts.append(f"scenarios recorded: {', '.join(ids) or 'none'}")
    return "; ".join(parts)


# -- notes -------------------------------------------------------------------------------


def note_command(args: argparse.Namespace, console: Console) -> int:
    """Attach a time-stamped evaluator's note to a run."""
    try:
        t = parse_offset(args.at)
    except ValueError as exc:
        raise RecordInputError(f"--at: {exc}") from None
    if not args.text.strip():
        raise RecordInputError("text: the note is empty")
    path = args.db or default_path()
    # A mistyped --db, or an empty file, must not become a new database: read it first.
    open_store(path, readonly=True).close()
    store = open_store(args.db)
    try:
        run = store.run(args.run)
    except StoreError as exc:
        raise RecordInputError(str(exc)) from None
    if run.purpose == "baseline":  # played again (and replaced) after an upgrade
        raise RecordInputError(
            f"run {run.id} is the automated players' baseline, not an exercise: note the "
            "trainee's run it is compared with"
        )
    if t > run.until:
        raise RecordInputError(
            f"--at: {format_offset(t)} is after the end of run {run.id} "
            f"({format_offset(run.until)})"
        )
    # A run cut short (killed, Ctrl+C) holds nothing past its last event: a note there
    # would annotate time never played. One still running is noted as it plays.
    ends = store.played(run) if run.status == "incomplete" else run.until
    if t > ends:
        raise RecordInputError(
            f"--at: {format_offset(t)} is after the end of run {run.id}'s record: the run "
            f"is incomplete and its record ends at T+{format_offset(ends)}"
        )
    store.add_note(run.id, t, args.text.strip())
    console.print(f"Note added to run {run.id} at T+{format_offset(t)}.", highlight=False)
    return 0


# -- reports -----------------------------------------------------------------------------


def report_command(args: argparse.Namespace, console: Console) -> int:
    """Write the after-action report of a recorded run or a run directory."""
    del console
    stored = args.run.isascii() and args.run.isdigit()
    if not stored and not Path(args.run).exists():
        raise RecordInputError(
            f"RUN: {args.run!r} is neither a run number (1, 2, ...) nor a run directory"
        )
    if args.out is not None:
        # The database is a record even when the report reads a run directory instead.
        records = database_files(args.db or default_path())
        if not stored:
            records += record_files(Path(args.run))
        check_output("--out", args.out, records)
    fmt = report_format(args.format, args.out)
    if stored:
        try:
            ident = run_id(args.run)
        except argparse.ArgumentTypeError as exc:
            raise RecordInputError(f"RUN: {exc}") from None
        document = _report_from_store(ident, args.db, fmt)
    else:
        document = _report_from_directory(Path(args.run), fmt)
    if args.out is None:
        sys.stdout.write(document)
    else:
        try:
            args.out.write_text(document, encoding="utf-8")
        except OSError as exc:
            raise RecordInputError(f"--out: {args.out}: {exc.strerror or exc}") from None
        print(f"wrote {args.out}")
    return 0


# What a report file's name says it holds.
REPORT_SUFFIXES = {".html": "html", ".htm": "html", ".md": "md", ".json": "json"}


def report_format(asked: str | None, out: Path | None) -> str:
    """The report's format: ``--format``, else as ``--out``'s name ends, else html.

    A file named for one format never receives another, and a report is never written
    over a file no report is kept in (a trainer's scenario.yaml, say).

    Raises:
        RecordInputError: ``--out`` names no report file, or another format than asked.
    """
    if out is None:
        return asked or "html"
    implied = REPORT_SUFFIXES.get(out.suffix.lower())
    if implied is None:
        raise RecordInputError(
            f"--out: {out}: a report is written to a .html, .md or .json file; "
            "choose a name ending so"
        )
    if asked is not None and asked != implied:
        raise RecordInputError(
            f"--format {asked} but --out {out} names a {implied} file; "
            f"end its name in .{asked}, or leave --format out"
        )
    return implied


def _report_from_store(ident: int, db: Path | None, fmt: str) -> str:
    store = open_store(db, readonly=True)
    try:
        run = store.run(ident)
        name, text = store.scenario_text(run)
        scenario, geometry = _scenario(name, text, f"{store.path}: run {run.id}: scenario")
        store.check_agencies(run, [a.id for a in scenario.agencies])
        events = store.events(run.id)
        store.check_events(run, events)
        actions = store.controller_actions(run.id)
        missing = _no_baseline(run, events)
        base = baseline(store, run, scenario)[1] if run.roles and not missing else None
        notes = [(n.t, n.text) for n in store.notes(run.id)]
    except StoreError as exc:
        raise RecordInputError(str(exc)) from None
    scores = score(scenario, events)
    meta = RunMeta(
        run=str(run.id),
        trainee=run.trainee,
        roles=run.roles,
        automated=run.automated,
        seed=run.seed,
        started=run.started,
        ended=run.ended,
        status=run.status,
        scenario_sha256=run.scenario_sha256,
        events_sha256=run.events_sha256,
        plan_date=_day(run.ended or run.started),
        until=run.until,
        actions=actions,
        stopped_by=run.stopped_by,
    )
    comparison = compare(scores, base) if base is not None else None
    doc = build_report(
        scenario,
        events,
        scores,
        meta,
        notes,
        comparison,
        geometry,
        figures=fmt == "html",
        baseline_note=missing if run.roles else "",
    )
    return render(doc, fmt)


def _no_baseline(run: RunInfo, events: list[Event]) -> str:
    """Why a run cannot be compared with a baseline, or "" when it can.

    The baseline is played to where the run's log ends (``store.played``), so a run
    interrupted (Ctrl+C, a server's SIGTERM) is compared over the stretch it played.
    Only a log that stops short of the exercise's end (a process killed, a database
    that could not be written) has no stretch known to be whole.
    """
    if events and events[-1].kind == "exercise.ended":
        return ""
    return (
        f"No baseline: run {run.id}'s record ends without the exercise's end (its "
        "recording stopped part-way: a process killed, or a database that could not be "
        "written), so no stretch of it is known to be whole to compare the automated "
        "players with."
    )


def _report_from_directory(directory: Path, fmt: str) -> str:
    """The report of a run directory, refused if its record is damaged or was changed.

    An evaluator grades the log on disk: one edited after the run (its sha256 no longer
    the manifest's) or cut short must not be graded as if it were the run.
    """
    try:
        manifest = read_manifest(directory)
    except ValueError as exc:
        raise RecordInputError(str(exc)) from None
    scenario_file = next(iter(sorted(directory.glob("scenario.*"))), None)
    if scenario_file is None:
        raise RecordInputError(f"{directory}: no scenario copy in the run directory")
    try:
        text = read_text(scenario_file)  # a regular file of a scenario's size, in UTF-8
    except SourceError as exc:
        raise RecordInputError(f"{scenario_file}: cannot read the scenario: {exc}") from None
    claimed, on_disk = manifest["scenario_sha256"], file_sha256(scenario_file)
    if claimed != on_disk:
        raise RecordInputError(
            f"{scenario_file}: sha256 {on_disk} is not the scenario_sha256 {claimed} in "
            f"{MANIFEST}: the scenario copy was changed after the run"
        )
    scenario, geometry = _scenario(scenario_file.name, text, str(scenario_file))
    try:
        settings = manifest_settings(directory / MANIFEST, manifest, scenario)
    except ValueError as exc:
        raise RecordInputError(str(exc)) from None
    unfinished = running(manifest)  # killed before it finished its record: no hash yet
    events, on_disk = _logged_events(directory, manifest.get("events_sha256"), unfinished)
    counted = manifest.get("events", len(events))
    if type(counted) is not int or counted != len(events):
        raise RecordInputError(
            f"{directory / MANIFEST}: events: {counted!r} is not the {len(events)} events "
            f"in {EVENTS}: the manifest was changed after the run"
        )
    scores = score(scenario, events)
    trainee, stopped_by = manifest.get("trainee"), manifest.get("stopped_by")
    meta = RunMeta(
        run=str(directory),
        trainee=trainee if isinstance(trainee, str) else None,
        roles=settings.roles,
        automated=settings.automated,
        seed=settings.seed,
        started=manifest.get("started") or "",
        ended=manifest.get("finished"),
        status="complete" if manifest.get("complete") else "incomplete",
        scenario_sha256=manifest["scenario_sha256"],
        events_sha256=on_disk,
        plan_date=_day(manifest.get("finished") or manifest.get("started") or ""),
        until=_asked(manifest, settings.until, scenario),
        actions=_controller_log(directory),
        stopped_by=stopped_by if isinstance(stopped_by, str) else "",
    )
    doc = build_report(
        scenario, events, scores, meta, [], None, geometry, figures=fmt == "html", elsewhere=HELD
    )
    return render(doc, fmt)


def _asked(manifest: dict, length: float, scenario: Scenario) -> float | None:
    """The length a run directory's run was asked for, or None if it cannot tell.

    A served run stops early only at its --until or by the controller (its log says
    which). ``play`` records where it stopped as its length (replay plays to it), and
    says ``stopped_by`` the trainee; ``run`` says ``stopped_by`` --until. Directories
    recorded before that say neither.
    """
    stopped_by = manifest.get("stopped_by")
    if "seats" in manifest or stopped_by == "until":
        return length
    return scenario.metadata.duration if stopped_by == "trainee" else None


# What a report of a run directory cannot show, and where it is.
HELD = (
    "Reported from the run directory, which keeps no evaluator notes or baseline: "
    "the exercise database does (`history` gives the run's number; `report NUMBER` "
    "includes both)."
)


def _controller_log(directory: Path) -> list[dict]:
    """A served run's controller actions (``controller.jsonl``); none for other runs.

    Raises:
        RecordInputError: the file cannot be read, or a line is not an action.
    """
    path = directory / CONTROLLER_LOG
    if not path.exists() and not path.is_symlink():
        return []
    try:
        lines = read_text(path, MAX_COMMAND_FILE_BYTES).splitlines()
    except SourceError as exc:
        raise RecordInputError(f"{path}: cannot read the controller's actions: {exc}") from None
    try:
        return [
            controller_action(f"{path}: line {n}", line)
            for n, line in enumerate(lines, start=1)
            if line.strip()
        ]
    except ValueError as exc:
        raise RecordInputError(str(exc)) from None


def _logged_events(
    directory: Path, claimed: str | None, unfinished: bool = False
) -> tuple[list[Event], str]:
    """The run directory's events and their SHA-256, if its log is the one recorded.

    ``unfinished``: a run that never finished its record, whose manifest holds no hash;
    its log is read up to its last whole line (a kill can cut the last one).
    """
    path = directory / EVENTS
    try:
        data = read_bytes(path, MAX_LOG_BYTES)
    except SourceError as exc:
        raise RecordInputError(f"{path}: cannot read the event log: {exc}") from None
    if unfinished:
        data = data[: data.rfind(b"\n") + 1]
    on_disk = hashlib.sha256(data).hexdigest()
    if not unfinished and claimed != on_disk:
        raise RecordInputError(
            f"{path}: sha256 {on_disk} is not the events_sha256 {claimed} in {MANIFEST}: the "
            f"log or the manifest was changed after the run (replay names the first event "
            f"that differs)"
        )
    try:
        events = read_events(data.decode("utf-8").splitlines())
        check(events)
        return events, on_disk
    except UnicodeDecodeError as exc:
        raise RecordInputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except ValueError as exc:
        raise RecordInputError(f"{path}: {exc}") from None


def _recorded(name: str, text: str) -> Scenario:
    """A scenario recorded as text, loaded as its file would be (its line ends as stored)."""
    with tempfile.TemporaryDirectory(prefix="recorded-") as scratch:
        path = Path(scratch) / name
        path.write_text(text, encoding="utf-8", newline="")
        return load(path)


def _scenario(name: str, text: str, label: str) -> tuple[Scenario, Geometry]:
    """The recorded scenario and its map's geometry; problems are named by ``label``."""
    try:
        scenario = _recorded(name, text)
        roads = build_atlas(scenario, label).roads
    except ScenarioError as exc:
        raise ScenarioError(label, exc.problems) from None
    xy = [(float(x), float(y)) for x, y in roads.xy]
    pairs = {tuple(sorted((int(a), int(b)))) for a, b in zip(roads.src, roads.dst, strict=True)}
    segments = [(*xy[a], *xy[b]) for a, b in sorted(pairs)]
    return scenario, Geometry(nodes=dict(zip(roads.ids, xy, strict=True)), roads=segments)


def _day(stamp: str) -> date | None:
    try:
        return datetime.fromisoformat(stamp).date()
    except ValueError:
        return None
