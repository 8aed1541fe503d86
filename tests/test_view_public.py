"""The public in the map view: the PIO's statements, their words, and the log of them.

The default test map and agencies with a community (the police and fire each with a
PIO, updates due every 45 minutes) and one false rumour R1 about INC1, a collision at
node I, where Main Street, Hospital Road and East Lane meet.
"""

import pygame
from conftest import incident, scenario_dict
from view_helpers import exercise_of, key, run_to, start_with

from simulator.commands import PublicStatement
from simulator.view.actions import Selection, options
from simulator.view.compose import Compose

RUMOUR = {
    "seq": 2,
    "time": 300,
    "type": "rumour",
    "to": ["police"],
    "description": "Posts claim a second crash was covered up",
    "rumour": "R1",
    "claim": "Police covered up a second crash",
    "about": "INC1",
}


def community() -> dict:
    data = scenario_dict(msel=[incident(), RUMOUR])
    data["community"] = {"trust": 60, "pio": ["police", "fire"], "update_minutes": 45}
    return data


def statements(console, selection: Selection) -> list:
    ex, snapshot = console.session.exercise, console.snapshot
    return [o for o in options(ex, snapshot, selection, ("police",)) if o.kind == "statement"]


def issue(app, console, option, words: str | None = None) -> None:
    """Choose the option in the panel; in the text entry, type ``words`` over the drafted
    ones (None: keep them); Enter issues the statement."""
    console.selection.clear()
    if option.draft.incident:
        console.selection.choose_incident(option.draft.incident)
    console._refresh_selection()
    index = next(n for n, o in enumerate(console.options) if o.key == option.key)
    key(pygame.K_1 + index)
    app.frame(0.0)
    entry = app.stack[-1]
    assert isinstance(entry, Compose) and entry.text == option.draft.text
    if words is not None:
        entry.text = ""
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=words))
        app.frame(0.0)
    key(pygame.K_RETURN)
    app.frame(0.0)


def issued(console) -> list:
    return console.session.exercise._exercise.log.of_kind("statement.issued")


def test_a_statement_names_the_agency_the_incident_type_and_its_streets_not_ids(app):
    console = start_with(app, ("police",), community())
    run_to(app, console, 600)
    (option,) = statements(console, Selection(incident="INC1"))
    text = option.draft.text
    assert text.startswith("Police is responding to a traffic collision near East Lane")
    assert "INC1" not in text and "_" not in text and "(" not in text
    assert text.endswith("We will give an update within 45 minutes.")


def test_a_denial_says_the_claim_is_false_without_repeating_it(app):
    console = start_with(app, ("police",), community())
    run_to(app, console, 600)
    deny = next(o for o in statements(console, Selection()) if o.label.startswith("Deny"))
    text = deny.draft.text
    assert "covered up" not in text and "R1" not in text
    assert "claim circulating on social media about the traffic collision near" in text
    assert "is false" in text and not text.startswith("Deny")


def test_the_trainees_statement_is_a_log_line_under_orders_with_its_words(app):
    console = start_with(app, ("police",), community())
    run_to(app, console, 600)
    (option,) = statements(console, Selection(incident="INC1"))
    issue(app, console, option)
    run_to(app, console, 660)
    lines = [e for e in console.log.entries if "statement" in e.text]
    assert [(e.channel, e.t) for e in lines] == [("orders", 600.0)]
    assert lines[0].text == f"Public statement on INC1: \u201c{option.draft.text}\u201d"


def test_a_partners_statement_is_a_log_line_on_the_public_tab(app):
    console = start_with(app, ("police",), community())
    run_to(app, console, 600)
    exercise = console.session.exercise._exercise
    said = PublicStatement(agency="fire", text="Stay away from Main Street.")
    assert exercise.submit(said, source="test").accepted
    run_to(app, console, 660)
    (line,) = [e for e in console.log.entries if "statement" in e.text]
    assert line.channel == "public" and "public" in console.log.tabs()
    assert line.text == "Public statement by Fire: \u201cStay away from Main Street.\u201d"


def test_after_a_statement_its_row_says_when_it_went_out_and_when_an_update_is_due(app):
    console = start_with(app, ("police",), community())
    run_to(app, console, 600)
    (option,) = statements(console, Selection(incident="INC1"))
    assert option.label == "Public statement on INC1"
    issue(app, console, option)
    run_to(app, console, 900)
    (again,) = statements(console, Selection(incident="INC1"))
    assert again.enabled and again.key == option.key  # keeps its number; updates are due
    assert again.label == "Public statement on INC1 (last 00:10:00, update due 00:55:00)"
    assert again.draft.text.startswith("Update from Police: our response to a traffic")


