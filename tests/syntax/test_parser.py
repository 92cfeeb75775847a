"""Every construct of docs/language.md parses to the AST node it means, with a span on each node."""

from __future__ import annotations

from pathlib import Path

import pytest
from lark import Token, Tree

from leadrules.nodes import fields, is_node
from leadrules.syntax import ast
from leadrules.syntax.parser import grammar_path, lark_parser, parse_text

ROOT = Path(__file__).resolve().parent.parent.parent


def parse(source: str) -> tuple:
    tree, diags = parse_text(source, "t.lrules")
    assert diags == [], [d.message for d in diags]
    return tree.statements


def one(source: str):
    stmts = parse(source)
    assert len(stmts) == 1
    return stmts[0]


def nodes(node):
    """Every AST node under `node` (itself included)."""
    if isinstance(node, ast.Span):
        return
    if is_node(node):
        yield node
        for name in fields(node):
            yield from nodes(getattr(node, name))
    elif isinstance(node, (list, tuple)):
        for x in node:
            yield from nodes(x)


def test_lark_is_lalr_strict_and_keeps_every_token():
    lark = lark_parser()  # built, or loaded from the start-up cache (tests/editor/test_startup.py)
    assert lark.options.parser == "lalr"
    assert lark.options.strict is True
    assert lark.options.keep_all_tokens is True
    assert grammar_path().name == "leadrules.lark"


def test_declarations():
    stmts = parse(
        'model "M"\nimport "x.lrules"\nlead size: number\nlead cc: text from "Country Code"\n'
        'event ebook\nevent form_submit(form: text, pages: number) from "Form Submitted"\n'
        'event empty()\nsignal s = form_submit where form == "contact"\nconst xs = ["a", "b"]\n'
        "const n = 3\nclamp -10..100\n"
    )
    model, imp, size, cc, ebook, form, empty, sig, xs, n, clamp = stmts
    assert model == ast.ModelDecl("M")
    assert imp == ast.Import("x.lrules")
    assert size == ast.LeadDecl(ast.Name("size"), "number", None)
    assert cc == ast.LeadDecl(ast.Name("cc"), "text", "Country Code")
    assert ebook == ast.EventDecl(ast.Name("ebook"), (), None)
    assert form.source == "Form Submitted"
    assert [(p.name.id, p.type) for p in form.props] == [("form", "text"), ("pages", "number")]
    assert empty.has_parens and empty.props == ()
    assert isinstance(sig, ast.SignalDecl) and isinstance(sig.cond, ast.Compare)
    assert xs.value == ast.ListLit((ast.Literal("a", "text"), ast.Literal("b", "text")))
    assert n.value == ast.Literal(3, "number")
    assert (clamp.lo.value, clamp.hi.value) == (-10, 100)


@pytest.mark.parametrize(
    ("source", "op", "bound", "range_", "has_cond"),
    [
        ("tier cold < 31", "<", 31, None, False),
        ("tier a <= 3", "<=", 3, None, False),
        ("tier a > 3", ">", 3, None, False),
        ("tier SQL >= 81", ">=", 81, None, False),
        ("tier warm 31..60", None, None, (31, 60), False),
        ("tier neg -5..-1", None, None, (-5, -1), False),
        ("tier A1 when fit >= 40 and engagement >= 60", None, None, None, True),
    ],
)
def test_both_tier_forms(source, op, bound, range_, has_cond):
    t = one(source + "\n")
    assert isinstance(t, ast.Tier)
    assert t.op == op
    assert (t.bound.value if t.bound else None) == bound
    assert ((t.range.lo.value, t.range.hi.value) if t.range else None) == range_
    assert (t.cond is not None) == has_cond


def test_groups_with_and_without_cap_and_top_level_rules():
    fit, bant, top = parse("fit:\n  a: +1\n  b: -2\nbant cap 30:  # c\n  x: +10\ny: +3\n")
    assert fit.name.id == "fit" and fit.cap is None and len(fit.rules) == 2
    assert bant.cap.value == 30
    assert isinstance(top, ast.Rule) and top.points.value == 3


def test_semicolons_separate_statements_everywhere():
    stmts = parse(
        "event a; event b\na: +15; no_activity 60d: -15; tier SQL >= 81\n"
        "fit:\n  a: +1; b: +2\n"
        'on enter SQL:\n  task "x"; email "y"\n'
        'test "t":\n  lead x = 1; expect score == 0\n'
    )
    kinds = [type(s).__name__ for s in stmts]
    assert kinds == [
        "EventDecl",
        "EventDecl",
        "Rule",
        "Rule",
        "Tier",
        "Group",
        "OnBlock",
        "TestBlock",
    ]
    assert len(stmts[5].rules) == 2
    assert [a.kind for a in stmts[6].actions] == ["task", "email"]
    assert [type(b).__name__ for b in stmts[7].body] == ["TestLead", "Expect"]


