"""The start-up cache (leadrules/_startup.py): the compiled methods of node classes and
dataclasses and the parser's tables kept between runs, the same classes and parser either way,
a foreign, stale or broken cache ignored, `interegular` (and, for the command, `tempfile`,
`hashlib`...) imported only when Lark needs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT

PROBE = """
import json, sys
import leadrules._startup as s
from leadrules.cli import main
import leadrules.model as m
import leadrules.diagnostics as dg
try:
    main(["check", "--format", "json", "examples/b2b_saas.lrules"])
except SystemExit:
    pass
new = sum(len(v) for v in s._state.get("new", {}).values())
cached = sum(len(v) for v in s._state.get("codes", {}).values())  # read from the cache
print(json.dumps({"new": new, "cached": cached,
                  "doc": dg.Diagnostic.__doc__, "eq": m.Attr("a", "text") == m.Attr("a", "text"),
                  "interegular": sorted(k for k in sys.modules if k.startswith("interegular.")),
                  "real": sorted(k for k in s.LAZY_FOR_THE_COMMAND
                                 if "__file__" in getattr(sys.modules.get(k), "__dict__", {})),
                  "lark": "lark" in sys.modules}))
"""


def probe(cache_home, **env) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(cache_home), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_second_run_compiles_nothing_and_builds_the_same_classes(tmp_path):
    first = probe(tmp_path)
    folder = tmp_path / "leadrules" / f"classes-{sys.implementation.cache_tag}"
    assert (folder / "leadrules.model.marshal").is_file()
    assert first["new"] > 100 and first["cached"] == 0  # ~80 node classes, ~10 dataclasses
    second = probe(tmp_path)
    assert second["new"] == 0 and second["cached"] == first["new"]
    assert first["doc"] == second["doc"]
    assert first["doc"].startswith("Diagnostic(code: str, severity: str, message: str, span: Span")
    assert first["eq"] and second["eq"]
    assert second["interegular"] == []  # Lark's parser came from its cache: never validated


def test_a_module_that_compiled_something_new_keeps_only_todays_texts(tmp_path):
    import marshal

    import leadrules.model as m

    probe(tmp_path)
    path = (
        tmp_path
        / "leadrules"
        / f"classes-{sys.implementation.cache_tag}"
        / "leadrules.model.marshal"
    )
    kept = marshal.loads(path.read_bytes())
    node_classes = [
        v for v in vars(m).values() if isinstance(v, type) and hasattr(v, "__node_fields__")
    ]
    # one text per node class (its methods), classes with the same fields sharing one
    assert 25 < len(kept) <= len(node_classes)
    dropped, *rest = sorted(kept)
    stale = {"def __init__(self, an_old_field):\n    pass\n": compile("pass", "<string>", "exec")}
    path.write_bytes(marshal.dumps({**{t: kept[t] for t in rest}, **stale}))
    again = probe(tmp_path)
    assert again["new"] == 1 and again["cached"] > 50
    assert sorted(marshal.loads(path.read_bytes())) == sorted(kept)


def test_a_foreign_or_broken_cache_is_ignored_and_it_can_be_turned_off(tmp_path):
    probe(tmp_path)
    folder = tmp_path / "leadrules" / f"classes-{sys.implementation.cache_tag}"
    cache = folder / "leadrules.model.marshal"
    cache.write_bytes(b"not marshal data")
    broken = probe(tmp_path)
    assert broken["cached"] > 50 and 20 < broken["new"] < 100  # the Model's compiled again
    assert probe(tmp_path)["new"] == 0
    if hasattr(os, "getuid") and os.getuid() == 0:
        os.chown(cache, 65534, 65534)  # someone else's file: never read
        assert 20 < probe(tmp_path)["new"] < 100
    off = tmp_path / "off"
    assert probe(off, LEADRULES_NO_STARTUP_CACHE="1")["cached"] == 0
    assert not (off / "leadrules").exists()


def test_the_parser_tables_are_kept_and_a_stale_or_foreign_file_is_rebuilt(tmp_path):
    """Two files: Lark's parser (for syntax errors) and the runtime's tables (for the rest,
    leadrules/syntax/lalr.py). A valid file is parsed without importing Lark once they are kept;
    a stale, broken or foreign file of either is built anew."""
    import marshal
    import pickle

    def built(run):  # building Lark's parser validates the terminals with `interegular`
        return run["interegular"] != []

    first = probe(tmp_path)
    kept = tmp_path / "leadrules" / f"parser-{sys.implementation.cache_tag}"
    (lark_file,) = kept.glob("leadrules-lark-*.pickle")
    tables = kept / "leadrules-tables.marshal"
    assert built(first) and first["lark"]  # the first run builds both with Lark...
    second = probe(tmp_path)
    assert not second["lark"]  # ...later runs do not even import it
    # what Lark imports only to build or to key its own cache stays unimported in the command
    assert second["real"] == []

    kept_tables = marshal.loads(tables.read_bytes())
    grammar, *rest = kept_tables["key"]
    tables.write_bytes(marshal.dumps({**kept_tables, "key": (grammar + "// another", *rest)}))
    stale = probe(tmp_path)
    assert stale["lark"] and not built(stale)  # the tables written again from Lark's parser
    assert not probe(tmp_path)["lark"]
    tables.write_bytes(b"broken")
    assert probe(tmp_path)["lark"]
    assert not probe(tmp_path)["lark"]

    tables.unlink()  # and Lark's own parser, stale: built from the grammar of today
    kept_data = pickle.loads(lark_file.read_bytes())
    kept_data["grammar"] += "\n// another grammar\n"
    lark_file.write_bytes(pickle.dumps(kept_data))
    assert built(probe(tmp_path))
    assert not probe(tmp_path)["lark"]
    if hasattr(os, "getuid") and os.getuid() == 0:
        os.chown(tables, 65534, 65534)  # someone else's file: never read
        assert probe(tmp_path)["lark"]
