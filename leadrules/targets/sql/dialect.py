"""Dialects: Jinja2 macro files with dbt-style dispatch.

`templates/macros/default.sql` defines every macro the compiler calls;
`templates/macros/<dialect>.sql` overrides only what differs. `Dialect(name).<macro>(...)`
finds the dialect's macro first, then the default one, and macros call each other through the
same dispatcher (`sql.<macro>`), so an override in a dialect is seen by the default macros too.

Jinja compiles the macro files to Python on every run (~20 ms, a tenth of `leadrules score`'s
fixed cost at the time of writing); the compiled code is kept in `$XDG_CACHE_HOME/leadrules/jinja`
(`~/.cache/...`), keyed by the files' text, and a cache that cannot be read or written is skipped.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

from leadrules.data.values import NUMBER_FORM, TIME_FORM

# Rules (and event counts) per points view where a view's columns are limited: PostgreSQL 1,600
# (and 1,664 in a SELECT list), SQLite 2,000; 250 keeps each view quick to plan. Elsewhere one
# view holds every rule.
MAX_COLUMNS = {"postgres": 250, "sqlite": 250}
# Dialects without a `VALUES` list as a table: the rule catalog stays a UNION ALL of SELECTs.
NO_VALUES = {"bigquery"}
# the refused values' forms and words (leadrules.data.values: one definition)
SPACE_RE = "[ \\t\\n\\r\\x0b\\x0c]*"
BIG_TEXT = (
    "not read by the SQL target: a JSON number with a fraction or an exponent in a text "
    "property (SQLite), or one of 2^53 or more; write it as a JSON string"
)
PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
TEMPLATES = Path(__file__).resolve().parent / "templates"
#: the dialects: one macro file each beside `default.sql`; DuckDB's (the embedded engine) first
DIALECTS = tuple(
    sorted(
        (p.stem for p in (TEMPLATES / "macros").glob("*.sql") if p.stem != "default"),
        key=lambda name: (name != "duckdb", name),
    )
)


class Dialect:
    def __init__(self, name: str):
        import jinja2

        if name not in DIALECTS:
            raise ValueError(f"unknown SQL dialect {name!r}")
        self.name = name
        self.max_columns = MAX_COLUMNS.get(name)
        self.values_lists = name not in NO_VALUES
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            autoescape=False,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            bytecode_cache=_bytecode_cache(),
        )
        self.env.globals["sql"] = self
        self.env.globals.update(
            NUMBER_FORM=NUMBER_FORM, TIME_FORM=TIME_FORM, SPACE_RE=SPACE_RE, BIG_TEXT=BIG_TEXT
        )
        self.env.tests["plain"] = lambda name: PLAIN.fullmatch(name) is not None
        self._layers = [self.env.get_template("macros/default.sql").module]
        if (TEMPLATES / "macros" / f"{name}.sql").exists():
            self._layers.insert(0, self.env.get_template(f"macros/{name}.sql").module)

    def __getattr__(self, macro: str):
        if macro.startswith("_"):
            raise AttributeError(macro)
        for layer in self._layers:
            found = getattr(layer, macro, None)
            if found is not None:
                return lambda *args: str(found(*args))
        raise AttributeError(f"no SQL macro `{macro}` for {self.name}")

    def render(self, template: str, **context) -> str:
        return self.env.get_template(template).render(**context)


@cache
def dialect(name: str) -> Dialect:
    return Dialect(name)


@cache
def _bytecode_cache():
    """A FileSystemBytecodeCache that never fails a run, or None where there is no cache dir."""
    import jinja2

    class Cache(jinja2.FileSystemBytecodeCache):
        def load_bytecode(self, bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # unreadable or truncated: compile again
                bucket.reset()

        def dump_bytecode(self, bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    directory = os.path.join(base, "leadrules", "jinja")
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError:
        return None
    return Cache(directory)
