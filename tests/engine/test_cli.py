"""The commands: score, explain, test, init (click's CliRunner), with snapshots of what people
read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from leadrules.cli import main
from tests.conftest import ROOT

B2B = str(ROOT / "examples" / "b2b_saas.lrules")
LEADS = str(ROOT / "examples" / "data" / "b2b_saas" / "leads.csv")
EVENTS = str(ROOT / "examples" / "data" / "b2b_saas" / "events.csv")
DATA = ["--leads", LEADS, "--events", EVENTS, "--as-of", "2026-01-01"]


def cli(*args, cwd=None):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_score_csv_is_the_contract():
    r = cli("score", B2B, *DATA, "--engine", "python")
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "lead_id,fit,engagement,score,tier"
    assert lines[1] == "1,60,100,160,SQL"  # Danny
    assert [line.split(",")[0] for line in lines[1:]] == [str(i) for i in range(1, 13)]
    assert "3,10,-30,-20,cold" in lines
    assert "note: ignored 1 event of undeclared types: `chat_started` (1)" in r.stderr
    assert "note: ignored 1 event of leads not in" in r.stderr


def test_score_jsonl_and_table_and_output_file(tmp_path):
    r = cli("score", B2B, *DATA, "--engine", "python", "--format", "jsonl")
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert list(rows[0]) == ["lead_id", "fit", "engagement", "score", "tier"]
    assert rows[0] == {"lead_id": "1", "fit": 60, "engagement": 100, "score": 160, "tier": "SQL"}
    table = cli("score", B2B, *DATA, "--engine", "python", "--format", "table").stdout
    assert table.splitlines()[0].split() == ["lead_id", "fit", "engagement", "score", "tier"]
    out = tmp_path / "scores.csv"
    r = cli("score", B2B, *DATA, "--engine", "python", "-o", str(out))
    assert r.stdout == ""
    assert out.read_text() == cli("score", B2B, *DATA, "--engine", "python").stdout


def test_no_tier_is_empty_in_csv_and_null_in_jsonl(tmp_path):
    model = tmp_path / "m.lrules"
    model.write_text("event visit\nvisit: +10\ntier hot >= 10\n")
    (tmp_path / "l.csv").write_text("lead_id\n1\n2\n")
    (tmp_path / "e.csv").write_text("lead_id,event,occurred_at\n1,visit,2025-12-01\n")
    data = [
        "--leads",
        str(tmp_path / "l.csv"),
        "--events",
        str(tmp_path / "e.csv"),
        "--as-of",
        "2026-01-01",
        "--engine",
        "python",
    ]
    assert (
        cli("score", str(model), *data).stdout
        == "lead_id,default,score,tier\n1,10,10,hot\n2,0,0,\n"
    )
    jsonl = cli("score", str(model), *data, "--format", "jsonl").stdout.splitlines()
    assert json.loads(jsonl[1]) == {"lead_id": "2", "default": 0, "score": 0, "tier": None}


def test_default_as_of_is_announced():
    r = cli("score", B2B, "--leads", LEADS, "--events", EVENTS, "--engine", "python")
    assert r.exit_code == 0
    assert r.stderr.startswith("as-of: ") and "(now)" in r.stderr


def test_score_bad_row_exits_1_with_file_and_line(tmp_path):
    leads = tmp_path / "leads.csv"
    leads.write_text(Path(LEADS).read_text().replace("1,80,", "1,eighty,"))
    r = cli("score", B2B, "--leads", str(leads), "--events", EVENTS, "--engine", "python")
    assert r.exit_code == 1
    assert f'error: {leads}:2: expected a number: "eighty" in column `company_size`' in r.stderr
    assert "Traceback" not in r.stderr
    r = cli(
        "score",
        B2B,
        "--leads",
        str(leads),
        "--events",
        EVENTS,
        "--engine",
        "python",
        "--skip-bad-rows",
    )
    assert r.exit_code == 0
    assert "note: skipped 1 bad row in" in r.stderr
    assert r.stdout.splitlines()[1].startswith("2,")


def test_usage_errors_exit_2(tmp_path):
    assert (
        cli("score", B2B, "--leads", str(tmp_path / "nope.csv"), "--events", EVENTS).exit_code == 2
    )
    assert cli("score", B2B, *DATA, "--format", "xml").exit_code == 2
    assert cli("score", B2B, *DATA, "--as-of", "yesterday").exit_code == 2
    r = cli("score", B2B, *DATA, "--engine", "python", "-o", str(tmp_path / "no" / "x.csv"))
    assert r.exit_code == 2
    assert "error: cannot write" in r.stderr


def test_explain_snapshot(snapshot):
    r = cli("explain", B2B, *DATA, "--lead", "5")
    assert r.exit_code == 0
    assert r.stdout == snapshot


def test_explain_json_snapshot(snapshot):
    r = cli("explain", B2B, *DATA, "--lead", "3", "--format", "json")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert data["score"] == -20 and data["tier"] == "cold"
    assert r.stdout == snapshot


def test_explain_unknown_lead():
    r = cli("explain", B2B, *DATA, "--lead", "nobody")
    assert r.exit_code == 1
    assert 'error: lead "nobody" is not in' in r.stderr


def test_test_command_passes_on_examples():
    files = sorted(str(p) for p in (ROOT / "examples").glob("*.lrules"))
    r = cli("test", *files)
    assert r.exit_code == 0
    assert r.stdout.splitlines()[-1] == "8 passed, 0 failed"


def test_test_command_failure_snapshot(tmp_path, snapshot, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = Path(B2B).read_text().replace("expect fit == 60", "expect fit == 65")
    text = text.replace("expect tier == SQL", "expect tier == MQL")
    Path("b2b.lrules").write_text(text)
    r = cli("test", "b2b.lrules")
    assert r.exit_code == 1
    assert r.stdout.splitlines()[-1] == "0 passed, 1 failed"
    assert r.stdout == snapshot


@pytest.mark.parametrize("template", ["b2b", "smoove", "simple"])
def test_init_writes_a_project_that_checks_tests_and_scores(tmp_path, template):
    target = tmp_path / "starter"
    r = cli("init", "--template", template, str(target))
    assert r.exit_code == 0, r.stderr
    model = str(target / "scoring.lrules")
    assert cli("check", "--strict", model).exit_code == 0
    tested = cli("test", model)
    assert tested.exit_code == 0 and tested.stdout.endswith(" passed, 0 failed\n")
    scored = cli(
        "score",
        model,
        "--leads",
        str(target / "leads.csv"),
        "--events",
        str(target / "events.csv"),
        "--as-of",
        "2026-01-01",
        "--engine",
        "python",
    )
    assert scored.exit_code == 0 and scored.stderr == ""
    assert len(scored.stdout.splitlines()) > 3
    # never overwrite
    again = cli("init", "--template", template, str(target))
    assert again.exit_code == 2
    assert "refusing to overwrite" in again.stderr


def test_progress_bar_draws_on_a_terminal(monkeypatch, capsys):
    import sys

    from leadrules.commands import engine_options as scoring

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    show = scoring.progress_bar()
    assert show is not None
    show(10, 1 << 10)  # a short input: no bar
    show(5 << 20, 10 << 20)
    show.done()
    err = capsys.readouterr().err
    assert "reading events [##########..........]  50%" in err
    assert err.count("reading events") == 1
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    assert scoring.progress_bar() is None


def test_library_api_scores_and_explains():
    import leadrules

    model = leadrules.load(B2B)
    results = leadrules.score(
        model,
        [{"lead_id": "7", "company_size": "80", "role": "CTO", "country": "IL"}],
        [{"lead_id": "7", "event": "page_view", "occurred_at": "2025-12-30", "url": "/pricing"}],
        as_of="2026-01-01T00:00:00Z",
        explain=True,
    )
    assert [(r.lead_id, r.groups, r.score, r.tier) for r in results] == [
        ("7", (("fit", 55), ("engagement", 15)), 70, "MQL")
    ]
    fired = [r.id for g in results[0].explanation.groups for r in g.rules if r.status == "fired"]
    assert fired == ["fit/1", "fit/4", "fit/8", "engagement/1"]


def test_test_command_on_a_file_with_errors_or_without_tests(tmp_path):
    broken = tmp_path / "broken.lrules"
    broken.write_text("event visit\nvisti: +1\n")
    r = cli("test", str(broken))
    assert r.exit_code == 1
    assert "unknown" in r.stderr and "visti" in r.stderr
    empty = tmp_path / "empty.lrules"
    empty.write_text("event visit\nvisit: +1\ntier any >= 0\n")
    r = cli("test", str(empty))
    assert r.exit_code == 0
    assert r.stdout == "0 passed, 0 failed\n"
    assert f"note: {empty} has no tests" in r.stderr


def test_tier_expectations(tmp_path):
    model = tmp_path / "m.lrules"
    model.write_text(
        "event visit\nvisit: +10\ntier hot >= 10\n"
        'test "no visit, no tier":\n  expect tier is missing\n  expect tier != hot\n'
        'test "one visit":\n  event visit\n  expect tier == hot\n  expect score >= 10\n'
        'test "wrong":\n  event visit 2d ago\n  expect tier is missing\n  expect score < 10\n'
    )
    r = cli("test", str(model))
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    assert [line.split()[0] for line in lines if line[:4] in ("PASS", "FAIL")] == [
        "PASS",
        "PASS",
        "FAIL",
    ]
    assert "  expected tier is missing, got hot (line 13)" in lines
    assert "  expected score < 10, got 10 (line 14)" in lines
    assert lines[-1] == "2 passed, 1 failed"


def test_explain_caps_clamp_and_unknown_tier_snapshot(tmp_path, snapshot, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("m.lrules").write_text(
        "lead country: text\nlead signed_up: time\n"
        "event open\nevent bounce\n"
        'fit:\n  country == "IL": +30\n  days_since(signed_up) >= 30: +5\n'
        "engagement cap 30:\n  each open: +2 cap 5\n  each bounce: -3 cap 7\n"
        "  each open within 7d: +10\n  no_activity 30d: -15\n"
        "clamp 0..50\n"
        'tier israel when country == "IL"\ntier hot >= 30\ntier warm 1..29\n'
    )
    Path("leads.csv").write_text("lead_id,country,signed_up\n1,,2025-11-01\n")
    Path("events.csv").write_text(
        "lead_id,event,occurred_at\n"
        + "".join(f"1,open,2025-12-{d:02d}T10:00:00Z\n" for d in (1, 27, 28, 29, 30))
        + "1,bounce,2025-12-31\n"
    )
    r = cli(
        "explain",
        "m.lrules",
        "--leads",
        "leads.csv",
        "--events",
        "events.csv",
        "--as-of",
        "2026-01-01",
        "--lead",
        "1",
    )
    assert r.exit_code == 0, r.stderr
    # opens: 5 x 2 = 10 capped at 5; 4 recent opens x 10 = 40; bounce -3: 42, capped at 30
    assert "= 42, cap 30 -> 30" in r.stdout
    assert 'israel  country == "IL": unknown' in r.stdout
    assert r.stdout == snapshot
