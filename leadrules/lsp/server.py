"""The leadrules language server (pygls 2): wiring of the LSP methods to leadrules' checker,
formatter and the index of names. `leadrules lsp` runs it over stdio."""

from __future__ import annotations

import asyncio

from lsprotocol import types as t
from pygls.exceptions import JsonRpcInvalidRequest
from pygls.lsp.server import LanguageServer
from pygls.protocol import default_converter

from leadrules.lsp import complete, convert, edits, hover
from leadrules.lsp.state import Analysis, State

NAME = "leadrules"
DEBOUNCE = 0.004  # seconds between an edit and its check


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("leadrules")
    except Exception:  # noqa: BLE001 - not installed: a checkout on PYTHONPATH
        return "0"


class Server(LanguageServer):
    def __init__(self):
        super().__init__(
            NAME, _version(), text_document_sync_kind=t.TextDocumentSyncKind.Incremental
        )
        self.state = State()
        self.published: dict[str, set[str]] = {}  # a document's URI -> URIs it published to
        self.pending: set[str] = set()
        # the diagnostics last published to each URI, as JSON values, by (diagnostic, the lines
        # its spans stand on): an edit converts only the diagnostics that are new or moved
        self.converted: dict[str, dict[tuple, dict]] = {}
        self._converter = default_converter()

    def schedule(self, uri: str) -> None:
        """Check a document a few milliseconds after an edit (DEBOUNCE): the edits that arrive
        meanwhile (fast typing, a paste, edits queued while the server was busy) are checked once,
        at their last version."""
        if uri in self.pending:
            return
        self.pending.add(uri)
        asyncio.get_running_loop().call_later(DEBOUNCE, self._run_pending, uri)

    def _run_pending(self, uri: str) -> None:
        self.pending.discard(uri)
        if uri in self.workspace.text_documents:  # not closed meanwhile
            self.check(uri)

    def check(self, uri: str) -> Analysis:
        doc = self.workspace.get_text_document(uri)
        a = self.state.analyze(uri, doc.source)
        by_uri = a.diagnostics_by_uri()
        targets = {uri} | {u for u in by_uri if u not in self.state.docs or u == uri}
        for u in targets | (self.published.get(uri, set()) - targets):
            if u != uri and u in self.state.docs:
                continue  # an open file publishes its own diagnostics
            version = doc.version if u == uri else None
            self.publish(u, by_uri.get(u, []), a.lines_of, version)
        self.published[uri] = targets
        return a

    def publish(self, uri: str, diagnostics: list, lines_of, version: int | None) -> None:
        """`textDocument/publishDiagnostics` with `convert.diagnostic` of each diagnostic, the
        JSON of those published last time reused (a keystroke moves few of a file's hundreds)."""
        before = self.converted.get(uri, {})
        now: dict[tuple, dict] = {}
        out = []
        for d in diagnostics:
            key = (d, convert.context_key(d, lines_of))
            value = now.get(key) or before.get(key)
            if value is None:
                value = self._converter.unstructure(convert.diagnostic(d, lines_of))
            now[key] = value
            out.append(value)
        if now:
            self.converted[uri] = now
        else:
            self.converted.pop(uri, None)
        params: dict = {"uri": uri, "diagnostics": out}
        if version is not None:
            params["version"] = version
        # the JSON values are sent as they are: pygls's `notify` would convert every one again
        self.protocol._send_data(
            {"jsonrpc": "2.0", "method": t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, "params": params}
        )

    def analysis(self, uri: str) -> Analysis:
        a = self.state.get(uri)
        doc = self.workspace.get_text_document(uri)
        if a is None or a.text != doc.source:
            a = self.check(uri)
        return a

    def roots(self) -> list[str]:
        folders = self.workspace.folders.values()
        paths = [convert.fs_path(f.uri) for f in folders]
        if not paths and self.workspace.root_uri:
            paths = [convert.fs_path(self.workspace.root_uri)]
        return paths


server = Server()


def _pos(a: Analysis, pos: t.Position) -> tuple[int, int]:
    return convert.from_position(a.lines, pos)


def _refuse(e: edits.Refused):
    raise JsonRpcInvalidRequest(str(e))


@server.feature(t.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: Server, params: t.DidOpenTextDocumentParams):
    ls.check(params.text_document.uri)


@server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: Server, params: t.DidChangeTextDocumentParams):
    ls.schedule(params.text_document.uri)


