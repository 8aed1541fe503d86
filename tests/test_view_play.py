"""The map view end to end under the dummy SDL driver: scripted input, real engine."""

import pygame
import pytest
import view_helpers  # noqa: F401  (sets the dummy driver before pygame starts)
from conftest import build, scenario_dict
from view_helpers import click, drag, exercise_of, key, pixel, rendered

from simulator.exercise import Exercise
from simulator.terminal import Terminal
from simulator.view.app import MIN_SIZE, App, frame_clock
from simulator.view.briefing import Briefing
from simulator.view.confirm import Confirm
from simulator.view.console import END_QUESTION, LEAVE_QUESTION, Console
from simulator.view.ending import Ending
from simulator.view.help import Help
from simulator.view.palette import VERMILLION, YELLOW, priority_colour
from simulator.view.session import Session


def start_console(app: App, roles=("police",), speed: int = 60) -> tuple[Console, Session]:
    closed = []
    exercise = Exercise(build(scenario_dict()), seed=0)

    def start(chosen):
        session = Session(Terminal(exercise, chosen), chosen, None, closed.append)
        return session

    briefing = Briefing(app, exercise.scenario, start, roles, speed)
    app.push(briefing)
    key(pygame.K_RETURN)
    app.frame(1 / 60)
    console = app.stack[-1]
    assert isinstance(console, Console)
    return console, console.session


def run_frames(app: App, n: int) -> None:
    clock = frame_clock()
    clock()
    for _ in range(n):
        app.frame(1 / 60)


def test_briefing_then_assign_a_unit_by_mouse_and_keyboard(app):
    console, _session = start_console(app)
    ex = exercise_of(console)
    run_frames(app, 70)  # 60x: about 70 simulated seconds; the police CAD opens at 56 s
    assert ex.knows("police", "INC1")
    p1 = next(u for u in console.snapshot.units if u.id == "P1")
    click(console.camera.to_screen(p1.x, p1.y))
    app.frame(0.0)
    assert console.selection.units == ["P1"]
    incident = console.snapshot.incidents[0]
    click(console.camera.to_screen(incident.x, incident.y))
    app.frame(0.0)
    assert console.selection.incident == "INC1"
    key(pygame.K_a)
    app.frame(0.0)
    trainee = [c for c in ex.commands if c["source"] == "trainee"]
    assert trainee == [
        {
            "t": trainee[0]["t"],
            "after": trainee[0]["after"],
            "ticks": trainee[0]["ticks"],
            "source": "trainee",
            "command": {
                "type": "dispatch",
                "agency": "police",
                "incident": "INC1",
                "units": ["P1"],
            },
        }
    ]
    accepted = ex.log.of_kind("command.accepted")
    assert accepted[-1].data["source"] == "trainee"
    run_frames(app, 5)
    assert ex.engine.units["P1"].status.value in ("dispatched", "en_route")
    assert any("dispatch" in e.text for e in console.log.entries)


def test_fog_of_war_shows_only_own_units_and_known_incidents(app):
    console, _session = start_console(app)
    assert {u.agency for u in console.snapshot.units} == {"police"}
    assert console.snapshot.incidents == ()
    run_frames(app, 70)
    assert [i.id for i in console.snapshot.incidents] == ["INC1"]


def test_pause_and_speed_keys_and_buttons(app, tmp_path):
    console, _session = start_console(app, speed=1)
    ex = exercise_of(console)
    t0 = ex.now
    key(pygame.K_SPACE, " ")
    run_frames(app, 30)
    assert console.pace.paused and ex.now == t0
    app.screenshot(tmp_path / "paused.png")
    shot = pygame.image.load(str(tmp_path / "paused.png"))
    badge = console.rects["paused"]
    banner = [pixel(shot, (x, badge.top + 2)) for x in range(badge.left + 5, badge.right - 5)]
    assert banner.count(YELLOW) == len(banner)  # the PAUSED badge above its text
    key(pygame.K_SPACE, " ")
    key(pygame.K_RIGHTBRACKET)
    run_frames(app, 60)
    assert console.pace.speed == 2 and ex.now == pytest.approx(t0 + 2.0, abs=0.05)
    four = next(rect for rect, action, value in console.buttons if value == 4)
    click(four.center)
    app.frame(0.0)
    assert console.pace.speed == 4 and not console.pace.paused


