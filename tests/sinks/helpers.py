"""Generated leads and events for the delivery tests, and a sync config pointing at fakes."""

from __future__ import annotations

import csv
from pathlib import Path

from conftest import EXAMPLES

RULES = str(EXAMPLES / "b2b_saas.lrules")
AS_OF = "2026-01-01T00:00:00Z"
ROLES = ["CEO", "Sales Manager", "Coordinator", "Intern"]
EVENTS = [("page_view", "/pricing"), ("ebook_download", ""), ("webinar_signup", "")]


def email(i: int) -> str:
    return f"lead{i}@acme{i % 7}.io"


def write_data(folder: Path, n: int, boosted: set[int] = frozenset()) -> tuple[str, str]:
    """n leads; lead i has i % 4 events; a boosted lead has a quote request on top."""
    leads, events = folder / "leads.csv", folder / "events.csv"
    with leads.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["lead_id", "company_size", "role", "industry", "country", "email"])
        for i in range(n):
            w.writerow([i, 20 + (i * 37) % 400, ROLES[i % 4], "SaaS", "IL", email(i)])
    with events.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["lead_id", "event", "occurred_at", "url", "form"])
        for i in range(n):
            for k in range(i % 4):
                name, url = EVENTS[k % 3]
                w.writerow([i, name, f"2025-12-{10 + k:02d}T10:00:00Z", url, ""])
            if i in boosted:
                w.writerow([i, "form_submit", "2025-12-20T10:00:00Z", "", "quote"])
    return str(leads), str(events)


def hubspot_config(folder: Path, url: str, **extra) -> str:
    path = folder / "leadrules.toml"
    lines = [
        "[sinks.hubspot]",
        'token_env = "TEST_HUBSPOT_TOKEN"',
        f'base_url = "{url}"',
        'id_property = "email"',
        'id_attribute = "email"',
    ]
    lines += [f"{k} = {v!r}".replace("'", '"') for k, v in extra.items()]
    path.write_text("\n".join(lines) + "\n[delivery]\nbackoff_base = 0.05\n")
    return str(path)


def expected(leads: str, events: str) -> dict[str, object]:
    """lead id -> LeadResult, by the reference interpreter."""
    from leadrules.check import check
    from leadrules.commands.common import parse_as_of
    from leadrules.engine import run

    model = check(RULES).model
    results = run(model, leads, events, parse_as_of(AS_OF), engine="python")
    return {r.lead_id: r for r in results}
