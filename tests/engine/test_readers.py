"""Data readers: typing by declarations, and every kind of bad row or missing column, in CSV,
JSON Lines and Parquet, with the file and the line in the message."""

from __future__ import annotations

import csv
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from leadrules.data import DataError
from leadrules.engine import DataOptions
from leadrules.engine.python import run_files
from tests.engine.helpers import AS_OF, load

MODEL = load("""
lead size: number
lead vip: bool
lead since: time
lead name: text from "Full Name"
event visit(url: text, seconds: number) from "Page Viewed"
event buy
size > 10: +1
vip: +10
days_since(since) >= 1: +100
name is present: +1000
visit where url contains "/p": +10000
visit where seconds > 5: +100000
buy: +1000000
""")

LEAD_COLUMNS = ["lead_id", "size", "vip", "since", "Full Name"]
EVENT_COLUMNS = ["lead_id", "event", "occurred_at", "url", "seconds"]


def write(path, columns, rows):
    """Write rows (lists aligned with `columns`; None = empty/absent) in the path's format."""
    if path.suffix == ".csv":
        lines = [",".join(columns)]
        lines += [",".join("" if v is None else str(v) for v in row) for row in rows]
        path.write_text("\n".join(lines) + "\n")
    elif path.suffix == ".jsonl":
        path.write_text(
            "".join(
                json.dumps({c: v for c, v in zip(columns, row, strict=True) if v is not None})
                + "\n"
                for row in rows
            )
        )
    else:
        table = {
            c: [None if row[i] is None else str(row[i]) for row in rows]
            for i, c in enumerate(columns)
        }
        pq.write_table(pa.table(table), path)
    return str(path)


GOOD_LEADS = [["1", "20", "yes", "2025-12-01", "Ann"], ["2", "5", "0", None, None]]
GOOD_EVENTS = [
    ["1", "Page Viewed", "2025-12-30T10:00:00Z", "/pricing", "7.5"],
    ["2", "buy", "2025-12-30T10:00:00", None, None],
]
EXPECTED = {"1": 1 + 10 + 100 + 1000 + 10000 + 100000, "2": 1000000}


def run(
    tmp_path,
    ext,
    leads=GOOD_LEADS,
    events=GOOD_EVENTS,
    options=None,
    notes=None,
    lead_columns=LEAD_COLUMNS,
    event_columns=EVENT_COLUMNS,
):
    leads_path = write(tmp_path / f"leads{ext}", lead_columns, leads)
    events_path = write(tmp_path / f"events{ext}", event_columns, events)
    report = notes.append if notes is not None else lambda _m: None
    results = run_files(MODEL, leads_path, events_path, AS_OF, options, report=report)
    return {r.lead_id: r.score for r in results}


FORMATS = [".csv", ".jsonl", ".parquet"]
UNIT = {".csv": ":{}:", ".jsonl": ":{}:", ".parquet": ": row {}:"}


def where(tmp_path, name, ext, line):
    """`path:LINE:` for text files, `path: row N:` for Parquet (the header is CSV line 1)."""
    n = line + 1 if ext == ".csv" else line
    return str(tmp_path / f"{name}{ext}") + UNIT[ext].format(n)


@pytest.mark.parametrize("ext", FORMATS)
def test_good_files_in_every_format(tmp_path, ext):
    assert run(tmp_path, ext) == EXPECTED


@pytest.mark.parametrize("ext", FORMATS)
@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        (1, "twelve", "expected a number"),
        (2, "maybe", "expected a bool"),
        (3, "yesterday", "expected an ISO-8601 timestamp"),
    ],
)
def test_bad_lead_values(tmp_path, ext, column, value, reason):
    leads = [list(GOOD_LEADS[0]), list(GOOD_LEADS[1])]
    leads[1][column] = value
    with pytest.raises(DataError) as e:
        run(tmp_path, ext, leads=leads)
    message = str(e.value)
    assert message.startswith(where(tmp_path, "leads", ext, 2))
    assert reason in message and f'"{value}"' in message
    assert f"column `{LEAD_COLUMNS[column]}`" in message


