"""`{name}` placeholders in action texts (issue 9 item 6): a placeholder uses the lead attribute
it names, so `check --strict` passes for an attribute declared only for one; a name that is not
a lead attribute is LR0106 at the placeholder, with the nearest attribute suggested."""

from __future__ import annotations

from click.testing import CliRunner

from leadrules.check import check
from leadrules.cli import main

HEAD = """\
lead first_name: text
lead size: number
event v
fit:
  size > 1: +1
  v: +1
tier hot >= 1
tier cold < 1
on enter hot:
"""


def diags(actions: str):
    return check("t.lrules", HEAD + actions).diagnostics


def test_an_attribute_used_only_by_a_placeholder_is_used(tmp_path):
    assert diags('  task "Call {first_name}"\n') == []
    path = tmp_path / "m.lrules"
    path.write_text(HEAD + '  sms "Hi {first_name}"\n')
    assert CliRunner().invoke(main, ["check", "--strict", str(path)]).exit_code == 0


def test_without_the_placeholder_the_attribute_is_unused():
    assert [d.code for d in diags('  task "Call"\n')] == ["LR0602"]


def test_a_misspelt_placeholder_is_lr0106_with_a_suggestion_at_its_place():
    [d] = diags('  notify owner "Call {frist_name} now"\n')
    assert d.code == "LR0106"
    assert d.message == "unknown attribute `frist_name` in the placeholder `{frist_name}`"
    assert d.help.startswith("did you mean `first_name`?")
    assert (d.span.line, d.span.col, d.span.end_col) == (10, 22, 34)


def test_an_undeclared_placeholder_says_how_to_declare_it():
    [d] = diags('  sms "A gift: {coupon}"\n')
    assert d.code == "LR0106"
    assert "`lead coupon: text`" in d.help


def test_a_placeholder_naming_an_event_or_a_group_is_lr0106():
    found = diags('  task "{v} and {fit}"\n')
    assert [d.code for d in found] == ["LR0106", "LR0106"]
    assert "`v` is an event" in found[0].help
    assert "`fit` is a group" in found[1].help


def test_every_placeholder_of_a_text_is_checked_and_braces_without_a_name_are_text():
    found = diags('  task "{a} {first_name} {b} { x } {} {1}"\n')
    assert [d.message.split("`")[1] for d in found] == ["a", "b"]


def test_an_email_template_and_a_webhook_have_no_placeholders():
    text = '  email "{template}"\n  webhook "https://x.test/{id}"\n  task "{first_name}"\n'
    assert diags(text) == []
