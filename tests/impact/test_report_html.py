"""The evaluation report: self-contained, and it really renders (headless Chromium)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter

import pytest
from click.testing import CliRunner

from leadrules.cli import main
from tests.conftest import ROOT, need
from tests.impact.png import pixels

ARGS = [
    "evaluate",
    "examples/b2b_saas.lrules",
    "--leads",
    "examples/data/b2b_saas/leads.csv",
    "--events",
    "examples/data/b2b_saas/events.csv",
    "--as-of",
    "2026-01-01",
    "--outcomes",
    "tests/impact/data/b2b_outcomes.csv",
    "--engine",
    "python",
    "--capacity",
    "1",
    "--compare",
    "tests/impact/data/b2b_saas_v2.lrules",
]


@pytest.fixture
def page(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, [*ARGS, "--html", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_the_page_is_self_contained(page):
    html = page.read_text()
    assert "<script" not in html
    # the only URL is the SVG namespace: nothing is fetched
    assert set(re.findall(r"https?://[^\s\"')]+", html)) == {"http://www.w3.org/2000/svg"}
    assert html.count("<svg") == 3
    assert "Tier transitions" in html and "ROC AUC" in html


def test_the_page_is_byte_identical_on_a_second_run(page, tmp_path):
    again = tmp_path / "again.html"
    assert CliRunner().invoke(main, [*ARGS, "--html", str(again)]).exit_code == 0
    assert again.read_bytes() == page.read_bytes()


def test_chromium_renders_a_page_that_is_not_blank(page, tmp_path):
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    need(binary is not None, "Chromium (Debian package `chromium`)")
    shot = tmp_path / "shot.png"
    subprocess.run(
        [
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
            f"--screenshot={shot}",
            "--window-size=1200,1600",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    width, height, colours = pixels(shot.read_bytes())
    assert (width, height) == (1200, 1600)
    counts = Counter(colours)
    white = counts[b"\xff\xff\xff"]
    assert len(colours) - white > 0.02 * len(colours)  # text, bars and tables cover the page
    # the chart colours are on screen: converted (orange), not converted (purple), NEW (green)
    for colour in (b"\xd9\x5f\x02", b"\x75\x70\xb3", b"\x1b\x9e\x77"):
        assert counts[colour] > 200, colour.hex()
