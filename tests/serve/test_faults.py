"""Durability and concurrency: a bounded load generator against real server processes.

- SIGKILL at random moments, restarted on the same store, several times: every event answered
  `accepted` is stored exactly once, duplicates change nothing, the final scores equal the batch
  scores and no transition is recorded twice.
- Two `serve` processes on one PostgreSQL database, fed interleaved events for the same leads:
  no update is lost, the final scores equal the batch scores.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter

import httpx
import pytest
from conftest import need
from serve.batch import batch_scores, events_by_id
from serve.harness import ROOT, TOKEN, pg_url

from leadrules.store import open_store

B2B = ROOT / "examples" / "b2b_saas.lrules"
KINDS = ["page_view", "email_open", "email_click", "webinar_signup", "unsubscribe", "form_submit"]
LEADS = [str(i) for i in range(1, 9)]


def make_event(rng: random.Random, n: int) -> dict:
    kind = rng.choice(KINDS)
    props = {"url": rng.choice(["/pricing", "/blog", "/services"])} if kind == "page_view" else {}
    if kind == "form_submit":
        props = {"form": rng.choice(["contact", "quote", "other"])}
    return {"id": f"e{n}", "lead_id": rng.choice(LEADS), "event": kind, "properties": props}


class Load:
    """Threads posting small batches of fresh events (and replays of earlier ids) to whatever
    URL `target` holds, recording which ids were answered `accepted` or `duplicate`."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.next_id = 0
        self.accepted: Counter = Counter()
        self.answered: set[str] = set()
        self.sent: list[dict] = []
        self.target: str | None = None

    def batch(self) -> list[dict]:
        with self.lock:
            out = []
            for _ in range(self.rng.randint(1, 4)):
                if self.sent and self.rng.random() < 0.15:
                    out.append(self.rng.choice(self.sent))  # a duplicate delivery
                else:
                    self.next_id += 1
                    out.append(make_event(self.rng, self.next_id))
                    self.sent.append(out[-1])
            return out

    def run(self, stop: threading.Event) -> None:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(headers=headers, timeout=5) as client:
            while not stop.is_set():
                url = self.target
                if url is None:
                    time.sleep(0.01)
                    continue
                items = self.batch()
                try:
                    r = client.post(f"{url}/v1/events", json=items)
                except httpx.HTTPError:
                    continue
                if r.status_code != 200:
                    continue
                with self.lock:
                    for item, res in zip(items, r.json()["results"], strict=True):
                        assert res["id"] == item["id"]
                        self.answered.add(item["id"])
                        if res["status"] == "accepted":
                            self.accepted[item["id"]] += 1


def check_history(db_url: str) -> None:
    """Each lead's history is one chain: every row's previous tier is the tier before it, so
    no transition is recorded twice (a replay would break the chain)."""
    store = open_store(db_url)
    try:
        with store.transaction() as tx:
            ids = tx.lead_ids_after(None, 10**6)
            for lead_id in ids:
                tier = None
                seen = set()
                for h in tx.history(lead_id):
                    assert h["previous_tier"] == tier, (lead_id, h)
                    assert h["transition"] == (h["tier"] != tier)
                    key = (h["at"], h["score"], h["tier"])
                    assert key not in seen
                    seen.add(key)
                    tier = h["tier"]
    finally:
        store.close()


def final_checks(server, db_url, load: Load, tmp_path) -> None:
    stored = Counter(e[0] for e in events_by_id(db_url))
    assert all(n == 1 for n in stored.values())
    missing = [i for i in load.accepted if i not in stored]
    assert not missing, missing[:5]
    assert all(n == 1 for n in load.accepted.values()), "an id was accepted twice"
    # replaying answered events changes nothing
    c = server.client()
    replay = [e for e in load.sent if e["id"] in load.answered][:50]
    if replay:
        r = c.post("/v1/events", json=replay)
        assert {x["status"] for x in r.json()["results"]} == {"duplicate"}
    assert Counter(e[0] for e in events_by_id(db_url)) == stored
    for lead_id in LEADS:
        r = c.get(f"/v1/leads/{lead_id}")
        if r.status_code == 404:
            continue
        state = r.json()
        want = batch_scores(B2B, db_url, state["as_of"], tmp_path)[lead_id]
        assert want == (state["score"], state["tier"], state["groups"])
    check_history(db_url)


def test_sigkill_at_random_moments_loses_and_doubles_nothing(serve_factory, db_url, tmp_path):
    rng = random.Random(7)
    load = Load(seed=11)
    stop = threading.Event()
    threads = [threading.Thread(target=load.run, args=(stop,), daemon=True) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for _ in range(3):
            server = serve_factory(B2B, db_url).start()
            load.target = server.url
            time.sleep(rng.uniform(0.4, 1.5))
            server.kill()  # SIGKILL, mid-flight
            load.target = None
    finally:
        stop.set()
        for t in threads:
            t.join(10)
    assert len(load.accepted) > 20, "the load generator did not get through"
    server = serve_factory(B2B, db_url).start()
    final_checks(server, db_url, load, tmp_path)
    assert server.stop() == 0


@pytest.mark.postgres
def test_two_processes_on_one_postgres_database(serve_factory, pg_server, tmp_path):
    need(not isinstance(pg_server, Exception), f"PostgreSQL server: {pg_server}")
    import psycopg

    with psycopg.connect(pg_server.conninfo, autocommit=True) as conn:
        db_url = pg_url(pg_server, conn)
    a = serve_factory(B2B, db_url).start()
    b = serve_factory(B2B, db_url).start()
    load = Load(seed=5)
    stop = threading.Event()
    threads = []
    for i in range(4):
        worker = Load(seed=100 + i)
        worker.next_id = 100000 * (i + 1)  # each thread its own ids
        worker.target = (a if i % 2 else b).url
        threads.append((worker, threading.Thread(target=worker.run, args=(stop,), daemon=True)))
    for _, t in threads:
        t.start()
    time.sleep(3)
    stop.set()
    for w, t in threads:
        t.join(10)
        load.accepted.update(w.accepted)
        load.answered |= w.answered
        load.sent += w.sent
    assert len(load.accepted) > 40
    final_checks(a, db_url, load, tmp_path)
    for lead_id in LEADS:  # both processes serve the same state
        ra, rb = a.client().get(f"/v1/leads/{lead_id}"), b.client().get(f"/v1/leads/{lead_id}")
        assert ra.status_code == rb.status_code
        if ra.status_code == 200:
            assert ra.json() == rb.json()
