"""After-action reports in each format, the baseline comparison, history and notes."""

import json

import pytest
from conftest import ROOT, LogBuilder, build, one_objective, scenario_dict

from simulator import cli_records as records
from simulator.cli import main
from simulator.review.compare import _row, compare
from simulator.review.findings import share_text
from simulator.review.plots import Leg, incident_map, unit_routes
from simulator.review.rating import rate
from simulator.review.report import RunMeta, build_report, render
from simulator.review.score import score
from simulator.scenario import load
from simulator.scenario.scoring import Rating
from simulator.store.database import Store

SMALL = ROOT / "scenarios" / "small_town_collision.yaml"


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """Two runs of the small scenario: all automated, then a trainee playing police."""
    base = tmp_path_factory.mktemp("rec")
    db = base / "x.sqlite"
    common = ["run", str(SMALL), "--db", str(db), "--quiet", "--seed", "4"]
    assert main([*common, "--out", str(base / "auto"), "--trainee", "Ana"]) == 0
    assert (
        main([*common, "--out", str(base / "mine"), "--trainee", "Ana", "--roles", "police"]) == 0
    )
    return db, base


def report(db, run, fmt, capsys):
    assert main(["report", str(run), "--db", str(db), "--format", fmt]) == 0
    return capsys.readouterr().out


def test_json_report_has_the_aar_ip_sections(recorded, capsys):
    db, _ = recorded
    doc = json.loads(report(db, 1, "json", capsys))
    assert {"overview", "capabilities", "objectives", "standards", "improvement_plan"} <= set(doc)
    assert doc["overview"]["trainee"] == "Ana" and doc["overview"]["record"] == "complete"
    assert doc["overview"]["exercise_played"] == "the whole exercise"
    objectives = load(SMALL).scoring.objectives
    assert [c["objective"] for c in doc["capabilities"]] == [o.id for o in objectives]
    assert doc["capabilities"][0]["rating"] == "P"  # the automated players secure the scene
    assert {c["rating_label"] for c in doc["capabilities"]} <= {"P", "S", "M", "U", "Not observed"}
    assert doc["baseline"] is None  # nobody played by hand: the run is its own baseline
    for finding in doc["standards"] + doc["objectives"][0]["strengths"]:
        assert finding["evidence"], finding["title"]
        assert all(e["time"] and e["seq"] for e in finding["evidence"])


def test_trainee_run_is_compared_with_its_cached_baseline(recorded, capsys):
    db, _ = recorded
    doc = json.loads(report(db, 2, "json", capsys))
    rows = {r["label"]: r for r in doc["baseline"]}
    assert doc["overview"]["roles"] == ["police"]
    # Police played by nobody: no police unit ever arrives, while the baseline's do.
    # By name, the id beside it (the JSON keeps the id as the row's agency).
    police = rows["First on scene, 90th percentile: Town Police (police)"]
    assert police["agency"] == "police"
    assert rows["Incidents needing it never reached: Town Police (police)"]["agency"] == "police"
    assert police["run"] is None and police["baseline"] is not None
    assert rows["OBJ1 rating"]["better"] == "baseline"
    # The overview keeps ids for machines and shows a person the agencies by name.
    overview = report(db, 2, "md", capsys).split("## Exercise overview")[1]
    assert "| roles | Town Police (police) |" in overview
    assert "| automated | " in overview and "Town EMS (ems)" in overview
    store = Store.open(db)
    assert len(store.runs(purpose="baseline")) == 1  # the second report reused it


def test_a_baseline_another_program_played_is_played_again(tmp_path, capsys, monkeypatch):
    """After an upgrade the players may play differently: the old baseline is not used."""
    db = tmp_path / "x.sqlite"

    def trainee_run(name: str) -> None:
        common = ["run", str(SMALL), "--db", str(db), "--quiet", "--roles", "police"]
        assert main([*common, "--out", str(tmp_path / name)]) == 0
        capsys.readouterr()

    trainee_run("a")
    trainee_run("b")
    assert len(Store.open(db).runs(purpose="baseline")) == 1  # the second run reused it
    before = records.code_fingerprint()
    monkeypatch.setattr(records, "code_fingerprint", lambda: "an upgraded program")
    trainee_run("c")
    store = Store.open(db)
    first, second = store.runs(purpose="baseline")
    key = (first.scenario_sha256, first.seed, first.until)
    assert store.baseline(*key, "an upgraded program") == second.id != first.id
    assert store.baseline(*key, before) is None  # replaced: one cached per key


def test_markdown_report(recorded, capsys):
    db, _ = recorded
    text = report(db, 2, "md", capsys)
    for heading in (
        "## Exercise overview",
        "## Analysis of core capabilities",
        "## Improvement plan",
        "## Baseline comparison",
    ):
        assert heading in text
    assert "| OBJ1" in text
    # The letters' score bands, so an evaluator reads each letter beside its number.
    assert "Each objective: its score's band, P from 100, S from 75, M from 50, U below 50" in text
    doc = json.loads(report(db, 2, "json", capsys))
    for capability in doc["capabilities"]:
        if capability["score"] is not None:
            assert capability["rating"] == rate(capability["score"], Rating())


