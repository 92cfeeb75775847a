"""Small pieces of the delivery layer: the config, back-off, the rate limiter, the state's
canonical text, coalescing."""

from __future__ import annotations

import json
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadrules.sinks.config import ConfigError, load_config, parse_config
from leadrules.sinks.http import RateLimiter, backoff
from leadrules.sinks.hubspot import coalesce
from leadrules.sinks.state import groups_text
from leadrules.sinks.updates import Update


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=8), st.integers(-(10**6), 10**6), max_size=5))
def test_groups_text_is_canonical_json(groups):
    assert groups_text(groups) == json.dumps(groups, sort_keys=True, separators=(",", ":"))
    assert json.loads(groups_text(groups)) == groups


def test_backoff_doubles_with_jitter_within_the_cap():
    for attempt in range(1, 12):
        ceiling = min(600.0, 2 ** (attempt - 1))
        waits = [backoff(attempt) for _ in range(50)]
        assert all(ceiling / 2 <= w <= ceiling for w in waits)
        if attempt > 1:
            assert len(set(waits)) > 1  # jitter
    assert backoff(3, rng=lambda: 0.0) == 2.0 and backoff(3, rng=lambda: 1.0) == 4.0


def test_the_limiter_holds_a_slot_until_window_after_the_answer():
    now = [0.0]
    limiter = RateLimiter(2, 10.0, clock=lambda: now[0])
    assert limiter.acquire() and limiter.acquire()
    now[0] = 3.0
    limiter.release()  # answered at 3.0: its slot frees at 13.0
    stop = threading.Event()
    stop.set()
    assert not limiter.acquire(stop)  # one in flight, one answered 0 s ago: full
    now[0] = 12.9
    assert not limiter.acquire(stop)
    now[0] = 13.0
    assert limiter.acquire(stop)


def test_coalesce_merges_properties_latest_wins():
    a1 = Update("hubspot", "1", "a", {"properties": {"s": "1", "x": "keep"}}, "k1")
    b = Update("hubspot", "2", "b", {"properties": {"s": "5"}}, "k2")
    a2 = Update("hubspot", "1", "a", {"properties": {"s": "9"}}, "k3")
    merged, carrier = coalesce([a1, b, a2])
    assert [m.data["properties"] for m in merged] == [{"s": "9", "x": "keep"}, {"s": "5"}]
    assert carrier == [0, 1, 0]


def test_config_errors_name_the_table_and_key(tmp_path):
    with pytest.raises(ConfigError, match=r"unknown key `tokn_env` in \[sinks.hubspot\]"):
        parse_config({"sinks": {"hubspot": {"tokn_env": "X"}}}, "c.toml")
    with pytest.raises(ConfigError, match=r"requests_per_10s must be a positive number"):
        parse_config({"sinks": {"hubspot": {"requests_per_10s": 0}}}, "c.toml")
    with pytest.raises(ConfigError, match="max_attempts must be a positive number"):
        parse_config({"delivery": {"max_attempts": "8"}}, "c.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[sinks.hubspot\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(str(bad))
    cfg = parse_config({"sinks": {"hubspot": {"base_url": "http://h/"}}, "actions": {}})
    assert cfg.hubspot.base_url == "http://h" and cfg.crm == "hubspot"