def test_incident_icon_is_drawn_in_its_priority_colour_where_it_is(app, tmp_path):
    console, _session = start_console(app)
    run_frames(app, 70)
    incident = console.snapshot.incidents[0]
    sx, sy = console.camera.to_screen(incident.x, incident.y)
    _, size = console.markers.sizes(console.camera)
    app.screenshot(tmp_path / "map.png")
    shot = pygame.image.load(str(tmp_path / "map.png"))
    ring = priority_colour(incident.priority)
    assert pixel(shot, (sx - size // 2 + 1, sy)) == ring
    assert pixel(shot, (sx, sy - size // 2 + 1)) == ring


def test_share_reaches_the_engine_and_the_other_agency_learns(app):
    console, _session = start_console(app)
    run_frames(app, 70)
    incident = console.snapshot.incidents[0]
    click(console.camera.to_screen(incident.x, incident.y))
    app.frame(0.0)
    shares = [n for n, o in enumerate(console.options) if o.kind == "share"]
    assert shares and console.options[shares[0]].enabled
    target = console.options[shares[0]].commands[0].to
    key(getattr(pygame, f"K_{shares[0] + 1}"))
    app.frame(0.0)
    last = exercise_of(console).commands[-1]
    assert last["source"] == "trainee" and last["command"]["type"] == "share"
    assert last["command"]["to"] == target
    run_frames(app, 120)
    assert exercise_of(console).knows(target, incident.id)


def test_a_rejected_command_shows_its_reason(app):
    console, _session = start_console(app)
    run_frames(app, 70)
    console.selection.units[:] = ["P1"]
    key(pygame.K_r)  # P1 is not committed: recall is offered disabled
    app.frame(0.0)
    assert "not committed" in console.toast[0]
    console.selection.road = 0
    console.selection.units.clear()
    key(pygame.K_1)  # close the road
    app.frame(0.0)
    key(pygame.K_1)  # and close it again: the engine rejects it... or it is now "open"
    app.frame(0.0)
    kinds = [
        e.kind for e in exercise_of(console).log.of_kind("command.accepted", "command.rejected")
    ]
    assert kinds[0] == "command.accepted"
    assert console.roads.builds >= 2  # the closure redrew the cached road layer


def test_help_overlay_and_end_screen(app, tmp_path):
    console, session = start_console(app)
    key(pygame.K_F1)
    app.frame(0.0)
    assert isinstance(app.stack[-1], Help)
    key(pygame.K_ESCAPE)
    app.frame(0.0)
    assert app.stack[-1] is console
    key(pygame.K_q, mod=pygame.KMOD_CTRL)
    app.frame(0.0)
    assert isinstance(app.stack[-1], Ending)
    assert session.closed and session.exercise.ended
    assert exercise_of(console).log.events[-1].data["reason"].startswith("stopped at")
    ending = app.stack[-1]
    assert not ending.scores.complete  # stopped early: the end screen says it is pro-rated
    surface = pygame.Surface((1280, 720))
    below_header = ending._scores(surface, 0, 0)
    text = ending.app.text
    objectives = len(ending.scores.objectives)
    # Headline, the trainee's own role line, then one line per objective.
    assert below_header >= text.large + (1 + objectives) * text.line


def test_an_early_end_shows_the_score_over_the_stretch_played(app, monkeypatch):
    start_console(app)
    for _ in range(120):  # some minutes of play at 60x
        app.frame(1 / 60)
    key(pygame.K_q, mod=pygame.KMOD_CTRL)
    app.frame(0.0)
    ending = app.stack[-1]
    assert isinstance(ending, Ending) and not ending.scores.complete
    window = ending.scores.window
    assert window is not None
    head = next(w for w in rendered(app, monkeypatch) if w.startswith("Overall score: "))
    assert head.endswith(f"pro-rated; {window:.0f} over the stretch played)")


def test_the_help_legend_covers_the_maps_marks_and_the_controllers_keys(app, monkeypatch):
    from view_helpers import rendered

    from simulator.view.controller import ControlTranslator

    start_console(app)
    key(pygame.K_F1)
    words = rendered(app, monkeypatch)
    marks = (
        "hospital",
        "station (its agency's shape)",
        "staging area",
        "road closed (sign)",
        "road closed",
        "traffic control point",
        "traffic jam",
        "radio coverage lost",
        "stack of units (click: all)",
    )
    assert set(marks) <= set(words)
    assert "Ctrl+R" not in words  # a trainee has no controller's desk
    app.translator = ControlTranslator()  # as the controller's desk sets it
    words = rendered(app, monkeypatch)
    assert {"PgUp / PgDn", "Ctrl+R", "Ctrl+H", "Ctrl+I", "F2"} <= set(words)


def quit_window() -> None:
    """The window's close button, as SDL reports it: a window close, then a quit."""
    pygame.event.post(pygame.event.Event(pygame.WINDOWCLOSE))
    pygame.event.post(pygame.event.Event(pygame.QUIT))


def test_a_quit_alone_is_a_signal_and_ends_at_once(app):
    """Ctrl+C in the terminal or a shutdown (SDL turns SIGINT and SIGTERM into a quit)
    must not wait on a question nobody may be there to answer (``play`` then closes
    the session and keeps the run, as for any end of the window)."""
    _console, _session = start_console(app)
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    app.frame(0.0)
    assert not app.running


def test_the_window_close_button_asks_before_ending_a_running_exercise(app):
    """One stray click on the window's close button must not end the run; No plays on."""
    console, session = start_console(app)
    run_frames(app, 30)
    quit_window()
    app.frame(0.0)
    assert app.running and isinstance(app.stack[-1], Confirm)
    assert app.stack[-1].question == END_QUESTION
    key(pygame.K_ESCAPE)  # No, keep playing
    app.frame(0.0)
    assert app.running and app.stack[-1] is console and not session.closed
    quit_window()
    app.frame(0.0)
    key(pygame.K_RETURN)  # Yes: the run is closed as it stands, then the window
    app.frame(0.0)
    assert not app.running
    assert session.closed and session.exercise.ended


def test_the_close_button_pressed_twice_closes_at_once(app):
    """A second press while the question is up is an answer too: the window goes."""
    _console, _session = start_console(app)
    quit_window()
    app.frame(0.0)
    quit_window()
    app.frame(0.0)
    assert not app.running


def test_the_close_button_over_the_help_asks_too(app):
    """An overlay (the help, a message being written) does not let the run end unasked."""
    _console, session = start_console(app)
    key(pygame.K_F1)
    app.frame(0.0)
    quit_window()
    app.frame(0.0)
    assert app.running and isinstance(app.stack[-1], Confirm)
    key(pygame.K_ESCAPE)
    app.frame(0.0)
    assert isinstance(app.stack[-1], Help) and not session.closed
    quit_window()
    app.frame(0.0)
    quit_window()  # pressed again while it asks: the window goes
    app.frame(0.0)
    assert not app.running


def test_the_close_button_while_writing_keeps_the_draft_on_no(app):
    """Alt+F4 is easily pressed mid-message: "No, keep playing" gives the draft back."""
    from simulator.view.compose import Compose

    _console, session = start_console(app)
    key(pygame.K_m)
    app.frame(0.0)
    pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text="P1 blocked on Main St"))
    app.frame(0.0)
    quit_window()
    app.frame(0.0)
    assert isinstance(app.stack[-1], Confirm)
    key(pygame.K_ESCAPE)  # No, keep playing
    app.frame(0.0)
    compose = app.stack[-1]
    assert isinstance(compose, Compose) and compose.text == "P1 blocked on Main St"
    assert app.running and not session.closed


def test_the_close_button_on_a_networked_seat_asks_to_leave(app):
    """A seat that closes leaves; the exercise goes on for the others, and says so."""
    console, _ = start_console(app)
    remote = console.exercise
    remote.remote, remote.speed, remote.paused = True, 60.0, False  # as a Mirror reads
    quit_window()
    app.frame(0.0)
    assert app.stack[-1].question == LEAVE_QUESTION


def test_the_close_button_after_the_end_closes_without_asking(app):
    _console, session = start_console(app)
    key(pygame.K_q, mod=pygame.KMOD_CTRL)
    app.frame(0.0)
    assert session.closed
    quit_window()
    app.frame(0.0)
    assert not app.running


def test_the_share_option_builds_a_share_of_everything_known(app):
    console, _session = start_console(app)
    run_frames(app, 70)
    console.selection.incident = "INC1"
    console.handle(view_helpers_intent("next_incident"))
    share = next(o for o in console.options if o.kind == "share")
    assert share.enabled
    assert share.commands[0].model_dump(exclude_none=True) == {
        "agency": "police",
        "type": "share",
        "to": "ems",
        "incident": "INC1",
        "facts": [],
    }


def view_helpers_intent(name: str):
    from simulator.view.input import Intent

    return Intent(name)


def test_window_resize_relays_out_the_panels(app):
    console, _ = start_console(app)
    narrow = console.rects["map"].width
    pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, w=1920, h=1080, size=(1920, 1080)))
    app.frame(1 / 60)
    assert app.size == (1920, 1080)
    assert console.rects["map"].width > narrow
    assert console.rects["selection"].bottom == 1080


