"""The examples in docs/language.md and docs/diagnostics.md are real: every ```lrules block is
checked. A block whose first line is `# expect: LR####` must report that code; a block marked
`# fragment` must parse; every other block must check clean. `# file: NAME` names the file a
block is written to, so later blocks of the same page can import it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from leadrules.check import check
from leadrules.diagnostics import CODES
from leadrules.syntax.parser import parse_text

DOCS = Path(__file__).resolve().parent.parent.parent / "docs"
FENCE = re.compile(r"^```lrules\n(.*?)^```", re.S | re.M)
EXPECT = re.compile(r"^# expect: (LR\d{4})(?: \(compile --target (\w+)\))?$", re.M)
FILE = re.compile(r"^# file: (\S+)$", re.M)


def blocks(page: str) -> list[tuple[str, str]]:
    """(heading of the section, block text) for every ```lrules block of a page."""
    text = (DOCS / page).read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        headings = re.findall(r"^#{2,3} (.+)$", text[: m.start()], re.M)
        out.append((headings[-1] if headings else "", m.group(1)))
    return out


def sections() -> dict[str, str]:
    text = (DOCS / "diagnostics.md").read_text(encoding="utf-8")
    parts = re.split(r"^## (LR\d{4}): .*$", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def run_block(block: str, folder: Path):
    name = FILE.search(block)
    path = folder / (name.group(1) if name else "example.lrules")
    path.write_text(block, encoding="utf-8")
    return path, check(path)


def codes_of(block: str, folder: Path) -> list[str]:
    path, result = run_block(block, folder)
    expect = EXPECT.search(block)
    if expect and expect.group(2):  # a target's diagnostic: compile the checked model
        import importlib

        from leadrules.targets import TARGETS, Options

        assert result.model is not None, [d.message for d in result.diagnostics]
        module = importlib.import_module(TARGETS[expect.group(2)])
        return [d.code for d in module.compile(result.model, Options()).diagnostics]
    return [d.code for d in result.diagnostics]


LANGUAGE = blocks("language.md")


def test_language_page_has_examples():
    assert len(LANGUAGE) >= 20


@pytest.mark.parametrize(
    ("heading", "block"), LANGUAGE, ids=[f"{i}-{h[:30]}" for i, (h, _b) in enumerate(LANGUAGE)]
)
def test_language_examples(heading, block, tmp_path_factory):
    folder = tmp_path_factory.getbasetemp() / "language"  # shared: blocks may import earlier ones
    folder.mkdir(exist_ok=True)
    if block.startswith("# fragment"):
        name = FILE.search(block)
        if name:  # a file later blocks import
            (folder / name.group(1)).write_text(block, encoding="utf-8")
        _tree, diags = parse_text(block, "fragment.lrules")
        assert diags == [], [d.message for d in diags]
        return
    expect = EXPECT.search(block.split("\n", 1)[0])
    codes = codes_of(block, folder)
    if expect:
        assert expect.group(1) in codes
    else:
        assert codes == []


def test_every_code_has_a_section():
    assert sorted(sections()) == sorted(CODES)


@pytest.mark.parametrize("code", sorted(CODES))
def test_section_example_triggers_its_code(code, tmp_path):
    body = sections()[code]
    found = FENCE.findall(body)
    title = CODES[code][1]
    assert f"## {code}: {title}" in (DOCS / "diagnostics.md").read_text(encoding="utf-8")
    if code == "LR0005":  # bytes that cannot stand in a Markdown page
        assert not found and "`ff fe`" in body
        path = tmp_path / "bytes.lrules"
        path.write_bytes(b"\xff\xfe")
        assert [d.code for d in check(path).diagnostics] == ["LR0005"]
        return
    assert len(found) == 1, f"{code} needs exactly one example"
    block = found[0]
    assert EXPECT.search(block).group(1) == code
    assert code in codes_of(block, tmp_path)
    assert "How to fix:" in body
