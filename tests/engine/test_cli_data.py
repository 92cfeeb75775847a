"""Issue 9: the data options of score / explain / diff / evaluate (CSV as Excel writes it, another
events key, a BOM for Excel) on both engines, and the usage errors that were tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from leadrules.cli import main
from leadrules.engine import key_order

RULES = """\
lead name: text
lead size: number
event visit(url: text)
fit:
  size >= 12.5: +10
  name == "שלום": +1
engagement:
  visit where url == "/p": +100
tier hot >= 100
tier cold < 100
"""


def cli(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def files(tmp_path, leads: bytes, events: bytes, ext: str = "csv"):
    (tmp_path / "m.lrules").write_text(RULES, encoding="utf-8")
    (tmp_path / f"leads.{ext}").write_bytes(leads)
    (tmp_path / "events.csv").write_bytes(events)
    return [
        str(tmp_path / "m.lrules"),
        "--leads",
        str(tmp_path / f"leads.{ext}"),
        "--events",
        str(tmp_path / "events.csv"),
        "--as-of",
        "2026-01-01",
    ]


EXPECTED = "lead_id,fit,engagement,score,tier\n1,11,100,111,hot\n2,0,0,0,cold\n"


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_excel_csv_from_israel_semicolons_decimal_commas_windows_1255(engine, tmp_path):
    leads = "lead_id;name;size\n1;שלום;12,5\n2;x;12,4\n".encode("windows-1255")
    events = "lead_id;event;occurred_at;url\n1;visit;2025-12-31;/p\n".encode("windows-1255")
    args = files(tmp_path, leads, events)
    options = ["--delimiter", ";", "--decimal-comma", "--encoding", "windows-1255"]
    r = cli("score", *args, *options, "--engine", engine)
    assert r.exit_code == 0, r.stderr
    assert r.stdout == EXPECTED
    # a `.` under --decimal-comma is refused, not read as 12.5 or 125
    (tmp_path / "leads.csv").write_bytes("lead_id;name;size\n1;x;12.5\n".encode("windows-1255"))
    r = cli("score", *args, *options, "--engine", engine)
    assert r.exit_code == 1
    assert "leads.csv:2: expected a number with a decimal comma" in r.stderr


@pytest.mark.parametrize("engine", ["duckdb", "python"])
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_utf16_and_utf8_byte_order_marks_are_detected(engine, encoding, tmp_path):
    text = "lead_id,name,size\n1,שלום,13\n2,x,1\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    events = b"lead_id,event,occurred_at,url\n1,visit,2025-12-31,/p\n"
    r = cli("score", *files(tmp_path, data, events), "--engine", engine)
    assert r.exit_code == 0, r.stderr
    assert r.stdout == EXPECTED


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_a_semicolon_file_read_with_commas_hints_at_delimiter(engine, tmp_path):
    args = files(tmp_path, b"lead_id;name;size\n1;x;1\n", b"lead_id,event,occurred_at,url\n")
    r = cli("score", *args, "--engine", engine)
    assert r.exit_code == 1
    assert "no column `lead_id`" in r.stderr
    assert "is the delimiter ';'? (--delimiter)" in r.stderr


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_events_keyed_by_another_column(engine, tmp_path):
    leads = "Record ID,name,size\n1,שלום,13\n2,x,1\n".encode()
    events = b"Contact ID,event,occurred_at,url\n1,visit,2025-12-31,/p\n"
    args = files(tmp_path, leads, events)
    r = cli("score", *args, "--lead-key", "Record ID", "--events-key", "Contact ID")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == EXPECTED
    r = cli("score", *args, "--lead-key", "Record ID", "--engine", engine)
    assert r.exit_code == 1
    assert "no column `Record ID`, needed by the lead key (choose another with --lead-key)" in (
        r.stderr
    )


def test_bom_for_excel(tmp_path):
    leads = "lead_id,name,size\n1,שלום,13\n2,x,1\n".encode()
    events = b"lead_id,event,occurred_at,url\n1,visit,2025-12-31,/p\n"
    args = files(tmp_path, leads, events)
    out = tmp_path / "out.csv"
    assert cli("score", *args, "--bom", "-o", str(out)).exit_code == 0
    assert out.read_bytes() == b"\xef\xbb\xbf" + EXPECTED.encode()
    assert cli("score", *args, "-o", str(out)).exit_code == 0
    assert out.read_bytes() == EXPECTED.encode()


@pytest.mark.parametrize("name", ["leads.txt", "leads.csv.gz", "leads.json"])
def test_an_unknown_data_extension_is_a_usage_error(name, tmp_path):
    args = files(tmp_path, b"lead_id\n1\n", b"lead_id,event,occurred_at,url\n")
    (tmp_path / name).write_bytes(b"lead_id\n1\n")
    args[2] = str(tmp_path / name)
    r = cli("score", *args)
    assert r.exit_code == 2
    assert "unknown data format" in r.stderr


@pytest.mark.parametrize(
    "option", [["--capacity", "nan"], ["--capacity", "inf"], ["--weeks", "nan"], ["--weeks", "inf"]]
)
def test_evaluate_refuses_nan_and_inf(option, tmp_path):
    args = files(tmp_path, b"lead_id,name,size\n1,x,1\n", b"lead_id,event,occurred_at,url\n")
    (tmp_path / "outcomes.csv").write_text("lead_id,converted\n1,yes\n")
    r = cli("evaluate", *args, "--outcomes", str(tmp_path / "outcomes.csv"), *option)
    assert r.exit_code == 2
    assert "is not a finite number" in r.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_stdout_is_an_error_message_not_a_traceback(tmp_path):
    args = files(tmp_path, b"lead_id,name,size\n1,x,1\n", b"lead_id,event,occurred_at,url\n")
    with open("/dev/full", "w") as full:
        r = subprocess.run(
            [sys.executable, "-c", "from leadrules.cli import main; main()", "score", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": os.getcwd()},
            check=False,
        )
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "error: cannot write to standard output: No space left on device" in r.stderr


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_as_of_year_one_with_a_window(engine, tmp_path):
    rules = "event visit\nvisit within 30d: +1\nno visit within 2d: +2\n"
    (tmp_path / "w.lrules").write_text(rules)
    args = files(tmp_path, b"lead_id\n1\n", b"lead_id,event,occurred_at\n1,visit,0001-01-01\n")
    args[0] = str(tmp_path / "w.lrules")
    args[-1] = "0001-01-01T00:00:00Z"
    r = cli("score", *args, "--engine", engine)
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "lead_id,default,score,tier\n1,1,1,\n"


def test_key_order_takes_only_plain_integers():
    keys = [" 3", "10", "-1", "2", "b", "A1", "+4", "3 "]
    assert sorted(keys, key=key_order) == ["-1", "2", "+4", "10", " 3", "3 ", "A1", "b"]
