"""The VS Code extension (editors/vscode/): its TextMate grammar tokenizes every corpus file and
example as VS Code would (vscode-textmate + vscode-oniguruma, in node), and the scopes are a
reviewed snapshot; its manifest and language configuration are sound; `vsce package` builds the
.vsix. Node's packages come from editors/vscode/package-lock.json (`npm ci` when missing)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, need

VSCODE = ROOT / "editors" / "vscode"
FILES = sorted(
    [*ROOT.glob("tests/corpus/**/*.lrules"), *ROOT.glob("examples/*.lrules")],
    key=lambda p: str(p.relative_to(ROOT)),
)


def npm_ready() -> None:
    need(shutil.which("node") is not None and shutil.which("npm") is not None, "node and npm")
    if not (VSCODE / "node_modules" / "vscode-textmate").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=VSCODE,
            check=True,
            capture_output=True,
            timeout=600,
        )


@pytest.fixture(scope="module")
def tokens() -> dict[str, list]:
    npm_ready()
    out = subprocess.run(
        ["node", "test/tokenize.js", *(str(p) for p in FILES)],
        cwd=VSCODE,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return {str(Path(k).relative_to(ROOT)): v for k, v in json.loads(out.stdout).items()}


def render(lines: list) -> str:
    """One line per token: `LINE  TEXT  innermost scopes` (the root scope left out)."""
    return "\n".join(
        f"{n:>3}  {text!r:<28} {' '.join(scopes)}" for n, toks in lines for text, scopes in toks
    )


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_scopes_snapshot(tokens, path, snapshot):
    assert render(tokens[str(path.relative_to(ROOT))]) == snapshot


def scope_of(tokens, file: str, line_text: str, token: str) -> list[str]:
    lines = (ROOT / file).read_text(encoding="utf-8").splitlines()
    n = next(i + 1 for i, line in enumerate(lines) if line_text in line)
    toks = dict(tokens[file])[n]
    return next(scopes for text, scopes in toks if text == token)


def test_the_scopes_mean_what_they_should(tokens):
    f = "tests/corpus/valid/all_constructs.lrules"
    assert scope_of(tokens, f, "lead country", "lead") == ["keyword.other.declaration.lead.lrules"]
    assert scope_of(tokens, f, "lead country", "country") == ["variable.other.attribute.lrules"]
    assert scope_of(tokens, f, "lead country", "text") == ["storage.type.lrules"]
    assert scope_of(tokens, f, "fit cap 60", "fit") == ["entity.name.section.group.lrules"]
    assert scope_of(tokens, f, "signal pricing", "pricing") == [
        "entity.name.function.signal.lrules"
    ]
    assert scope_of(tokens, f, "tier MQL", "MQL") == ["entity.name.tag.tier.lrules"]
    assert scope_of(tokens, f, "pricing within 30d", "30d") == ["constant.numeric.duration.lrules"]
    assert scope_of(tokens, f, "pricing within 30d", "+15") == ["constant.numeric.points.lrules"]
    assert scope_of(tokens, f, "a top-level rule", " a top-level rule: group `default`") == [
        "comment.line.number-sign.lrules"
    ]
    assert (
        scope_of(tokens, f, 'task "Call', "{first_name}")[-1] == "variable.other.placeholder.lrules"
    )
    assert scope_of(tokens, f, "set lifecycle_stage", "set") == ["keyword.other.action.lrules"]
    assert scope_of(tokens, f, "as_of 2026", "2026-11-01T00:00:00Z") == [
        "constant.other.timestamp.lrules"
    ]
    # `email` is an action only at the start of an action line: in a rule it is a name
    assert scope_of(tokens, f, "email is missing", "email") == ["variable.other.name.lrules"]
    assert scope_of(tokens, f, 'email "ready', "email") == ["keyword.other.action.lrules"]
    # every keyword of the grammar is coloured where the corpus uses it
    coloured = {
        text
        for lines in tokens.values()
        for _, toks in lines
        for text, scopes in toks
        if not any(s.startswith(("variable.", "string.", "comment.")) for s in scopes)
    }
    used = {text for lines in tokens.values() for _, toks in lines for text, _ in toks}
    words = set(re.findall(r'"([a-z_]+)"', (ROOT / "grammar/leadrules.lark").read_text()))
    assert len(words) > 25 and (words & used) - coloured == set()


def test_manifest_and_language_configuration():
    pkg = json.loads((VSCODE / "package.json").read_text())
    assert pkg["main"] == "./extension.js"
    (lang,) = pkg["contributes"]["languages"]
    assert lang["extensions"] == [".lrules"]
    (grammar,) = pkg["contributes"]["grammars"]
    assert (VSCODE / grammar["path"]).is_file() and grammar["scopeName"] == "source.lrules"
    conf = json.loads((VSCODE / lang["configuration"]).read_text())
    assert conf["comments"]["lineComment"] == "#"
    indent = re.compile(conf["indentationRules"]["increaseIndentPattern"])
    assert indent.match("fit cap 60:") and indent.match('test "x":  # note')
    assert not indent.match('  role == "CEO": +25') and not indent.match("# a comment:")
    js = (VSCODE / "extension.js").read_text()
    assert 'args: ["lsp"]' in js and "vscode-languageclient/node" in js
    lock = json.loads((VSCODE / "package-lock.json").read_text())
    assert lock["packages"][""]["dependencies"] == pkg["dependencies"]


@pytest.mark.slow
def test_vsce_packages_the_extension(tmp_path):
    npm_ready()
    out = tmp_path / "leadrules.vsix"
    subprocess.run(
        ["npx", "--no-install", "@vscode/vsce", "package", "--out", str(out)],
        cwd=VSCODE,
        check=True,
        capture_output=True,
        timeout=600,
    )
    names = set(zipfile.ZipFile(out).namelist())
    for name in (
        "extension/package.json",
        "extension/extension.js",
        "extension/language-configuration.json",
        "extension/syntaxes/lrules.tmLanguage.json",
        "extension/node_modules/vscode-languageclient/node.js",
    ):
        assert name in names
    assert not any(n.startswith("extension/test/") for n in names)
    assert not any("vscode-textmate" in n for n in names)  # a development dependency
