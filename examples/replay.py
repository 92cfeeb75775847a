"""Replay the B2B example's leads and events into a running `leadrules serve`, in time order,
and print each tier transition as it happens.

    leadrules serve examples/b2b_saas.lrules --no-auth &
    python examples/replay.py [--url http://127.0.0.1:8080] [--speed 30]

The example's timeline is moved so that its last event happens now; `--speed` is how many of
its days pass per second. A token, when the server needs one, comes from LEADRULES_TOKEN.
Only the standard library is used.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import time
import urllib.request
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "b2b_saas"


def call(url: str, method: str, path: str, body) -> dict:
    request = urllib.request.Request(
        url + path,
        data=json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json"},
    )
    token = os.environ.get("LEADRULES_TOKEN")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def show(state: dict, why: str) -> None:
    if state["tier"] != state.get("previous_tier", state["tier"]):
        before = state["previous_tier"] or "(new)"
        print(
            f"lead {state['lead_id']:>3}: {before:>6} -> {state['tier']:<5} "
            f"score {state['score']:>4}  ({why})",
            flush=True,
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="http://127.0.0.1:8080")
    ap.add_argument("--speed", type=float, default=30.0, help="example days per second")
    args = ap.parse_args()
    with (DATA / "events.csv").open(newline="") as f:
        events = sorted(csv.DictReader(f), key=lambda e: e["occurred_at"])
    parse = lambda t: dt.datetime.fromisoformat(t.replace("Z", "+00:00"))  # noqa: E731
    shift = dt.datetime.now(dt.timezone.utc) - parse(events[-1]["occurred_at"])
    with (DATA / "leads.csv").open(newline="") as f:
        for lead in csv.DictReader(f):
            attrs = {k: (v or None) for k, v in lead.items() if k != "lead_id"}
            state = call(args.url, "PUT", f"/v1/leads/{lead['lead_id']}", {"attributes": attrs})
            state["previous_tier"] = None
            show(state, "attributes")
    previous = None
    for n, e in enumerate(events):
        at = parse(e["occurred_at"])
        if previous is not None:
            time.sleep(max(0.0, (at - previous).total_seconds() / 86400 / args.speed))
        previous = at
        props = {k: v for k, v in e.items() if k not in ("lead_id", "event", "occurred_at") and v}
        body = {
            "id": f"replay-{n}",
            "lead_id": e["lead_id"],
            "event": e["event"],
            "occurred_at": (at + shift).isoformat(),
            "properties": props,
        }
        for state in call(args.url, "POST", "/v1/events", body)["leads"]:
            show(state, e["event"])
    print("replayed", len(events), "events; open", args.url, "for the dashboard")


if __name__ == "__main__":
    main()
