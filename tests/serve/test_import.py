"""`leadrules import`: the files into the store, idempotently, then rescored to the batch
scores of the same files."""

from __future__ import annotations

from click.testing import CliRunner
from serve.batch import events_by_id
from serve.harness import ROOT

import leadrules
from leadrules.cli import main
from leadrules.engine import run
from leadrules.store import open_store

B2B = ROOT / "examples" / "b2b_saas.lrules"
DATA = ROOT / "examples" / "data" / "b2b_saas"


def test_import_is_idempotent_and_gives_the_batch_scores(db_url, tmp_path):
    args = [
        "import",
        str(B2B),
        "--db",
        db_url,
        "--leads",
        str(DATA / "leads.csv"),
        "--events",
        str(DATA / "events.csv"),
    ]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    assert "33 new events" in r.output
    stored = events_by_id(db_url)
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0 and "0 new events (33 already stored" in r.output
    assert events_by_id(db_url) == stored
    store = open_store(db_url)
    with store.transaction() as tx:
        leads = {x["lead_id"]: x for x in tx.leads_page(None, None, 1000)}
    store.close()
    model = leadrules.load(str(B2B))
    files = (str(DATA / "leads.csv"), str(DATA / "events.csv"))
    in_file = {r.lead_id for r in run(model, *files, leads["1"]["as_of"], "python")}
    assert in_file < set(leads)  # plus a lead known only by its events
    assert all(lead["score"] is not None for lead in leads.values())  # lead 10: no values
    for lead_id in in_file:
        lead = leads[lead_id]
        got = {x.lead_id: x for x in run(model, *files, lead["as_of"], "python")}[lead_id]
        assert (lead["score"], lead["tier"], lead["groups"]) == (
            got.score,
            got.tier,
            dict(got.groups),
        )


def test_import_reports_bad_rows_like_score(tmp_path):
    bad = tmp_path / "events.csv"
    bad.write_text("lead_id,event,occurred_at,url,form\n1,page_view,not-a-time,/x,\n")
    r = CliRunner().invoke(
        main,
        [
            "import",
            str(B2B),
            "--db",
            f"sqlite:///{tmp_path / 's.db'}",
            "--leads",
            str(DATA / "leads.csv"),
            "--events",
            str(bad),
        ],
    )
    assert r.exit_code == 1
    assert "events.csv:2" in r.output and "not-a-time" in r.output


def _import(db_url, events, *extra):
    return CliRunner().invoke(
        main,
        [
            "import",
            str(B2B),
            "--db",
            db_url,
            "--leads",
            str(DATA / "leads.csv"),
            "--events",
            str(events),
            *extra,
        ],
    )


def test_import_keys_events_by_an_id_column(db_url, tmp_path):
    """`--id-column`: an event is stored once by its id, the same key as `id` in the API (two
    rows of one id are one event; two identical rows of two ids are two)."""
    events = tmp_path / "events.csv"
    events.write_text(
        "evt,lead_id,event,occurred_at,url,form\n"
        "a1,1,page_view,2025-12-30T10:00:00Z,/pricing,\n"
        "a1,1,page_view,2025-12-30T10:00:00Z,/pricing,\n"
        "7,1,webinar_signup,2025-12-30T11:00:00Z,,\n"
        "8,1,webinar_signup,2025-12-30T11:00:00Z,,\n"
    )
    r = _import(db_url, events, "--id-column", "evt")
    assert r.exit_code == 0, r.output
    assert "3 new events (1 already stored" in r.output
    assert sorted(e[0] for e in events_by_id(db_url)) == ["7", "8", "a1"]
    r = _import(db_url, events, "--id-column", "evt")
    assert "0 new events (4 already stored" in r.output


def test_import_id_column_missing_or_empty(tmp_path):
    events = tmp_path / "events.csv"
    events.write_text("evt,lead_id,event,occurred_at,url,form\n,1,webinar_signup,2025-12-30,,\n")
    r = _import(f"sqlite:///{tmp_path / 's.db'}", events, "--id-column", "evt")
    assert r.exit_code == 1
    assert "events.csv:2" in r.output and "missing event id in column `evt`" in r.output
    r = _import(f"sqlite:///{tmp_path / 't.db'}", events, "--id-column", "event_id")
    assert r.exit_code == 1
    assert "no column `event_id`, needed by the event id" in r.output
