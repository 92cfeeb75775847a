"""Issue 18: a number compares as the decimal value it shows, on both engines, whatever the
numeric type of the Parquet column (float32 0.7 is 0.7), and JSON Lines numbers of many digits
are the same double on both (docs/semantics.md, "Numbers")."""

from __future__ import annotations

import decimal
import json
import struct

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadrules.engine.python import score
from tests.engine.agreement import both, summary, write
from tests.engine.helpers import AS_OF, load

THRESHOLDS = ["0.7", "0.1", "-3.3", "1.5", "100", "127", "-128", "32767", "0.05", "2147483647"]
INTS = {
    pa.int8(): (-(2**7), 2**7 - 1),
    pa.int16(): (-(2**15), 2**15 - 1),
    pa.int32(): (-(2**31), 2**31 - 1),
    pa.int64(): (-(2**63), 2**63 - 1),
    pa.uint8(): (0, 2**8 - 1),
    pa.uint64(): (0, 2**64 - 1),
}


def model(threshold: str):
    return load(f"""
lead x: number
event e
ge:
  x >= {threshold}: +1
gt:
  x > {threshold}: +1
eq:
  x == {threshold}: +1
le:
  x <= {threshold}: +1
""")


def f32(value: float) -> float:
    return struct.unpack("f", struct.pack("f", value))[0]


def f32_next(value: float, up: bool) -> float:
    bits = struct.unpack("I", struct.pack("f", value))[0]
    if value == 0:
        return struct.unpack("f", struct.pack("I", 1 if up else 0x80000001))[0]
    bits += 1 if (value > 0) == up else -1
    return struct.unpack("f", struct.pack("I", bits))[0]


def shown(value: float) -> float:
    """The decimal a float32 shows: its shortest text that reads back as the same float32."""
    for digits in range(1, 10):
        text = f"{value:.{digits}g}"
        if f32(float(text)) == value:
            return float(text)
    return value


@st.composite
def columns(draw):
    """(pyarrow type, values, the numbers they show) near a threshold or at range ends."""
    threshold = draw(st.sampled_from(THRESHOLDS))
    t = float(threshold)
    kind = draw(st.sampled_from(["float32", "float64", "int", "decimal"]))
    if kind == "float32":
        near = f32(t)
        values = [near, f32_next(near, True), f32_next(near, False), 3.4028234663852886e38]
        values += [-3.4028234663852886e38, 1.401298464324817e-45, 0.0]
        values.append(draw(st.floats(width=32, allow_nan=False, allow_infinity=False)))
        return threshold, pa.float32(), values, [shown(v) for v in values]
    if kind == "float64":
        values = [t, t + abs(t) * 2**-52, t - abs(t) * 2**-52, 1.7976931348623157e308, 5e-324]
        values.append(draw(st.floats(allow_nan=False, allow_infinity=False)))
        return threshold, pa.float64(), values, values
    if kind == "int":
        typ = draw(st.sampled_from(list(INTS)))
        lo, hi = INTS[typ]
        around = [int(t) - 1, int(t), int(t) + 1, lo, hi, lo + 1, hi - 1, 0]
        values = [v for v in around if lo <= v <= hi]
        values.append(draw(st.integers(lo, hi)))
        return threshold, typ, values, [float(v) for v in values]
    scale = draw(st.sampled_from([0, 1, 2, 4, 9]))
    precision = draw(st.sampled_from([max(scale, 1) + 9, 38]))
    with decimal.localcontext(decimal.Context(prec=80)):
        step = decimal.Decimal(1).scaleb(-scale)
        at = decimal.Decimal(threshold).quantize(step, rounding=decimal.ROUND_HALF_EVEN)
        top = decimal.Decimal(10) ** (precision - scale) - step
        values = [at, at + step, at - step, top, -top]
    values = [v for v in values if abs(v) <= top]
    return threshold, pa.decimal128(precision, scale), values, [float(v) for v in values]


def expected_scores(threshold: str, numbers: list) -> dict:
    leads = [{"lead_id": str(i), "x": v} for i, v in enumerate(numbers)]
    return summary(score(model(threshold), leads, [], AS_OF))


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(column=columns())
def test_every_parquet_numeric_type_compares_as_the_decimal_it_shows(column, tmp_path):
    threshold, typ, values, numbers = column
    leads = tmp_path / "leads.parquet"
    rows = [[str(i), v] for i, v in enumerate(values)]
    write(leads, ["lead_id", "x"], rows, "parquet", {"x": typ})
    events = write(tmp_path / "events.csv", ["lead_id", "event", "occurred_at"], [], "csv")
    (got, _), (want, _) = both(model(threshold), str(leads), events, AS_OF)
    assert got == want
    assert got == expected_scores(threshold, numbers)


def test_float32_point_seven_is_point_seven(tmp_path):
    """The report of issue 18: `p >= 0.7` on a float32 0.7 fires on both engines."""
    leads = tmp_path / "leads.parquet"
    write(leads, ["lead_id", "x"], [["1", 0.7]], "parquet", {"x": pa.float32()})
    events = write(tmp_path / "events.csv", ["lead_id", "event", "occurred_at"], [], "csv")
    (got, _), (want, _) = both(model("0.7"), str(leads), events, AS_OF)
    assert got == want
    assert got["1"][0] == (("ge", 1), ("gt", 0), ("eq", 1), ("le", 1))


DIGITS = st.sampled_from(
    [
        "0.7",
        "0.70000000000000001",
        "0.69999999999999995559107901499",
        "0.7000000000000000666133814775094",
        "100.000000000000000000001",
        "99.99999999999999999",
        "1e2",
        "1.5E0",
        "-3.29999999999999982236431605997495353221893310546875",
        "2147483647.0000000001",
        "123456789012345678901234567890",
        "1e-400",
        "0.1e1",
    ]
)


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    threshold=st.sampled_from(THRESHOLDS),
    texts=st.lists(DIGITS, min_size=1, max_size=6),
    quoted=st.booleans(),
)
def test_json_lines_numbers_of_many_digits(threshold, texts, quoted, tmp_path):
    leads = tmp_path / "leads.jsonl"
    with open(leads, "w") as f:
        for i, text in enumerate(texts):
            f.write(f'{{"lead_id": "{i}", "x": {json.dumps(text) if quoted else text}}}\n')
    events = write(tmp_path / "events.csv", ["lead_id", "event", "occurred_at"], [], "csv")
    (got, _), (want, _) = both(model(threshold), str(leads), events, AS_OF)
    assert got == want
    assert got == expected_scores(threshold, [float(t) for t in texts])


@pytest.mark.parametrize("text", ["1e400", "-1e999", "inf", "nan", "1_000", "0x10", "١٢"])
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_numbers_out_of_range_or_not_decimal_are_refused_by_both(text, fmt, tmp_path):
    from tests.engine.agreement import both_refuse

    leads = tmp_path / f"leads.{fmt}"
    if fmt == "csv":
        leads.write_text(f"lead_id,x\n1,2\n2,{text}\n")
    else:
        raw = text if text in ("1e400", "-1e999") else json.dumps(text)
        leads.write_text(f'{{"lead_id": "1", "x": 2}}\n{{"lead_id": "2", "x": {raw}}}\n')
    events = write(tmp_path / "events.csv", ["lead_id", "event", "occurred_at"], [], "csv")
    message = both_refuse(model("1"), str(leads), events, AS_OF)
    assert "expected a" in message and ("leads.csv:3:" in message or "leads.jsonl:2:" in message)
