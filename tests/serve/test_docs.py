"""docs/serve.md and the README show what the server does: their request bodies are sent to a
real server and the documented answers compared; the config example is a valid config."""

from __future__ import annotations

import json
import re

from serve.harness import ROOT

from leadrules.serve.config import load_config

DOC = (ROOT / "docs" / "serve.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
BODY = re.compile(r"-d '(.*?)'", re.S)


def answer_after(text: str, body: str) -> dict:
    """The JSON printed after a curl command in a console block."""
    rest = text[text.index(body) + len(body) :]
    start = rest.index("\n{")
    return json.loads(rest[start : rest.index("```", start)].replace(", ...", ""))


def test_the_documented_requests_get_the_documented_answers(shared):
    server, _db = shared
    c = server.client()
    events, put = BODY.findall(DOC)[:2]
    r = c.post("/v1/events", content=events)
    want = answer_after(DOC, events)
    assert r.json()["results"] == want["results"]
    got = r.json()["leads"][0]
    for key in ("lead_id", "score", "tier", "previous_tier", "groups"):
        assert got[key] == want["leads"][0][key], key
    assert c.put("/v1/leads/42", content=put).status_code == 200
    (readme,) = BODY.findall(README)
    r = c.post("/v1/events", content=readme)
    want = answer_after(README, readme)
    assert r.json()["results"] == want["results"]
    assert {k: r.json()["leads"][0][k] for k in ("score", "tier", "previous_tier")} == {
        k: want["leads"][0][k] for k in ("score", "tier", "previous_tier")
    }


def test_the_documented_config_is_valid(tmp_path):
    (toml,) = re.findall(r"```toml\n(.*?)```", DOC, re.S)
    path = tmp_path / "serve.toml"
    path.write_text(toml)
    config = load_config(str(path), {"LEADRULES_TOKENS": "x", "HUBSPOT_CLIENT_SECRET": "s"})
    assert config.tokens == ("x",) and config.max_batch == 5000
    assert config.sinks["hubspot"]["id_property"] == "email"
    assert config.hubspot_client_secret == "s"
