"""Property: for any model drawn from the target tests' pool (rules, tiers, actions, both modes),
applying it to HubSpot (the local fake) and applying it again changes nothing the second time:
every planned item is `= unchanged` and no request writes anything."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadrules import load
from leadrules.targets import Options, hubspot
from leadrules.targets.hubspot import apply as ap
from leadrules.targets.hubspot.api import Client
from tests.fakes.hubspot_defs import HubSpotDefs
from tests.targets.test_properties import models


@pytest.fixture(scope="module")
def fake():
    with HubSpotDefs(token="t", page_size=3) as f:
        yield f


def _fills(files: dict[str, str]) -> dict[str, str]:
    tokens = {t for text in files.values() for t in re.findall(r"\$\{([A-Z_]+:[^}]*)\}", text)}
    return {
        t: f"6-{1000 + i}" if t.startswith("EVENT_TYPE_ID:") else str(1000 + i)
        for i, t in enumerate(sorted(tokens))
    }


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(source=models(), mode=st.sampled_from(["native", "workflows"]))
def test_a_second_apply_changes_nothing(fake, tmp_path_factory, source, mode):
    path = tmp_path_factory.mktemp("m") / "m.lrules"
    path.write_text(source, encoding="utf-8")
    files = hubspot.compile(load(str(path)), Options(best_effort=True, mode=mode)).files
    fills = _fills(files)
    with Client("t", fake.url, timeout=10) as client:
        first = ap.plan(files, client, fills=fills, publish=True)
        assert not [s for s in first if s.action == "skip"]
        ap.execute(first, client, lambda _: None)
        writes = len(fake.writes())
        second = ap.plan(files, client, fills=fills, publish=True)
        assert {s.action for s in second} <= {"unchanged", "note"}, [s.line() for s in second]
        assert client.writes == sum(s.run is not None for s in first)
    assert len(fake.writes()) == writes
