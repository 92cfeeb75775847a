"""The checker's paths are plain strings (`check` does without `pathlib` at start-up); they are
read, joined and shown exactly as `pathlib` did it, which these tests compare."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from hypothesis import given
from hypothesis import strategies as st

from leadrules.check import check
from leadrules.paths import display, parent, plain, stem

# paths as people and tools write them: parts, `.`, `..`, repeated and trailing slashes, roots
PATHS = st.lists(
    st.sampled_from(["", ".", "..", "a", "b.lrules", "x.", ".hidden", "a.b.c", "dir"]),
    max_size=6,
).map("/".join) | st.text(alphabet="/.ab", max_size=12)


@given(PATHS)
def test_paths_are_written_as_pathlib_writes_them(path):
    pure = PurePosixPath(path)
    assert plain(path) == str(pure)
    assert parent(path) == str(pure.parent)
    assert stem(path) == pure.stem


def old_display(path: str) -> str:
    """The display `pathlib` gave (the loader before it used strings)."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(Path(path))


def test_a_path_is_shown_relative_to_the_working_folder_as_before(tmp_path, monkeypatch):
    (tmp_path / "work" / "sub").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "work" / "sub")
    monkeypatch.chdir(tmp_path / "work")
    for path in [
        "a.lrules",
        "./sub/../a.lrules",
        "sub//b.lrules",
        ".",
        "sub",
        str(tmp_path / "work" / "sub" / "c.lrules"),
        str(tmp_path / "link" / "c.lrules"),
        "../elsewhere/d.lrules",
        str(tmp_path / "elsewhere" / "./d.lrules"),
        "/",
    ]:
        assert display(path) == old_display(path), path


def test_imports_are_found_and_shown_from_the_importing_files_folder(tmp_path, monkeypatch):
    (tmp_path / "rules" / "shared").mkdir(parents=True)
    (tmp_path / "rules" / "shared" / "fit.lrules").write_text(
        'import "../base.lrules"\n\nlead industry: text\n'
    )
    (tmp_path / "rules" / "base.lrules").write_text("lead size: number\n")
    main = tmp_path / "rules" / "main.lrules"
    main.write_text(
        'import "shared/fit.lrules"\nimport "./shared/gone.lrules"\n\n'
        'fit:\n  size > 50: +10\n  industry == "saas": +5\n'
    )
    monkeypatch.chdir(tmp_path)
    result = check("rules/main.lrules")
    assert sorted(result.sources) == [
        "rules/base.lrules",
        "rules/main.lrules",
        "rules/shared/fit.lrules",
    ]
    (missing,) = [d for d in result.diagnostics if d.code == "LR0401"]
    assert missing.message == "cannot import `./shared/gone.lrules`: No such file or directory"
    assert missing.help == "the path is relative to this file's folder (rules)"
    monkeypatch.chdir(tmp_path / "rules" / "shared")
    elsewhere = check(os.path.join("..", "main.lrules"))
    # outside the working folder a path is shown as it was joined, inside relative to it
    assert sorted(elsewhere.sources) == ["../main.lrules", "../shared/../base.lrules", "fit.lrules"]
    base = f"{tmp_path}/rules/shared/../base.lrules"
    assert check(main).sources.keys() == {str(main), base, "fit.lrules"}