@pytest.mark.parametrize("ext", FORMATS)
def test_missing_key_and_duplicate_lead(tmp_path, ext):
    with pytest.raises(DataError, match="missing lead key") as e:
        run(tmp_path, ext, leads=[GOOD_LEADS[0], [None, "1", "no", None, None]])
    assert str(e.value).startswith(where(tmp_path, "leads", ext, 2))
    with pytest.raises(
        DataError, match=r'duplicate lead id "1" \(first at (line 2|line 1|row 1)\)'
    ) as e:
        run(tmp_path, ext, leads=[GOOD_LEADS[0], GOOD_LEADS[1], GOOD_LEADS[0]])
    assert str(e.value).startswith(where(tmp_path, "leads", ext, 3))


@pytest.mark.parametrize("ext", FORMATS)
@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (2, "30/12/2025", 'expected an ISO-8601 timestamp: "30/12/2025" in column `occurred_at`'),
        (2, None, "expected an ISO-8601 timestamp"),
        (4, "long", 'expected a number: "long" in column `seconds`'),
        (0, None, "missing lead key in column `lead_id`"),
        (1, None, "missing event type in column `event`"),
    ],
)
def test_bad_event_rows(tmp_path, ext, column, value, message):
    events = [list(GOOD_EVENTS[0]), list(GOOD_EVENTS[1])]
    events[0][column] = value
    with pytest.raises(DataError) as e:
        run(tmp_path, ext, events=events)
    assert str(e.value).startswith(where(tmp_path, "events", ext, 1))
    assert message in str(e.value)


def test_csv_wrong_number_of_fields(tmp_path):
    leads = tmp_path / "leads.csv"
    leads.write_text("lead_id,size,vip,since,Full Name\n1,20,yes,,Ann\n2,5,no\n")
    events = write(tmp_path / "events.csv", EVENT_COLUMNS, GOOD_EVENTS)
    with pytest.raises(DataError) as e:
        run_files(MODEL, str(leads), events, AS_OF)
    assert str(e.value) == f"{leads}:3: expected 5 fields, found 3"


def test_jsonl_line_that_is_not_an_object(tmp_path):
    events = tmp_path / "events.jsonl"
    events.write_text('{"lead_id": "1", "event": "buy", "occurred_at": "2025-12-01"}\n\n[1, 2]\n')
    leads = write(tmp_path / "leads.jsonl", LEAD_COLUMNS, GOOD_LEADS)
    with pytest.raises(DataError) as e:
        run_files(MODEL, leads, str(events), AS_OF)
    assert str(e.value) == f"{events}:3: expected a JSON object"
    events.write_text('{"lead_id": "1", "event": "buy",\n')
    with pytest.raises(DataError, match=r":1: not valid JSON"):
        run_files(MODEL, leads, str(events), AS_OF)


@pytest.mark.parametrize("ext", [".csv", ".parquet"])
def test_missing_column_names_the_declaration(tmp_path, ext):
    with pytest.raises(DataError) as e:
        run(tmp_path, ext, leads=[row[:4] for row in GOOD_LEADS], lead_columns=LEAD_COLUMNS[:4])
    assert str(e.value) == (
        f"{tmp_path / ('leads' + ext)}: no column `Full Name`, needed by "
        "`lead name: text` at test.lrules:5"
    )
    with pytest.raises(DataError) as e:
        run(tmp_path, ext, events=[row[:4] for row in GOOD_EVENTS], event_columns=EVENT_COLUMNS[:4])
    assert "no column `seconds`, needed by the property `seconds` of " in str(e.value)
    assert "`event visit(url: text, seconds: number)` at test.lrules:6" in str(e.value)


def test_missing_key_column_suggests_the_option(tmp_path):
    with pytest.raises(DataError, match=r"no column `id`, needed by the lead key \(choose another"):
        run(tmp_path, ".csv", options=DataOptions(lead_key="id"))


