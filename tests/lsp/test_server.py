"""The language server, driven over stdio by a real LSP client (pytest-lsp): `leadrules lsp` is
started as a process and every request goes through JSON-RPC, as an editor's would."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient

from leadrules.check import check
from leadrules.syntax.formatter import format_text
from tests.conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.asyncio(loop_scope="module")

CORPUS = ROOT / "tests" / "corpus"
LEADRULES = [sys.executable, "-m", "leadrules.cli", "lsp"]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("ws")
    shutil.copytree(CORPUS / "valid", root / "valid")
    shutil.copytree(CORPUS / "invalid", root / "invalid")
    shutil.copy(EXAMPLES / "b2b_saas.lrules", root / "b2b.lrules")
    (root / "lib").mkdir()
    (root / "lib" / "decls.lrules").write_text(
        "lead company_size: number\nevent page_view(url: text)\n"
        'signal pricing = page_view where url contains "/pricing"\n',
        encoding="utf-8",
    )
    (root / "uses_lib.lrules").write_text(
        'import "lib/decls.lrules"\nfit:\n  company_size > 10: +5\n  pricing: +10\n'
        "tier hot >= 10\n",
        encoding="utf-8",
    )
    (root / "also_uses_lib.lrules").write_text(
        'import "lib/decls.lrules"\nengagement:\n  pricing within 30d: +3\n', encoding="utf-8"
    )
    return root


@pytest_lsp.fixture(
    scope="module",
    config=ClientServerConfig(
        server_command=LEADRULES, server_env={**os.environ, "PYTHONPATH": str(ROOT)}
    ),
)
async def client(lsp_client: LanguageClient, workspace: Path):
    await lsp_client.initialize_session(
        t.InitializeParams(
            capabilities=t.ClientCapabilities(),
            workspace_folders=[t.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
        )
    )
    yield
    await lsp_client.shutdown_session()


_versions: dict[str, int] = {}


async def open_doc(client: LanguageClient, path: Path, text: str | None = None) -> str:
    """Open a document and wait for its diagnostics; returns its URI."""
    uri = path.as_uri()
    text = path.read_text(encoding="utf-8") if text is None else text
    _versions[uri] = 1
    client.diagnostics.pop(uri, None)
    client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(uri=uri, language_id="lrules", version=1, text=text)
        )
    )
    await wait_diagnostics(client, uri)
    return uri


async def wait_diagnostics(client: LanguageClient, uri: str) -> list[t.Diagnostic]:
    for _ in range(200):
        if uri in client.diagnostics:
            return list(client.diagnostics[uri])
        await asyncio.sleep(0.02)
    raise AssertionError(f"no diagnostics published for {uri}")


async def change(client: LanguageClient, uri: str, rng: t.Range | None, text: str):
    _versions[uri] += 1
    client.diagnostics.pop(uri, None)
    event = (
        t.TextDocumentContentChangePartial(range=rng, text=text)
        if rng is not None
        else t.TextDocumentContentChangeWholeDocument(text=text)
    )
    client.text_document_did_change(
        t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=_versions[uri]),
            content_changes=[event],
        )
    )
    return await wait_diagnostics(client, uri)


def close(client: LanguageClient, uri: str) -> None:
    client.text_document_did_close(
        t.DidCloseTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=uri))
    )


def pos(line: int, character: int) -> t.Position:
    return t.Position(line=line, character=character)


def where(text: str, needle: str, nth: int = 0) -> t.Position:
    """The position of the `nth` occurrence of `needle` in `text`."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    line = text.count("\n", 0, i)
    return pos(line, i - (text.rfind("\n", 0, i) + 1))


def doc_id(uri: str) -> t.TextDocumentIdentifier:
    return t.TextDocumentIdentifier(uri=uri)


