"""SERVE.md, endpoint by endpoint, against a real `leadrules serve` process on each backend."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import signal
import subprocess
import sys
import time

import pytest
from serve.batch import batch_scores, events_by_id
from serve.harness import ROOT

B2B = ROOT / "examples" / "b2b_saas.lrules"
PROBLEM = "application/problem+json"


def ev(lead, event, at=None, eid=None, **props):
    out = {"lead_id": lead, "event": event}
    if eid is not None:
        out["id"] = eid
    if at is not None:
        out["occurred_at"] = at
    if props:
        out["properties"] = props
    return out


def is_problem(r, status):
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body = r.json()
    assert body["status"] == status and body["detail"] and body["title"]
    return body


def stored_for(db_url, *leads):
    return [e for e in events_by_id(db_url) if e[1] in leads]


def test_ingest_statuses_and_the_new_state(shared, tmp_path):
    server, db_url = shared
    c = server.client()
    assert "listening on http://127.0.0.1:" in "".join(server.stderr)
    r = c.post(
        "/v1/events",
        json=[
            ev("42", "page_view", "2026-11-30T10:00:00+02:00", "evt-81", url="/pricing"),
            ev("42", "webinar_signup", eid="evt-82"),
            ev("42", "coffee_break", eid="evt-83"),
        ],
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert [x["status"] for x in body["results"]] == ["accepted", "accepted", "ignored"]
    assert [x["index"] for x in body["results"]] == [0, 1, 2]
    assert "coffee_break" in body["results"][2]["reason"]
    (lead,) = body["leads"]
    assert lead["lead_id"] == "42" and lead["previous_tier"] is None
    assert lead["groups"] == {"fit": 0, "engagement": 40} and lead["score"] == 40
    assert lead["tier"] == "warm" and lead["as_of"].endswith("Z")
    # a single object; a duplicate id changes nothing
    r = c.post("/v1/events", json=ev("42", "page_view", eid="evt-81", url="/pricing"))
    assert r.json()["results"] == [{"index": 0, "id": "evt-81", "status": "duplicate"}]
    assert r.json()["leads"] == []
    assert len(stored_for(db_url, "42")) == 2
    got = c.get("/v1/leads/42").json()
    assert got["score"] == 40 and got["tier"] == "warm" and got["groups"]["engagement"] == 40
    assert got["model"]["name"] == "B2B SaaS" and got["model"]["hash"]
    # exact: the batch score over the stored data at the reported instant
    assert batch_scores(B2B, db_url, got["as_of"], tmp_path)["42"] == (40, "warm", got["groups"])


def test_a_bad_batch_stores_nothing_and_lists_every_bad_item(shared):
    server, db_url = shared
    c = server.client()
    r = c.post(
        "/v1/events",
        json=[
            ev("bad-1", "page_view", eid="ok-1", url="/a"),
            {"event": "page_view"},
            ev("bad-2", "page_view", "yesterday-ish"),
            ev("bad-3", "form_submit", form=True),
            {"lead_id": "bad-4", "event": "page_view", "colour": "red"},
            "not an object",
        ],
    )
    body = is_problem(r, 422)
    bad = {(e["index"], e["field"]) for e in body["errors"]}
    assert bad == {
        (1, "lead_id"),
        (2, "occurred_at"),
        (3, "properties.form"),
        (4, "colour"),
        (5, ""),
    }
    assert stored_for(db_url, "bad-1", "bad-2", "bad-3", "bad-4") == []
    is_problem(c.get("/v1/leads/bad-1"), 404)
    # a number given for a text property is typed as the file readers type it (text "12")
    r = c.post("/v1/events", json=ev("bad-3", "form_submit", form=12))
    assert r.json()["results"][0]["status"] == "accepted"


def test_malformed_json_huge_bodies_and_wrong_tokens(shared):
    server, db_url = shared
    c = server.client()
    is_problem(c.post("/v1/events", content=b'{"lead_id": "1",'), 400)
    huge = json.dumps([ev(f"huge-{i}", "page_view", url="/x" * 50) for i in range(50000)])
    assert len(huge) > 4 * 1024 * 1024
    is_problem(c.post("/v1/events", content=huge), 413)
    body = is_problem(server.client("wrong").get("/v1/leads/1"), 401)
    assert "Bearer" in body["detail"]
    is_problem(server.client(None).post("/v1/events", json=ev("huge-1", "page_view")), 401)
    assert server.client(None).get("/healthz").status_code == 200
    assert [e for e in events_by_id(db_url) if e[1].startswith("huge-")] == []
    is_problem(c.get("/v1/nothing-here"), 404)


def test_segment_track_identify_alias_and_erasure(shared, tmp_path):
    server, db_url = shared
    c = server.client()
    r = c.post(
        "/v1/track",
        json={
            "batch": [
                {
                    "type": "track",
                    "event": "page_view",
                    "anonymousId": "anon-1",
                    "messageId": "m-1",
                    "timestamp": "2026-11-30T10:00:00Z",
                    "properties": {"url": "/pricing"},
                },
                {"type": "track", "event": "ebook_download", "userId": "u-1", "messageId": "m-2"},
            ]
        },
    )
    assert [x["status"] for x in r.json()["results"]] == ["accepted", "accepted"]
    assert c.get("/v1/leads/anon-1").json()["score"] == 15
    # identify with both ids merges the anonymous lead into the identified one
    r = c.post(
        "/v1/identify",
        json={
            "userId": "u-1",
            "anonymousId": "anon-1",
            "traits": {"role": "CTO", "company_size": 120, "favourite_colour": "red"},
        },
    )
    assert r.status_code == 200, r.text
    lead = r.json()
    assert lead["lead_id"] == "u-1" and lead["groups"] == {"fit": 45, "engagement": 35}
    history = c.get("/v1/leads/u-1/history").json()
    assert any("merged lead anon-1" in h.get("note", "") for h in history)
    # merging again changes nothing; the anonymous id now names the identified lead
    c.post("/v1/alias", json={"previousId": "anon-1", "userId": "u-1"})
    assert len(c.get("/v1/leads/u-1/history").json()) == len(history)
    c.post(
        "/v1/track",
        json={
            "event": "page_view",
            "anonymousId": "anon-1",
            "messageId": "m-3",
            "properties": {"url": "/blog"},
        },
    )
    assert c.get("/v1/leads/u-1").json()["groups"]["engagement"] == 40
    assert (
        batch_scores(B2B, db_url, c.get("/v1/leads/u-1").json()["as_of"], tmp_path)["u-1"][0] == 85
    )
    # erasure: attributes, events, history; a later event starts a new lead
    assert c.delete("/v1/leads/u-1").status_code == 204
    is_problem(c.get("/v1/leads/u-1"), 404)
    is_problem(c.delete("/v1/leads/u-1"), 404)
    assert stored_for(db_url, "u-1", "anon-1") == []
    r = c.post("/v1/events", json=ev("u-1", "email_open", eid="m-1"))
    assert r.json()["results"][0]["status"] == "accepted"
    assert c.get("/v1/leads/u-1").json()["groups"] == {"fit": 0, "engagement": 5}
    assert len(c.get("/v1/leads/u-1/history").json()) == 1


def test_put_attributes_history_explain_pages_and_transitions(server, db_url, tmp_path):
    c = server.client()
    r = c.put("/v1/leads/7", json={"attributes": {"company_size": "120", "role": "CTO"}})
    assert r.status_code == 200
    assert r.json()["groups"]["fit"] == 45 and r.json()["score"] == 30  # no_activity 60d: -15
    r = c.put("/v1/leads/7", json={"attributes": {"role": None, "country": "IL"}})
    assert r.json()["groups"]["fit"] == 30
    body = is_problem(c.put("/v1/leads/7", json={"attributes": {"company_size": "big"}}), 422)
    assert body["errors"][0]["field"] == "attributes.company_size"
    body = is_problem(c.put("/v1/leads/7", json={"attributes": {"shoe_size": 44}}), 422)
    assert body["errors"][0]["field"] == "attributes.shoe_size"
    c.post("/v1/events", json=[ev("7", "webinar_signup"), ev("7", "form_submit", form="quote")])
    history = c.get("/v1/leads/7/history").json()
    assert [h["cause"] for h in history] == ["attributes", "attributes", "event"]
    assert [h["tier"] for h in history] == ["cold", "cold", "SQL"]
    assert [h["transition"] for h in history] == [True, False, True]
    # explain: the shape of `leadrules explain --format json`
    explained = c.get("/v1/leads/7/explain").json()
    leads, events = (tmp_path / "leads.jsonl"), (tmp_path / "events.jsonl")
    from serve.batch import export

    import leadrules

    export(leadrules.load(str(B2B)), db_url, tmp_path)
    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "leadrules.cli",
            "explain",
            str(B2B),
            "--leads",
            str(leads),
            "--events",
            str(events),
            "--properties-column",
            "properties",
            "--lead",
            "7",
            "--as-of",
            explained["as_of"],
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=server.env,
        check=True,
    )
    assert json.loads(cli.stdout) == explained
    # pages by tier with a cursor
    for i in range(5):
        c.put(f"/v1/leads/p{i}", json={"attributes": {"role": "CTO"}})
    first = c.get("/v1/leads", params={"tier": "cold", "limit": 3}).json()
    assert len(first["leads"]) == 3 and first["next_cursor"]
    rest = c.get("/v1/leads", params={"tier": "cold", "cursor": first["next_cursor"]}).json()
    ids = [x["lead_id"] for x in first["leads"] + rest["leads"]]
    assert ids == sorted(ids) and set(ids) == {f"p{i}" for i in range(5)}
    assert rest["next_cursor"] is None
    is_problem(c.get("/v1/leads", params={"tier": "lukewarm"}), 422)
    # transitions since an instant, oldest first
    all_t = c.get("/v1/transitions").json()["transitions"]
    assert [(t["lead_id"], t["previous_tier"], t["tier"]) for t in all_t[:3]] == [
        ("7", None, "cold"),
        ("7", "cold", "SQL"),
        ("p0", None, "cold"),
    ]
    since = all_t[1]["at"]
    later = c.get("/v1/transitions", params={"since": since}).json()["transitions"]
    assert all(t["at"] > since for t in later) and len(later) == 5
    is_problem(c.get("/v1/transitions", params={"since": "last tuesday"}), 422)


def test_metrics(server):
    c = server.client()
    c.post("/v1/events", json=[ev("1", "page_view", eid="a"), ev("1", "nope")])
    c.post("/v1/events", json=ev("1", "page_view", eid="a"))
    c.post("/v1/events", json=[{"event": "page_view"}])
    text = server.client(None).get("/metrics").text
    for line in (
        'leadrules_events_total{status="accepted"} 1',
        'leadrules_events_total{status="duplicate"} 1',
        'leadrules_events_total{status="ignored"} 1',
        'leadrules_events_total{status="rejected"} 1',
        "leadrules_outbox_depth 0",
        'leadrules_leads{tier="cold"} 1',
    ):
        assert line in text.splitlines()
    assert "leadrules_scoring_seconds_count 1" in text


def hubspot_request(c, secret, body, stamp=None, tamper=False):
    stamp = str(int(time.time() * 1000) if stamp is None else stamp)
    raw = json.dumps(body)
    uri = f"{c.base_url}/v1/hubspot/webhook".replace("//v1", "/v1")
    message = f"POST{uri}{raw}{stamp}".encode()
    sig = base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()
    if tamper:
        sig = sig[:-2] + ("A=" if sig[-2] != "A" else "B=")
    headers = {
        "X-HubSpot-Signature-v3": sig,
        "X-HubSpot-Request-Timestamp": stamp,
        "Content-Type": "application/json",
    }
    return c.post("/v1/hubspot/webhook", content=raw, headers=headers)


def test_hubspot_webhook_signature_and_mapping(serve_factory, db_url):
    server = serve_factory(B2B, db_url, env={"HUBSPOT_CLIENT_SECRET": "s3cret"}).start()
    c = server.client(None)
    body = [
        {"subscriptionType": "contact.creation", "objectId": 901},
        {
            "subscriptionType": "contact.propertyChange",
            "objectId": 901,
            "propertyName": "role",
            "propertyValue": "CTO",
        },
        {
            "subscriptionType": "contact.propertyChange",
            "objectId": 901,
            "propertyName": "hs_lead_status",
            "propertyValue": "NEW",
        },
    ]
    is_problem(hubspot_request(c, "s3cret", body, tamper=True), 401)
    is_problem(hubspot_request(c, "wrong", body), 401)
    is_problem(hubspot_request(c, "s3cret", body, stamp=int(time.time() * 1000) - 6 * 60000), 401)
    assert events_by_id(db_url) == []
    is_problem(server.client().get("/v1/leads/901"), 404)
    r = hubspot_request(c, "s3cret", body)
    assert r.status_code == 200, r.text
    assert server.client().get("/v1/leads/901").json()["groups"]["fit"] == 25


def test_model_reload_by_post_and_sighup(serve_factory, db_url, tmp_path):
    rules = tmp_path / "rules.lrules"
    text = B2B.read_text()
    rules.write_text(text)
    server = serve_factory(rules, db_url).start()
    c = server.client()
    c.post("/v1/events", json=[ev("1", "ebook_download"), ev("1", "webinar_signup")])
    before = c.get("/v1/leads/1").json()
    assert before["tier"] == "warm"
    body = is_problem(c.post("/v1/model", content='model "x"\nfit:\n  nope > 3: +1\n'), 422)
    assert body["errors"] and body["errors"][0]["detail"].startswith("LR")
    assert c.get("/v1/leads/1").json() == before
    r = c.post("/v1/model", content=text.replace("webinar_signup: +25", "webinar_signup: +45"))
    assert r.status_code == 200 and r.json()["model"]["hash"] != before["model"]["hash"]
    deadline = time.monotonic() + 10
    while c.get("/v1/leads/1").json()["score"] != 65 and time.monotonic() < deadline:
        time.sleep(0.05)
    after = c.get("/v1/leads/1").json()
    assert (after["score"], after["tier"]) == (65, "MQL")
    assert c.get("/v1/leads/1/history").json()[-1]["cause"] == "model"
    # SIGHUP re-reads the file
    rules.write_text(text.replace("webinar_signup: +25", "webinar_signup: +5"))
    server.signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while c.get("/v1/leads/1").json()["score"] != 25 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert c.get("/v1/leads/1").json()["tier"] == "cold"
    # a file with errors is refused on SIGHUP too, with its diagnostics; the model keeps serving
    served = c.get("/v1/leads/1").json()
    rules.write_text(text.replace("webinar_signup: +25", "webinar_signup: +"))
    server.signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while not any("reload refused" in line for line in server.stderr):
        assert time.monotonic() < deadline, "".join(server.stderr)
        time.sleep(0.05)
    time.sleep(0.2)
    assert any(":LR" in line or " LR" in line for line in server.stderr), "".join(server.stderr)
    assert c.get("/v1/leads/1").json()["model"] == served["model"]
    assert server.stop() == 0


def test_startup_refusals(serve_factory, tmp_path):
    db = f"sqlite:///{tmp_path / 's.db'}"
    run = [sys.executable, "-m", "leadrules.cli", "serve", str(B2B), "--db", db, "--port", "0"]
    env = {**serve_factory(B2B, db).env}
    env.pop("LEADRULES_TOKENS")
    r = subprocess.run(run, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "LEADRULES_TOKENS" in r.stderr
    r = subprocess.run(
        [*run, "--no-auth", "--host", "0.0.0.0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2 and "loopback" in r.stderr
    smoove = ROOT / "examples" / "smoove_engagement.lrules"
    r = subprocess.run(
        [sys.executable, "-m", "leadrules.cli", "serve", str(smoove), "--db", db, "--no-auth"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 1 and "no one runs `email` actions" in r.stderr


def test_no_auth_on_loopback_and_sigterm(serve_factory, tmp_path):
    server = serve_factory(B2B, f"sqlite:///{tmp_path / 's.db'}", "--no-auth").start()
    r = server.client(None).post("/v1/events", json=ev("1", "email_open"))
    assert r.status_code == 200
    assert server.stop() == 0


@pytest.mark.parametrize("path", ["/v1/leads/nobody/history", "/v1/leads/nobody/explain"])
def test_unknown_lead_reads_are_404(shared, path):
    is_problem(shared[0].client().get(path), 404)
