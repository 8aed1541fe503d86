"""The report shows how the score is made: its parts, each role's duties, incomplete runs.

Real short runs of the small scenario check the "Overall score" and "Scores by role"
sections in Markdown, JSON and HTML, the banner and pro-rating of an incomplete run,
the lines ``run`` prints and the history table; hand-built logs check an objective that
was not observed and duties not done by the end.
"""

import json
import re

import pytest
from conftest import ROOT, LogBuilder, one_objective

from simulator.cli import main
from simulator.review.compare import compare
from simulator.review.rating import NOT_OBSERVED
from simulator.review.report import RunMeta, build_report, render
from simulator.review.score import score
from simulator.scenario import load
from simulator.store.database import Store

SMALL = ROOT / "scenarios" / "small_town_collision.yaml"
BANNER = re.compile(
    r"Incomplete run: stopped at T\+00:30 \(as --until asked\); scored on the duties that fell "
    r"due in that window \(window score (\d+\.\d)\), overall pro-rated to the share played "
    r"\((\d+)%\)"
)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Run 1: all automated, full length; run 2: a trainee playing police, stopped at 00:30.

    Run 2's baseline (automated, to the same time) is run 3.
    """
    base = tmp_path_factory.mktemp("scores")
    db = base / "x.sqlite"
    common = ["run", str(SMALL), "--db", str(db), "--quiet", "--seed", "4", "--trainee", "Ana"]
    assert main([*common, "--out", str(base / "auto")]) == 0
    assert (
        main([*common, "--out", str(base / "short"), "--until", "00:30", "--roles", "police"]) == 0
    )
    return db


def report(db, run: int, fmt: str, capsys) -> str:
    capsys.readouterr()
    assert main(["report", str(run), "--db", str(db), "--format", fmt]) == 0
    return capsys.readouterr().out


def section(text: str, heading: str) -> str:
    """One Markdown section, from its heading to the next."""
    start = text.index(f"## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : None if end < 0 else end]


# 1. The overall score and how it is made.


def test_overall_score_section_shows_its_parts_and_weights(runs, capsys):
    doc = json.loads(report(runs, 1, "json", capsys))
    sc = doc["score"]
    weights = load(SMALL).scoring.weights
    assert sc["complete"] and sc["banner"] is None and sc["played"] == 1.0
    assert sc["weights"] == weights.model_dump()
    parts = {p["part"]: p for p in sc["parts"]}
    assert list(parts) == ["objectives", "outcomes", "duties"]
    assert parts["objectives"]["score"] == sc["objectives_score"]
    assert parts["outcomes"]["score"] == sc["outcome_score"]
    assert parts["duties"]["score"] == sc["duties_score"]
    assert parts["outcomes"]["weight"] == weights.outcomes
    # The points add up to the overall (each rounded to a tenth).
    assert sum(p["points"] for p in sc["parts"]) == pytest.approx(sc["overall"], abs=0.2)
    assert sc["overall"] == sc["window_overall"]
    survival = {c["component"]: c for c in sc["outcome_components"]}["survival"]
    assert re.fullmatch(r"\d+ of \d+ died awaiting care", survival["note"])

    text = report(runs, 1, "md", capsys)
    assert text.index("## Overall score") < text.index("## Exercise overview")
    part = section(text, "Overall score")
    assert f"Overall score: **{sc['overall']:.1f}** / 100" in part
    assert f"| HSEEP objectives | {sc['objectives_score']:.1f} | {weights.objectives:.2f} |" in part
    assert f"| Outcomes | {sc['outcome_score']:.1f} | {weights.outcomes:.2f} |" in part
    assert f"| Agencies' own duties | {sc['duties_score']:.1f} | {weights.duties:.2f} |" in part
    assert f"| Survival | {survival['credit_text']} | 3 | {survival['note']} |" in part
    assert f"= {sc['overall']:.1f}." in part
    assert "Incomplete run" not in text
    assert text.splitlines()[2].startswith("Run 1 · record complete · seed 4 · recorded ")


def test_an_incomplete_run_has_the_banner_and_a_pro_rated_overall(runs, capsys):
    doc = json.loads(report(runs, 2, "json", capsys))
    sc = doc["score"]
    assert not sc["complete"] and sc["stopped_at"] == "T+00:30"
    assert sc["played"] == pytest.approx(1800 / load(SMALL).metadata.duration)
    assert sc["overall"] == round(sc["window_overall"] * sc["played"], 1)
    window, share = BANNER.fullmatch(sc["banner"]).groups()
    assert float(window) == sc["window_overall"] and int(share) == round(100 * sc["played"])
    text = report(runs, 2, "md", capsys)
    part = section(text, "Overall score")
    assert f"> **{sc['banner']}.**" in part
    assert f"| Overall, pro-rated | {sc['overall']:.1f} |" in part
    assert f"| Window score | {sc['window_overall']:.1f} |" in part
    # Its record is whole: the header says where --until stopped it, not "incomplete",
    # in the banner's words (they once read "(--until)" and "(stopped early)").
    header = "Run 2 · stopped at T+00:30 of 02:00 (as --until asked) · seed"
    assert text.splitlines()[2].startswith(header)
    page = report(runs, 2, "html", capsys)
    assert '<div class="banner">' in page and "Incomplete run: stopped at T+00:30" in page


# 2. Scores by role, the trainee's first.


def test_scores_by_role_put_the_trainees_role_first_and_say_where_no_duty_arose(runs, capsys):
    doc = json.loads(report(runs, 2, "json", capsys))
    roles = doc["roles"]
    agencies = sorted(a.id for a in load(SMALL).agencies)
    assert [r["agency"] for r in roles] == ["police", *(a for a in agencies if a != "police")]
    police = roles[0]
    assert police["trainee"] and police["label"] == "Town Police (police, your role)"
    assert not any(r["trainee"] for r in roles[1:])
    # The overview's organisations by name and id too; "County Fire (fire)" gave the kind,
    # which read as the id of the town's fire service.
    assert doc["overview"]["organisations"] == [
        "Town Police (police)",
        "Town Fire Rescue (fire)",
        "Town EMS (ems)",
        "County Fire (county_fire, fire)",
    ]
    assert police["pro_rated"]  # the run stopped early: its score is pro-rated too
    for group in police["groups"]:
        assert group["name"] in ("respond", "dispatch", "share", "command", "safety")
        assert group["credit_text"].endswith("%")
        if group["name"] != "safety":
            assert group["text"].startswith(
                f"{group['duties']} {'duty' if group['duties'] == 1 else 'duties'}"
            )
            missed = f"{group['missed']} not done"
            assert group["text"].endswith(missed if group["missed"] else "all done in time")
    idle = [r for r in roles if r["score"] is None]
    # Fire never heard of the crash (the idle police trainee kept it): not a clean sheet.
    untold = {r["agency"]: r["score_text"] for r in idle if r["score_text"] != "no duty arose"}
    told = "no duty arose: never told of 1 incident needing it, known to Town Police (police)"
    assert untold == {"fire": told}
    assert "county_fire" in {r["agency"] for r in idle}

    text = section(report(runs, 2, "md", capsys), "Scores by role")
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows[0].startswith("| role | score | Respond | Dispatch | Share facts |")
    assert rows[1].startswith("| **Town Police (police, your role)** |")  # name and id
    for r in idle:
        assert f"| {r['name']} ({r['agency']}) | {r['score_text']} |" in text
    # Nobody gave police an order: its duties were still undone at 00:30.
    assert police["undone"] and "Duties not done (counted as misses):" in text
    assert "- Town Police (police) · respond · INC1: not done by the end, " in text

    # Beside the baseline, where fire was told and answered, the same reason stands.
    compared = section(
        report(runs, 2, "md", capsys),
        "Baseline comparison (automated players, same scenario and seed)",
    )
    (fire,) = [r for r in roles if r["agency"] == "fire"]
    assert f"| Role score: {fire['name']} (fire) | {untold['fire']} | " in compared

    page = report(runs, 2, "html", capsys)
    assert '<table class="roles">' in page and '<tr class="mine">' in page
    assert untold["fire"] in page
    assert page.index('<span class="you">your role</span>') < page.index("<b>county_fire")


def test_the_json_role_scores_are_the_scored_ones(runs, capsys):
    auto = json.loads(report(runs, 1, "json", capsys))
    scored = [r for r in auto["roles"] if r["score"] is not None]
    assert scored, "the automated players had duties fall due"
    assert all(r["window_score"] == r["score"] and not r["pro_rated"] for r in scored)
    assert auto["score"]["duties_score"] == pytest.approx(
        sum(r["score"] for r in scored) / len(scored), abs=0.1
    )


# 4. and 5. What ``run`` prints and the history table.


def test_ctrl_c_during_the_baseline_keeps_the_trainees_run_whole(tmp_path, capsys, monkeypatch):
    """The run directory and the database are written before the baseline is played."""
    import simulator.cli_records as records

    real = records.build_exercise

    def interrupted(*args, **kwargs):
        exercise = real(*args, **kwargs)

        def advance(until):
            raise KeyboardInterrupt

        exercise.advance = advance
        return exercise

    monkeypatch.setattr(records, "build_exercise", interrupted)  # only the baseline's
    db, out = tmp_path / "x.sqlite", tmp_path / "run"
    argv = ["run", str(SMALL), "--db", str(db), "--quiet", "--roles", "ems", "--out", str(out)]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "Automated-players baseline: interrupted before it finished; `report 1` plays it" in (
        printed
    )
    assert {"run.json", "events.jsonl", "commands.jsonl", "summary.json"} <= {
        p.name for p in out.iterdir()
    }
    assert json.loads((out / "run.json").read_text())["complete"] is True
    monkeypatch.undo()
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["history", "--all", "--db", str(db)]) == 0
    history = capsys.readouterr().out
    assert "incomplete" in history  # the baseline begun, never cached
    assert main(["report", "1", "--db", str(db), "--format", "md"]) == 0  # plays it now
    assert "## Baseline comparison" in capsys.readouterr().out


def test_run_prints_each_role_score_then_the_overall_last(tmp_path, capsys):
    db = tmp_path / "x.sqlite"
    argv = ["run", str(SMALL), "--db", str(db), "--quiet", "--seed", "4", "--until", "00:30"]
    assert main([*argv, "--roles", "police,ems", "--out", str(tmp_path / "run")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith("Recorded as run 1")  # the overall score is the last line
    assert re.search(
        r"; stopped at T\+00:30:00 by --until \(25% played, pro-rated\); "
        r"overall score \d+\.\d/100$",
        lines[-1],
    )
    beside = r"( \(automated players in this role: \d+\.\d/100\))?"
    assert re.fullmatch(
        r"  Town EMS \(ems, your role\): (\d+\.\d/100|no duty arose(: never told .*)?)" + beside,
        lines[-4],
    )
    # Beside the trainee's role score, the automated players' in the same role: the
    # baseline's overall alone, under it, read as the role's baseline.
    police = r"  Town Police \(police, your role\): \d+\.\d/100"
    assert re.fullmatch(police + r" \(automated players in this role: \d+\.\d/100\)", lines[-3])
    assert re.fullmatch(r"Automated-players baseline: overall \d+\.\d/100", lines[-2])


def test_history_marks_incomplete_runs(runs, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")
    capsys.readouterr()
    assert main(["history", "--db", str(runs)]) == 0
    out = capsys.readouterr().out
    table = out.split("Trend per trainee")[0]
    rows = {
        cells[0]: cells
        for cells in ([c.strip() for c in line.split("│")[1:-1]] for line in table.splitlines())
        if cells and cells[0].isdigit()
    }
    assert re.fullmatch(r"\d+\.\d", rows["1"][-1])  # complete: the overall as it is
    assert re.fullmatch(r"\d+\.\d\*", rows["2"][-1])  # stopped at 00:30: pro-rated
    assert "* stopped before the exercise's end (--until, End, Ctrl+C, or the process" in table
    assert "- not observed" in table
    trend = " ".join(out.split("Trend per trainee")[1].split())  # the caption as one line
    assert "not in the trend: 1 listed run stopped before the exercise's end (a '*'" in trend


# 3. Objectives: "Not observed", credit, and duties not done by the end.


def meta(roles: tuple[str, ...] = ()) -> RunMeta:
    return RunMeta(
        "r", None, list(roles), [], 0, "2026-01-01T00:00:00", None, "complete", "h", None
    )


def test_an_objective_whose_opportunity_did_not_arise_is_shown_as_not_observed():
    scenario = one_objective("casualties_deceased", 0)  # and nobody was hurt
    log = LogBuilder().add(0, "exercise.started")
    log.add(0, "incident.started", incident="I1", agencies=["police"])
    log.add(3600, "exercise.ended", reason="duration reached")
    scores = score(scenario, log.events)
    assert scores.objectives[0].rating is None
    doc = build_report(scenario, log.events, scores, meta(), [], None)
    (cap,) = doc["capabilities"]
    assert (cap["rating"], cap["rating_label"], cap["rating_text"]) == (
        None,
        "Not observed",
        NOT_OBSERVED,
    )
    (measure,) = doc["objectives"][0]["measures"]
    assert measure["credit_text"] == "not observed" and measure["met"] is None

    text = render(doc, "md")
    assert f"| O: t | c | {NOT_OBSERVED} | - |" in text
    assert "### O: t - rating Not observed" in text
    row = "| Deaths during the exercise | all | not observed | <= 0 | not observed | not observed |"
    assert row in text
    page = render(doc, "html")
    assert '<span class="rating none">Not observed</span>' in page
    assert '<p class="unobserved">' in page
    assert json.loads(render(doc, "json"))["capabilities"][0]["rating_label"] == "Not observed"


def police_call(arrival: float | None = None) -> LogBuilder:
    """Police called at 0 and the CAD opened; P1 dispatched and on scene at ``arrival``.

    With no arrival, no unit is ever dispatched or on scene; the exercise ends at 1:00.
    """
    log = LogBuilder().add(0, "exercise.started")
    log.add(0, "incident.started", incident="I1", priority=1, agencies=["police"])
    log.add(0, "call.received", "police", incident="I1", call="C1")
    log.add(5, "call.answered", "police", incident="I1", call="C1", wait=5.0)
    log.add(20, "cad.opened", "police", incident="I1", via="call")
    if arrival is not None:
        log.add(30, "unit.dispatched", "police", "P1", "I1", prev="available")
        log.add(arrival, "unit.on_scene", "police", "P1", "I1", prev="en_route")
    return log.add(3600, "exercise.ended", reason="duration reached")


def test_a_duty_not_done_by_the_end_is_a_miss_in_the_measure_and_marked_in_the_evidence():
    scenario = one_objective("first_on_scene", 600)
    log = police_call()
    doc = build_report(
        scenario, log.events, score(scenario, log.events), meta(("police",)), [], None
    )
    (measure,) = doc["objectives"][0]["measures"]
    assert (measure["missed"], measure["credit_text"]) == (1, "0%")
    assert measure["missed_text"] == "1 not done (counted as a miss)"
    (area,) = doc["objectives"][0]["areas_for_improvement"]
    (evidence,) = area["evidence"]
    assert evidence["undone"] and evidence["event"] == "call.received police I1"

    text = render(doc, "md")
    assert "| U: not met; 1 not done (counted as a miss) | 0% |" in text
    assert "  - T+00:00:00 (event 3): call.received police I1 (not done)" in text
    # The role's duties say the same, first the trainee's.
    police = doc["roles"][0]
    assert police["label"] == "Police (police, your role)" and police["undone"]
    assert all(d["censored"] and all(e["undone"] for e in d["evidence"]) for d in police["undone"])
    roles = section(text, "Scores by role")
    assert "- Police (police) · respond · I1: not done by the end, 59:40 after T+00:00:20" in roles
    assert '<span class="undone">not done</span>' in render(doc, "html")


def test_the_baseline_comparison_has_the_score_parts_and_marks_the_trainees_role():
    scenario = one_objective("first_on_scene", 600)
    run, baseline = police_call(), police_call(arrival=300)
    run_scores = score(scenario, run.events)
    rows = compare(run_scores, score(scenario, baseline.events))
    assert [r.label for r in rows][:4] == [
        "Overall score (0-100)",
        "Objectives score",
        "Outcomes score",
        "Duties score (mean role score)",
    ]
    police = next(r for r in rows if r.role == "police")
    assert (police.label, police.run, police.baseline) == ("Role score (police)", 0.0, 100.0)
    assert police.better == "baseline"
    doc = build_report(scenario, run.events, run_scores, meta(("police",)), [], rows)
    text = render(doc, "md")
    assert "| Role score: Police (police, your role) | 0.0 | 100.0 | -100.0 | baseline |" in text


def test_a_report_of_a_run_directory_says_where_its_notes_and_baseline_are(tmp_path, capsys):
    from simulator.cli_records import HELD

    db, out = tmp_path / "x.sqlite", tmp_path / "run"
    argv = ["run", str(SMALL), "--db", str(db), "--quiet", "--until", "00:30"]
    assert main([*argv, "--roles", "ems", "--out", str(out)]) == 0
    assert main(["note", "1", "--at", "00:10", "EMS slow to stage", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["report", str(out), "--format", "md"]) == 0
    from_directory = capsys.readouterr().out
    assert from_directory.count(HELD) == 2  # under the baseline and under the notes
    assert "EMS slow to stage" not in from_directory
    assert main(["report", "1", "--db", str(db), "--format", "md"]) == 0
    from_database = capsys.readouterr().out
    assert HELD not in from_database and "EMS slow to stage" in from_database


def test_a_run_interrupted_mid_step_is_reported_as_ended_early(tmp_path, capsys, monkeypatch):
    """Ctrl+C at an instant between milliseconds: the record reads back, not as --until."""
    import simulator.cli_exercise as runs

    real = runs.build_exercise

    def interrupted(*args, **kwargs):
        exercise = real(*args, **kwargs)

        def stop(events):
            if exercise.now > 600 and round(exercise.now, 3) != exercise.now:
                raise KeyboardInterrupt

        exercise.subscribe(stop)
        return exercise

    monkeypatch.setattr(runs, "build_exercise", interrupted)
    db = tmp_path / "x.sqlite"
    argv = ["run", str(SMALL), "--db", str(db), "--quiet", "--roles", "ems"]
    main([*argv, "--out", str(tmp_path / "run")])
    capsys.readouterr()
    store = Store.open(db)
    stopped = max(e.t for e in store.events(1))
    assert 600 < stopped < store.run(1).until  # stopped early; the length asked kept
    assert main(["report", "1", "--db", str(db), "--format", "md"]) == 0
    text = capsys.readouterr().out
    assert "as --until asked" not in text
    assert "(interrupted: the run or its server was stopped by Ctrl+C or SIGTERM)" in text
