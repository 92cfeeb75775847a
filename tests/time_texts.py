"""Time texts as real exports hold them, assembled from pieces: dates that exist or not,
separators, clocks, fractions, zones and surrounding space, in and out of the one timestamp
form. Used to prove that each reader of times accepts exactly the readers' form."""

from __future__ import annotations

from hypothesis import strategies as st

DATES = [
    "2025-12-20",
    "2024-02-29",
    "2025-02-29",
    "2026-04-31",
    "0000-01-01",
    "1900-02-29",
    "2025-13-01",
    "2025-1-01",
    "20251220",
    "9999-12-31",
]
SEPARATORS = ["", "T", "t", " ", "  ", "_"]
CLOCKS = [
    "",
    "13:00",
    "13:00:00",
    "23:59:59",
    "24:00",
    "13:60",
    "1:00",
    "13",
    "13:00:00.",
    "13:00:00.5",
    "13:00:00.1234567",
    "13:00:00,5",
]
ZONES = [
    "",
    "Z",
    "z",
    " Z",
    "+03",
    "+0330",
    "+03:30",
    "-00:00",
    " +03:00",
    "+3",
    "+24:00",
    "+03:60",
    "+0399",
    "+03:00:00",
    "ZZ",
    "x",
]
SPACES = ["", " ", "\t", "\r\n"]

TIME_TEXTS = st.builds(
    lambda space, date, sep, clock, zone: space + date + sep + clock + zone + space,
    *(st.sampled_from(p) for p in (SPACES, DATES, SEPARATORS, CLOCKS, ZONES)),
)