def test_html_report_is_self_contained_with_plots_and_print_css(recorded, tmp_path):
    db, _ = recorded
    out = tmp_path / "aar.html"
    assert main(["report", "2", "--db", str(db), "--out", str(out)]) == 0
    page = out.read_text()
    assert page.count('src="data:image/png;base64,') >= 4
    assert "@media print" in page and "http" not in page.split("<body>")[0]
    assert "Baseline comparison" in page
    # A sub-row (Markdown indents it with spaces) is indented in HTML too.
    assert '<td><span class="sub">shared with every agency needing them</span></td>' in page


def test_notes_appear_in_the_report_and_bad_notes_are_refused(recorded, capsys):
    db, _ = recorded
    assert (
        main(["note", "1", "--at", "00:20", "Police arrived before the ambulance", "--db", str(db)])
        == 0
    )
    capsys.readouterr()
    doc = json.loads(report(db, 1, "json", capsys))
    assert doc["notes"] == [
        {"t": 1200.0, "time": "00:20:00", "text": "Police arrived before the ambulance"}
    ]
    for argv, message in (
        (["note", "1", "--at", "09:00", "x"], "--at: 09:00:00 is after the end of run 1"),
        (["note", "99", "--at", "00:10", "x"], "run 99: no such run"),
        (["note", "1", "--at", "soon", "x"], "--at:"),
        (["report", "99"], "run 99: no such run"),
        (["note", str(_baseline_id(db)), "--at", "00:10", "x"], "baseline, not an exercise"),
    ):
        assert main([*argv, "--db", str(db)]) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err


def _baseline_id(db) -> int:
    store = Store.open(db, readonly=True)
    try:
        (baseline,) = store.runs(purpose="baseline")
    finally:
        store.close()
    return baseline.id


def test_history_lists_runs_and_trends(recorded, capsys):
    db, _ = recorded
    assert main(["history", "--db", str(db), "--trainee", "Ana"]) == 0
    out = capsys.readouterr().out
    assert "Ana" in out and "Trend per trainee" in out and "police" in out
    assert main(["history", "--db", str(db), "--scenario", "nope"]) == 0
    assert "No recorded exercises match" in capsys.readouterr().out


