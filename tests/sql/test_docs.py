"""The `lrules` examples of docs/targets/sql.md and dbt.md check, and compile in every dialect."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT
from sql.test_equivalence import load

from leadrules.targets import Options
from leadrules.targets.dbt import compile as compile_dbt
from leadrules.targets.sql import DIALECTS
from leadrules.targets.sql import compile as compile_sql

DOCS = [ROOT / "docs" / "targets" / "sql.md", ROOT / "docs" / "targets" / "dbt.md"]
BLOCKS = [
    (doc.name, block)
    for doc in DOCS
    for block in re.findall(r"```lrules\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)
]


@pytest.mark.parametrize("name, text", BLOCKS)
def test_doc_examples_compile_everywhere(name, text):
    model = load(text)
    for dialect in DIALECTS:
        assert "CREATE" in compile_sql(model, Options(dialect=dialect)).text
    assert "models/lead_scores.sql" in compile_dbt(model, Options()).files


def test_the_sql_excerpt_in_the_docs_is_what_the_compiler_writes():
    doc = DOCS[0].read_text(encoding="utf-8")
    model = load(BLOCKS[0][1])
    import datetime as dt

    as_of = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    out = compile_sql(model, Options(as_of=as_of)).text
    excerpt = re.search(r"```sql\n(.*?)```", doc, re.S).group(1)
    for line in excerpt.splitlines():
        if "FILTER (WHERE" in line or " AS r" in line:
            assert line.strip() in out
