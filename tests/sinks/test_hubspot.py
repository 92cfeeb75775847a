"""The HubSpot sink against the fake CRM: batches of at most 100 keyed by the id property,
coalesced per contact, partial failures retried per input, 429s, and the rate never exceeded."""

from __future__ import annotations

import threading
import time

import pytest
from fakes.hubspot_crm import FakeHubSpot

from leadrules.sinks.config import HubSpotConfig
from leadrules.sinks.hubspot import HubSpotSink
from leadrules.sinks.updates import Update

TOKEN = "hs-test-token"


def upd(contact: str, score: int, key: str | None = None) -> Update:
    props = {"leadrules_score": str(score), "leadrules_tier": "SQL" if score > 80 else "cold"}
    return Update("hubspot", contact, contact, {"properties": props}, key or f"{contact}-{score}")


def sink(fake: FakeHubSpot, **cfg) -> HubSpotSink:
    return HubSpotSink(HubSpotConfig(base_url=fake.url, **cfg), TOKEN)


@pytest.fixture
def fake():
    with FakeHubSpot(token=TOKEN) as f:
        yield f


def test_250_updates_go_in_three_requests_keyed_by_email(fake):
    s = sink(fake)
    outcomes = s.send([upd(f"u{i}@x.io", i) for i in range(250)])
    assert all(o.ok for o in outcomes)
    assert fake.requests == 3 and fake.bad_requests == []
    assert fake.contacts["u7@x.io"] == {"leadrules_score": "7", "leadrules_tier": "cold"}
    assert len(fake.contacts) == 250


def test_updates_of_one_contact_are_coalesced_latest_wins(fake):
    s = sink(fake)
    outcomes = s.send([upd("a@x.io", 10), upd("b@x.io", 20), upd("a@x.io", 90)])
    assert [o.ok for o in outcomes] == [True, True, True]
    assert fake.requests == 1
    assert fake.updates["a@x.io"] == 1
    assert fake.contacts["a@x.io"]["leadrules_score"] == "90"


def test_a_partial_failure_fails_only_its_inputs(fake):
    fake.known = {f"u{i}@x.io" for i in range(5)} - {"u3@x.io"}
    fake.flaky = {"u1@x.io": 1}
    s = sink(fake)
    outcomes = s.send([upd(f"u{i}@x.io", i) for i in range(5)])
    assert [o.ok for o in outcomes] == [True, False, True, False, True]
    assert outcomes[1].retryable and "CONFLICT" in outcomes[1].error
    assert not outcomes[3].retryable and "OBJECT_NOT_FOUND" in outcomes[3].error
    again = s.send([upd("u1@x.io", 1)])
    assert again[0].ok and fake.updates["u1@x.io"] == 1


def test_record_ids_send_no_id_property(fake):
    s = sink(fake, id_property="hs_object_id")
    assert s.send([upd("512", 3)])[0].ok
    assert fake.contacts["512"]["leadrules_score"] == "3"


def test_a_429_is_retryable_with_the_policy_named(fake):
    """Another app of the same account used the window up: the fake answers 429."""
    fake.per_10s = 2
    other = sink(fake, batch_size=1, concurrency=1)
    assert all(o.ok for o in other.send([upd("a@x.io", 1), upd("b@x.io", 2)]))
    s = sink(fake, requests_per_10s=50)
    (outcome,) = s.send([upd("c@x.io", 3)])
    assert not outcome.ok and outcome.retryable
    assert "TEN_SECONDLY_ROLLING" in outcome.error and outcome.retry_after == 1.0
    assert fake.rejected == {"TEN_SECONDLY_ROLLING": 1}
    # the X-HubSpot-RateLimit-Max header lowered the sink's own limit to the account's
    assert s.limiter.limit == 2


def test_the_daily_policy_stops_until_the_next_day(fake):
    fake.per_day = 1
    s = sink(fake, batch_size=1, concurrency=1)
    outcomes = s.send([upd("a@x.io", 1), upd("b@x.io", 2), upd("c@x.io", 3)])
    assert [o.ok for o in outcomes] == [True, False, False]
    assert outcomes[1].retry_after > 60 and "daily" in outcomes[1].error.lower()
    assert fake.requests == 1  # the Daily-Remaining header: the third was never sent


def test_5xx_and_timeouts_are_retryable(fake):
    fake.fail_first = 1
    s = sink(fake)
    (o,) = s.send([upd("a@x.io", 1)])
    assert not o.ok and o.retryable and "503" in o.error
    fake.slow_first, fake.slow_seconds = 1, 2.0
    s = sink(fake, timeout=0.3)
    (o,) = s.send([upd("a@x.io", 1)])
    assert not o.ok and o.retryable and "Timeout" in o.error


def test_a_wrong_token_is_a_permanent_failure(fake):
    s = HubSpotSink(HubSpotConfig(base_url=fake.url), "wrong")
    (o,) = s.send([upd("a@x.io", 1)])
    assert not o.ok and not o.retryable and "401" in o.error


def test_the_rate_is_never_exceeded_across_threads():
    """Many batches from several threads at once: no rolling second ... 2 s window here."""
    with FakeHubSpot(token=TOKEN, per_10s=12, latency=0.02) as fake:
        s = sink(fake, requests_per_10s=12, concurrency=6, batch_size=1)
        s.limiter.window = 10.0
        start = time.monotonic()
        results = []

        def work(n):
            results.extend(s.send([upd(f"t{n}-{i}@x.io", i) for i in range(6)]))

        threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - start
    assert all(o.ok for o in results) and len(results) == 18
    assert fake.rejected == {}
    assert fake.window.most <= 12
    assert elapsed >= 10.0  # 18 requests at 12 per 10 s need a second window


def test_one_invalid_input_does_not_sink_its_batch(fake):
    """HubSpot answers 400 for a whole batch holding one invalid input: the sink halves the
    batch until the bad input stands alone; the 99 others are delivered."""
    fake.invalid = {"u37@x.io"}
    s = sink(fake)
    outcomes = s.send([upd(f"u{i}@x.io", i) for i in range(100)])
    assert [i for i, o in enumerate(outcomes) if not o.ok] == [37]
    assert not outcomes[37].retryable and "Property values were not valid" in outcomes[37].error
    assert len(fake.contacts) == 99
    assert fake.requests <= 1 + 2 * 7  # log2(100) levels of halving, two requests each