def test_the_pio_edits_the_drafted_words_before_the_statement_goes_out(app):
    """A PIO answers for the words: the panel opens them in the text entry."""
    console = start_with(app, ("police",), community())
    run_to(app, console, 600)
    (option,) = statements(console, Selection(incident="INC1"))
    words = "Main Street is closed at East Lane after a collision; use Hospital Road."
    issue(app, console, option, words)
    (said,) = issued(console)
    assert said.data["text"] == words and said.incident == "INC1" and said.agency == "police"
    assert console.toast[0] == "Done: Public statement on INC1 issued"


def test_esc_in_the_statement_entry_issues_nothing_and_an_empty_one_is_refused(app):
    console = start_with(app, ("police",), community())
    run_to(app, console, 600)
    (option,) = statements(console, Selection(incident="INC1"))
    console.selection.choose_incident("INC1")
    console._refresh_selection()
    index = next(n for n, o in enumerate(console.options) if o.key == option.key)
    key(pygame.K_1 + index)
    app.frame(0.0)
    entry = app.stack[-1]
    entry.text = "   "
    key(pygame.K_RETURN)
    app.frame(0.0)
    assert app.stack[-1] is entry
    assert entry.problem == "Type the statement first: an empty one tells the public nothing."
    key(pygame.K_ESCAPE)
    app.frame(0.0)
    assert app.stack[-1] is console and not issued(console)


def test_a_denial_is_issued_from_the_entry_and_counters_the_rumour(app):
    console = start_with(app, ("police",), community())
    run_to(app, console, 600)
    deny = next(o for o in statements(console, Selection()) if o.label.startswith("Deny"))
    issue(app, console, deny)
    (said,) = issued(console)
    assert (said.data["stance"], said.data["rumour"]) == ("deny", "R1")
    countered = console.session.exercise._exercise.log.of_kind("rumour.countered")
    assert [e.agency for e in countered] == ["police"]


# -- where the PIO finds the statement in the panel -----------------------------------


def test_the_statement_comes_before_the_shares_and_the_answers_before_the_patches(app):
    """A PIO looks near the top: not under a share per agency, nor under every patch."""
    console = start_with(app, ("police",), community())
    run_to(app, console, 600)
    console.selection.choose_incident("INC1")
    console._refresh_selection()
    kinds = [o.kind for o in console.options]
    assert "share" in kinds and kinds.index("statement") < kinds.index("share")
    console.selection.clear()
    console._refresh_selection()
    labels = [o.label for o in console.options]
    answers = [n for n, label in enumerate(labels) if "rumour R1" in label]
    patches = [n for n, label in enumerate(labels) if label.startswith("Patch")]
    assert answers and patches and max(answers) < min(patches)


def test_meridian_the_statement_on_pkg1_is_on_the_panel_not_below_it(app):
    """Meridian as its police: PKG-1 offers seven shares and mutual aid; the statement
    was the thirteenth row of a panel that shows nine."""
    from view_helpers import start_file

    console = start_file(app, ("meridian_pd",), "scenarios/meridian_riverfest_package.yaml")
    run_to(app, console, 1500)
    console.selection.choose_incident("PKG-1")
    console._refresh_selection()
    app.frame(0.0)
    row = next(n for n, o in enumerate(console.options) if o.kind == "statement")
    assert row < console.panel.room <= 9
    assert console.options[row].label == "Public statement on PKG-1"


def test_the_statements_times_stay_readable_on_a_narrow_joint_panel(app, monkeypatch):
    """The row keeps its "(last ..., update due ...)" and its agency whole at 960x600."""
    from view_helpers import rendered

    app.resize((960, 600))
    console = start_with(app, ("police", "fire"), community())
    run_to(app, console, 600)
    said = PublicStatement(agency="police", text="Keep clear of Main Street.", incident="INC1")
    assert console.session.exercise._exercise.submit(said, source="test").accepted
    run_to(app, console, 900)
    console.selection.choose_incident("INC1")
    console._refresh_selection()
    console.panel.focus = None  # not the row under the pointer: it is wrapped anyway
    drawn = " ".join(rendered(app, monkeypatch))
    label = "Public statement on INC1 (last 00:10:00, update due 00:55:00) (Police)"
    assert [o.label for o in console.options if o.kind == "statement"] == [label]
    assert label in drawn  # on two rows, not cut at "(P..."


# -- the PIO's own words ---------------------------------------------------------------


def open_entry(app, console, incident_id: str | None = "INC1") -> Compose:
    """Choose the statement (or, with no incident, the denial) by its number: the entry."""
    console.selection.clear()
    if incident_id:
        console.selection.choose_incident(incident_id)
    console._refresh_selection()
    wanted = "statement" if incident_id else "Deny"
    index = next(
        n
        for n, o in enumerate(console.options)
        if o.kind == "statement" and (incident_id or o.label.startswith(wanted))
    )
    key(pygame.K_1 + index, str(index + 1))
    pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=str(index + 1)))
    app.frame(0.0)
    entry = app.stack[-1]
    assert isinstance(entry, Compose)
    return entry


