"""Issue 9, items 4 and 5: one definition of a valid data row, the same on both engines
(docs/semantics.md, "Rows"): what one refuses the other refuses with the same message, and
what both accept they read alike."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadrules.data import DataError
from leadrules.engine import DataOptions
from leadrules.engine import duckdb as duck
from leadrules.engine.python import run_files as python_run
from tests.engine.agreement import both, both_refuse
from tests.engine.helpers import AS_OF, load

MODEL = load("""
lead name: text
lead size: number
event visit(url: text)
name == "abc": +1
name == "a,b": +2
size >= 20: +4
visit where url == "/p": +8
""")
EVENTS = "lead_id,event,occurred_at,url\n1,visit,2025-12-31,/p\n"


def files(tmp_path, leads: str, events: str = EVENTS, ext: str = "csv"):
    (tmp_path / f"leads.{ext}").write_text(leads)
    (tmp_path / "events.csv").write_text(events)
    return str(tmp_path / f"leads.{ext}"), str(tmp_path / "events.csv")


REFUSED_CSV = [
    ("1,abc,20,\n", "expected 3 fields, found 4"),  # a trailing empty field
    ("1,abc,20,,\n", "expected 3 fields, found 5"),
    ('1,abc,20,""\n', "expected 3 fields, found 4"),
    ("1,abc\n", "expected 3 fields, found 2"),
    ('1, "a,b",20\n', "a quoted field after spaces"),
    ('1, "abc",20\n', "a quoted field after spaces"),
    ('1,\t"abc",20\n', "a quoted field after spaces"),
    ('1,"abc" ,20\n', "malformed CSV"),
    ('1,"abc"x,20\n', "malformed CSV"),
    ("1,abc,1e400\n", "expected a number within the double range"),
    ("1,abc,inf\n", "expected a number"),
    ("1,abc,-Infinity\n", "expected a number"),
]


@pytest.mark.parametrize(("row", "reason"), REFUSED_CSV)
def test_a_csv_row_refused_by_one_engine_is_refused_by_both(row, reason, tmp_path):
    leads, events = files(tmp_path, "lead_id,name,size\n0,x,1\n" + row)
    message = both_refuse(MODEL, leads, events, AS_OF)
    assert message.startswith(f"{leads}:3: ") and reason in message


ACCEPTED_CSV = [
    '1,ab"c,20\n',  # a quote inside an unquoted field is text
    '1,"a,b",20\n',
    '1,"abc",20\n',
    '1,"x, ""y"", z",20\n',  # a delimiter and a space before a doubled quote, inside quotes
    '1,"x "" ,y",20\n',
    "1, abc ,20\n",  # spaces are kept in text
    "1,abc, 20 \n",  # and ignored around a number
    "\n1,abc,20\n",  # a blank line
    "1,abc,20",  # no final line break
]


@pytest.mark.parametrize("row", ACCEPTED_CSV)
def test_a_csv_row_both_accept_reads_alike(row, tmp_path):
    leads, events = files(tmp_path, "lead_id,name,size\n" + row)
    (got, _), (want, _) = both(MODEL, leads, events, AS_OF)
    assert got == want and "1" in got


def test_crlf_files_read_alike(tmp_path):
    leads, events = files(
        tmp_path, "lead_id,name,size\r\n1,abc,20\r\n", EVENTS.replace("\n", "\r\n")
    )
    (got, _), (want, _) = both(MODEL, leads, events, AS_OF)
    assert got == want and got["1"][1] == 13


REFUSED_JSON = [
    ('{"lead_id": true, "name": "abc"}', "lead key `lead_id`: expected text, got a bool"),
    ('{"lead_id": "1", "name": true}', "expected text, got a bool"),
    ('{"lead_id": "1", "name": {"a": 1}}', "expected text, got dict"),
    ('{"lead_id": "1", "name": [1]}', "expected text, got list"),
    ('{"lead_id": "1", "size": 1e999}', "expected a finite number"),
    ('{"lead_id": "1", "size": true}', "expected a number, got a bool"),
    ('{"lead_id": "1", "size": "1e400"}', "expected a number within the double range"),
    ('{"lead_id": "1", "size": [20]}', "expected a number, got list"),
]


@pytest.mark.parametrize(("row", "reason"), REFUSED_JSON)
def test_a_json_value_refused_by_one_engine_is_refused_by_both(row, reason, tmp_path):
    leads, events = files(tmp_path, '{"lead_id": "0"}\n' + row + "\n", ext="jsonl")
    message = both_refuse(MODEL, leads, events, AS_OF)
    assert message.startswith(f"{leads}:2: ") and reason in message


json_values = st.one_of(
    st.none(),
    st.sampled_from(["abc", "a,b", "", " 20 ", "20", "1e1", "0020"]),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([20, 20.0, 1e1, 19.999999999999996, -0.0]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(rows=st.lists(st.tuples(json_values, json_values), min_size=1, max_size=5))
def test_json_values_of_every_json_type_read_alike(rows, tmp_path):
    """Strings, integers of any size, floats: DuckDB reads them as the interpreter (or hands
    over to it for a form it does not type itself); the scores are the same."""
    text = "".join(
        json.dumps({"lead_id": str(i), "name": name, "size": size}) + "\n"
        for i, (name, size) in enumerate(rows)
    )
    leads, events = files(tmp_path, text, ext="jsonl")
    outcomes = []
    for run in (python_run, duck.run_files):
        try:
            outcomes.append(run(MODEL, leads, events, AS_OF, DataOptions(), report=print))
        except DataError as e:
            outcomes.append(str(e))
    assert outcomes[0] == outcomes[1]


def test_nested_properties_without_the_option_say_what_to_pass(tmp_path):
    """Item 5: a nested `properties` object read without --properties-column stops both
    engines with the option to pass, instead of reading every property as missing."""
    (tmp_path / "leads.csv").write_text("lead_id,name,size\n1,abc,20\n")
    (tmp_path / "events.jsonl").write_text(
        '{"lead_id": "1", "event": "visit", "occurred_at": "2025-12-31",'
        ' "properties": {"url": "/p"}}\n'
    )
    args = (MODEL, str(tmp_path / "leads.csv"), str(tmp_path / "events.jsonl"), AS_OF)
    for run in (python_run, duck.run_files):
        with pytest.raises(DataError) as e:
            run(*args, DataOptions(), report=lambda _n: None)
        assert str(e.value) == (
            f"{tmp_path / 'events.jsonl'}:1: the properties of event `visit` are inside the "
            "object `properties`, not top-level keys: pass --properties-column properties"
        )
    options = DataOptions(properties_column="properties")
    (got, _), (want, _) = both(MODEL, args[1], args[2], AS_OF, options)
    assert got == want and got["1"][1] == 13


@pytest.mark.parametrize("encoding", ["windows-1255", "windows-1256", "windows-1250", "utf-16"])
def test_excel_csv_is_read_by_duckdb_itself_like_the_interpreter(encoding, tmp_path):
    """`;`, decimal commas and a code page: the DuckDB engine reads them in SQL (no hand-over)."""
    name = {"windows-1255": "שלום", "windows-1256": "سلام", "windows-1250": "Łódź"}.get(
        encoding, "xyz"
    )
    leads = f"lead_id;name;size\n1;{name};19,99\n2;abc;-0,5e2\n3;a,b;20\n4;;\n"
    events = "lead_id;event;occurred_at;url\n1;visit;2025-12-31 10:00+02:00;/p\n"
    (tmp_path / "leads.csv").write_bytes(leads.encode(encoding))
    (tmp_path / "events.csv").write_bytes(events.encode(encoding))
    options = DataOptions(delimiter=";", decimal_comma=True, encoding=encoding)
    lp, ep = str(tmp_path / "leads.csv"), str(tmp_path / "events.csv")
    (got, _), (want, _) = both(MODEL, lp, ep, AS_OF, options)
    assert got == want
    assert [got[k][1] for k in "1234"] == [8, 1, 6, 0]
