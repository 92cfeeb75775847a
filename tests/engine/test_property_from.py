"""An event property read from a column with another name (`url: text from "Page URL"`):
parsed, formatted, checked into the Model, and read alike by both engines in every format."""

from __future__ import annotations

import pytest

from leadrules.syntax.formatter import format_text
from tests.engine.agreement import FORMATS, both, write
from tests.engine.helpers import AS_OF, load

TEXT = """\
event page_view(url: text from "Page URL", seen: time from "time")
event click(target: text)
page_view where url contains "/pricing": +1
page_view where seen >= 2025-12-30: +10
click where target == "buy": +100
"""


def test_the_model_knows_the_column():
    model = load(TEXT)
    page_view = model.events[0]
    assert [(p.name, p.column) for p in page_view.props] == [("url", "Page URL"), ("seen", "time")]
    assert model.events[1].props[0].column == "target"


def test_the_formatter_keeps_it():
    assert format_text(TEXT, "t.lrules").text == TEXT
    assert format_text(TEXT.replace("text from", "text  from"), "t.lrules").text == TEXT


@pytest.mark.parametrize("fmt", FORMATS)
def test_both_engines_read_the_named_column(fmt, tmp_path):
    leads = write(tmp_path / f"leads.{fmt}", ["lead_id"], [["1"], ["2"]], fmt)
    columns = ["lead_id", "event", "occurred_at", "Page URL", "time", "target"]
    rows = [
        ["1", "page_view", "2025-12-31", "/pricing", "2025-12-30T10:00:00Z", None],
        ["2", "page_view", "2025-12-31", "/blog", "2025-12-01", None],
        ["2", "click", "2025-12-31", None, None, "buy"],
    ]
    events = write(tmp_path / f"events.{fmt}", columns, rows, fmt)
    (got, _), (want, _) = both(load(TEXT), leads, events, AS_OF)
    assert got == want
    assert {k: v[1] for k, v in got.items()} == {"1": 11, "2": 100}


def test_a_missing_column_names_it(tmp_path):
    from leadrules.data import DataError
    from leadrules.engine.python import run_files

    leads = write(tmp_path / "leads.csv", ["lead_id"], [["1"]], "csv")
    events = write(tmp_path / "events.csv", ["lead_id", "event", "occurred_at", "url"], [], "csv")
    with pytest.raises(DataError, match="no column `Page URL`, needed by the property `url` of"):
        run_files(load(TEXT), leads, events, AS_OF)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_one_property_name_from_two_columns(fmt, tmp_path):
    """`url from "Page URL"` for page views and `url` for clicks: DuckDB reads each event's
    own column, as the interpreter does."""
    text = (
        'event page_view(url: text from "Page URL")\nevent click(url: text)\n'
        'page_view where url == "/a": +1\nclick where url == "/a": +10\n'
    )
    leads = write(tmp_path / f"leads.{fmt}", ["lead_id"], [["1"], ["2"]], fmt)
    columns = ["lead_id", "event", "occurred_at", "Page URL", "url"]
    rows = [
        ["1", "page_view", "2025-12-31", "/a", "/b"],
        ["2", "click", "2025-12-31", "/b", "/a"],
        ["2", "page_view", "2025-12-31", "/b", "/a"],
    ]
    events = write(tmp_path / f"events.{fmt}", columns, rows, fmt)
    (got, _), (want, _) = both(load(text), leads, events, AS_OF)
    assert got == want
    assert {k: v[1] for k, v in got.items()} == {"1": 1, "2": 10}
