"""`/metrics` counts the delivery worker's attempts by sink and outcome (`sent`, `failed`,
`dead_lettered`, `superseded`), in the Prometheus text format, with a real `serve` process, a
receiver that fails its first attempts and one that is down for good."""

from __future__ import annotations

import time

from fakes.hubspot_crm import FakeHubSpot
from fakes.receiver import Receiver
from serve.harness import ROOT, ServeProcess

RULES = ROOT / "examples" / "b2b_saas.lrules"
SECRET = "whsec-metrics"
TOKEN = "hs-metrics-token"
MAYA = {"company_size": 120, "role": "CTO", "industry": "SaaS", "country": "IL"}


def metric(text: str, sink: str, outcome: str) -> int:
    line = f'leadrules_delivery_attempts_total{{sink="{sink}",outcome="{outcome}"}} '
    (value,) = [x[len(line) :] for x in text.splitlines() if x.startswith(line)]
    return int(value)


def until(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def server(tmp_path, receiver_url: str, hubspot_url: str, attempts: int) -> ServeProcess:
    rules = tmp_path / "rules.lrules"
    text = open(RULES, encoding="utf-8").read().split("test ")[0]
    rules.write_text(text + f'\non enter SQL:\n  webhook "{receiver_url}"\n')
    config = tmp_path / "serve.toml"
    config.write_text(
        f'[sinks.hubspot]\nbase_url = "{hubspot_url}"\nid_attribute = "email"\n'
        f"[delivery]\nmax_attempts = {attempts}\nbackoff_base = 0.1\nbackoff_max = 0.2\n"
    )
    env = {"HUBSPOT_TOKEN": TOKEN, "LEADRULES_WEBHOOK_SECRET": SECRET}
    db = f"sqlite:///{tmp_path / 'store.db'}"
    return ServeProcess(rules, db, "--config", str(config), env=env)


def into_sql(s: ServeProcess, lead: str) -> None:
    with s.client() as c:
        r = c.put(f"/v1/leads/{lead}", json={"attributes": {**MAYA, "email": f"{lead}@x.io"}})
        assert r.status_code == 200, r.text
        r = c.post(
            "/v1/events",
            json={"lead_id": lead, "event": "form_submit", "properties": {"form": "quote"}},
        )
        assert r.json()["leads"][0]["tier"] == "SQL"


def test_delivery_outcomes_by_sink(tmp_path):
    with FakeHubSpot(token=TOKEN) as hubspot, Receiver(SECRET, fail_first=2) as receiver:
        s = server(tmp_path, receiver.url, hubspot.url, attempts=3).start()
        try:
            text = s.client(None).get("/metrics").text
            assert "# TYPE leadrules_delivery_attempts_total counter" in text
            assert metric(text, "hubspot", "sent") == 0  # every configured sink, from 0
            assert metric(text, "hubspot", "dead_lettered") == 0
            into_sql(s, "42")
            until(lambda: receiver.deliveries and hubspot.contacts.get("42@x.io"))

            def settled():
                t = s.client(None).get("/metrics").text
                return metric(t, "webhook", "sent") == 1 and metric(t, "hubspot", "sent") >= 1

            until(settled)
            text = s.client(None).get("/metrics").text
            assert metric(text, "webhook", "failed") == 2  # two 5xx, then sent
            assert metric(text, "webhook", "dead_lettered") == 0
            # a receiver down for good: failed, failed, then dead-lettered (3 attempts)
            receiver.down = True
            into_sql(s, "43")

            def dead():
                return metric(s.client(None).get("/metrics").text, "webhook", "dead_lettered")

            until(dead)
            text = s.client(None).get("/metrics").text
            assert metric(text, "webhook", "failed") == 4
            assert metric(text, "webhook", "sent") == 1
            assert 'leadrules_deliveries{sink="webhook",outcome="dead"} 1' in text.splitlines()
        finally:
            assert s.stop() == 0
