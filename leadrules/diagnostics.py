"""Diagnostics are values: collected by every stage, rendered by one of three renderers.

Every diagnostic carries a stable code (`LR` + four digits) listed in `CODES`, so that tests and
users can rely on the code rather than on the wording. `docs/diagnostics.md` documents each code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from leadrules.source import Span

ERROR = "error"
WARNING = "warning"

# code -> (default severity, short title). docs/diagnostics.md has a section per code and a test
# keeps the two in step.
CODES: dict[str, tuple[str, str]] = {
    # input and syntax
    "LR0001": (ERROR, "syntax error"),
    "LR0002": (ERROR, "unexpected character"),
    "LR0003": (ERROR, "unterminated string"),
    "LR0004": (ERROR, "bad indentation"),
    "LR0005": (ERROR, "file is not readable text"),
    "LR0006": (ERROR, "tabs mixed with spaces in indentation"),
    "LR0007": (ERROR, "invalid literal"),
    "LR0008": (ERROR, "nesting too deep"),
    # names
    "LR0101": (ERROR, "unknown name"),
    "LR0102": (ERROR, "unknown event"),
    "LR0103": (ERROR, "unknown property"),
    "LR0104": (ERROR, "unknown tier"),
    "LR0105": (ERROR, "unknown group"),
    "LR0106": (ERROR, "unknown attribute"),
    "LR0110": (ERROR, "duplicate declaration"),
    "LR0111": (ERROR, "reserved name"),
    "LR0112": (ERROR, "model named twice"),
    "LR0113": (ERROR, "property declared with two types"),
    "LR0114": (ERROR, "group name clashes with an output column"),
    # types
    "LR0201": (ERROR, "type mismatch"),
    "LR0202": (ERROR, "text operator on a non-text value"),
    "LR0203": (ERROR, "list of mixed types"),
    "LR0204": (ERROR, "not a condition"),
    "LR0205": (ERROR, "`each` needs a single event"),
    "LR0206": (ERROR, "wrong argument type"),
    "LR0207": (ERROR, "event predicate not allowed here"),
    "LR0208": (ERROR, "not allowed in this context"),
    "LR0209": (ERROR, "not an event"),
    # numbers
    "LR0301": (ERROR, "duration out of range"),
    "LR0302": (ERROR, "cap must be positive"),
    "LR0303": (ERROR, "empty range"),
    "LR0304": (ERROR, "points must be whole numbers"),
    "LR0305": (ERROR, "count must be a whole number"),
    "LR0306": (ERROR, "score out of the 64-bit range"),
    # imports
    "LR0401": (ERROR, "missing import"),
    "LR0402": (ERROR, "import cycle"),
    # tiers
    "LR0501": (WARNING, "tier can never match"),
    "LR0502": (WARNING, "overlapping tiers"),
    "LR0503": (WARNING, "scores that fall in no tier"),
    # rules
    "LR0601": (WARNING, "rule can never fire"),
    "LR0602": (WARNING, "unused declaration"),
    "LR0603": (WARNING, "rule gives no points"),
    "LR0604": (WARNING, "name is both a lead attribute and an event property"),
    "LR0605": (WARNING, "duplicate rule"),
    # automations and tests
    "LR0701": (ERROR, "bad automation"),
    "LR0702": (ERROR, "bad test"),
    "LR0703": (WARNING, "duplicate test name"),
    # targets
    "LR0801": (ERROR, "action not supported by target"),
    "LR0802": (ERROR, "not a valid CRM property name"),
    "LR0803": (ERROR, "set of a property the CRM does not have"),
}


@dataclass(frozen=True)
class Diagnostic:
    code: str
    severity: str
    message: str
    span: Span
    label: str = ""  # a short note printed beside the caret
    help: str = ""
    # other places worth showing (e.g. the first declaration of a duplicate)
    related: tuple[tuple[Span, str], ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def to_json(self) -> dict:
        return {
            "path": self.span.path,
            "line": self.span.line,
            "col": self.span.col,
            "end_line": self.span.end_line,
            "end_col": self.span.end_col,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "help": self.help or None,
        }


def make(
    code: str,
    message: str,
    span: Span,
    *,
    label: str = "",
    help: str = "",
    related: tuple[tuple[Span, str], ...] = (),
    severity: str | None = None,
) -> Diagnostic:
    """Build a diagnostic with the code's registered severity."""
    default, _title = CODES[code]
    return Diagnostic(code, severity or default, message, span, label, help, related)


