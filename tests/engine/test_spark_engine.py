"""`--engine spark` on the run's Spark session: the same scores, notes and errors as the other
engines, for every file format. The reader tests run again with the Spark engine: good files
must be scored by Spark itself, bad ones found by its validation pass and worded by the file
readers (file and line)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES

import leadrules
from leadrules.cli import main
from leadrules.data import DataError
from leadrules.engine import DataOptions
from leadrules.engine import spark as spark_engine
from leadrules.engine.python import run_files as python_run
from tests.engine import test_readers as readers
from tests.engine.helpers import AS_OF, load


@pytest.fixture
def on_spark(spark, monkeypatch):
    """The reader tests' `run_files` is the Spark engine's; returns how each run ended."""
    ends: list[str] = []
    real = spark_engine.run_spark

    def spy(*args, **kw):
        try:
            out = real(*args, **kw)
        except spark_engine.Problem:
            ends.append("validation")
            raise
        ends.append("spark")
        return out

    monkeypatch.setattr(spark_engine, "run_spark", spy)
    monkeypatch.setattr(readers, "run_files", spark_engine.run_files)
    return ends


@pytest.mark.parametrize("ext", readers.FORMATS)
def test_good_files_are_scored_by_spark(on_spark, tmp_path, ext):
    notes: list[str] = []
    events = [*readers.GOOD_EVENTS, ["9", "buy", "2025-12-30", None, None]]
    assert readers.run(tmp_path, ext, events=events, notes=notes) == readers.EXPECTED
    assert on_spark == ["spark"]
    assert notes == [f"note: ignored 1 event of leads not in {tmp_path / ('leads' + ext)}"]


@pytest.mark.parametrize(
    "test, args",
    [
        (readers.test_bad_lead_values, (".csv", 1, "twelve", "expected a number")),
        (readers.test_bad_lead_values, (".jsonl", 2, "maybe", "expected a bool")),
        (readers.test_bad_lead_values, (".parquet", 3, "yesterday", "expected an ISO-8601")),
        (readers.test_bad_event_rows, (".csv", 2, "30/12/2025", "expected an ISO-8601")),
        (readers.test_bad_event_rows, (".jsonl", 4, "long", 'expected a number: "long"')),
        (readers.test_bad_event_rows, (".csv", 0, None, "missing lead key")),
        (readers.test_skip_bad_rows_reports_each_and_counts, (".csv",)),
        (readers.test_csv_wrong_number_of_fields, ()),
        (readers.test_jsonl_line_that_is_not_an_object, ()),
        (readers.test_bad_properties_json, ()),
    ],
    ids=lambda v: v.__name__ if callable(v) else None,
)
def test_bad_rows_are_found_by_spark_and_worded_by_the_readers(on_spark, tmp_path, test, args):
    test(tmp_path, *args)
    assert on_spark and set(on_spark) == {"validation"}


@pytest.mark.parametrize("ext", [".csv", ".parquet"])
def test_missing_columns(on_spark, tmp_path, ext):
    readers.test_missing_column_names_the_declaration(tmp_path, ext)


@pytest.mark.parametrize("ext", [".csv", ".jsonl"])
def test_properties_from_one_json_column(on_spark, tmp_path, ext):
    readers.test_properties_from_one_json_column(tmp_path, ext)
    assert on_spark == ["spark"]


def test_parquet_native_types(on_spark, tmp_path):
    readers.test_parquet_native_types(tmp_path)
    assert on_spark == ["spark"]


@pytest.mark.parametrize("name", ["b2b_saas", "combos"])
def test_examples_give_the_interpreters_scores_and_notes(spark, name):
    model = leadrules.load(str(EXAMPLES / f"{name}.lrules"))
    data = EXAMPLES / "data" / name
    leads, events = str(data / "leads.csv"), str(next(data.glob("events.*")))
    want_notes: list[str] = []
    want = python_run(model, leads, events, AS_OF, DataOptions(), report=want_notes.append)
    got_notes: list[str] = []
    got = spark_engine.run_files(model, leads, events, AS_OF, report=got_notes.append)
    assert sorted(got, key=lambda r: r.lead_id) == sorted(want, key=lambda r: r.lead_id)
    assert got_notes == want_notes


def test_score_engine_spark_prints_what_duckdb_prints(spark):
    data = EXAMPLES / "data" / "b2b_saas"
    args = [
        "score",
        str(EXAMPLES / "b2b_saas.lrules"),
        "--leads",
        str(data / "leads.csv"),
        "--events",
        str(data / "events.csv"),
        "--as-of",
        "2026-01-01",
    ]
    runner = CliRunner()
    duck = runner.invoke(main, args)
    spark_run = runner.invoke(main, [*args, "--engine", "spark", "--format", "csv"])
    assert spark_run.exit_code == 0, spark_run.output
    assert spark_run.stdout == duck.stdout
    assert spark_run.stderr == duck.stderr


def test_a_master_url_chooses_spark_connect_or_a_cluster(monkeypatch):
    """`sc://` (or SPARK_REMOTE) is Spark Connect; anything else a master URL; nothing: local."""
    from pyspark.sql import SparkSession

    calls: list[tuple] = []

    class Builder:
        def __getattr__(self, name):
            def record(*args):
                calls.append((name, *args))
                return self

            return record

        def getOrCreate(self):  # noqa: N802 - pyspark's name
            class Conf:
                def set(self, *args):
                    calls.append(("conf", *args))

            return type("Session", (), {"conf": Conf()})()

    monkeypatch.setattr(SparkSession, "builder", Builder())
    monkeypatch.setenv("SPARK_REMOTE", "sc://remote:15002")
    spark_engine.session(None)
    assert ("remote", "sc://remote:15002") in calls
    calls.clear()
    spark_engine.session("spark://head:7077")
    assert ("master", "spark://head:7077") in calls and not any(c[0] == "remote" for c in calls)
    calls.clear()
    monkeypatch.delenv("SPARK_REMOTE")
    spark_engine.session(None)
    assert ("master", "local[*]") in calls
    assert ("conf", "spark.sql.session.timeZone", "UTC") in calls


def test_a_parquet_float_read_as_text_goes_to_the_readers(on_spark, tmp_path):
    """The readers write the float 1.0 as the text `1`; Spark would write `1.0`: such a column
    is left to the readers, and the scores are theirs."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    leads = pa.table(
        {
            "lead_id": ["1", "2"],
            "size": pa.array([20.0, None]),
            "vip": pa.array([True, False]),
            "since": pa.array([None, None], pa.string()),
            "Full Name": pa.array([1.0, None]),
        }
    )
    pq.write_table(leads, tmp_path / "leads.parquet")
    events = readers.write(tmp_path / "events.parquet", readers.EVENT_COLUMNS, readers.GOOD_EVENTS)
    got = spark_engine.run_files(readers.MODEL, str(tmp_path / "leads.parquet"), events, AS_OF)
    want = python_run(readers.MODEL, str(tmp_path / "leads.parquet"), events, AS_OF)
    assert sorted(got, key=str) == sorted(want, key=str) and on_spark == ["validation"]


