"""Dialects: Jinja2 macro files with dbt-style dispatch.

`templates/macros/default.sql` defines every macro the compiler calls;
`templates/macros/<dialect>.sql` overrides only what differs. `Dialect(name).<macro>(...)`
finds the dialect's macro first, then the default one, and macros call each other through the
same dispatcher (`sql.<macro>`), so an override in a dialect is seen by the default macros too.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

DIALECTS = ("duckdb", "sqlite", "postgres", "bigquery", "snowflake", "spark", "trino")
PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
TEMPLATES = Path(__file__).resolve().parent / "templates"


class Dialect:
    def __init__(self, name: str):
        import jinja2

        if name not in DIALECTS:
            raise ValueError(f"unknown SQL dialect {name!r}")
        self.name = name
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            autoescape=False,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.globals["sql"] = self
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