# ---- diagnostics ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name", sorted(p.name for p in (CORPUS / "invalid").glob("*.lrules")) + ["unicode_crlf"]
)
async def test_diagnostics_are_those_of_check(client, workspace, name):
    """Every corpus file: the same codes, messages, help, severities and spans as `check`."""
    folder = "valid" if name == "unicode_crlf" else "invalid"
    path = workspace / folder / (name if name.endswith(".lrules") else name + ".lrules")
    uri = await open_doc(client, path)
    got = client.diagnostics[uri]
    everything = check(str(path.resolve())).diagnostics
    want = [d for d in everything if d.span.path == str(path.resolve())]
    lines = path.read_text(encoding="utf-8").replace("\r\n", "\n").split("\n")

    def utf16(line: int, col: int) -> int:
        text = lines[line - 1] if line <= len(lines) else ""
        return len(text[: col - 1].encode("utf-16-le")) // 2 + max(0, col - 1 - len(text))

    assert [
        (
            d.code,
            d.severity == t.DiagnosticSeverity.Error,
            d.message,
            d.range.start.line + 1,
            d.range.start.character,
            d.range.end.line + 1,
            d.range.end.character,
        )
        for d in got
    ] == [
        (
            d.code,
            d.is_error,
            d.message + (f"\nhelp: {d.help}" if d.help else ""),
            d.span.line,
            utf16(d.span.line, d.span.col),
            d.span.end_line,
            utf16(d.span.end_line, d.span.end_col),
        )
        for d in want
    ]
    if name != "unicode_crlf":
        assert everything, "every invalid corpus file reports something (cycle_a: in cycle_b)"
        assert all(
            d.source == "leadrules" and "diagnostics.md#lr" in d.code_description.href for d in got
        )
    close(client, uri)


async def test_diagnostics_follow_edits_and_a_did_you_mean_applies(client, workspace):
    path = workspace / "b2b.lrules"
    text = path.read_text(encoding="utf-8")
    uri = await open_doc(client, path)
    assert list(client.diagnostics[uri]) == []
    start = where(text, "company_size > 200")
    typo = t.Range(start=start, end=pos(start.line, start.character + len("company_size")))
    diags = await change(client, uri, typo, "compnay_size")
    assert [d.code for d in diags] == ["LR0101"]
    assert diags[0].message == (
        "unknown name `compnay_size`\n"
        "help: did you mean `company_size`? (declared at " + f"{path.resolve()}:4)"
    )
    assert diags[0].range == typo
    actions = await client.text_document_code_action_async(
        t.CodeActionParams(
            text_document=doc_id(uri),
            range=typo,
            context=t.CodeActionContext(diagnostics=diags),
        )
    )
    fix = next(a for a in actions if a.title == "Replace with `company_size`")
    (edit,) = fix.edit.changes[uri]
    assert edit.range == typo and edit.new_text == "company_size"
    assert await change(client, uri, edit.range, edit.new_text) == []
    close(client, uri)


async def test_kept_diagnostics_move_with_their_lines(client, workspace):
    """The server reuses a diagnostic's JSON while its lines are the same: a line inserted above
    it moves it, a changed line of its related span is converted anew."""
    path = workspace / "dupes.lrules"
    text = "lead size: number\nfit:\n  size > 1: +5\n  size > 1: +5\n  size > 2: +1\n"
    path.write_text(text, encoding="utf-8")
    uri = await open_doc(client, path)

    def expected(now: str) -> list[tuple]:
        lines = now.split("\n")
        out = []
        for d in check(str(path.resolve()), now).diagnostics:
            line = lines[d.span.line - 1]
            col = len(line[: d.span.col - 1].encode("utf-16-le")) // 2
            out.append((d.code, d.span.line - 1, col))
        return out

    def got(diags) -> list[tuple]:
        return [(d.code, d.range.start.line, d.range.start.character) for d in diags]

    assert got(client.diagnostics[uri]) == expected(text) == [("LR0605", 3, 2)]
    moved = "# a comment\n" + text
    assert got(
        await change(client, uri, t.Range(start=pos(0, 0), end=pos(0, 0)), "# a comment\n")
    ) == expected(moved)
    assert expected(moved) == [("LR0605", 4, 2)]
    # the same diagnostic (code points, message) on a line whose UTF-16 length before it changed
    emoji = 'lead role: text\nlead size: number\nfit:\n  role == "😀" and sizee > 1: +5\n'
    diags = await change(client, uri, None, emoji)
    assert got(diags) == expected(emoji) == [("LR0101", 3, 19)]
    at = where(emoji, "😀")
    accent = emoji.replace("😀", "é")
    diags = await change(client, uri, t.Range(start=at, end=pos(at.line, at.character + 2)), "é")
    assert got(diags) == expected(accent) == [("LR0101", 3, 18)]
    close(client, uri)