@pytest.mark.parametrize(
    ("cond", "node"),
    [
        ("a == 1", ast.Compare),
        ("a != 1", ast.Compare),
        ('a in ["x", "y"]', ast.In),
        ("a not in [1, 2]", ast.In),
        ("a in 50..200", ast.In),
        ("a in xs", ast.In),
        ('a contains "x"', ast.TextOp),
        ('a starts_with "x"', ast.TextOp),
        ('a ends_with "x"', ast.TextOp),
        ("a is missing", ast.IsMissing),
        ("a is present", ast.IsMissing),
        ("a and b", ast.And),
        ("a or b", ast.Or),
        ("not a", ast.Not),
        ("(a)", ast.Paren),
        ('lower(a) == "x"', ast.Compare),
        ("domain(a) in xs", ast.In),
        ("days_since(a) > 3", ast.Compare),
        ("e within 30d", ast.Within),
        ("e >= 3 times", ast.Count),
        ("e < 2 times within 2w", ast.Count),
        ('e where url contains "/p"', ast.Where),
        ('e where (url contains "/p" or url == "/x")', ast.Where),
        ("no e within 12h", ast.NoWithin),
        ("no_activity 60d", ast.NoActivity),
        ("true", ast.Literal),
    ],
)
def test_conditions(cond, node):
    rule = one(f"{cond}: +1\n")
    assert isinstance(rule.cond, node)


def test_precedence_comparison_then_not_then_and_then_or():
    rule = one('not c == "IL" and a or b: +1\n')
    assert isinstance(rule.cond, ast.Or)
    left = rule.cond.items[0]
    assert isinstance(left, ast.And)
    assert isinstance(left.items[0], ast.Not)
    assert isinstance(left.items[0].operand, ast.Compare)


def test_where_in_a_rule_takes_one_comparison():
    rule = one('page_view where url contains "/pricing" and demo_request: +5\n')
    assert isinstance(rule.cond, ast.And)
    assert isinstance(rule.cond.items[0], ast.Where)
    assert rule.cond.items[1] == ast.Name("demo_request")


def test_each_rules():
    plain, windowed, capped, filtered = parse(
        "each e: +1\neach e within 30d: +1\neach e: +5 cap 20\n"
        'each e where url contains "/d": +2 cap 6\n'
    )
    assert plain.window is None and plain.cap is None
    assert windowed.window.amount == 30 and windowed.window.unit == "d"
    assert capped.cap.value == 20
    assert isinstance(filtered.source, ast.Where)


def test_literals_and_escapes():
    rule = one('a in ["q\\"uote", "back\\\\slash", "n\\nl", "t\\tab", "שלום"]: +1\n')
    assert [i.value for i in rule.cond.target.items] == [
        'q"uote',
        "back\\slash",
        "n\nl",
        "t\tab",
        "שלום",
    ]
    nums = one("a in [12, -3, 4.5]: -1\n")
    assert [i.value for i in nums.cond.target.items] == [12, -3, 4.5]
    assert nums.points.value == -1


def test_durations():
    for text, seconds in (("12h", 12 * 3600), ("60d", 60 * 86400), ("2w", 14 * 86400)):
        rule = one(f"e within {text}: +1\n")
        assert rule.cond.window.seconds == seconds


def test_automations():
    block = one(
        'on enter SQL:\n  notify owner "Hot"\n  notify "a@b.test" "x"\n  notify "plain"\n'
        '  task "Call {first_name}"\n  set lifecycle_stage = "sql"\n  email "t"\n  sms "s"\n'
        '  webhook "https://x.test"\n  delay 2d\n'
    )
    assert block.kind == "enter" and block.tier.id == "SQL"
    kinds = [a.kind for a in block.actions]
    assert kinds == [
        "notify",
        "notify",
        "notify",
        "task",
        "set",
        "email",
        "sms",
        "webhook",
        "delay",
    ]
    assert block.actions[0].args[0] == ast.Name("owner")
    assert block.actions[2].args[0] is None
    assert one('on exit SQL:\n  task "x"\n').kind == "exit"


