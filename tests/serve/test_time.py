"""Changes caused by time alone land within one second of their exact instant, with no event
arriving: the scheduler in-process with an injectable clock, and a real server on the real
clock."""

from __future__ import annotations

import datetime as dt
import threading
import time

from serve.harness import ROOT

import leadrules
from leadrules.serve.scheduler import run_scheduler
from leadrules.serve.service import Service, iso
from leadrules.store import open_store

WINDOW = ROOT / "tests" / "serve" / "data" / "window.lrules"
UTC = dt.timezone.utc


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def service(tmp_path, clock) -> Service:
    from leadrules.check import check

    result = check(str(WINDOW))
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    return Service(store, result.model, result.sources, clock=clock)


def test_next_change_is_stored_and_due_leads_rescore_with_cause_time(tmp_path):
    start = dt.datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    clock = Clock(start)
    s = service(tmp_path, clock)
    out = s.ingest(
        [
            {"lead_id": "a", "event": "visit", "occurred_at": "2026-03-01T11:30:00Z"},
            {"lead_id": "b", "event": "visit", "occurred_at": "2026-03-01T11:50:00Z"},
        ]
    )
    assert [x["tier"] for x in out["leads"]] == ["hot", "hot"]
    s.put_attributes("b", {"signup": "2026-02-28T18:00:00Z"})
    lead = s.lead("a")
    # the visit leaves the 1h window just after 12:30:00
    assert lead["next_change"] == "2026-03-01T12:30:00.000Z"
    assert s.lead("b")["next_change"] == "2026-03-01T12:50:00.000Z"
    clock.now = start + dt.timedelta(minutes=30)  # exactly the edge: still inside
    assert s.rescore_due() == 0
    clock.now = start + dt.timedelta(minutes=30, milliseconds=1)
    assert s.rescore_due() == 1
    assert (s.lead("a")["score"], s.lead("a")["tier"]) == (1, "cold")
    assert s.history("a")[-1]["cause"] == "time"
    assert s.history("a")[-1]["at"] == "2026-03-01T12:30:00.001Z"
    assert s.lead("a")["next_change"] is None
    # `days_since(signup) >= 1` becomes true at 18:00 the next day; first the window passes
    clock.now = dt.datetime(2026, 3, 1, 18, 0, 0, 1000, tzinfo=UTC)
    assert s.rescore_due() == 1
    assert s.lead("b")["score"] == 6 and s.lead("b")["next_change"] == "2026-03-02T18:00:00.000Z"


def test_the_scheduler_thread_rescores_due_leads(tmp_path):
    clock = Clock(dt.datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    s = service(tmp_path, clock)
    s.ingest([{"lead_id": "a", "event": "visit", "occurred_at": "2026-03-01T11:00:00.5Z"}])
    stop = threading.Event()
    t = threading.Thread(target=run_scheduler, args=(s, stop, 0.02), daemon=True)
    t.start()
    try:
        time.sleep(0.1)
        assert s.lead("a")["tier"] == "hot"
        clock.now = dt.datetime(2026, 3, 1, 12, 0, 1, tzinfo=UTC)
        deadline = time.monotonic() + 2
        while s.lead("a")["tier"] != "cold" and time.monotonic() < deadline:
            time.sleep(0.01)
        assert s.lead("a")["tier"] == "cold"
    finally:
        stop.set()
        s.wake.set()
        t.join(2)


def test_a_window_passing_changes_the_tier_within_a_second_on_the_real_clock(
    serve_factory, tmp_path
):
    server = serve_factory(WINDOW, f"sqlite:///{tmp_path / 's.db'}").start()
    c = server.client()
    now = dt.datetime.now(UTC)
    occurred = now - dt.timedelta(hours=1) + dt.timedelta(seconds=2)
    r = c.post(
        "/v1/events",
        json={"lead_id": "x", "event": "visit", "occurred_at": occurred.isoformat()},
    )
    assert r.json()["leads"][0]["tier"] == "hot"
    exact = occurred + dt.timedelta(hours=1)  # the last instant the visit is inside the window
    while dt.datetime.now(UTC) < exact + dt.timedelta(seconds=2):
        if c.get("/v1/leads/x").json()["tier"] == "cold":
            break
        time.sleep(0.02)
    seen = dt.datetime.now(UTC)
    lead = c.get("/v1/leads/x").json()
    assert lead["tier"] == "cold" and lead["score"] == 1
    last = c.get("/v1/leads/x/history").json()[-1]
    assert last["cause"] == "time" and last["tier"] == "cold"
    changed = dt.datetime.fromisoformat(last["at"].replace("Z", "+00:00"))
    assert exact < changed <= exact + dt.timedelta(seconds=1), (iso(exact), last["at"])
    assert seen <= exact + dt.timedelta(seconds=1.5)
    leadrules.load(str(WINDOW))  # the model the server ran is valid as a file too
