"""What `leadrules diff` and `leadrules evaluate` share on the command line: a model argument that
may be `REV:PATH`, the data options, and turning engine errors into messages."""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator
from pathlib import Path

from leadrules.commands.common import EXIT_INPUT, EXIT_USAGE, fail, load_or_exit


@contextlib.contextmanager
def model_loader() -> Iterator:
    """Yields `load(arg) -> Model`; a `REV:PATH` argument is read (with its imports) from git."""
    from leadrules.impact.gitrev import GitError, parse_spec, reader

    def load(arg: str):
        spec = parse_spec(arg)
        if spec is None:
            if not Path(arg).is_file():
                fail(
                    f"{arg}: no such file (for a file at a git revision write REV:PATH)",
                    EXIT_USAGE,
                )
            return load_or_exit(arg)
        try:
            path, read = reader(spec)
        except GitError as e:
            fail(str(e), EXIT_USAGE)
        return load_or_exit(str(path), read)

    yield load


def engine_errors() -> tuple[type[BaseException], ...]:
    """The exceptions an engine raises for bad input data (reported, never a traceback)."""
    from leadrules.diagnostics import LeadrulesError

    found: list[type[BaseException]] = [LeadrulesError]
    with contextlib.suppress(ImportError):
        from leadrules.data import DataError

        found.append(DataError)
    return tuple(found)


@contextlib.contextmanager
def reported() -> Iterator[None]:
    """Run scoring; a data error becomes `error: ...` and exit 1."""
    try:
        with notes_once():
            yield
    except engine_errors() as e:
        fail(str(e), EXIT_INPUT)
    except FileNotFoundError as e:
        fail(f"cannot read {e.filename}: {e.strerror}", EXIT_USAGE)


class _OnceLines(io.TextIOBase):
    """A stderr that lets each distinct line through once: several scorings of the same data
    would otherwise repeat the engine's notes (ignored events, skipped rows)."""

    def __init__(self, inner):
        self.inner = inner
        self.seen: set[str] = set()
        self.pending = ""

    def write(self, text: str) -> int:
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            if line not in self.seen:
                self.seen.add(line)
                self.inner.write(line + "\n")
        return len(text)

    def flush(self) -> None:
        self.inner.flush()


@contextlib.contextmanager
def notes_once() -> Iterator[None]:
    inner = sys.stderr
    sys.stderr = _OnceLines(inner)
    try:
        yield
    finally:
        if sys.stderr.pending:
            inner.write(sys.stderr.pending)
        sys.stderr = inner