async def test_a_burst_of_edits_is_checked_once_at_its_last_version(client, workspace):
    path = workspace / "burst.lrules"
    text = "lead size: number\nfit:\n  size > 1: +1\n"
    path.write_text(text, encoding="utf-8")
    uri = await open_doc(client, path)
    features = client.protocol.fm.features
    handler = features[t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]
    seen: list[int | None] = []

    def counting(params: t.PublishDiagnosticsParams):
        if params.uri == uri:
            seen.append(params.version)
        return handler(params)

    features[t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = counting
    try:
        client.diagnostics.pop(uri, None)
        for i in range(30):  # sent without waiting, as fast typing does
            _versions[uri] += 1
            name = "sise" if i % 2 == 0 else "size"
            client.text_document_did_change(
                t.DidChangeTextDocumentParams(
                    text_document=t.VersionedTextDocumentIdentifier(
                        uri=uri, version=_versions[uri]
                    ),
                    content_changes=[
                        t.TextDocumentContentChangePartial(
                            range=t.Range(start=pos(2, 2), end=pos(2, 6)), text=name
                        )
                    ],
                )
            )
        for _ in range(200):
            if seen and seen[-1] == _versions[uri]:
                break
            await asyncio.sleep(0.02)
        assert seen[-1] == _versions[uri] and len(seen) < 30
        assert list(client.diagnostics[uri]) == []  # the last edit wrote `size`
    finally:
        features[t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = handler
    close(client, uri)


async def test_imports_are_followed(client, workspace):
    lib = workspace / "broken_lib.lrules"
    lib.write_text("lead size: number\nlead other number\n", encoding="utf-8")
    main = workspace / "imports_broken.lrules"
    text = 'import "broken_lib.lrules"\nimport "nowhere.lrules"\nfit:\n  size > 3: +1\n'
    main.write_text(text, encoding="utf-8")
    uri = await open_doc(client, main)
    assert [d.code for d in client.diagnostics[uri]] == [
        "LR0401"
    ]  # the syntax error is the import's:
    lib_diags = await wait_diagnostics(client, lib.as_uri())
    assert [(d.code, d.range.start.line) for d in lib_diags] == [("LR0001", 1)]
    # the imported file fixed on disk: the editor's file watcher says so, the importer is checked
    lib.write_text("lead size: number\n", encoding="utf-8")
    client.diagnostics.pop(uri, None)
    client.workspace_did_change_watched_files(
        t.DidChangeWatchedFilesParams(
            changes=[t.FileEvent(uri=lib.as_uri(), type=t.FileChangeType.Changed)]
        )
    )
    assert [d.code for d in await wait_diagnostics(client, uri)] == ["LR0401"]
    assert list(client.diagnostics[lib.as_uri()]) == []
    lib.write_text("lead size: number\nlead other number\n", encoding="utf-8")
    await change(client, uri, None, text + "\n")
    assert [d.code for d in client.diagnostics[lib.as_uri()]] == ["LR0001"]
    close(client, uri)
    await asyncio.sleep(0.1)
    assert list(client.diagnostics[lib.as_uri()]) == []  # cleared with the file that imported it


async def test_an_untitled_buffer_gets_its_diagnostics(client):
    uri = "untitled:Untitled-1"
    _versions[uri] = 1
    client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(
                uri=uri, language_id="lrules", version=1, text="lead a: number\nfit:\n  b > 1: +1\n"
            )
        )
    )
    diags = await wait_diagnostics(client, uri)
    assert [(d.code, d.range.start.line) for d in diags] == [("LR0101", 2)]
    close(client, uri)


