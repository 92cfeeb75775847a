"""The wall clock jumping: the service's instant never goes back.

- Set back (NTP stepping a fast clock back, a VM restored): the service keeps using the latest
  instant it used until the wall clock catches up. A lead's `as_of`, its history and the
  transitions feed never go back, an event without `occurred_at` is stamped with that instant,
  and time-driven changes wait for the wall clock to reach them (they are not due earlier).
- Set forward: time has passed as far as the service knows: due leads are rescored at once
  (cause `time`), windows close; a later correction back does not reopen them.
- A restart after the clock was set back starts from the latest transition recorded.

Each served score equals the reference interpreter's over the stored data at the `as_of` the
service reports (the exactness guarantee holds through the jumps).
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from serve.harness import ROOT

from leadrules.check import check
from leadrules.engine.python import Scorer
from leadrules.serve.scheduler import run_scheduler
from leadrules.serve.service import Service
from leadrules.store import open_store

WINDOW = ROOT / "tests" / "serve" / "data" / "window.lrules"
UTC = dt.timezone.utc
T = dt.datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def service(path, clock) -> Service:
    result = check(str(WINDOW))
    return Service(open_store(f"sqlite:///{path}"), result.model, result.sources, clock=clock)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def reference(s: Service, lead_id: str, as_of: str) -> int:
    """The reference interpreter's score of the stored lead at `as_of`."""
    with s.store.transaction() as tx:
        lead = tx.lead(lead_id)
        stored = tx.events_of(lead_id)
    scorer = Scorer(s.model, at(as_of))
    scorer.add_leads({lead_id: s.loaded.values(lead["attributes"])})
    scorer.consume((lead_id, kind, when, props) for kind, when, props in s.loaded.events(stored))
    return scorer.results()[0].score


def history_in_order(s: Service, lead_id: str) -> list[dt.datetime]:
    times = [at(h["at"]) for h in s.history(lead_id)]
    assert times == sorted(times)
    return times


def test_a_clock_set_back_never_moves_the_service_back(tmp_path):
    clock = Clock(T)
    s = service(tmp_path / "s.db", clock)
    s.ingest([{"lead_id": "a", "event": "visit", "occurred_at": "2026-03-01T11:30:00Z"}])
    assert s.lead("a")["next_change"] == "2026-03-01T12:30:00.000Z"
    clock.now = T - dt.timedelta(hours=2)  # set back two hours
    out = s.ingest([{"lead_id": "b", "event": "visit"}, {"lead_id": "a", "event": "visit"}])
    for lead in out["leads"]:
        assert lead["as_of"] == "2026-03-01T12:00:00.000Z"  # not 10:00
        assert lead["score"] == reference(s, lead["lead_id"], lead["as_of"])
    with s.store.transaction() as tx:  # stamped with the service's instant
        assert [e[1] for e in tx.events_of("b")] == [T]
    # nothing is due before the wall clock reaches it, however long it takes
    assert s.rescore_due() == 0
    clock.now = T + dt.timedelta(minutes=10)  # the wall clock caught up and moved on
    s.ingest([{"lead_id": "b", "event": "visit"}])
    assert s.lead("b")["as_of"] == "2026-03-01T12:10:00.000Z"
    clock.now = dt.datetime(2026, 3, 1, 12, 30, 0, 1000, tzinfo=UTC)
    assert s.rescore_due() == 1  # a's 11:30 visit leaves the window, as without the jump
    lead = s.lead("a")
    assert lead["score"] == reference(s, "a", lead["as_of"]) == 52  # the 12:00 visit is in
    for name in ("a", "b"):
        history_in_order(s, name)
    feed = [at(x["at"]) for x in s.transitions(None, 100)]
    assert feed == sorted(feed)


def test_a_clock_set_forward_closes_windows_and_a_correction_does_not_reopen_them(tmp_path):
    clock = Clock(T)
    s = service(tmp_path / "s.db", clock)
    s.ingest([{"lead_id": "a", "event": "visit", "occurred_at": "2026-03-01T11:30:00Z"}])
    assert s.lead("a")["tier"] == "hot"
    clock.now = T + dt.timedelta(hours=6)  # set forward: the window has passed
    assert s.rescore_due() == 1
    lead = s.lead("a")
    assert (lead["tier"], lead["as_of"]) == ("cold", "2026-03-01T18:00:00.000Z")
    assert s.history("a")[-1]["cause"] == "time"
    clock.now = T + dt.timedelta(minutes=5)  # corrected back
    out = s.ingest([{"lead_id": "a", "event": "visit", "occurred_at": "2026-03-01T12:04:00Z"}])
    (lead,) = out["leads"]
    # scored at 18:00, the service's instant: the 12:04 visit is outside the 1h window there
    assert (lead["as_of"], lead["tier"], lead["score"]) == ("2026-03-01T18:00:00.000Z", "cold", 2)
    assert lead["score"] == reference(s, "a", lead["as_of"])
    history_in_order(s, "a")


def test_a_restart_after_the_clock_was_set_back_starts_from_the_latest_transition(tmp_path):
    clock = Clock(T)
    s = service(tmp_path / "s.db", clock)
    s.ingest([{"lead_id": "a", "event": "visit"}])  # a transition (none -> hot) at 12:00
    s.store.close()
    clock.now = T - dt.timedelta(days=1)
    again = service(tmp_path / "s.db", clock)
    assert again.now() == T
    out = again.ingest([{"lead_id": "c", "event": "visit"}])
    assert out["leads"][0]["as_of"] == "2026-03-01T12:00:00.000Z"
    feed = [at(x["at"]) for x in again.transitions(None, 100)]
    assert feed == sorted(feed)


def test_the_scheduler_fires_when_the_wall_clock_reaches_the_instant_after_a_jump_back(tmp_path):
    clock = Clock(T)
    s = service(tmp_path / "s.db", clock)
    s.ingest([{"lead_id": "a", "event": "visit", "occurred_at": "2026-03-01T11:00:00.5Z"}])
    stop = threading.Event()
    t = threading.Thread(target=run_scheduler, args=(s, stop, 0.02), daemon=True)
    t.start()
    try:
        clock.now = T - dt.timedelta(days=1)  # set back a day: the scheduler keeps polling
        time.sleep(0.2)
        assert s.lead("a")["tier"] == "hot" and t.is_alive()
        clock.now = T + dt.timedelta(seconds=1)  # the wall clock passes 12:00:00.5
        deadline = time.monotonic() + 2
        while s.lead("a")["tier"] != "cold" and time.monotonic() < deadline:
            time.sleep(0.01)
        assert s.lead("a")["tier"] == "cold"
        assert s.history("a")[-1]["at"] == "2026-03-01T12:00:01.000Z"
    finally:
        stop.set()
        s.wake.set()
        t.join(2)