def test_report_of_a_run_directory(recorded, capsys):
    _, base = recorded
    assert main(["report", str(base / "auto"), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["overview"]["run"] == str(base / "auto")
    assert main(["report", str(base / "missing")]) == 2


def test_run_with_unknown_role_is_bad_input(tmp_path, capsys):
    assert (
        main(["run", str(SMALL), "--roles", "navy", "--db", str(tmp_path / "x.db"), "--quiet"]) == 2
    )
    assert "--roles: unknown agency 'navy'" in capsys.readouterr().err


def test_compare_says_which_side_did_better():
    scenario = one_objective("casualties_deceased", 0)
    good = LogBuilder().add(0, "incident.started", incident="I1", agencies=["ems"])
    good.add(0, "incident.casualties", incident="I1", immediate=1, delayed=0, minor=0, deceased=0)
    bad = LogBuilder()
    bad.events = list(good.events)
    bad.add(900, "patient.died", incident="I1", patient="I1-P1")
    for log in (good, bad):
        log.add(1000, "exercise.ended", reason="duration reached")
    rows = {r.label: r for r in compare(score(scenario, good.events), score(scenario, bad.events))}
    assert (rows["Deceased"].run, rows["Deceased"].baseline, rows["Deceased"].better) == (
        0,
        1,
        "run",
    )
    assert rows["O rating"].better == "run"
    overall = rows["Overall score (0-100)"]
    assert overall.better == "run" and overall.delta > 25  # a death weighs heavily


@pytest.mark.parametrize(
    ("run", "baseline", "delta", "better"),
    [(406.4, 406.2, 0, "same"), (406.4, 406.8, -1, "run"), (532.4, 529.6, 2, "baseline")],
)
def test_times_compare_as_shown_to_the_second(run, baseline, delta, better):
    """6:46 against 6:47 (406.4 s and 406.8 s) read "-0:00, this run"; now "-0:01"."""
    row = _row("EMS 90th percentile", "s", run, baseline, higher=False)
    assert (row.delta, row.better) == (delta, better)


def test_every_format_renders_a_hand_built_run():
    scenario = build(scenario_dict())
    log = (
        LogBuilder()
        .add(0, "exercise.started")
        .add(0, "incident.started", incident="I1", agencies=["police"])
    )
    meta = RunMeta(
        "r", None, [], ["police"], 0, "2026-01-01T00:00:00", None, "incomplete", "h", None
    )
    doc = build_report(
        scenario, log.events, score(scenario, log.events), meta, [], None, figures=True
    )
    overview = json.loads(render(doc, "json"))["overview"]
    assert (overview["record"], overview["exercise_played"]) == (
        "incomplete",
        "stopped at T+00:00 (0% of the exercise)",
    )
    # A record left incomplete says so, as before: only a whole one stopped early changed.
    byline = render(doc, "md").splitlines()[2]
    assert byline.startswith(
        "Run r · record incomplete · incomplete run, stopped at T+00:00 "
        "(the log ends without the exercise's end) · "
    )
    assert "# Test scenario" in render(doc, "md")
    assert "<!DOCTYPE html>" in render(doc, "html")


def test_a_note_stays_the_evaluators_words_in_markdown_and_html(tmp_path, capsys):
    """A note's lines, heading, table or HTML must not become the report's own; control
    characters must not reach the terminal; a long link must wrap on the page."""
    db = tmp_path / "db.sqlite"
    small = ROOT / "scenarios" / "small_town_collision.yaml"
    argv = ["run", str(small), "--until", "00:20", "--quiet", "--out", str(tmp_path / "r")]
    assert main([*argv, "--db", str(db)]) == 0
    text = "# Heading\n\n| a | b |\n</td><script>x</script> ctrl\x1b[31mRED\x07"
    assert main(["note", "1", "--at", "00:10", text, "--db", str(db)]) == 2  # refused
    # A note recorded before control characters were refused still renders safely.
    store = Store.open(db)
    try:
        store.add_note(1, 600.0, text)
    finally:
        store.close()
    capsys.readouterr()
    markdown = report(db, 1, "md", capsys)
    notes = markdown.split("## Evaluator notes")[1].split("\n## ")[0]
    line = next(x for x in notes.splitlines() if x.startswith("- T+00:10:00"))
    assert line == (
        r"- T+00:10:00: # Heading \| a \| b \| \</td\>\<script\>x\</script\> ctrl\[31mRED"
    )
    assert "\x1b" not in markdown and "\x07" not in markdown
    out = tmp_path / "aar.html"
    assert main(["report", "1", "--db", str(db), "--out", str(out)]) == 0
    page = out.read_text()
    assert '<div class="notes">' in page and ".notes td+td{overflow-wrap:anywhere" in page
    assert "<script>x" not in page
    assert "\x1b" not in page and "\x07" not in page


def test_the_map_draws_transports_and_returns_as_well_as_responses():
    nodes = {"S": (0.0, 0.0), "I": (100.0, 0.0), "X": (100.0, 50.0), "H": (200.0, 0.0)}
    log = LogBuilder()
    log.add(0, "incident.started", incident="I1", x=100.0, y=0.0)
    log.add(10, "unit.en_route", "ems", "M1", "I1", path=["S", "I"])
    log.add(60, "unit.transporting", "ems", "M1", path=["I", "H"], hospital="H1")
    log.add(70, "unit.rerouted", "ems", "M1", path=["I", "X", "H"])  # a closure on the way
    log.add(90, "unit.at_hospital", "ems", "M1", hospital="H1")
    log.add(99, "unit.returning", "ems", "M1", path=["H", "I", "S"])
    routes = unit_routes(log.events, nodes)
    assert routes.legs == (
        Leg("responding", "ems", ((0.0, 0.0), (100.0, 0.0))),
        Leg("transporting", "ems", ((100.0, 0.0), (200.0, 0.0))),
        Leg("transporting", "ems", ((100.0, 0.0), (100.0, 50.0), (200.0, 0.0))),
        Leg("returning", "ems", ((200.0, 0.0), (100.0, 0.0), (0.0, 0.0))),
    )
    assert routes.hospitals == {"H1": (200.0, 0.0)}
    assert incident_map(log.events, nodes, [(0.0, 0.0, 200.0, 0.0)])


@pytest.mark.parametrize(("name", "start"), [("aar.md", "# "), ("aar.JSON", "{"), ("a.htm", "<!")])
def test_a_report_takes_its_format_from_the_file_it_is_written_to(recorded, tmp_path, name, start):
    db, _ = recorded
    out = tmp_path / name
    assert main(["report", "2", "--db", str(db), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith(start)


@pytest.mark.parametrize(
    ("name", "argv", "said"),
    [
        ("mine.yaml", [], "a report is written to a .html, .md or .json file"),
        ("notes.txt", ["--format", "md"], "a report is written to a .html, .md or .json file"),
        ("aar.md", ["--format", "html"], "--format html but --out"),
    ],
)
def test_a_report_is_never_written_to_a_file_named_for_something_else(
    recorded, tmp_path, capsys, name, argv, said
):
    db, _ = recorded
    out = tmp_path / name
    out.write_text("metadata: {id: mine}\n", encoding="utf-8")  # a trainer's own file
    capsys.readouterr()
    assert main(["report", "2", "--db", str(db), "--out", str(out), *argv]) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "metadata: {id: mine}\n"


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (0.0, "0%"),
        (1.0, "100%"),
        (0.25, "25%"),
        (60 / 14400, "0.4%"),  # a minute of four hours read "0%"
        (1 / 7200, "0.01%"),
        (0.996, "99.6%"),  # not "100%" for a run that stopped before the end
    ],
)
def test_the_share_played_never_reads_0_or_100_percent_when_it_is_not(share, text):
    assert share_text(share) == text
