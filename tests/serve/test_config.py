"""The `--config` TOML file, and the limits it sets, in-process (Starlette's test client)."""

from __future__ import annotations

import pytest
from serve.harness import ROOT
from starlette.testclient import TestClient

from leadrules.check import check
from leadrules.serve.app import Api, build_app
from leadrules.serve.config import ConfigError, load_config
from leadrules.serve.service import Service
from leadrules.store import open_store

B2B = ROOT / "examples" / "b2b_saas.lrules"


def test_tokens_limits_sinks_and_secrets_from_the_environment(tmp_path):
    path = tmp_path / "serve.toml"
    path.write_text(
        'tokens_env = "MY_TOKENS"\n'
        'tokens = ["from-file"]\n'
        "[limits]\nmax_body_bytes = 1000\nmax_batch = 2\n"
        '[actions]\nnotify = "crm"\n'
        '[sinks.hubspot]\ntoken_env = "HUBSPOT_TOKEN"\nclient_secret_env = "HS_SECRET"\n'
    )
    env = {"MY_TOKENS": "a, b,,a", "HS_SECRET": "shh", "LEADRULES_TOKENS": "ignored"}
    config = load_config(str(path), env)
    assert config.tokens == ("a", "b", "from-file")
    assert (config.max_body_bytes, config.max_batch) == (1000, 2)
    assert config.sinks == {
        "hubspot": {"token_env": "HUBSPOT_TOKEN", "client_secret_env": "HS_SECRET"}
    }
    assert config.actions == {"notify": "crm"}
    assert config.hubspot_client_secret == "shh"
    assert load_config(None, {}).tokens == ()


@pytest.mark.parametrize(
    "text, message",
    [
        ("tokens = [", "serve.toml"),
        ("tokens = 3", "`tokens` must be a list of strings"),
        ("limits = 3", "`limits` must be a table"),
        ('[limits]\nmax_batch = "many"', "integers"),
    ],
)
def test_bad_config_files_are_clear_errors(tmp_path, text, message):
    path = tmp_path / "serve.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(str(path), {})
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(str(tmp_path / "missing.toml"), {})


def test_the_configured_limits_apply(tmp_path):
    path = tmp_path / "serve.toml"
    path.write_text("[limits]\nmax_body_bytes = 400\nmax_batch = 2\n")
    config = load_config(str(path), {"LEADRULES_TOKENS": "t"})
    result = check(str(B2B))
    service = Service(
        open_store(f"sqlite:///{tmp_path / 's.db'}"), result.model, result.sources, config
    )
    client = TestClient(build_app(Api(service, config.tokens, no_auth=False)))
    auth = {"Authorization": "Bearer t"}
    one = {"lead_id": "1", "event": "email_open"}
    r = client.post("/v1/events", json=[one, one, one], headers=auth)
    assert r.status_code == 413 and "at most 2" in r.json()["detail"]
    r = client.post("/v1/events", json=[dict(one, properties={"x": "y" * 500})], headers=auth)
    assert r.status_code == 413 and "400 bytes" in r.json()["detail"]
    assert client.post("/v1/events", json=[one, one], headers=auth).status_code == 200
    assert client.get("/v1/leads/1", headers={"Authorization": "Bearer T"}).status_code == 401
