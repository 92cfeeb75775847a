"""`REV:PATH` model arguments: a rules file as it was at a git revision.

PATH is relative to the current directory, like a plain file argument (so
`leadrules diff main:rules/b2b.lrules rules/b2b.lrules` compares a file with its own past), and
the repository is the one that contains the current directory. The file and every file it
imports, read at the same revision, are written under a temporary folder with their layout
relative to the repository root kept, so `import "../shared.lrules"` resolves as it did then.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


class GitError(Exception):
    """A `REV:PATH` that git cannot show; the message says why."""


@dataclass(frozen=True)
class RevPath:
    rev: str
    path: str  # as written, relative to the current directory

    def __str__(self) -> str:
        return f"{self.rev}:{self.path}"


def parse_spec(arg: str) -> RevPath | None:
    """`REV:PATH`, or None when `arg` is a plain path (an existing file always is)."""
    if Path(arg).exists() or ":" not in arg:
        return None
    rev, _, path = arg.partition(":")
    if not rev or not path:
        return None
    return RevPath(rev, path)


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed (needed to read REV:PATH)") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {' '.join(args)} failed")
    return proc.stdout


def _imports(text: bytes, name: str) -> list[str]:
    from leadrules.syntax import ast
    from leadrules.syntax.parser import parse_text

    tree, _ = parse_text(text, name)
    if tree is None:
        return []  # the checker reports the syntax error when the model is loaded
    return [s.path for s in tree.statements if isinstance(s, ast.Import)]


def materialize(spec: RevPath, into: Path, cwd: Path | None = None) -> Path:
    """Write `spec` and its imports (at `spec.rev`) under `into`; return the root file's path."""
    cwd = (cwd or Path.cwd()).resolve()
    try:
        top = Path(_git(["rev-parse", "--show-toplevel"], cwd).decode().strip()).resolve()
    except GitError as e:
        raise GitError(f"{spec}: cannot read from git here ({e})") from None
    target = (cwd / spec.path).resolve()
    try:
        root = PurePosixPath(target.relative_to(top).as_posix())
    except ValueError:
        raise GitError(f"{spec.path} is outside the repository {top}") from None
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{spec.rev}^{{commit}}"], top)
    except GitError:
        raise GitError(f"{spec}: unknown revision `{spec.rev}`") from None
    pending, seen = [root], set()
    while pending:
        rel = pending.pop()
        if rel in seen:
            continue
        seen.add(rel)
        try:
            data = _git(["show", f"{spec.rev}:{rel}"], top)
        except GitError as e:
            if rel == root:
                raise GitError(f"{spec}: {e}") from None
            continue  # a missing import: the checker reports it with the import's line
        out = into / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        for imp in _imports(data, str(rel)):
            joined = PurePosixPath(*_normalize(rel.parent / imp).parts)
            if joined.parts and joined.parts[0] != "..":
                pending.append(joined)
    return into / root


def _normalize(path: PurePosixPath) -> PurePosixPath:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            else:
                parts.append(part)
        elif part != ".":
            parts.append(part)
    return PurePosixPath(*parts) if parts else PurePosixPath(".")
