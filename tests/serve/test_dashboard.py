"""The dashboard at `/`: sign-in by token into an HttpOnly cookie, and the page as Chromium
renders it (DOM and screenshot), with no script and nothing fetched from elsewhere."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter

import httpx
from conftest import need
from impact.png import pixels
from serve.harness import ROOT, TOKEN

B2B = ROOT / "examples" / "b2b_saas.lrules"


def seed(c):
    c.put("/v1/leads/1", json={"attributes": {"company_size": 80, "role": "CTO"}})
    c.post(
        "/v1/events",
        json=[
            {"lead_id": "1", "event": "webinar_signup"},
            {"lead_id": "1", "event": "form_submit", "properties": {"form": "quote"}},
            {"lead_id": "2", "event": "email_open"},
        ],
    )


def test_sign_in_sets_an_http_only_cookie(serve_factory, tmp_path):
    server = serve_factory(B2B, f"sqlite:///{tmp_path / 's.db'}").start()
    seed(server.client())
    with httpx.Client(base_url=server.url) as browser:
        page = browser.get("/")
        assert 'name="token"' in page.text and "Leads per tier" not in page.text
        r = browser.post("/login", data={"token": "wrong"})
        assert r.status_code == 303 and "leadrules_token" not in r.headers.get("set-cookie", "")
        r = browser.post("/login", data={"token": TOKEN})
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie
        page = browser.get("/", params={"lead": "1"})
        assert "Leads per tier now (2 leads)" in page.text
        assert 'id="lead-tier">SQL<' in page.text
        assert TOKEN not in page.text
        browser.post("/logout")
        assert 'name="token"' in browser.get("/").text


def test_chromium_renders_the_dashboard(serve_factory, tmp_path):
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    need(binary is not None, "Chromium (Debian package `chromium`)")
    server = serve_factory(B2B, f"sqlite:///{tmp_path / 's.db'}", "--no-auth").start()
    seed(server.client())
    url = f"{server.url}/?lead=1"
    html = httpx.get(url).text
    assert "<script" not in html
    assert re.findall(r"(?:src|href)=\"(https?:[^\"]+)\"", html) == []
    common = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1200,1600",
    ]
    dom = subprocess.run(
        [*common, "--dump-dom", url], check=True, capture_output=True, text=True, timeout=120
    ).stdout
    for section in ("tiers", "days", "transitions", "search", "lead", "explain", "history"):
        assert f'id="{section}"' in dom, section
    assert re.search(r'data-tier="SQL"><span>SQL</span><b>1</b>', dom)
    assert re.search(r'data-tier="cold"><span>cold</span><b>1</b>', dom)
    assert 'id="lead-score">110<' in dom and "<code>quote_request</code>" in dom
    shot = tmp_path / "shot.png"
    subprocess.run(
        [*common, f"--screenshot={shot}", url], check=True, capture_output=True, timeout=120
    )
    width, height, colours = pixels(shot.read_bytes())
    assert (width, height) == (1200, 1600)
    counts = Counter(colours)
    assert counts[b"\x1d\x2a\x44"] > 1200 * 20  # the header band
    assert counts[b"\x4a\x78\xc2"] > 100  # the bars of leads per tier over the days
    background = counts[b"\xf5\xf6\xf8"] + counts[b"\xff\xff\xff"]
    assert len(colours) - background > 0.03 * len(colours)  # text and tables cover the page