@pytest.mark.parametrize("ext", FORMATS)
def test_skip_bad_rows_reports_each_and_counts(tmp_path, ext):
    leads = [GOOD_LEADS[0], ["3", "many", None, None, None], GOOD_LEADS[1]]
    events = [
        GOOD_EVENTS[0],
        ["1", "buy", "soon", None, None],
        GOOD_EVENTS[1],
        ["2", "buy", "never", None, None],
    ]
    notes: list[str] = []
    got = run(tmp_path, ext, leads, events, DataOptions(skip_bad_rows=True), notes)
    assert got == EXPECTED
    assert notes[0].startswith("warning: " + where(tmp_path, "leads", ext, 2))
    assert notes[0].endswith("(row skipped)")
    assert notes[1].startswith("warning: " + where(tmp_path, "events", ext, 2))
    assert notes[2].startswith("warning: " + where(tmp_path, "events", ext, 4))
    assert notes[3:] == [
        f"note: skipped 2 bad rows in {tmp_path / ('events' + ext)}",
        f"note: skipped 1 bad row in {tmp_path / ('leads' + ext)}",
    ]


@pytest.mark.parametrize("ext", [".csv", ".jsonl"])
def test_properties_from_one_json_column(tmp_path, ext):
    columns = ["lead_id", "event", "occurred_at", "props"]
    props = json.dumps({"url": "/pricing", "seconds": 7.5})
    events = [["1", "Page Viewed", "2025-12-30T10:00:00Z", props], ["2", "buy", "2025-12-30", None]]
    if ext == ".csv":
        path = tmp_path / "events.csv"
        with open(path, "w", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows([columns, *events])
    else:
        events[0][3] = {"url": "/pricing", "seconds": 7.5}
        path = tmp_path / "events.jsonl"
        write(path, columns, events)
    leads = write(tmp_path / f"leads{ext}", LEAD_COLUMNS, GOOD_LEADS)
    options = DataOptions(properties_column="props")
    results = run_files(MODEL, leads, str(path), AS_OF, options)
    assert {r.lead_id: r.score for r in results} == EXPECTED


def test_bad_properties_json(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text('lead_id,event,occurred_at,props\n1,Page Viewed,2025-12-30,"{oops"\n')
    leads = write(tmp_path / "leads.csv", LEAD_COLUMNS, GOOD_LEADS)
    with pytest.raises(DataError) as e:
        run_files(MODEL, leads, str(path), AS_OF, DataOptions(properties_column="props"))
    assert str(e.value) == f'{path}:2: expected a JSON object in column `props`: "{{oops"'


def test_parquet_native_types(tmp_path):
    import datetime as dt

    leads = pa.table(
        {
            "lead_id": pa.array([1, 2], pa.int64()),
            "size": pa.array([20.0, None]),
            "vip": pa.array([True, False]),
            "since": pa.array([dt.datetime(2025, 12, 1), None], pa.timestamp("us")),
            "Full Name": pa.array(["Ann", ""]),
        }
    )
    events = pa.table(
        {
            "lead_id": ["1", "2"],
            "event": ["Page Viewed", "buy"],
            "occurred_at": pa.array(
                [dt.datetime(2025, 12, 30, 12, tzinfo=dt.timezone.utc), dt.datetime(2025, 12, 31)],
                pa.timestamp("us", tz="UTC"),
            ),
            "url": ["/pricing", None],
            "seconds": pa.array([7.5, None]),
        }
    )
    pq.write_table(leads, tmp_path / "leads.parquet")
    pq.write_table(events, tmp_path / "events.parquet")
    results = run_files(
        MODEL, str(tmp_path / "leads.parquet"), str(tmp_path / "events.parquet"), AS_OF
    )
    assert {r.lead_id: r.score for r in results} == {"1": EXPECTED["1"], "2": 1000000}


def test_unknown_format_and_missing_file(tmp_path):
    (tmp_path / "leads.txt").write_text("lead_id\n")
    with pytest.raises(DataError, match="unknown data format `.txt`"):
        run_files(MODEL, str(tmp_path / "leads.txt"), str(tmp_path / "e.csv"), AS_OF)
    with pytest.raises(DataError, match="no such file"):
        run_files(MODEL, str(tmp_path / "nope.csv"), str(tmp_path / "e.csv"), AS_OF)


def test_invalid_utf8(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_bytes(b"lead_id,size,vip,since,Full Name\n1,2,no,,\xff\xfe\n")
    with pytest.raises(DataError, match="not valid UTF-8"):
        run_files(MODEL, str(path), str(path), AS_OF)
