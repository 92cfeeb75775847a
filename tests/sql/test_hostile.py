"""Hostile names and strings through every engine: nothing in a rules file or a table name
becomes SQL. The scores are the interpreter's and the input tables are left intact."""

from __future__ import annotations

import pytest
from sql import engines
from sql.gen import AS_OF, BUY_SOURCE
from sql.test_equivalence import load

EVIL = ["'); DROP TABLE leads; --", "{{ 7 * 7 }}", "a\\'b", "%_%", "\\", "x\ny", '"; --']


def rules() -> str:
    from sql.gen import HEADER, lit

    lines = [HEADER.replace('model "generated"', f"model {lit(EVIL[0] + EVIL[1])}"), "fit:"]
    for i, s in enumerate(EVIL, 1):
        lines.append(f"  role contains {lit(s)} or email == {lit(s)}: +{i}")
        lines.append(f"  view where url ends_with {lit(s)}: +{10 * i}")
    lines.append(f"  lower(role) starts_with {lit(EVIL[2])}: +100")
    return "\n".join(lines) + "\ntier t_1 >= 1\n"


LEADS = [{"lead_id": str(i), "role": s, "email": s} for i, s in enumerate(EVIL, 1)]
LEADS.append({"lead_id": "99", "role": "A\\'B"})
EVENTS = [
    {"lead_id": str(i), "event": "view", "url": "x" + s, "occurred_at": AS_OF}
    for i, s in enumerate(EVIL, 1)
]
EVENTS.append({"lead_id": "1", "event": BUY_SOURCE, "occurred_at": AS_OF, "amount": 1})


@pytest.mark.parametrize("dialect", ["duckdb", "sqlite", "postgres"])
def test_hostile_strings_and_table_names(dialect, request):
    conn = None
    if dialect == "postgres":
        conn = request.getfixturevalue("pg")
        with conn.cursor() as cur:
            cur.execute('DROP SCHEMA IF EXISTS "we""ird" CASCADE; CREATE SCHEMA "we""ird"')
    model = load(rules())
    tables = ('"we""ird"."le ads"', '"we""ird"."ev;ents"') if conn else ('"le ads"', '"ev;ents"')
    want = engines.expected(model, LEADS, EVENTS, AS_OF)
    got, inputs, _rules = engines.run(
        dialect, model, LEADS, EVENTS, AS_OF, conn=conn, tables=tables
    )
    assert got == want
    assert len(inputs[0]) == len(LEADS) and len(inputs[1]) == len(EVENTS)
    assert {r[2] for r in inputs[0]} == {r["role"] for r in LEADS}
    assert sorted(r[:2] for r in want)[-1][1] > 0  # the strings did match somewhere