def test_edited_words_are_what_the_command_record_and_the_log_line_carry(app):
    """Backspace over the drafted promise and type the PIO's own: that is what goes out."""
    console = start_with(app, ("police",), community())
    run_to(app, console, 600)
    entry = open_entry(app, console)
    drafted = entry.text
    assert drafted.endswith("We will give an update within 45 minutes.")  # the key not typed
    for _ in range(len("within 45 minutes.")):
        key(pygame.K_BACKSPACE)
    pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text="at 16:30."))
    app.frame(0.0)
    key(pygame.K_RETURN)
    app.frame(0.0)
    words = drafted.removesuffix("within 45 minutes.") + "at 16:30."
    given = [c["command"] for c in exercise_of(console).commands if c["source"] == "trainee"]
    assert [(c["type"], c["text"], c["incident"]) for c in given] == [
        ("public_statement", words, "INC1")
    ]
    (said,) = issued(console)
    assert said.data["text"] == words
    run_to(app, console, 660)
    (line,) = [e for e in console.log.entries if "statement" in e.text]
    assert line.text == f"Public statement on INC1: \u201c{words}\u201d"


def test_enter_at_once_issues_the_drafted_words_unchanged(app):
    """The one-key path: the entry opens on the drafted words, so Enter issues them."""
    console = start_with(app, ("police",), community())
    run_to(app, console, 600)
    (option,) = statements(console, Selection(incident="INC1"))
    open_entry(app, console)
    key(pygame.K_RETURN)
    app.frame(0.0)
    (said,) = issued(console)
    assert said.data["text"] == option.draft.text and app.stack[-1] is console


def test_too_long_words_are_cut_at_500_with_a_reason_and_still_issue(app):
    console = start_with(app, ("police",), community())
    run_to(app, console, 600)
    entry = open_entry(app, console)
    pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=" Keep clear." * 60))
    app.frame(0.0)
    assert len(entry.text) == 500 and entry.problem == "At most 500 characters."
    typed = entry.text
    key(pygame.K_RETURN)
    app.frame(0.0)
    (said,) = issued(console)
    assert said.data["text"] == typed.strip()  # the 500 kept, less the space at the cut


def test_a_statement_the_engine_refuses_stays_in_the_entry_with_why(app):
    """Bad input is refused in plain words, never a crash: here the incident is not in
    the CAD of the agency that would speak (as when it is closed there meanwhile)."""
    from simulator.view.draft import Draft, Recipient

    console = start_with(app, ("police",), community())
    run_to(app, console, 600)
    entry = open_entry(app, console)
    draft = entry.draft
    elsewhere = draft.statement.model_copy(update={"incident": "INC9"})
    entry.draft = Draft(
        draft.title,
        (Recipient("police", None, None, "the public"),),
        kind=draft.kind,
        incident="INC9",
        text=draft.text,
        statement=elsewhere,
    )
    key(pygame.K_RETURN)
    app.frame(0.0)
    assert app.stack[-1] is entry and entry.text == draft.text
    assert entry.problem == "Cannot issue it: incident 'INC9' is not in Police's CAD"
    entry.text = "\t "
    key(pygame.K_RETURN)
    app.frame(0.0)
    assert entry.problem == "Type the statement first: an empty one tells the public nothing."
    assert not issued(console)


def test_the_notice_says_which_statement_went_out_and_at_a_joint_console_whose(app):
    """A denial read "Done: Public statement issued": neither what it was nor, at a
    console playing two PIOs, which agency spoke."""
    console = start_with(app, ("police",), community())
    run_to(app, console, 600)
    open_entry(app, console, None)
    key(pygame.K_RETURN)
    app.frame(0.0)
    assert console.toast[0] == "Done: Denial of rumour R1 issued"
    app.pop()
    joint = start_with(app, ("police", "fire"), community())
    run_to(app, joint, 600)
    open_entry(app, joint)
    key(pygame.K_RETURN)
    app.frame(0.0)
    assert joint.toast[0] == "Done: Public statement on INC1 issued by Police"


def test_the_drafts_name_the_incident_as_the_public_would_not_by_its_type():
    """A medical call read "responding to a medical", a terrorism call "a terrorism"."""
    from simulator.pio import PUBLIC, incident_words
    from simulator.scenario.vocabulary import IncidentType

    assert set(PUBLIC) == {t.value for t in IncidentType}
    assert incident_words("medical") == "a medical emergency"
    assert incident_words("terrorism") == "a major security incident"
    assert incident_words("gang_violence") == "gang violence"
    assert incident_words("hazmat_release", definite=True) == "the hazardous materials release"


def test_a_medical_calls_draft_reads_a_medical_emergency(app):
    data = community()
    data["msel"][0] = incident(incident_type="medical")
    console = start_with(app, ("police",), data)
    run_to(app, console, 600)
    (option,) = statements(console, Selection(incident="INC1"))
    assert option.draft.text.startswith("Police is responding to a medical emergency near ")
    deny = next(o for o in statements(console, Selection()) if o.label.startswith("Deny"))
    assert "about the medical emergency near " in deny.draft.text
