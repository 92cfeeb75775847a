"""An action a target cannot express is LR0801 naming the action, the target and the line; with
--best-effort it is a warning and the action is left out of the output."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from leadrules.cli import main
from tests.targets.helpers import MODELS, compile_file

ACTIONS = MODELS / "actions.lrules"


def _lines(text: str, word: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if word in line)


@pytest.mark.parametrize(
    ("target", "refused"),
    [("hubspot", ["sms", "webhook", "notify sales_team"]), ("smoove", ["task", "webhook"])],
)
def test_each_refused_action_is_an_error_naming_action_target_and_line(target, refused):
    source = ACTIONS.read_text(encoding="utf-8")
    out = compile_file(ACTIONS, target)
    errors = [d for d in out.diagnostics if d.is_error]
    assert [d.code for d in errors] == ["LR0801"] * len(refused)
    for d, action in zip(errors, refused, strict=True):
        assert f"`{action}" in d.message and f"the {target} target" in d.message
        assert d.span.line == _lines(source, f"  {action} ")
        assert "--best-effort" in d.help


@pytest.mark.parametrize("target", ["hubspot", "smoove"])
def test_best_effort_warns_and_skips_the_action(target):
    strict = compile_file(ACTIONS, target)
    loose = compile_file(ACTIONS, target, best_effort=True)
    assert [(d.code, d.span.line) for d in loose.diagnostics] == [
        (d.code, d.span.line) for d in strict.diagnostics
    ]
    assert all(d.severity == "warning" for d in loose.diagnostics)
    assert all("--best-effort" not in d.help for d in loose.diagnostics)


def test_hubspot_best_effort_flow_holds_exactly_the_expressible_actions():
    out = compile_file(ACTIONS, "hubspot", best_effort=True)
    enter = json.loads(out.files["flows/on-enter-hot.json"])
    assert [a["actionTypeId"] for a in enter["actions"]] == [
        "0-8",
        "0-9",
        "0-3",
        "0-5",
        "0-4",
        "0-1",
        "0-4",
    ]
    assert "nextAvailableActionId" not in enter and enter["dataSources"] == []
    ids = [a["actionId"] for a in enter["actions"]]
    nexts = [a.get("connection", {}).get("nextActionId") for a in enter["actions"]]
    assert nexts == [*ids[1:], None]
    exit_ = json.loads(out.files["flows/on-exit-hot.json"])
    assert [a["actionTypeId"] for a in exit_["actions"]] == ["0-5"]


def test_smoove_best_effort_keeps_email_alert_sms_set_and_wait():
    out = compile_file(ACTIONS, "smoove", best_effort=True)
    spec = json.loads(out.files["smoove-spec.json"])
    enter = next(a for a in spec["thresholdAutomations"] if a["on"] == "enter")
    assert [a["type"] for a in enter["actions"]] == [
        "manager_alert",
        "manager_alert",
        "update_field",
        "send_email",
        "wait",
        "send_email",
        "send_sms",
    ]
    assert enter["trigger"] == {
        "type": "field_updated",
        "field": "Lead Score",
        "when": "in_range",
        "min": 10,
        "max": None,
    }


def test_smoove_refuses_an_automation_on_a_condition_tier(compile_source):
    source = 'event e\ne: +5\ntier hot when score >= 5\ntier cold < 5\non enter hot:\n  email "x"\n'
    out = compile_source(source, "smoove")
    (d,) = out.diagnostics
    assert d.code == "LR0801" and d.is_error and d.span.line == 5
    assert "`on enter hot`" in d.message and "smoove" in d.message
    assert json.loads(out.files["smoove-spec.json"])["thresholdAutomations"] == []
    # HubSpot enrolls on the synced tier property, so the same block is a workflow there
    hs = compile_source(source, "hubspot")
    assert not hs.diagnostics and "flows/on-enter-hot.json" in hs.files


def test_cli_exits_1_and_writes_nothing_on_lr0801(tmp_path):
    runner = CliRunner()
    dest = tmp_path / "out"
    res = runner.invoke(main, ["compile", str(ACTIONS), "--target", "hubspot", "-o", str(dest)])
    assert res.exit_code == 1
    assert "error[LR0801]: the `sms` action cannot be expressed by the hubspot target" in res.output
    assert f"{ACTIONS}:27:" in res.output
    assert not dest.exists()
    res = runner.invoke(
        main, ["compile", str(ACTIONS), "--target", "hubspot", "--best-effort", "-o", str(dest)]
    )
    assert res.exit_code == 0, res.output
    assert "warning[LR0801]" in res.output
    assert (dest / "flows" / "on-enter-hot.json").is_file()