# The data options of `score` (issue 9) on Spark: the delimiter and the events key read by Spark
# itself; an encoding other than UTF-8, decimal commas, a UTF-16 file and a property read from a
# column of another name go to the file readers (the same scores and errors).
def test_semicolons_decimal_commas_and_windows_1255_on_spark(spark, tmp_path):
    from tests.engine import test_cli_data as cli_data

    cli_data.test_excel_csv_from_israel_semicolons_decimal_commas_windows_1255("spark", tmp_path)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_byte_order_marks_on_spark(spark, tmp_path, encoding):
    from tests.engine import test_cli_data as cli_data

    cli_data.test_utf16_and_utf8_byte_order_marks_are_detected("spark", encoding, tmp_path)


def test_semicolon_file_hint_on_spark(spark, tmp_path):
    from tests.engine import test_cli_data as cli_data

    cli_data.test_a_semicolon_file_read_with_commas_hints_at_delimiter("spark", tmp_path)


def test_events_key_and_delimiter_read_by_spark(on_spark, tmp_path):
    from tests.engine import test_cli_data as cli_data

    cli_data.test_events_keyed_by_another_column("spark", tmp_path)  # its error on Spark
    assert on_spark == []  # a missing column: raised by Spark's reading, before the scoring
    leads, events = tmp_path / "leads.csv", tmp_path / "events.csv"
    options = DataOptions(lead_key="Record ID", events_key="Contact ID")
    model = load("lead size: number\nevent visit\nsize > 10: +5\nvisit: +1\n")
    args = (model, str(leads), str(events), AS_OF, options)
    want = python_run(*args, report=lambda _n: None)
    assert spark_engine.run_files(*args, report=lambda _n: None) == want
    assert on_spark == ["spark"]
    model = load("lead size: number\nevent visit\nsize > 10: +5\nvisit: +1\n")
    (tmp_path / "l.csv").write_text("lead_id;size\n1;13\n2;4\n")
    (tmp_path / "e.csv").write_text("lead_id;event;occurred_at\n1;visit;2025-12-30\n")
    options = DataOptions(delimiter=";")
    args = (model, str(tmp_path / "l.csv"), str(tmp_path / "e.csv"), AS_OF, options)
    want = python_run(*args, report=lambda _n: None)
    assert spark_engine.run_files(*args, report=lambda _n: None) == want
    assert on_spark == ["spark", "spark"]  # both read by Spark itself


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_property_read_from_another_column_on_spark(spark, tmp_path, fmt):
    from tests.engine.agreement import write
    from tests.engine.test_property_from import TEXT

    model = load(TEXT)
    leads = write(tmp_path / f"leads.{fmt}", ["lead_id"], [["1"], ["2"]], fmt)
    columns = ["lead_id", "event", "occurred_at", "Page URL", "time", "target"]
    rows = [
        ["1", "page_view", "2025-12-31", "/pricing", "2025-12-30T10:00:00Z", None],
        ["2", "click", "2025-12-31", None, None, "buy"],
    ]
    events = write(tmp_path / f"events.{fmt}", columns, rows, fmt)
    want = python_run(model, leads, events, AS_OF, DataOptions(), report=lambda _n: None)
    got = spark_engine.run_files(model, leads, events, AS_OF, report=lambda _n: None)
    assert got == want
    assert {r.lead_id: r.score for r in got} == {"1": 11, "2": 100}