def sort_key(d: Diagnostic):
    return (d.span.path, d.span.line, d.span.col, d.code, d.message)


class LeadrulesError(Exception):
    """The one exception the library raises for bad input; it carries the diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic] | tuple[Diagnostic, ...], message: str = ""):
        self.diagnostics = tuple(diagnostics)
        errors = [d for d in self.diagnostics if d.is_error]
        first = errors[0] if errors else (self.diagnostics[0] if self.diagnostics else None)
        if not message and first is not None:
            s = first.span
            message = f"{s.path}:{s.line}:{s.col}: {first.severity}[{first.code}]: {first.message}"
            if len(errors) > 1:
                message += f" (and {len(errors) - 1} more errors)"
        super().__init__(message or "invalid input")


# ---- renderers ---------------------------------------------------------------


def render_text(diags, sources: dict[str, str], color: bool = False) -> str:
    """rustc-style text: header, location, the user's line, a caret under the span, help."""
    out: list[str] = []
    for d in diags:
        out.append(_render_one(d, sources, color))
    return "\n".join(out)


def _style(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


MAX_SHOWN = 100  # longer source lines are shown as a window around the span


def _snippet(
    span: Span,
    label: str,
    sources: dict[str, str],
    color: bool,
    caret_code: str,
    width: int,
    mark: str = "^",
) -> list[str]:
    """The gutter, the source line and a caret line under the span (a window of long lines)."""
    src = sources.get(span.path)
    if src is None:
        return []
    lines = src.split("\n")
    if not 1 <= span.line <= len(lines):
        return []
    text = lines[span.line - 1].rstrip("\r").replace("\t", " ")
    start = max(span.col - 1, 0)
    if span.end_line == span.line and span.end_col > span.col:
        length = span.end_col - span.col
    else:
        length = max(len(text) - start, 1)
    length = max(1, min(length, max(len(text) - start, 1)))
    if len(text) > MAX_SHOWN:
        cut = max(0, start - 40)
        shown = text[cut : cut + MAX_SHOWN]
        prefix = "..." if cut else ""
        suffix = "..." if cut + MAX_SHOWN < len(text) else ""
        text = prefix + shown + suffix
        start = start - cut + len(prefix)
        length = max(1, min(length, len(shown) - (start - len(prefix))))
    pad = " " * width
    caret = " " * start + _style(mark * length + (f" {label}" if label else ""), caret_code, color)
    return [f"{pad} |", f"{span.line:>{width}} | {text}", f"{pad} | {caret}"]


def _render_one(d: Diagnostic, sources: dict[str, str], color: bool) -> str:
    s = d.span
    sev_code = "1;31" if d.is_error else "1;33"
    head = _style(f"{d.severity}[{d.code}]", sev_code, color)
    width = max([len(str(s.line))] + [len(str(r.line)) for r, _ in d.related])
    lines = [f"{s.path}:{s.line}:{s.col}: {head}: {d.message}"]
    lines.extend(_snippet(s, d.label, sources, color, sev_code, width))
    for rspan, note in d.related:
        lines.append(f"{' ' * width} = note: {note} ({rspan.path}:{rspan.line}:{rspan.col})")
        lines.extend(_snippet(rspan, "", sources, color, "1;34", width, mark="-")[1:])
    if d.help:
        lines.append(f"{' ' * width} = help: {d.help}")
    return "\n".join(lines) + "\n"


def render_json(diags) -> str:
    import json  # only when asked: `check` in text mode starts faster without it

    return json.dumps([d.to_json() for d in diags], indent=2, ensure_ascii=False) + "\n"


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_github(diags) -> str:
    """GitHub Actions workflow commands, in exactly the form GitHub reads them:
    `::error file=PATH,line=L,col=C::MESSAGE` (the message starts with the code)."""
    out = []
    for d in diags:
        s = d.span
        kind = "error" if d.is_error else "warning"
        msg = f"[{d.code}] {d.message}" + (f" (help: {d.help})" if d.help else "")
        out.append(
            f"::{kind} file={_gh_escape(s.path, True)},line={s.line},col={s.col}::{_gh_escape(msg)}"
        )
    return "\n".join(out) + ("\n" if out else "")


def as_dict(d: Diagnostic) -> dict:
    return asdict(d)
