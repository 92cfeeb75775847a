"""Helpers the store's queries share: multi-row statements and JSON columns."""

from __future__ import annotations

import json

CHUNK = 500  # rows or keys per multi-row statement (at most 6 parameters a row)


def chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def marks(n: int, width: int = 1) -> str:
    row = "?" if width == 1 else "(" + ", ".join("?" * width) + ")"
    return ", ".join([row] * n)


ENCODE = json.JSONEncoder(sort_keys=True).encode


def props(text: str) -> dict:
    return {} if text == "{}" else json.loads(text)