def test_a_resize_the_window_made_itself_keeps_the_window(app, monkeypatch):
    """SDL 2 resizes the surface itself; setting a mode again would recreate the window
    (under X11 a maximised window would lose that state). Below the minimum it must."""
    console, _ = start_console(app)
    modes = []
    set_mode = pygame.display.set_mode

    def counted(size, flags=0):
        modes.append(size)
        return set_mode(size, flags)

    monkeypatch.setattr(pygame.display, "set_mode", counted)
    w, h = app.size
    pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, w=w, h=h, size=(w, h)))
    app.frame(1 / 60)
    assert modes == []
    pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, w=300, h=200, size=(300, 200)))
    app.frame(1 / 60)
    assert modes == [MIN_SIZE] and app.size == MIN_SIZE
    assert console.rects["selection"].bottom == MIN_SIZE[1]


def test_dragging_pans_the_map_only_when_it_starts_on_the_map(app):
    console, _session = start_console(app)
    app.frame(0.0)
    camera = console.camera
    inside = (camera.left + camera.width // 2, camera.top + camera.height // 2)
    before = (camera.cx, camera.cy)
    drag(inside, (inside[0] + 80, inside[1] + 40))
    app.frame(0.0)
    moved = (camera.cx, camera.cy)
    assert moved != before
    panel = (camera.left + camera.width + 20, camera.top + 20)  # the incident board
    assert not camera.contains(*panel)
    drag(panel, (panel[0] - 200, panel[1] + 40))
    app.frame(0.0)
    assert (camera.cx, camera.cy) == moved


def test_a_record_that_fails_mid_session_is_shown_at_once(app, tmp_path):
    """A full disk does not stop the trainee, but they must know the run is not kept."""
    console, session = start_console(app)
    run_frames(app, 2)
    area = console.rects["map"]

    def vermillion(name: str) -> bool:
        """Whether the band under the top of the map shows the warning's colour."""
        app.screenshot(tmp_path / name)
        shot = pygame.image.load(str(tmp_path / name))
        return any(
            pixel(shot, (x, area.top + 53)) == VERMILLION for x in range(area.left, area.right)
        )

    assert not vermillion("fine.png")
    session.trouble = lambda: "Not recording: events.jsonl: [Errno 28] No space left on device"
    run_frames(app, 2)
    assert vermillion("failing.png")


def test_a_seat_in_a_served_exercise_shows_the_servers_pace_and_cannot_change_it(app):
    """Over the network the controller sets the pace: the bar follows it, keys say so."""
    console, _ = start_console(app, speed=1)
    remote = console.exercise
    remote.remote, remote.speed, remote.paused = True, 8.0, False  # as a Mirror reads
    run_frames(app, 1)
    assert (console.pace.speed, console.pace.paused) == (8, False)
    key(pygame.K_SPACE)
    run_frames(app, 1)
    assert not console.pace.paused
    assert console.toast[0] == "The exercise controller sets the pace for every seat."
    remote.paused = True  # the controller paused everyone
    run_frames(app, 1)
    assert console.pace.paused


def test_a_server_pace_between_the_buttons_is_shown_as_it_is(app):
    """A controller may set 7x: the bar marks no button of its own, and says 7x."""
    console, _ = start_console(app, speed=1)
    remote = console.exercise
    remote.remote, remote.speed, remote.paused = True, 7.0, False
    run_frames(app, 1)
    console.draw(app.surface)
    speeds = [(box, value) for box, action, value in console.buttons if action == "speed"]
    assert lit(app, speeds) == []  # not 8x, the nearest button
    last = max(box.right for box, _ in speeds)
    beyond = pygame.Rect(last + 4, 4, 200, console.rects["bar"].height - 8)
    assert pixel(app.surface, (beyond.left + 2, beyond.centery)) == YELLOW  # the server's own pace
    remote.speed = 8.0
    run_frames(app, 1)
    console.draw(app.surface)
    assert lit(app, speeds) == [8]


def lit(app: App, buttons: list[tuple[pygame.Rect, int]]) -> list[int]:
    """The values of the buttons drawn lit (yellow)."""
    return [
        value for box, value in buttons if pixel(app.surface, (box.left + 2, box.centery)) == YELLOW
    ]


def test_the_briefing_counts_units_and_gives_the_length_as_a_span():
    """Unit types are the scenario's words ("victim advocates"), counted, not inflected;
    the duration is a length, not a clock time."""
    from collections import Counter

    from simulator.view.briefing import _resources, _span

    fleet = Counter({"ALS ambulance": 3, "victim advocates": 1})
    assert _resources(1, fleet) == "1 station; ALS ambulance \u00d73, victim advocates"
    assert _resources(2, Counter()) == "2 stations; no units"
    assert [_span(s) for s in (10800, 16200, 2700, 0)] == ["3 h", "4 h 30 min", "45 min", "0 min"]


def test_the_background_runs_every_frame_whatever_screen_is_up(app):
    """A networked seat reads its link there: under the help or a question it must still,
    or the server's keepalive drops the seat."""
    console, _ = start_console(app)
    runs = []
    app.background = lambda: runs.append(type(app.stack[-1]).__name__)
    key(pygame.K_F1)
    app.frame(0.0)
    app.frame(0.0)
    console._ask_end()
    app.frame(0.0)
    assert runs == ["Console", "Help", "Confirm"]


def test_the_end_screen_says_where_the_run_is_and_how_to_report_it(tmp_path, monkeypatch):
    """The run's number and database, and the report command to type, with no placeholder;
    a stop's time is not said twice."""
    from types import SimpleNamespace

    from simulator.cli_exercise import kept
    from simulator.view.ending import ended_title

    monkeypatch.setenv("SIMULATOR_DB", str(tmp_path / "default.sqlite"))
    # As the README starts it, from the checkout: commands pasted there must work.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.executable", str(tmp_path / ".venv" / "bin" / "python"))
    monkeypatch.setattr("sys.argv", ["run_sim.py", "play", "town.yaml"])
    mine = SimpleNamespace(store=SimpleNamespace(path=tmp_path / "my runs.db"), run=8, failure="")
    where, report = kept(mine)
    assert where == f"Recorded as run 8 in {tmp_path / 'my runs.db'}"
    command = f".venv/bin/python run_sim.py report 8 --db '{tmp_path}/my runs.db' --format html"
    assert report.startswith(f"After-action report: {command}")
    monkeypatch.setattr("sys.executable", "/usr/bin/python3")  # outside: its whole path
    assert kept(mine)[1].startswith("After-action report: /usr/bin/python3 run_sim.py report 8")
    default = SimpleNamespace(store=SimpleNamespace(path=tmp_path / "default.sqlite"), run=3)
    default.failure = "disk full"
    where, report = kept(default)
    assert "incomplete" in where and "--db" not in report
    assert ended_title(2661.0, "stopped at 00:44:21") == "Exercise ended at T+00:44:21"
    reached = ended_title(3600.0, "duration reached")
    assert reached == "Exercise ended at T+01:00:00: duration reached"


@pytest.mark.parametrize("size", [(1280, 720), (960, 600)])
def test_the_paused_badge_is_in_the_top_bar_not_over_the_map(app, monkeypatch, size):
    """Over the map it hid the incident at the top of it (its label, badge, units)."""
    from view_helpers import rendered

    app.resize(size)
    console, _session = start_console(app)
    run_frames(app, 70)  # INC1 on the board
    key(pygame.K_SPACE, " ")
    words = rendered(app, monkeypatch)
    badge = console.rects["paused"]
    assert badge.colliderect(console.rects["map"]) is False
    assert console.rects["bar"].contains(badge)
    assert not any(badge.colliderect(rect) for rect, _action, _value in console.buttons)
    assert "PAUSED  (space to resume)" in words
    key(pygame.K_SPACE, " ")
    app.frame(1 / 60)
    assert "paused" not in console.rects


def test_a_new_speed_while_paused_keeps_the_pause_and_the_bar_shows_it(app):
    console, _session = start_console(app, speed=1)
    ex = exercise_of(console)
    key(pygame.K_SPACE, " ")
    app.frame(1 / 60)
    t0 = ex.now
    key(pygame.K_RIGHTBRACKET)
    run_frames(app, 30)
    assert console.pace.paused and console.pace.speed == 2 and ex.now == t0
    two = next(rect for rect, action, value in console.buttons if value == 2)
    assert pixel(app.surface, (two.left + 1, two.centery)) == YELLOW  # outlined: resumes at 2x
    assert pixel(app.surface, (two.left + 4, two.centery)) != YELLOW  # not a running speed
    click(next(rect for rect, action, value in console.buttons if value == 8).center)
    run_frames(app, 30)
    assert console.pace.paused and console.pace.speed == 8 and ex.now == t0


def test_a_served_exercise_is_joined_not_started(app, monkeypatch):
    from view_helpers import rendered

    from simulator.view import play as play_module

    exercise = Exercise(build(scenario_dict()), seed=0)
    start = lambda roles: Session(Terminal(exercise, roles), roles)  # noqa: E731
    app.push(Briefing(app, exercise.scenario, start, ("police",), 1, running=True))
    words = rendered(app, monkeypatch)
    assert "Enter joins the exercise (it is running), Esc closes  (F1 in it for help)" in words
    made = []
    monkeypatch.setattr(play_module, "open_app", lambda size, title: app)
    monkeypatch.setattr(
        play_module, "Briefing", lambda *a, **k: made.append(k) or Briefing(*a, **k)
    )
    play_module.play(exercise.scenario, start, ("police",), frames=1, running=True)
    assert made == [{"running": True}]


def test_the_controllers_top_bar_says_controller_not_every_agency(app, monkeypatch):
    from view_helpers import rendered

    from simulator.view.controller import Desk

    console, _session = start_console(app, ("police", "fire", "ems"))
    Desk(app, console)  # the controller's desk wraps the console
    words = rendered(app, monkeypatch)
    assert "Controller (all agencies)" in words
    assert not any(w.startswith("Playing:") for w in words)


def test_the_roster_filters_by_agency_name_the_trainees_own_first(app):
    """Meridian: the first G showed "[G] county_ems", the next "[G] meridian_pd"."""
    from types import SimpleNamespace

    import pygame as pg

    from simulator.view.roster import Roster

    def unit(agency: str) -> SimpleNamespace:
        return SimpleNamespace(agency=agency, status=SimpleNamespace(value="on_scene"))

    names = {
        "county_ems": "Calder County EMS",
        "meridian_oem": "Meridian Office of Emergency Management",
        "meridian_pd": "Meridian Police Department",
    }
    roster = Roster(app.text, {}, names, ("meridian_pd",))
    roster.snapshot = SimpleNamespace(units=[unit(a) for a in sorted(names)])
    roster.rect = pg.Rect(0, 0, 330, 200)  # the narrowest panel (960x600)
    headings = []
    for _ in range(4):
        roster.cycle_agency()
        headings.append(roster.heading())
    assert roster.agency is None  # round again to all
    assert headings[0] == "Units 1  [U] all  [G] Meridian Police Department"
    assert headings[1] == "Units 1  [U] all  [G] Calder County EMS"
    assert headings[2].startswith("Units 1  [U] all  [G] Meridian Office of")
    assert headings[2].endswith("...")
    font = app.text.font(app.text.base)
    font.set_bold(True)
    assert font.size(headings[2])[0] <= 330 - 12
    font.set_bold(False)
