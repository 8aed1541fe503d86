"""The end screen: scores by objective, the run summary and where the record is."""

import pygame

from simulator.events import CONTROLLER, Event
from simulator.payloads import payload
from simulator.review.findings import Names, no_duty, untold_reasons
from simulator.review.score import Scores, score
from simulator.review.summary import AgencyTimes, Orders, Summary, orders_by_giver, summarise
from simulator.scenario.timing import format_offset
from simulator.view.app import App, Screen
from simulator.view.input import Intent
from simulator.view.palette import MAP_BG, MUTED, TEXT, YELLOW
from simulator.view.session import Session, Verdict


class Ending(Screen):
    """Shown when the duration is reached or the trainee ends the exercise."""

    def __init__(self, app: App, session: Session):
        super().__init__(app)
        self.session = session
        events = session.exercise.run_events()
        self.summary = summarise(events)
        # The controller's roles are every agency: only its own orders are its own.
        self.desk = desk = getattr(session.exercise, "seat", None) == CONTROLLER
        self.orders = orders_by_giver(events, session.roles, CONTROLLER if desk else None)
        # A networked seat heard only its agencies' events: the server scores the run.
        local = session.remote is None
        scenario = session.exercise.scenario
        self._local = verdict(score(scenario, events), scenario.agency_names()) if local else None
        self.reason = _end_reason(events)

    @property
    def scores(self) -> Verdict | None:
        """The run's scores: this machine's, or the server's once it sent them (else None)."""
        remote = self.session.remote
        return self._local if remote is None else remote().verdict

    def _name(self, agency: str) -> str:
        """An agency's name, as the trainee knows it (not the scenario's id)."""
        known = self.session.exercise.scenario.agency_names()
        return known.get(agency, agency)

    def handle(self, intent: Intent) -> None:
        """Esc or Enter closes the window."""
        if intent.name in ("cancel", "confirm"):
            self.app.pop()

    def _scores(self, surface: pygame.Surface, x: int, y: int) -> int:
        """Overall score, the trainee's own role scores, then each objective."""
        text = self.app.text
        scores = self.scores
        if scores is None:
            head = "Scores: the server's, not received here (see below)"
            surface.blit(text.render(head, text.large, YELLOW, True), (x, y))
            return y + text.large + 20
        overall = scores.overall
        label = "Overall score" if self.session.remote is None else "Overall score (the server's)"
        head = f"{label}: " + (f"{overall:.0f} / 100" if overall is not None else "not rated")
        if not scores.complete:
            duration = format_offset(self.session.exercise.end)
            head += f"  (incomplete: stopped at T+{format_offset(scores.end)} of {duration}"
            head += ", pro-rated" if overall is not None else ""
            # The stretch played on its own: a good first half-hour read 14, below idling.
            played = scores.window is not None
            head += f"; {scores.window:.0f} over the stretch played)" if played else ")"
        surface.blit(text.render(head, text.large, YELLOW, True), (x, y))
        y += text.large + 10
        for label, role in self._roles():
            mine = scores.roles.get(role)
            value = no_duty(scores.untold.get(role)) if mine is None else f"{mine:.0f} / 100"
            line = f"{label}, {self._name(role)}: {value}"
            surface.blit(text.render(line, text.base, YELLOW), (x, y))
            y += text.line + 2
        for rating, title, capability, value in scores.objectives:
            points = "" if value is None else f"  {value:.0f}"
            line = f"{rating or 'N/O':<3} {title}  ({capability}){points}"
            surface.blit(text.render(line, text.base, TEXT), (x, y))
            y += text.line + 2
        return y + 10

    def _roles(self) -> list[tuple[str, str]]:
        """The roles scored, each with how it is labelled.

        The trainee's own; on the controller's desk, each seat's agencies by seat (the
        agencies only automated players played are in the report), or every agency by
        name when the desk never heard of the seats.
        """
        if not self.desk:
            return [("Your role", role) for role in self.session.roles]
        seats = getattr(self.session.exercise, "seats", None) or {}
        named = [
            (f"Seat {name}", str(agency))
            for name, seat in seats.items()
            if name != CONTROLLER
            for agency in seat.get("agencies", ())
        ]
        return named or [("Agency", role) for role in self.session.roles]

    def draw(self, surface: pygame.Surface) -> None:
        """The headline numbers and the record path."""
        text = self.app.text
        surface.fill(MAP_BG)
        s, partial = self._summary()
        cas = s.casualties
        x, y = 60, 40
        title = ended_title(s.end, self.reason)
        surface.blit(text.render(title, text.large, TEXT, True), (x, y))
        y += text.large + 20
        if partial:
            heard = "this desk" if self.desk else "your seat"
            note = f"Counted from what {heard} heard: the server's run summary was not received."
            surface.blit(text.render(note, text.small, MUTED), (x, y))
            y += text.line + 4
        rows = [
            ("Incidents", f"{s.incidents} ({s.resolved} resolved, {s.escalated} escalated)"),
            ("911 calls", str(s.calls)),
            ("Mutual-aid requests", str(s.mutual_aid_requests)),
            (
                "Casualties",
                f"{cas['total']} ({cas['transported']} transported, "
                f"{cas['treated_released']} treated and released, "
                f"{cas['deceased']} deceased, {cas['unresolved']} awaiting care)",
            ),
            *_order_rows(*self.orders, desk=self.desk, whole=self.session.remote is None),
        ]
        rows += [(f"Response, {self._name(r.agency)}", _response_text(r)) for r in s.response]
        label_w = max(text.font(text.base).size(r[0])[0] for r in rows) + 30
        for name, value in rows:
            surface.blit(text.render(name, text.base, MUTED), (x, y))
            surface.blit(text.render(value, text.base, TEXT), (x + label_w, y))
            y += text.line + 4
        y += 20
        y = self._scores(surface, x, y)
        note = (
            "HSEEP ratings: P performed, S some challenges, M major challenges, U unable; "
            "N/O not observed (nothing to judge in this run)."
        )
        surface.blit(text.render(note, text.small, MUTED), (x, y))
        y += text.line + 10
        saved = self._kept()
        for line in saved:  # a long --db path is cut, not run off the window
            shown = text.fit(line, surface.get_width() - 2 * x)
            surface.blit(text.render(shown, text.base, YELLOW, True), (x, y))
            y += text.line
        y += 10
        surface.blit(text.render("Esc or Enter closes the window.", text.small, MUTED), (x, y))

    def _summary(self) -> tuple[Summary, bool]:
        """The run's headline numbers, and whether they are only what this seat heard.

        A networked seat hears its own agencies' events: "Incidents 0" where the run
        had many. The server's summary of the whole run replaces them once it comes.
        """
        remote = self.session.remote
        if remote is None:
            return self.summary, False
        told = remote().summary
        return (self.summary, True) if told is None else (told, False)

    def _kept(self) -> list[str]:
        """Where the run is recorded and its report found, as this machine knows it."""
        if self.desk:
            return self._desks()
        if self.session.remote is not None:
            return list(self.session.remote().lines)
        record = self.session.record
        where = f"Record written to {record}" if record else "This run was not recorded."
        return [where, *self.session.saved]

    def _desks(self) -> list[str]:
        """The record as the controller reads it: the report is theirs to run, not ask for."""
        seat = self.session.exercise
        told = getattr(seat, "recorded", None)
        run = told.get("run") if told is not None else getattr(seat, "run", None)
        remote = self.session.remote
        lines = [] if remote is None else list(remote().lines)
        lines = [line for line in lines if "ask the controller" not in line]
        if told is not None and run is None:
            return [*lines, "The server could not record this run: its console says why."]
        if run is None:
            return lines
        done = told is not None
        when = "" if done else " once the run is recorded"
        return [*lines, f"After-action report{when}: run_sim.py report {run} on the server."]


