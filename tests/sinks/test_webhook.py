"""Webhook signatures: the library's `sign`/`verify` and the documented snippet agree."""

from __future__ import annotations

import time

from fakes.receiver import Receiver
from fakes.verify import verify_signature

from leadrules.sinks.updates import Update
from leadrules.sinks.webhook import HEADER, WebhookSink, sign, verify

SECRET = "whsec-test"


def test_the_documented_snippet_accepts_what_leadrules_signs():
    body = b'{"lead_id":"42","new_tier":"SQL"}'
    header = sign(SECRET, body)
    assert verify_signature(SECRET, header, body)
    assert verify(SECRET, header, body)


def test_a_changed_body_a_wrong_secret_or_an_old_timestamp_is_refused():
    body = b'{"lead_id":"42"}'
    header = sign(SECRET, body)
    for check in (verify, verify_signature):
        assert not check(SECRET, header, body + b" ")
        assert not check("other", header, body)
        assert not check(SECRET, "t=abc,v1=00", body)
        assert not check(SECRET, "", body)
    old = sign(SECRET, body, timestamp=int(time.time()) - 301)
    assert not verify(SECRET, old, body)
    assert not verify_signature(SECRET, old, body)
    assert verify_signature(SECRET, old, body, now=time.time() - 300)


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body():
    import hashlib
    import hmac

    header = sign("k", b"{}", timestamp=1700000000)
    expected = hmac.new(b"k", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"


def test_a_webhook_arrives_signed_with_its_idempotency_key():
    with Receiver(SECRET) as receiver:
        sink = WebhookSink(SECRET)
        u = Update("webhook", "42", None, {"url": receiver.url, "body": {"x": 1}}, "key-1")
        assert [o.ok for o in sink.send([u])] == [True]
        sink.close()
    assert receiver.accepted == {"key-1": {"x": 1}}
    assert receiver.bad_signatures == 0
    assert HEADER == "X-Leadrules-Signature"


def test_a_failing_receiver_gives_a_retryable_outcome():
    with Receiver(SECRET, fail_first=1) as receiver:
        sink = WebhookSink(SECRET)
        u = Update("webhook", "42", None, {"url": receiver.url, "body": {}}, "k")
        (outcome,) = sink.send([u])
        sink.close()
    assert not outcome.ok and outcome.retryable and "HTTP 500" in outcome.error
