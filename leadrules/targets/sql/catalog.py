"""The rule catalog of a large model (issue 19).

A model with one rule per product or landing page has thousands of rules of one shape: an event
whose text property equals a literal (or is in a list of literals), counted once (`E where
p == "x": +P`, `... >= 2 times within 7d: +P`) or per event (`each E where p == "x" within 7d:
+P cap C`). Past `CATALOG_MIN` such rules, they are compiled to rows of two tables rather than
to one expression each, so the SQL, and the engines' planning time, no longer grow with their
number:

- `catalog_keys (i, p, event, val, w)`: one row per (rule `i`, literal `val`), `p` the
  property's position, `w` the window's position (0: none);
- `catalog_rules (i, g, lo, pts, capn, bound)`: one row per rule: its group's position `g`; a
  counted-once rule adds `pts` when it matched at least `lo` events; an `each` rule (`lo` 0)
  adds `pts` per event, or `bound` past `capn` events (`capn` -1: no cap).

The events are joined to `catalog_keys` on (event, value) and counted per (lead, rule)
(`catalog_counts`); `catalog_points` gives each rule's points for the leads it matched,
`catalog_sums` their sum per lead and group. Each matched event meets at most one row of a rule
(the literals of an `in` list are deduplicated), so the counts are those of the rule's own
expression: the same `=` between the same property column and the same literal, and the same
window test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeGuard

from leadrules import model as m

# Fewer catalog rules than this keep their own expressions, as written by hand.
CATALOG_MIN = 100


@dataclass(frozen=True)
class Entry:
    """A rule of the catalog shape."""

    index: int  # the rule's 1-based position in the model
    group: int  # its group's 1-based position
    event: str  # the event type's name
    prop: str  # the text property compared
    values: tuple[str, ...]  # the literals, without repeats
    window: int | None  # seconds
    lo: int  # counted once: the least count that adds the points; `each`: 0
    points: int
    cap: int | None


def entry(rule: m.Rule, index: int, group: int) -> Entry | None:
    """The rule as a catalog entry, or None when it has another shape."""
    if rule.kind == "each":
        events, window, lo = rule.events, rule.window, 0
        if rule.points == 0:
            return None
    else:
        cond = rule.cond
        if not isinstance(cond, m.EventCount) or cond.events is None:
            return None
        # only counts that zero events never satisfy: a lead without events adds nothing
        if cond.op == ">=":
            lo = cond.n
        elif cond.op == ">":
            lo = cond.n + 1
        else:
            return None
        if lo < 1:
            return None
        events, window = cond.events, cond.window
    match = _literal_filter(events.filter) if events is not None else None
    if match is None:
        return None
    prop, values = match
    return Entry(index, group, events.event, prop, values, window, lo, rule.points, rule.cap)


def _literal_filter(e) -> tuple[str, tuple[str, ...]] | None:
    """`p == "x"`, `"x" == p` or `p in ["x", ...]` on a text property: (p, the literals)."""
    if isinstance(e, m.Cmp) and e.op == "==":
        for prop, const in ((e.left, e.right), (e.right, e.left)):
            if _text_prop(prop) and isinstance(const, m.Const) and const.type == "text":
                return prop.name, (str(const.value),)
    if isinstance(e, m.InList) and _text_prop(e.operand) and e.type == "text" and e.values:
        return e.operand.name, tuple(dict.fromkeys(str(v) for v in e.values))
    return None


def _text_prop(e) -> TypeGuard[m.Prop]:
    return isinstance(e, m.Prop) and e.type == "text"


def entries(model: m.Model, prop_types: dict[str, str]) -> dict[int, Entry]:
    """The rules compiled to the catalog, by position: every rule of the shape, when there are
    at least `CATALOG_MIN` of them; none otherwise. `prop_types`: the type of the events'
    column of each property name (a name declared with two types is left out)."""
    found: dict[int, Entry] = {}
    index = 0
    for gi, group in enumerate(model.groups, 1):
        for rule in group.rules:
            index += 1
            e = entry(rule, index, gi)
            if e is not None and prop_types.get(e.prop) == "text":
                found[index] = e
    return found if len(found) >= CATALOG_MIN else {}


def table(sql, name: str, columns: tuple[str, ...], rows: list[list[str]], as_values: bool):
    """A CTE of literal rows: `name (columns) AS (VALUES ...)`, or a UNION ALL of SELECTs where
    the dialect has no VALUES lists (or `as_values` is false). (CTE name, builder)."""
    if as_values and sql.values_lists:
        body = "VALUES\n  " + ",\n  ".join("(" + ", ".join(row) + ")" for row in rows)
        return f"{name} ({', '.join(columns)})", lambda pad: pad + body
    selects = []
    for i, row in enumerate(rows):
        values = [f"{v} AS {c}" for v, c in zip(row, columns, strict=True)] if i == 0 else row
        selects.append("SELECT " + ", ".join(values))
    body = "\n  UNION ALL ".join(selects)
    return name, lambda pad: pad + body


class CatalogSQL:
    """The catalog's CTEs, for a query that already has `events_in_scope`."""

    def __init__(
        self,
        sql,
        found: dict[int, Entry],
        props: list[tuple[str, str, str]],
        sources: dict[str, str],
        window_start: Callable[[int], str],
    ):
        self.sql = sql
        self.found = found
        self.entries = list(found.values())
        self.prop_index = {name: i for i, (name, _t, _a) in enumerate(props, 1)}
        self.prop_alias = {name: alias for name, _t, alias in props}
        self.sources = sources
        self.window_start = window_start
        self.windows = list(dict.fromkeys(e.window for e in self.entries if e.window is not None))
        self.groups = list(dict.fromkeys(e.group for e in self.entries))

    def counts(self) -> list[tuple]:
        """The (events, window) keys of the catalog's windows, for the raw time bounds."""
        return list(dict.fromkeys((None, e.window) for e in self.entries))

    def ctes(self) -> list[tuple[str, Callable[[str], str]]]:
        """catalog_keys, catalog_rules, catalog_counts, catalog_points."""
        sql = self.sql
        window_pos: dict[int | None, int] = {w: i for i, w in enumerate(self.windows, 1)}
        keys, rules = [], []
        for e in self.entries:
            p, w = self.prop_index[e.prop], window_pos.get(e.window, 0)
            for value in e.values:
                keys.append(
                    [
                        str(e.index),
                        str(p),
                        sql.string(self.sources[e.event]),
                        sql.string(value),
                        str(w),
                    ]
                )
            capn = -1 if e.cap is None else e.cap // abs(e.points)
            bound = 0 if e.cap is None else (e.cap if e.points > 0 else -e.cap)
            rules.append(
                [str(e.index), str(e.group), str(e.lo), str(e.points), str(capn), str(bound)]
            )
        return [
            table(sql, "catalog_keys", ("i", "p", "event", "val", "w"), keys, True),
            table(sql, "catalog_rules", ("i", "g", "lo", "pts", "capn", "bound"), rules, True),
            ("catalog_counts", self._counts),
            ("catalog_points", self._points),
        ]

    def _counts(self, pad: str) -> str:
        used = list(dict.fromkeys(e.prop for e in self.entries))
        where = []
        if self.windows:
            starts = " ".join(
                f"WHEN {i} THEN {self.window_start(w)}" for i, w in enumerate(self.windows, 1)
            )
            where = [f"WHERE k.w = 0 OR e.occurred_at >= CASE k.w {starts} END"]
        parts = []
        for name in used:
            on = (
                f"JOIN catalog_keys AS k ON k.event = e.event AND k.val = e.{self.prop_alias[name]}"
            )
            if len(used) > 1:  # one property: no filter (PostgreSQL under-estimates its rows)
                on += f" AND k.p = {self.prop_index[name]}"
            lines = [
                f"{pad}SELECT e.lead_id, k.i, COUNT(*) AS n",
                f"{pad}FROM events_in_scope AS e",
                f"{pad}{on}",
                *(f"{pad}{w}" for w in where),
                f"{pad}GROUP BY e.lead_id, k.i",
            ]
            parts.append("\n".join(lines))
        return f"\n{pad}UNION ALL\n".join(parts)

    def _points(self, pad: str) -> str:
        points = (
            "CASE WHEN r.lo > 0 THEN CASE WHEN c.n >= r.lo THEN r.pts ELSE 0 END"
            " WHEN r.capn >= 0 AND c.n > r.capn THEN r.bound ELSE r.pts * c.n END"
        )
        lines = [
            f"{pad}SELECT c.lead_id, r.i, r.g, {points} AS points",
            f"{pad}FROM catalog_counts AS c",
            f"{pad}JOIN catalog_rules AS r ON r.i = c.i",
        ]
        return "\n".join(lines)

    def rule_rows(self, points: str) -> str:
        """`lead_score_rules`' rows for the catalog's rules: every lead of the points view
        `points` and every rule (flagged `f = 1` in `rule_catalog`), 0 where nothing matched."""
        lines = [
            "SELECT",
            "  p.lead_id,",
            "  k.grp,",
            "  k.rule,",
            "  COALESCE(h.points, 0) AS points,",
            "  k.rule_text",
            f"FROM {points} AS p",
            "CROSS JOIN rule_catalog AS k",
            "LEFT JOIN catalog_points AS h ON h.lead_id = p.lead_id AND h.i = k.i",
            "WHERE k.f = 1",
        ]
        return "\n".join(lines)

    def sums(self, pad: str) -> str:
        """catalog_sums: per lead, `c<g>` the sum of each group's catalog rules."""
        sql = self.sql
        cols = [f"{pad}  lead_id"]
        for g in self.groups:
            total = f"SUM(CASE WHEN g = {g} THEN points ELSE 0 END)"
            cols.append(f"{pad}  CAST({total} AS {sql.integer_type()}) AS c{g}")
        lines = [
            f"{pad}SELECT",
            ",\n".join(cols),
            f"{pad}FROM catalog_points",
            f"{pad}GROUP BY lead_id",
        ]
        return "\n".join(lines)