def verdict(scores: Scores, names: Names | None = None) -> Verdict:
    """The end screen's share of a run's scores (``names``: agencies by id, for reasons)."""
    return Verdict(
        scores.overall,
        scores.complete,
        scores.end,
        {agency: role.score for agency, role in scores.roles.items()},
        tuple((o.rating, o.title, o.core_capability, o.score) for o in scores.objectives),
        scores.window_overall,
        untold_reasons(scores, names),
    )


def _order_rows(
    mine: Orders, players: Orders, *, desk: bool = False, whole: bool = True
) -> list[tuple[str, str]]:
    """The viewer's own commands, and the automated players' under their own label.

    The controller's own are its injects and controls. A networked seat hears only its
    agencies' events, and the server's summary does not count by giver: the automated
    players' row would read "0 accepted, 0 rejected" for a run full of them, so it is
    left out (``whole``: this machine ran the exercise and heard them all).
    """
    who = "The controller's commands" if desk else "Your commands"
    rows = [(f"{who} accepted / rejected", f"{mine.accepted} / {mine.rejected}")]
    if whole:
        count = f"{players.accepted} accepted, {players.rejected} rejected"
        rows.append(("Automated players' commands", count))
    return rows


def ended_title(end: float, reason: str) -> str:
    """The end screen's title, with why; a stop's reason names its time: not said twice."""
    title = f"Exercise ended at T+{format_offset(end)}"
    return title if not reason or reason.startswith("stopped at") else f"{title}: {reason}"


def _end_reason(events: list[Event]) -> str:
    """Why the exercise ended, from its ``exercise.ended`` event (the last one logged)."""
    ended = next((e for e in reversed(events) if e.kind == "exercise.ended"), None)
    return payload(ended).reason if ended is not None else ""


def _response_text(row: AgencyTimes) -> str:
    """An agency's response times, and the incidents it never reached (or only those)."""
    if row.mean is None or row.p90 is None:
        return row.unreached_text()
    times = (
        f"mean {row.mean / 60:.1f} min, 90th percentile {row.p90 / 60:.1f} min over "
        f"{row.responses} incident{'' if row.responses == 1 else 's'}"
    )
    return f"{times}; {row.unreached_text()}" if row.unreached else times