# ---- hover ---------------------------------------------------------------------


async def hover_at(client, uri, position) -> str:
    h = await client.text_document_hover_async(
        t.HoverParams(text_document=doc_id(uri), position=position)
    )
    return h.contents.value if h else ""


async def test_hover(client, workspace):
    path = workspace / "valid" / "all_constructs.lrules"
    text = path.read_text(encoding="utf-8")
    uri = await open_doc(client, path)
    country = await hover_at(client, uri, where(text, "country == "))
    assert "lead attribute `country`: **text**, read from the column `Country Code`" in country
    pricing = await hover_at(client, uri, where(text, "pricing within"))
    assert (
        'signal pricing = page_view where (url contains "/pricing" or url ends_with "/plans")'
        in pricing
    )
    rule = await hover_at(client, uri, where(text, "+20"))
    assert "rule in the group `fit`: **+20** points once" in rule
    each = await hover_at(client, uri, where(text, "+1 cap 10"))
    assert "**+1** for every event, at most 10 in all" in each
    top = await hover_at(client, uri, where(text, "+40"))
    assert "rule in the group `default`" in top
    tier = await hover_at(client, uri, where(text, "MQL 61"))
    assert "tier `MQL`: scores 61 to 80, inclusive" in tier
    cold = await hover_at(client, uri, where(text, "cold <= 30"))
    assert "tier `cold`: scores up to 30" in cold
    group = await hover_at(client, uri, where(text, "fit cap 60"))
    assert "group `fit`: 11 rules, capped at 60" in group
    url = await hover_at(client, uri, where(text, 'url contains "/blog"'))
    assert "property `url` of the event `page_view`: **text**" in url
    close(client, uri)


async def test_hover_explains_a_diagnostic_code(client, workspace):
    path = workspace / "invalid" / "names.lrules"
    text = path.read_text(encoding="utf-8")
    uri = await open_doc(client, path)
    value = await hover_at(client, uri, where(text, "compnay_size"))
    assert "**LR0101** (error): unknown name" in value
    assert "A name in a rule that is declared nowhere" in value  # from docs/diagnostics.md
    assert "How to fix: Fix the spelling" in value
    assert "diagnostics.md#lr0101-unknown-name" in value
    close(client, uri)


# ---- navigation ----------------------------------------------------------------


async def test_definition_across_an_import(client, workspace):
    path = workspace / "valid" / "all_constructs.lrules"
    text = path.read_text(encoding="utf-8")
    uri = await open_doc(client, path)
    loc = await client.text_document_definition_async(
        t.DefinitionParams(text_document=doc_id(uri), position=where(text, "page_view where"))
    )
    shared = workspace / "valid" / "shared" / "events.lrules"
    assert loc.uri == shared.as_uri()
    assert loc.range == t.Range(start=pos(1, 6), end=pos(1, 15))
    close(client, uri)


async def test_references_across_files_that_import_each_other(client, workspace):
    lib = workspace / "lib" / "decls.lrules"
    uri = await open_doc(client, lib)
    text = lib.read_text(encoding="utf-8")
    refs = await client.text_document_references_async(
        t.ReferenceParams(
            text_document=doc_id(uri),
            position=where(text, "pricing ="),
            context=t.ReferenceContext(include_declaration=True),
        )
    )
    got = sorted((Path(r.range and r.uri).name, r.range.start.line) for r in refs)
    assert got == [("also_uses_lib.lrules", 2), ("decls.lrules", 2), ("uses_lib.lrules", 3)]
    close(client, uri)


