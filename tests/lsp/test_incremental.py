"""The language server re-checks only what an edit touched (the block cache re-parses one block,
the group memo, leadrules/check/memo.py, re-checks one group), and that gives exactly what a full
`check` of the same text gives: the same diagnostics (spans included) and the same Model (its
locations included), over random edits of the corpus files and examples."""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from leadrules.check import check
from leadrules.lsp.state import State
from leadrules.nodes import fields, is_node
from tests.conftest import ROOT

FILES = sorted(
    [*ROOT.glob("tests/corpus/**/*.lrules"), *ROOT.glob("examples/*.lrules")],
    key=str,
)


def dump(node):
    """Everything of a value, spans and locations included (they do not take part in `==`)."""
    if is_node(node):
        return (type(node).__name__, tuple((n, dump(getattr(node, n))) for n in fields(node)))
    if dataclasses.is_dataclass(node) and not isinstance(node, type):  # a diagnostic
        names = [f.name for f in dataclasses.fields(node)]
        return (type(node).__name__, tuple((n, dump(getattr(node, n))) for n in names))
    if isinstance(node, (tuple, list)):
        return tuple(dump(x) for x in node)
    if isinstance(node, dict):
        return tuple((k, dump(v)) for k, v in node.items())
    return node


def same_as_full(state: State, path, text: str) -> None:
    got = state.analyze(path.as_uri(), text).result
    want = check(str(path), text)
    assert got.diagnostics == want.diagnostics
    assert dump(got.diagnostics) == dump(want.diagnostics)
    assert dump(got.model) == dump(want.model)


# what a person does to a rules file, line by line: change points and numbers, rename, retype an
# operator, add or remove a line (which moves every block below it), copy a rule (LR0605), and
# any character at all
LINE_EDITS = st.one_of(
    st.tuples(st.just("replace"), st.sampled_from(["+5", "+20", "-3", "0", "1.5", "+9"])),
    st.tuples(st.just("replace"), st.sampled_from([">=", ">", "==", "<", " and ", " or "])),
    st.tuples(st.just("replace"), st.sampled_from(["page_view", "role", "score", "x", "demo"])),
    st.tuples(st.just("insert_line"), st.sampled_from(["", "# note", "  size > 3: +1", "x:"])),
    st.tuples(st.just("copy_line"), st.just("")),
    st.tuples(st.just("delete_line"), st.just("")),
    st.tuples(st.just("char"), st.sampled_from(list(' :\n()[]"#+-0123456789abc=<>'))),
)
# a declaration changed in place: the groups below it keep their nodes, not their meaning
DECLARATION_EDITS = st.tuples(
    st.just("declaration"), st.sampled_from(["number", "text", "bool", "1", '"a"'])
)
DECLARATION = ("lead ", "event ", "const ", "signal ")
TYPES = ("number", "text", "bool", "time")


def apply(text: str, edit, where: float, at: float) -> str:
    kind, new = edit
    lines = text.split("\n")
    i = min(int(where * len(lines)), len(lines) - 1)
    line = lines[i]
    col = min(int(at * (len(line) + 1)), len(line))
    if kind == "declaration":
        decls = [k for k, x in enumerate(lines) if x.startswith(DECLARATION)]
        if not decls:
            return text
        i = decls[min(int(where * len(decls)), len(decls) - 1)]
        line = lines[i]
        for old in (*TYPES, *"0123456789"):
            if old in line and old != new:
                lines[i] = line.replace(old, new, 1)
                break
    elif kind == "insert_line":
        lines.insert(i, new)
    elif kind == "copy_line":
        lines.insert(i, line)
    elif kind == "delete_line" and len(lines) > 1:
        del lines[i]
    elif kind == "char":
        lines[i] = line[:col] + new + line[col:]
    else:  # replace the word (or the characters) at the column
        end = col
        while end < len(line) and (line[end].isalnum() or line[end] in "_+-.<>="):
            end += 1
        lines[i] = line[:col] + new + line[end:]
    return "\n".join(lines)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    file=st.sampled_from(FILES),
    edits=st.lists(
        st.tuples(st.one_of(LINE_EDITS, DECLARATION_EDITS), st.floats(0, 1), st.floats(0, 1)),
        min_size=1,
        max_size=6,
    ),
)
@example(  # an attribute retyped: the rules that compare it with a number no longer check
    file=ROOT / "examples" / "b2b_saas.lrules", edits=[(("declaration", "text"), 0.0, 0.0)]
)
def test_random_edits_give_what_a_full_check_gives(file, edits):
    state = State()
    text = file.read_text(encoding="utf-8", errors="replace")
    same_as_full(state, file, text)
    for edit, where, at in edits:
        text = apply(text, edit, where, at)
        same_as_full(state, file, text)


def test_an_edit_in_one_group_rechecks_that_group_only():
    path = ROOT / "examples" / "b2b_saas.lrules"
    text = path.read_text(encoding="utf-8")
    state = State()
    state.analyze(path.as_uri(), text)
    memo = state.memos[path.as_uri()]
    groups = len(state.docs[path.as_uri()].result.model.groups)
    assert groups >= 2
    memo.hits = memo.misses = 0
    edited = text.replace("+20", "+21", 1)
    assert edited != text
    same_as_full(state, path, edited)
    assert (memo.hits, memo.misses) == (groups - 1, 1)
    # a declaration changed: every group is checked anew
    memo.hits = memo.misses = 0
    same_as_full(state, path, edited.replace("lead ", "lead  ", 1))
    assert memo.hits == 0