def test_action_words_are_names_elsewhere():
    stmts = parse('lead email: text\nlead notify: bool\nlead set: text\nemail == "x": +1\n')
    assert stmts[0].name.id == "email" and stmts[3].cond.left == ast.Name("email")


def test_test_blocks():
    block = one(
        'test "Danny":\n  as_of 2026-11-01T00:00:00Z\n  lead size = 80, role = "CEO"\n'
        '  event page_view url = "/pricing", n = 2 3 times 2d ago\n'
        "  event ebook at 2026-10-01\n  event webinar\n"
        "  expect fit == 60\n  expect score >= 10\n  expect tier == SQL\n"
        "  expect tier is missing\n"
    )
    as_of, lead, pv, ebook, webinar, fit, score, tier, missing = block.body
    assert as_of.value.value == "2026-11-01T00:00:00Z"
    assert [a.name.id for a in lead.assigns] == ["size", "role"]
    assert (pv.times, pv.ago.amount, len(pv.props)) == (3, 2, 2)
    assert ebook.at.value == "2026-10-01" and ebook.ago is None
    assert (webinar.times, webinar.ago, webinar.at) == (1, None, None)
    assert (fit.target.id, fit.op, fit.value.value) == ("fit", "==", 60)
    assert score.op == ">="
    assert tier.value == ast.Name("SQL")
    assert missing.op == "is missing" and missing.value is None


def test_comments_are_kept_with_positions():
    tree, _ = parse_text("# head\nevent a  # trailing\nfit:\n  # inside\n  a: +1\n", "t.lrules")
    assert [(c.text, c.line, c.col, c.own_line) for c in tree.comments] == [
        ("# head", 1, 1, True),
        ("# trailing", 2, 10, False),
        ("# inside", 4, 3, True),
    ]


def test_multiline_lists_and_line_continuation():
    stmts = parse('const xs = [\n  "a",  # first\n  "b",\n]\nlead a: text\n')
    assert len(stmts[0].value.items) == 2


def test_every_node_has_a_span_within_the_file():
    source = (ROOT / "tests" / "corpus" / "valid" / "all_constructs.lrules").read_text()
    tree, diags = parse_text(source, "all.lrules")
    assert diags == []
    n_lines = source.count("\n") + 1
    seen = 0
    for node in nodes(tree.statements):
        if isinstance(node, (ast.Comment, ast.File)):
            continue
        seen += 1
        assert node.span is not None, node
        s = node.span
        assert s.path == "all.lrules"
        assert 1 <= s.line <= s.end_line <= n_lines
        assert s.line < s.end_line or s.col < s.end_col, node
    assert seen > 250


def test_no_lark_objects_leak_into_the_ast():
    for path in sorted((ROOT / "tests" / "corpus" / "valid").glob("*.lrules")):
        tree, _ = parse_text(path.read_bytes(), path.name)
        for node in nodes(tree.statements):
            for name in fields(node):
                value = getattr(node, name)
                for v in value if isinstance(value, tuple) else (value,):
                    assert not isinstance(v, (Tree, Token)), (node, name)


def test_spans_point_at_the_text():
    source = "lead size: number\nfit:\n  size > 200: +15\n"
    (_lead, group) = parse(source)
    rule = group.rules[0]
    lines = source.split("\n")
    s = rule.cond.left.span
    assert lines[s.line - 1][s.col - 1 : s.end_col - 1] == "size"
    s = rule.points.span
    assert lines[s.line - 1][s.col - 1 : s.end_col - 1] == "+15"


def test_each_parse_collects_only_its_own_comments():
    first, _ = parse_text("# one\nevent a\n", "a.lrules")
    second, _ = parse_text("event b  # two\n", "b.lrules")
    third, _ = parse_text("event c\n", "c.lrules")
    assert [c.text for c in first.comments] == ["# one"]
    assert [c.text for c in second.comments] == ["# two"]
    assert third.comments == ()
    assert second.statements[0].span.path == "b.lrules"


def test_parsing_is_safe_from_several_threads():
    from concurrent.futures import ThreadPoolExecutor

    sources = {f"f{i}.lrules": f"# file {i}\nevent e{i}\ne{i}: +{i}\n" for i in range(40)}
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = dict(
            zip(
                sources, pool.map(lambda kv: parse_text(kv[1], kv[0]), sources.items()), strict=True
            )
        )
    for path, (tree, diags) in results.items():
        i = int(path[1:-7])
        assert diags == []
        assert [c.text for c in tree.comments] == [f"# file {i}"]
        assert {n.span.path for n in nodes(tree.statements)} == {path}