async def test_rename_across_imports_keeps_the_data_binding(client, workspace):
    lib = workspace / "lib" / "decls.lrules"
    uri = await open_doc(client, lib)
    text = lib.read_text(encoding="utf-8")
    at = where(text, "company_size")
    prep = await client.text_document_prepare_rename_async(
        t.PrepareRenameParams(text_document=doc_id(uri), position=at)
    )
    assert prep == t.Range(start=at, end=pos(0, 17))
    edit = await client.text_document_rename_async(
        t.RenameParams(text_document=doc_id(uri), position=at, new_name="employees")
    )
    changes = {
        Path(u).name: [(e.range.start.line, e.range.start.character, e.new_text) for e in es]
        for u, es in edit.changes.items()
    }
    assert changes == {
        "decls.lrules": [(0, 5, "employees"), (0, 25, ' from "company_size"')],
        "uses_lib.lrules": [(2, 2, "employees")],
    }
    close(client, uri)


async def test_rename_refuses_a_clash_a_keyword_and_a_property(client, workspace):
    path = workspace / "uses_lib.lrules"
    text = path.read_text(encoding="utf-8")
    uri = await open_doc(client, path)
    at = where(text, "pricing")
    with pytest.raises(Exception, match="`company_size` is already declared as a lead attribute"):
        await client.text_document_rename_async(
            t.RenameParams(text_document=doc_id(uri), position=at, new_name="company_size")
        )
    with pytest.raises(Exception, match="keyword"):
        await client.text_document_rename_async(
            t.RenameParams(text_document=doc_id(uri), position=at, new_name="within")
        )
    close(client, uri)
    lib = workspace / "lib" / "decls.lrules"
    uri = await open_doc(client, lib)
    with pytest.raises(Exception, match="renaming the property would read another"):
        await client.text_document_prepare_rename_async(
            t.PrepareRenameParams(
                text_document=doc_id(uri), position=where(lib.read_text(), "url contains")
            )
        )
    close(client, uri)


# ---- completion ----------------------------------------------------------------


async def labels(client, uri, position) -> list[str]:
    out = await client.text_document_completion_async(
        t.CompletionParams(text_document=doc_id(uri), position=position)
    )
    return [i.label for i in out.items]


async def test_completion(client, workspace):
    path = workspace / "valid" / "all_constructs.lrules"
    text = path.read_text(encoding="utf-8")
    uri = await open_doc(client, path)
    lines = text.split("\n")
    n = len(lines) - 1
    # after `where`: the event's properties (and consts)
    edited = text + "engagement2:\n  form_submit where \n"
    await change(client, uri, None, edited)
    assert (await labels(client, uri, pos(n + 1, 20)))[:2] == ["form", "pages"]
    # a signal stands for its event
    edited = text + "x:\n  pricing where \n"
    await change(client, uri, None, edited)
    assert (await labels(client, uri, pos(n + 1, 16)))[0] == "url"
    # after `on enter`: the tiers, in order, while the line does not parse yet
    edited = text + "on enter \n"
    await change(client, uri, None, edited)
    assert await labels(client, uri, pos(n, 9)) == ["A1", "SQL", "MQL", "warm", "cold"]
    # anywhere else: declared names and keywords
    edited = text + "y:\n  \n"
    await change(client, uri, None, edited)
    got = await labels(client, uri, pos(n + 1, 2))
    assert {"company_size", "page_view", "pricing", "personal_domains", "within", "each"} <= set(
        got
    )
    # in a test's event line: the event's properties
    edited = text + 'test "t":\n  event form_submit \n'
    await change(client, uri, None, edited)
    assert await labels(client, uri, pos(n + 1, 20)) == ["form", "pages"]
    close(client, uri)


# ---- outline, formatting, quick fixes -------------------------------------------


