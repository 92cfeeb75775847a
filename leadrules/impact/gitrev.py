"""`REV:PATH` model arguments: a rules file as it was at a git revision.

PATH is relative to the current directory, like a plain file argument (so
`leadrules diff main:rules/b2b.lrules rules/b2b.lrules` compares a file with its own past), and
the repository is the one that contains the current directory. `reader` gives the loader a
`read(path)` hook that reads every file (the root and what it imports, at any depth) from that
revision instead of the working tree, so `import "../shared.lrules"` resolves as it did then.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Callable
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


def reader(spec: RevPath, cwd: Path | None = None) -> tuple[Path, Callable[[Path], bytes]]:
    """The root file's path (as written) and a `read(path) -> bytes` that reads any path of the
    repository at `spec.rev` (`FileNotFoundError` for a file the revision lacks, as a missing
    file on disk: the checker reports the import with its line)."""
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
    try:
        first = _git(["show", f"{spec.rev}:{root}"], top)
    except GitError as e:
        raise GitError(f"{spec}: {e}") from None

    def read(path: str) -> bytes:
        where = Path(os.path.normpath(cwd / path))  # `..` as written, no symlink of the tree
        try:
            rel = PurePosixPath(where.relative_to(top).as_posix())
        except ValueError:
            rel = None
        if rel == root:
            return first
        try:
            if rel is None:
                raise GitError("outside the repository")
            return _git(["show", f"{spec.rev}:{rel}"], top)
        except GitError:
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path)) from None

    return Path(spec.path), read
