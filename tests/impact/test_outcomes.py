"""The outcomes reader: three formats, and bad rows named by file and line."""

from __future__ import annotations

import datetime as dt

import pytest

from leadrules.impact.outcomes import OutcomeError, read_outcomes


def test_csv_with_optional_columns(tmp_path):
    path = tmp_path / "o.csv"
    path.write_text(
        "lead_id,converted,converted_at,value\n1,true,2025-12-01,100\n"
        "2,FALSE,,\n3,1,2025-12-02T10:00:00+02:00,2.5\n"
    )
    found = read_outcomes(path)
    assert [(o.lead_id, o.converted, o.value) for o in found.values()] == [
        ("1", True, 100.0),
        ("2", False, None),
        ("3", True, 2.5),
    ]
    assert found["1"].converted_at == dt.datetime(2025, 12, 1, tzinfo=dt.timezone.utc)
    assert found["3"].converted_at == dt.datetime(2025, 12, 2, 8, tzinfo=dt.timezone.utc)


def test_jsonl_and_parquet(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    jsonl = tmp_path / "o.jsonl"
    jsonl.write_text(
        '{"lead_id": 7, "converted": true, "value": 3}\n\n{"lead_id": "8", "converted": false}\n'
    )
    assert {k: v.converted for k, v in read_outcomes(jsonl).items()} == {"7": True, "8": False}
    parquet = tmp_path / "o.parquet"
    pq.write_table(pa.table({"lead_id": ["a", "b"], "converted": [True, False]}), parquet)
    assert {k: v.converted for k, v in read_outcomes(parquet).items()} == {"a": True, "b": False}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lead_id,converted\n1,true\n2,maybe\n", "o.csv:3: converted is `maybe`"),
        ("lead_id,converted\n1,true\n1,false\n", "o.csv:3: lead 1 appears twice (first at"),
        ("lead_id,converted\n1,\n", "o.csv:2: converted is empty"),
        ("lead_id,won\n1,true\n", "o.csv:2: no `converted` column"),
        ("lead_id,converted,value\n1,true,lots\n", "o.csv:2: value `lots` is not a number"),
        ("lead_id,converted,converted_at\n1,true,soon\n", "o.csv:2: converted_at `soon`"),
        ("lead_id,converted\n1,true,extra\n", "o.csv:2: more cells than the header has"),
    ],
)
def test_bad_rows_name_file_and_line(tmp_path, text, message):
    path = tmp_path / "o.csv"
    path.write_text(text)
    with pytest.raises(OutcomeError) as e:
        read_outcomes(path)
    assert message in str(e.value)
    assert str(e.value).startswith(str(path))


def test_bad_json_line(tmp_path):
    path = tmp_path / "o.jsonl"
    path.write_text('{"lead_id": 1, "converted": true}\n{oops\n')
    with pytest.raises(OutcomeError, match=r"o\.jsonl:2: not a JSON object"):
        read_outcomes(path)