async def test_document_symbols(client, workspace):
    path = workspace / "valid" / "all_constructs.lrules"
    uri = await open_doc(client, path)
    symbols = await client.text_document_document_symbol_async(
        t.DocumentSymbolParams(text_document=doc_id(uri))
    )
    by_name = {s.name: s for s in symbols}
    assert by_name["fit"].kind == t.SymbolKind.Namespace
    assert [c.name for c in by_name["fit"].children][:2] == [
        "company_size in 50..200",
        "company_size > big",
    ]
    assert by_name["fit"].children[0].detail == "+20"
    assert by_name["MQL"].detail == "tier 61..80"
    assert by_name["a founder who asked for a demo"].kind == t.SymbolKind.Method
    assert [c.name for c in by_name["form_submit"].children] == ["form", "pages"]
    assert by_name["demo_request: +40".split(":")[0]].kind in (
        t.SymbolKind.Boolean,
        t.SymbolKind.Event,
    )
    close(client, uri)


async def test_formatting_is_fmt(client, workspace):
    path = workspace / "messy.lrules"
    messy = "lead   size :number\nfit :\n    size>3 : +1\ntier hot>=1\n"
    path.write_text(messy, encoding="utf-8")
    uri = await open_doc(client, path)
    edits = await client.text_document_formatting_async(
        t.DocumentFormattingParams(
            text_document=doc_id(uri), options=t.FormattingOptions(tab_size=2, insert_spaces=True)
        )
    )
    (edit,) = edits
    assert edit.new_text == format_text(messy).text
    assert edit.range.start == pos(0, 0)
    close(client, uri)


async def test_quick_fixes_declare_what_is_missing(client, workspace):
    path = workspace / "missing.lrules"
    text = (
        "lead role: text\nevent page_view(url: text)\nfit:\n  size > 10: +5\n  demo_request: +9\n"
        '  page_view where path contains "/x": +1\n'
        '  role == "CEO": +1\n'
    )
    path.write_text(text, encoding="utf-8")
    uri = await open_doc(client, path)
    diags = client.diagnostics[uri]
    assert [d.code for d in diags] == ["LR0101", "LR0101", "LR0103"]
    actions = await client.text_document_code_action_async(
        t.CodeActionParams(
            text_document=doc_id(uri),
            range=t.Range(start=pos(0, 0), end=pos(6, 0)),
            context=t.CodeActionContext(diagnostics=diags),
        )
    )
    titles = {a.title: a.edit.changes[uri][0] for a in actions}
    size = titles["Declare `lead size: number`"]
    assert (size.range.start, size.new_text) == (pos(1, 0), "lead size: number\n")
    demo = titles["Declare `event demo_request`"]
    assert (demo.range.start, demo.new_text) == (pos(2, 0), "event demo_request\n")
    assert "Declare `event size`" not in titles  # compared with a number: not an event
    prop = titles["Declare the property `path: text` on `event page_view`"]
    assert (prop.range.start, prop.new_text) == (pos(1, 25), ", path: text")
    # all three applied (bottom-up): the file checks clean
    for e in sorted(
        [prop, demo, size],
        key=lambda e: (e.range.start.line, e.range.start.character),
        reverse=True,
    ):
        await change(client, uri, e.range, e.new_text)
    assert list(client.diagnostics[uri]) == []
    close(client, uri)


async def test_quick_fix_types_a_name_compared_with_a_function_result(client, workspace):
    path = workspace / "hint.lrules"
    path.write_text("lead signup: time\nfit:\n  age > days_since(signup): +1\n", encoding="utf-8")
    uri = await open_doc(client, path)
    diags = client.diagnostics[uri]
    assert [d.code for d in diags] == ["LR0101"]
    actions = await client.text_document_code_action_async(
        t.CodeActionParams(
            text_document=doc_id(uri),
            range=t.Range(start=pos(0, 0), end=pos(3, 0)),
            context=t.CodeActionContext(diagnostics=diags),
        )
    )
    # days_since() gives a number, so the name compared with it is a number
    assert "Declare `lead age: number`" in {a.title for a in actions}
    close(client, uri)
