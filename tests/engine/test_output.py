"""Issue 13: the DuckDB engine puts the rows in key order and writes CSV, JSON Lines and Parquet
itself (`COPY`); the bytes are those of the interpreter's results rendered by Python."""

from __future__ import annotations

import duckdb
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import leadrules
from leadrules.cli import main
from leadrules.engine import DataOptions, LeadResult, key_order
from leadrules.engine import duckdb as duck
from leadrules.engine.duckout import copy_scores
from leadrules.engine.output import render, write_file
from tests.engine.agreement import write

GROUPS = ["fit", "engagement"]

# keys as they come: integers of any length with signs and leading zeros, text with what CSV
# and JSON must quote or escape (commas, quotes, line breaks, control characters, backslashes)
integer_keys = st.builds(
    lambda sign, zeros, n: f"{sign}{'0' * zeros}{n}",
    st.sampled_from(["", "+", "-"]),
    st.integers(0, 2),
    st.one_of(st.integers(0, 200), st.integers(0, 10**45), st.integers(2**63 - 3, 2**63 + 3)),
)
text_keys = st.text(
    alphabet=st.sampled_from(list('aZ09+- ,"\n\r\t\\\x00\x01\x0b\x1f\x7féא😀\u2028')), min_size=1
)
key_lists = st.lists(st.one_of(integer_keys, text_keys), min_size=0, max_size=25, unique=True)
tiers = st.sampled_from([None, "hot", "חם", 'a,"b"', "x\ny", "c\\d\x01"])
points = st.integers(-(10**12), 10**12)


def results_of(rows) -> list[LeadResult]:
    return [LeadResult(k, tuple(zip(GROUPS, (a, b), strict=True)), s, t) for k, a, b, s, t in rows]


def scores_table(con, rows) -> str:
    con.execute(
        "CREATE OR REPLACE TABLE t (lead_id VARCHAR, fit BIGINT, engagement BIGINT, "
        "score BIGINT, tier VARCHAR)"
    )
    if rows:
        con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", rows)
    return "SELECT * FROM t"


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(keys=key_lists, data=st.data())
def test_duckdb_writes_the_bytes_python_renders_in_key_order(keys, data, tmp_path):
    rows = [
        (k, data.draw(points), data.draw(points), data.draw(points), data.draw(tiers)) for k in keys
    ]
    want = sorted(results_of(rows), key=lambda r: key_order(r.lead_id))
    con = duckdb.connect()
    sql = scores_table(con, rows)
    for fmt, bom in [("csv", False), ("csv", True), ("jsonl", False)]:
        path = tmp_path / f"out.{fmt}"
        copy_scores(con, sql, GROUPS, fmt, str(path), bom)
        text = ("\ufeff" if bom else "") + render(want, GROUPS, fmt)
        assert path.read_bytes() == text.encode("utf-8"), (fmt, bom)
    path = tmp_path / "out.parquet"
    copy_scores(con, sql, GROUPS, "parquet", str(path))
    table = pq.read_table(path)
    assert table.column_names == ["lead_id", *GROUPS, "score", "tier"]
    assert results_of(list(zip(*table.to_pydict().values(), strict=True))) == want


def test_the_order_is_key_order():
    keys = ["b", "-1", "10", "+4", "2", " 3", "-0", "0", "00", "+0", "-10", "A1", "3 "]
    keys += [str(10**40), str(-(10**40)), "-" + "9" * 39, "١٢"]  # ١٢: Arabic-Indic digits
    keys += [str(2**63 - 1), str(2**63), str(-(2**63)), str(-(2**63) - 1), "0" * 30 + "5"]
    rows = [(k, 0, 0, 0, None) for k in keys]
    con = duckdb.connect()
    from leadrules.engine.duckout import ORDER, keyed, scored

    relation = keyed(scored(scores_table(con, rows), 2))
    got = con.execute(f"SELECT lead_id FROM {relation} ORDER BY {ORDER}").fetchall()
    assert [k for (k,) in got] == sorted(keys, key=key_order)


# ---- end to end: files in, `leadrules score` out, on both engines -----------------------

RULES = """\
lead size: number
event visit(url: text)
fit:
  size >= 10: +10
engagement cap 50:
  visit where url == "/p": +20
  visit within 7d: +7
tier hot >= 30
tier cold < 30
"""


def data_files(tmp_path, keys, fmt):
    leads = [[k, str(i % 25)] for i, k in enumerate(keys)]
    events = []
    for i, k in enumerate(keys):
        for j in range(i % 4):
            day = 1 + (i + j) % 28
            events.append([k, "visit", f"2025-12-{day:02d}T10:00:00Z", "/p" if j % 2 else "/q"])
    lp = write(tmp_path / f"leads.{fmt}", ["lead_id", "size"], leads, fmt)
    ep = write(tmp_path / f"events.{fmt}", ["lead_id", "event", "occurred_at", "url"], events, fmt)
    return lp, ep


