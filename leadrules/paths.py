"""File paths as the checker and the commands handle them: plain strings, as `os.path` takes them.

`leadrules check` does not import `pathlib` (with the `urllib.parse` it imports, about 4% of the
command's start-up: docs/performance.md); paths are written, split and shown here exactly as
`pathlib` writes them (`tests/check/test_paths.py` compares the two).
"""

from __future__ import annotations

import os


def _root_and_parts(path: str) -> tuple[str, list[str]]:
    root = "//" if path.startswith("//") and not path.startswith("///") else path[:1] == "/" and "/"
    return root or "", [p for p in path.split("/") if p and p != "."]


def plain(path: str) -> str:
    """`path` as `str(PurePosixPath(path))` writes it: no empty or `.` parts (`..` kept)."""
    root, parts = _root_and_parts(path)
    return root + "/".join(parts) or "."


def parent(path: str) -> str:
    """The folder of `path`, as `PurePosixPath(path).parent` gives it."""
    root, parts = _root_and_parts(path)
    return root + "/".join(parts[:-1]) or "."


def stem(path: str) -> str:
    """The file's name without its last suffix, as `PurePosixPath(path).stem` gives it."""
    _, parts = _root_and_parts(path)
    name = parts[-1] if parts else ""
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def display(path: str) -> str:
    """`path` relative to the working folder when it is inside it, else as written."""
    real, cwd = os.path.realpath(path), os.path.realpath(os.getcwd())
    if real == cwd:
        return "."
    inside = cwd.rstrip("/") + "/"
    return real[len(inside) :] if real.startswith(inside) else plain(path)


def read_bytes(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()