@server.feature(t.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: Server, params: t.DidSaveTextDocumentParams):
    for uri in list(ls.state.docs):  # the open files that import the saved one read it anew
        ls.check(uri)


@server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: Server, params: t.DidCloseTextDocumentParams):
    uri = params.text_document.uri
    ls.state.close(uri)
    for u in ls.published.pop(uri, set()):
        if u not in ls.state.docs:  # an open file keeps its own diagnostics
            ls.publish(u, [], None, None)


@server.feature(t.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def watched_files_changed(ls: Server, params: t.DidChangeWatchedFilesParams):
    for uri in list(ls.state.docs):  # an imported file changed on disk
        ls.check(uri)


@server.feature(t.TEXT_DOCUMENT_HOVER)
def on_hover(ls: Server, params: t.HoverParams):
    a = ls.analysis(params.text_document.uri)
    text = hover.hover(a, *_pos(a, params.position))
    if text is None:
        return None
    return t.Hover(contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value=text))


@server.feature(t.TEXT_DOCUMENT_DEFINITION)
def definition(ls: Server, params: t.DefinitionParams):
    a = ls.analysis(params.text_document.uri)
    occ = a.index.at(a.path, *_pos(a, params.position))
    decl = a.index.decl(occ.key) if occ else None
    if decl is None:
        return None
    lines = a.lines_of(decl.span.path)
    return t.Location(uri=convert.uri_of(decl.span.path), range=convert.to_range(decl.span, lines))


@server.feature(t.TEXT_DOCUMENT_REFERENCES)
def references(ls: Server, params: t.ReferenceParams):
    a = ls.analysis(params.text_document.uri)
    occ = a.index.at(a.path, *_pos(a, params.position))
    decl = a.index.decl(occ.key) if occ else None
    if occ is None:
        return None
    found: dict[tuple, t.Location] = {}
    indexes = [a.index] if decl is None else ls.state.workspace_indexes(ls.roots())
    for idx in indexes:
        mine = idx.decl(occ.key)
        if decl is not None and (mine is None or mine.span != decl.span):
            continue
        for o in idx.refs(occ.key):
            if o.is_decl and not params.context.include_declaration:
                continue
            s = o.span
            lines = edits._lines(a, idx, s.path)
            found[(s.path, s.line, s.col)] = t.Location(
                uri=convert.uri_of(s.path), range=convert.to_range(s, lines)
            )
    return [found[k] for k in sorted(found)]


@server.feature(t.TEXT_DOCUMENT_PREPARE_RENAME)
def prepare_rename(ls: Server, params: t.PrepareRenameParams):
    a = ls.analysis(params.text_document.uri)
    try:
        occ, _decl = edits.rename_target(a, *_pos(a, params.position))
    except edits.Refused as e:
        _refuse(e)
    return convert.to_range(occ.span, a.lines)


@server.feature(t.TEXT_DOCUMENT_RENAME)
def on_rename(ls: Server, params: t.RenameParams):
    a = ls.analysis(params.text_document.uri)
    try:
        return edits.rename(
            a,
            *_pos(a, params.position),
            params.new_name,
            ls.state.workspace_indexes(ls.roots()),
        )
    except edits.Refused as e:
        _refuse(e)


@server.feature(t.TEXT_DOCUMENT_COMPLETION, t.CompletionOptions(trigger_characters=[" ", "(", ","]))
def completion(ls: Server, params: t.CompletionParams):
    a = ls.analysis(params.text_document.uri)
    items = complete.complete(a, *_pos(a, params.position))
    return t.CompletionList(is_incomplete=False, items=items)


@server.feature(t.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbols(ls: Server, params: t.DocumentSymbolParams):
    return complete.outline(ls.analysis(params.text_document.uri))


@server.feature(t.TEXT_DOCUMENT_FORMATTING)
def formatting(ls: Server, params: t.DocumentFormattingParams):
    a = ls.analysis(params.text_document.uri)
    try:
        return edits.format_document(a)
    except edits.Refused as e:
        ls.window_show_message(t.ShowMessageParams(type=t.MessageType.Warning, message=str(e)))
        return None


@server.feature(
    t.TEXT_DOCUMENT_CODE_ACTION,
    t.CodeActionOptions(code_action_kinds=[t.CodeActionKind.QuickFix]),
)
def code_action(ls: Server, params: t.CodeActionParams):
    return edits.code_actions(ls.analysis(params.text_document.uri), params.range)


def serve() -> None:
    server.start_io()