def score(tmp_path, lp, ep, *args):
    (tmp_path / "m.lrules").write_text(RULES, encoding="utf-8")
    argv = ["score", str(tmp_path / "m.lrules"), "--leads", lp, "--events", ep]
    r = CliRunner().invoke(main, [*argv, "--as-of", "2026-01-01", *args], catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    return r


@pytest.fixture
def duckdb_alone(monkeypatch):
    """The DuckDB engine must not hand over to the interpreter."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("the DuckDB engine handed over to the interpreter")

    monkeypatch.setattr(duck, "_interpreter", refuse)


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    keys=st.lists(st.one_of(integer_keys, text_keys), max_size=12, unique=True),
    in_fmt=st.sampled_from(["jsonl", "parquet"]),
)
def test_score_output_is_the_interpreters_byte_for_byte(keys, in_fmt, tmp_path_factory):
    """Keys that CSV must quote, read from JSON Lines and Parquet (DuckDB's CSV reader refuses
    quoted line breaks): every output format, the same bytes on both engines."""
    tmp_path = tmp_path_factory.mktemp("out")
    lp, ep = data_files(tmp_path, keys, in_fmt)
    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(duck, "_interpreter", _refuse)
        for fmt, extra in [("csv", []), ("csv", ["--bom"]), ("jsonl", []), ("parquet", [])]:
            got, want = tmp_path / f"duck.{fmt}", tmp_path / f"python.{fmt}"
            score(tmp_path, lp, ep, "--format", fmt, *extra, "-o", str(got))
            score(tmp_path, lp, ep, "--format", fmt, *extra, "-o", str(want), "--engine", "python")
            if fmt == "parquet":
                assert same_parquet(got, want)
            else:
                assert got.read_bytes() == want.read_bytes(), (fmt, extra)
    finally:
        mp.undo()


def same_parquet(a, b) -> bool:
    """The same columns, types and rows (DuckDB marks a column `required` when it holds no
    null, so the nullability follows the data)."""
    ta, tb = pq.read_table(a), pq.read_table(b)
    types = [(f.name, f.type) for f in ta.schema] == [(f.name, f.type) for f in tb.schema]
    return types and ta.to_pylist() == tb.to_pylist()


def _refuse(*_args, **_kwargs):
    raise AssertionError("the DuckDB engine handed over to the interpreter")


def test_stdout_and_a_file_get_the_same_bytes(tmp_path, duckdb_alone):
    lp, ep = data_files(tmp_path, ["2", "10", "a,b", "-3"], "csv")
    out = tmp_path / "s.csv"
    on_stdout = score(tmp_path, lp, ep, "--bom")
    score(tmp_path, lp, ep, "--bom", "-o", str(out))
    assert on_stdout.stdout_bytes == out.read_bytes()
    assert on_stdout.stdout_bytes.startswith(
        "\ufefflead_id,fit,engagement,score,tier\n-3,".encode()
    )


def test_parquet_of_a_file_with_a_bad_row_is_written_from_the_interpreters_results(tmp_path):
    """A file DuckDB hands over (a bad row skipped): the same Parquet as the interpreter's."""
    lp, ep = data_files(tmp_path, ["1", "2", "3"], "csv")
    with open(ep, "a", encoding="utf-8") as f:
        f.write("2,visit,not a time,/p\n")
    got, want = tmp_path / "duck.parquet", tmp_path / "python.parquet"
    score(tmp_path, lp, ep, "--format", "parquet", "--skip-bad-rows", "-o", str(got))
    args = ["--format", "parquet", "--skip-bad-rows", "-o", str(want), "--engine", "python"]
    score(tmp_path, lp, ep, *args)
    assert same_parquet(got, want)
    assert pq.read_table(got).num_rows == 3


def test_parquet_is_refused_on_a_terminal(tmp_path, monkeypatch):
    lp, ep = data_files(tmp_path, ["1"], "csv")
    (tmp_path / "m.lrules").write_text(RULES, encoding="utf-8")
    monkeypatch.setattr("leadrules.commands.score.stdout_is_terminal", lambda: True)
    args = ["score", str(tmp_path / "m.lrules"), "--leads", lp, "--events", ep, "--format"]
    r = CliRunner().invoke(main, [*args, "parquet"])
    assert r.exit_code == 2
    assert "-o PATH" in r.stderr


def test_results_come_in_key_order_from_duckdb(tmp_path, duckdb_alone):
    keys = ["b", "10", "-2", "2", "007", "a"]
    lp, ep = data_files(tmp_path, keys, "parquet")
    model = leadrules.load("m.lrules", RULES)
    got = duck.run_files(model, lp, ep, _as_of(), DataOptions(), report=lambda _n: None)
    assert [r.lead_id for r in got] == sorted(keys, key=key_order)


def _as_of():
    import datetime as dt

    return dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def test_python_results_written_as_parquet_read_back_equal(tmp_path):
    rows = [("1", 1, 2, 3, None), ("x", -(2**40), 0, 5, "חם")]
    path = tmp_path / "r.parquet"
    write_file(results_of(rows), GROUPS, "parquet", str(path))
    assert results_of(list(zip(*pq.read_table(path).to_pydict().values(), strict=True))) == (
        results_of(rows)
    )


# ---- --memory-limit and --temp-directory --------------------------------------------------


def test_the_memory_limit_and_temp_directory_reach_duckdb(tmp_path):
    options = DataOptions(memory_limit="300MB", temp_directory=str(tmp_path / "spill"))
    with duck._connection(options) as con:
        limit, temp = con.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchone()
    assert limit in ("286.1 MiB", "300.0 MB")  # DuckDB shows the limit in its own unit
    assert temp == str(tmp_path / "spill")


def test_the_default_temp_directory_is_a_fresh_one_removed_after_the_run():
    import os

    with duck._connection(DataOptions()) as con:
        (temp,) = con.execute("SELECT current_setting('temp_directory')").fetchone()
        os.makedirs(temp)  # as DuckDB does when it spills
        assert os.path.basename(temp).startswith("leadrules-duckdb-")
    assert not os.path.exists(temp)


def test_a_run_under_a_small_memory_limit_scores_as_the_interpreter(tmp_path, duckdb_alone):
    """DuckDB within 100MB (it spills at 100M events: docs/performance.md): the same rows."""
    keys = [str(i) for i in range(4000)]
    lp, ep = data_files(tmp_path, keys, "csv")
    with open(ep, "a", encoding="utf-8") as f:  # 200,000 more events, of one lead in 4,000
        for i in range(200_000):
            f.write(f"{i % 4000},visit,2025-12-{1 + i % 28:02d}T10:00:00Z,/p{i}\n")
    spill = tmp_path / "spill"
    args = ["--memory-limit", "100MB", "--temp-directory", str(spill)]
    got = score(tmp_path, lp, ep, *args).stdout
    assert got == score(tmp_path, lp, ep, "--engine", "python").stdout


def test_out_of_memory_hands_over_to_the_interpreter_and_says_so(tmp_path):
    lp, ep = data_files(tmp_path, [str(i) for i in range(4000)], "csv")
    with open(ep, "a", encoding="utf-8") as f:
        for i in range(200_000):
            f.write(f"{i % 4000},visit,2025-12-{1 + i % 28:02d}T10:00:00Z,/p{i}\n")
    r = score(tmp_path, lp, ep, "--memory-limit", "4MB")
    assert "note: DuckDB ran out of memory (--memory-limit 4MB)" in r.stderr
    assert r.stdout == score(tmp_path, lp, ep, "--engine", "python").stdout


@pytest.mark.parametrize("size", ["2", "lots", "2 parsecs", "-1GB"])
def test_a_memory_limit_that_is_not_a_size_is_a_usage_error(size, tmp_path):
    lp, ep = data_files(tmp_path, ["1"], "csv")
    (tmp_path / "m.lrules").write_text(RULES, encoding="utf-8")
    argv = ["score", str(tmp_path / "m.lrules"), "--leads", lp, "--events", ep]
    r = CliRunner().invoke(main, [*argv, "--memory-limit", size])
    assert r.exit_code == 2
    assert "is not a size" in r.stderr


@pytest.mark.parametrize("command", ["diff", "evaluate"])
def test_diff_and_evaluate_take_the_memory_limit(command, tmp_path):
    lp, ep = data_files(tmp_path, ["1", "2"], "csv")
    (tmp_path / "m.lrules").write_text(RULES, encoding="utf-8")
    model = str(tmp_path / "m.lrules")
    (tmp_path / "o.csv").write_text("lead_id,converted\n1,true\n2,false\n", encoding="utf-8")
    first = [model, model] if command == "diff" else [model, "--outcomes", str(tmp_path / "o.csv")]
    argv = [command, *first, "--leads", lp, "--events", ep, "--as-of", "2026-01-01"]
    argv += ["--format", "json"]
    limited = CliRunner().invoke(main, [*argv, "--memory-limit", "500MB"])
    assert limited.exit_code == 0, limited.stderr
    assert limited.stdout == CliRunner().invoke(main, argv).stdout


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(keys=st.lists(st.one_of(integer_keys, text_keys), min_size=1, max_size=10, unique=True))
def test_csv_input_with_messy_keys_gives_the_interpreters_bytes(keys, tmp_path_factory):
    """CSV in (DuckDB reads it, or hands a file with quoted line breaks to the interpreter):
    the CSV and JSON Lines out are the interpreter's bytes either way."""
    tmp_path = tmp_path_factory.mktemp("csv")
    lp, ep = data_files(tmp_path, keys, "csv")
    (tmp_path / "m.lrules").write_text(RULES, encoding="utf-8")
    argv = ["score", str(tmp_path / "m.lrules"), "--leads", lp, "--events", ep]
    argv += ["--as-of", "2026-01-01"]
    for fmt in ("csv", "jsonl"):
        runs = [
            CliRunner().invoke(main, [*argv, "--format", fmt, "--engine", engine])
            for engine in ("duckdb", "python")
        ]
        # a key the readers refuse (a lone `\r` is blank) fails alike on both
        got, want = [(r.exit_code, r.stdout_bytes, r.stderr) for r in runs]
        assert got == want
