"""`leadrules diff` and `leadrules evaluate` end to end on the examples' data."""

from __future__ import annotations

import importlib.util
import json

import pytest
from click.testing import CliRunner

from leadrules.cli import main
from tests.conftest import ROOT, need

# paths relative to the repository root, the tests' working directory, as a user types them
B2B = "examples/b2b_saas.lrules"
V2 = "tests/impact/data/b2b_saas_v2.lrules"
DATA_ARGS = [
    "--leads",
    "examples/data/b2b_saas/leads.csv",
    "--events",
    "examples/data/b2b_saas/events.csv",
    "--as-of",
    "2026-01-01",
]
OUTCOMES = ["--outcomes", "tests/impact/data/b2b_outcomes.csv"]


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def invoke(*args: str, code: int = 0):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == code, result.output
    return result


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_diff_output(fmt, snapshot):
    result = invoke("diff", B2B, V2, *DATA_ARGS, "--engine", "python", "--format", fmt)
    assert result.stdout == snapshot
    if fmt == "json":
        data = json.loads(result.stdout)
        assert sum(t["count"] for t in data["transitions"]) == len(data["leads"]) == 12


def test_diff_notes_are_printed_once():
    result = invoke("diff", B2B, V2, *DATA_ARGS, "--engine", "python")
    lines = result.stderr.splitlines()
    assert lines and len(lines) == len(set(lines))


def test_duckdb_engine_gives_the_same_diff():
    need(importlib.util.find_spec("leadrules.engine.duckdb") is not None, "the DuckDB engine")
    by = {
        e: invoke("diff", B2B, V2, *DATA_ARGS, "--engine", e, "--format", "json").stdout
        for e in ("python", "duckdb")
    }
    assert by["python"] == by["duckdb"]


def test_a_model_against_itself_moves_nothing():
    data = json.loads(
        invoke("diff", B2B, B2B, *DATA_ARGS, "--engine", "python", "--format", "json").stdout
    )
    assert all(t["from"] == t["to"] for t in data["transitions"])
    assert data["changes"] == []


def test_diff_usage_errors():
    assert "no such file" in invoke("diff", "nope.lrules", B2B, *DATA_ARGS, code=2).stderr
    bad = invoke("diff", B2B, OUTCOMES[1], *DATA_ARGS, code=1)
    assert "b2b_outcomes.csv:1" in bad.stderr


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_evaluate_output(fmt, snapshot):
    result = invoke(
        "evaluate",
        B2B,
        *DATA_ARGS,
        *OUTCOMES,
        "--engine",
        "python",
        "--capacity",
        "0.5",
        "--compare",
        V2,
        "--format",
        fmt,
    )
    assert result.stdout == snapshot


def test_evaluate_reports_a_bad_outcome_row(tmp_path):
    bad = tmp_path / "outcomes.csv"
    bad.write_text("lead_id,converted\n1,yes\n2,perhaps\n")
    result = invoke(
        "evaluate", B2B, *DATA_ARGS, "--outcomes", str(bad), "--engine", "python", code=1
    )
    assert f"error: {bad}:3: converted is `perhaps`" in result.stderr


def test_evaluate_leaves_out_leads_without_outcome(tmp_path):
    some = tmp_path / "outcomes.csv"
    some.write_text("lead_id,converted\n1,true\n3,false\n404,true\n")
    result = invoke(
        "evaluate",
        B2B,
        *DATA_ARGS,
        "--outcomes",
        str(some),
        "--engine",
        "python",
        "--format",
        "json",
    )
    data = json.loads(result.stdout)
    assert (data["leads"], data["without_outcome"], data["unknown_leads"]) == (2, 10, 1)
    assert data["roc_auc"] == 1.0
    assert "10 scored leads have no outcome" in result.stderr


def test_no_attribution_says_so():
    text = invoke("diff", B2B, V2, *DATA_ARGS, "--engine", "python", "--no-attribution").stdout
    assert "  not measured (--no-attribution)\n" in text
    data = json.loads(
        invoke(
            "diff",
            B2B,
            V2,
            *DATA_ARGS,
            "--engine",
            "python",
            "--no-attribution",
            "--format",
            "json",
        ).stdout
    )
    assert data["changes"] is None


def test_capacity_uses_the_data_span_or_weeks():
    # the earliest event at or before the as-of is 2025-09-01T10:00Z: 121.58 days = 17.37 weeks
    data = json.loads(
        invoke(
            "evaluate",
            B2B,
            *DATA_ARGS,
            *OUTCOMES,
            "--engine",
            "python",
            "--capacity",
            "0.5",
            "--format",
            "json",
        ).stdout
    )
    assert data["capacity"]["weeks"] == 17.37
    assert (
        data["capacity"]["suggested"]["leads"]
        <= 0.5 * 17.37
        < data["capacity"]["next_lower"]["leads"]
    )
    data = json.loads(
        invoke(
            "evaluate",
            B2B,
            *DATA_ARGS,
            *OUTCOMES,
            "--engine",
            "python",
            "--capacity",
            "2",
            "--weeks",
            "2",
            "--format",
            "json",
        ).stdout
    )
    assert data["capacity"]["weeks"] == 2
    assert data["capacity"]["suggested"] == {
        "tier": ">= 100",
        "threshold": 100,
        "leads": 4,
        "converted": 3,
        "precision": 0.75,
        "recall": 0.6,
        "per_week": 2.0,
    }


def test_capacity_without_events_before_the_as_of_says_so():
    args = [a if a != "2026-01-01" else "2020-01-01" for a in DATA_ARGS]
    result = invoke("evaluate", B2B, *args, *OUTCOMES, "--engine", "python", "--capacity", "1")
    assert "pass --weeks to set it" in result.stderr


def test_reading_options_as_for_score(tmp_path):
    """--lead-key, --event-column, --time-column: the same answers from renamed columns."""
    renames = {"lead_id": "id", "event": "type", "occurred_at": "ts"}
    paths = {}
    for name in (
        "examples/data/b2b_saas/leads.csv",
        "examples/data/b2b_saas/events.csv",
        OUTCOMES[1],
    ):
        head, _, body = (ROOT / name).read_text().partition("\n")
        out = tmp_path / name.replace("/", "_")
        out.write_text(",".join(renames.get(c, c) for c in head.split(",")) + "\n" + body)
        paths[name] = str(out)
    renamed = [
        "--leads",
        paths["examples/data/b2b_saas/leads.csv"],
        "--events",
        paths["examples/data/b2b_saas/events.csv"],
        "--as-of",
        "2026-01-01",
        "--lead-key",
        "id",
        "--event-column",
        "type",
        "--time-column",
        "ts",
    ]
    for command in (["diff", B2B, V2], ["evaluate", B2B, "--capacity", "1", "--outcomes"]):
        extra = [paths[OUTCOMES[1]]] if command[0] == "evaluate" else []
        expected = [*command, *([OUTCOMES[1]] if extra else []), *DATA_ARGS]
        got = [*command, *extra, *renamed]
        assert (
            invoke(*got, "--format", "json").stdout == invoke(*expected, "--format", "json").stdout
        )