@pytest.mark.parametrize("where", ["attribute", "top-level property", "properties column"])
def test_json_numbers_and_bools_in_text_go_to_the_readers(on_spark, tmp_path, where):
    """Spark reads a JSON `1.0` or `true` into a string column as `1.0` and `true`; the file
    readers read `1` and refuse a bool. Such files go to the readers: the same numbers."""
    model = load(
        "lead code: text\nevent v(tag: text)\n"
        'code == "1": +5\ncode == "1.0": +7\nv where tag == "2": +100\nv where tag == "2.0": +1\n'
    )
    leads, events = tmp_path / "leads.jsonl", tmp_path / "events.jsonl"
    code, tag = ("1.0", '"x"') if where == "attribute" else ('"1"', "2.0")
    leads.write_text(f'{{"lead_id": "a", "code": {code}}}\n{{"lead_id": "b", "code": "x"}}\n')
    if where == "properties column":
        events.write_text(
            f'{{"lead_id": "a", "event": "v", "occurred_at": "2025-12-30", '
            f'"properties": {{"tag": {tag}}}}}\n'
        )
    else:
        events.write_text(
            f'{{"lead_id": "a", "event": "v", "occurred_at": "2025-12-30", "tag": {tag}}}\n'
        )
    column = "properties" if where == "properties column" else None
    options = DataOptions(properties_column=column)
    args = (model, str(leads), str(events), AS_OF, options)
    want = python_run(*args, report=lambda _n: None)
    assert spark_engine.run_files(*args, report=lambda _n: None) == want
    assert {r.lead_id: r.score for r in want}["a"] == (5 if where == "attribute" else 105)
    assert on_spark == ["validation"]
    leads.write_text('{"lead_id": "a", "code": true}\n')
    with pytest.raises(DataError, match="expected text, got a bool"):
        spark_engine.run_files(*args, report=lambda _n: None)
