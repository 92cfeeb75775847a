"""The Model as SQL: three queries, one pass over the events.

- `points`: one row per lead, one column per rule (`r1`...) with the points it adds. Events are
  read once: the events at or before as-of of the declared types are counted per lead with one
  conditional count per distinct (event set, window) the rules use (`n1`...).
- `scores`: `lead_id, <group>..., score, tier` from `points` (group caps, clamp, tiers in order).
- `rules`: `lead_id, grp, rule, points, rule_text`, the per-rule breakdown, from `points`.

Names that come from a rules file reach SQL only through the dialect's `ident` and `string`
macros; internal aliases (`a_`, `p_`, `n`, `r`, `g`) are generated.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from leadrules import model as m
from leadrules.targets.sql.exprs import (
    Renderer,
    Scope,
    event_counts,
    referenced_attrs,
    timestamp_text,
)

VIEWS = ("lead_score_points", "lead_scores", "lead_score_rules")
_PART = re.compile(r'"((?:[^"]|"")*)"|`((?:[^`]|``)*)`|([^."`]+)')


@dataclass(frozen=True)
class Queries:
    points: str
    scores: str
    rules: str


def relation_parts(name: str) -> list[str]:
    """`analytics.raw.leads` or `"My Schema".leads` -> the parts, unquoted."""
    parts, pos = [], 0
    while True:
        match = _PART.match(name, pos)
        if match is None:
            raise ValueError(f"`{name}` is not a table name (parts separated by dots)")
        quoted, backquoted, plain = match.groups()
        if quoted is not None:
            parts.append(quoted.replace('""', '"'))
        elif backquoted is not None:
            parts.append(backquoted.replace("``", "`"))
        else:
            parts.append(plain.strip())
        pos = match.end()
        if pos == len(name):
            return parts
        if name[pos] != ".":
            raise ValueError(f"`{name}` is not a table name (parts separated by dots)")
        pos += 1


def unique_aliases(prefix: str, names: list[str]) -> list[str]:
    """`prefix + name`, made unique ignoring case (engines that fold case see one name)."""
    seen: set[str] = set()
    out = []
    for i, name in enumerate(names, 1):
        alias = f"{prefix}{name}"
        if alias.lower() in seen:
            alias = f"{prefix}{i}_{name}"
        seen.add(alias.lower())
        out.append(alias)
    return out


class QueryBuilder:
    def __init__(
        self,
        model: m.Model,
        sql,
        as_of: dt.datetime | None,
        relation: Callable[[str], str],
        properties_column: str | None,
        zoned: bool = False,
    ):
        self.model = model
        self.sql = sql
        self.as_of_value = as_of
        self.relation = relation
        self.properties_column = properties_column
        self.zoned = zoned
        self.as_of = sql.timestamp(timestamp_text(as_of)) if as_of else sql.now()

    def time(self, column: str) -> str:
        """A time column in the dialect's one representation of times (see `time_value`)."""
        return self.sql.time_value(column, self.zoned)

    def window_start(self, seconds: int) -> str:
        if self.as_of_value is not None:
            start = self.as_of_value - dt.timedelta(seconds=seconds)
            return self.sql.timestamp(timestamp_text(start))
        return self.sql.now_minus(seconds)

    def raw_bounds(self, column: str, counts: list[tuple]) -> list[str]:
        """Bounds on the raw `occurred_at` a day wider than the exact tests (a baked as-of only):
        the upper one always, the lower one when every count has a window."""
        if self.as_of_value is None:
            return []
        day = dt.timedelta(days=1)
        bounds = [self.sql.raw_bound(column, "<=", timestamp_text(self.as_of_value + day))]
        windows = [window for _events, window in counts]
        if windows and None not in windows:
            try:
                low = self.as_of_value - dt.timedelta(seconds=max(windows)) - day
            except OverflowError:
                low = None
            if low is not None:
                bounds.append(self.sql.raw_bound(column, ">=", timestamp_text(low)))
        return [b for b in bounds if b]

    # -- the points query
    def points(self) -> str:
        model, sql = self.model, self.sql
        attrs = list(model.attributes)
        attr_alias = dict(
            zip(
                (a.name for a in attrs), unique_aliases("a_", [a.name for a in attrs]), strict=False
            )
        )
        counts = event_counts(model)
        count_alias = {key: f"n{i}" for i, key in enumerate(counts, 1)}
        lead_cols = [("lead_id", f"l.{sql.ident('lead_id')}")]
        for a in attrs:
            col = f"l.{sql.ident(a.column)}"
            if a.type == "text":
                col = sql.empty_to_null(col)
            elif a.type == "time":
                col = self.time(col)
            lead_cols.append((attr_alias[a.name], col))
        sources = list(dict.fromkeys(e.source for e in model.events))
        has_events = bool(counts and sources)
        for key in counts:
            lead_cols.append(
                (count_alias[key], f"COALESCE(c.{count_alias[key]}, 0)" if has_events else "0")
            )
        ctes = []
        if has_events:
            ctes.append(("events_in_scope", lambda pad: self.events_in_scope(sources, counts, pad)))
            ctes.append(("event_counts", lambda pad: self.event_counts(counts, count_alias, pad)))
        joins = (
            [f"LEFT JOIN event_counts AS c ON c.lead_id = l.{sql.ident('lead_id')}"]
            if has_events
            else []
        )
        leads = f"{self.relation('leads')} AS l"
        ctes.append(("lead_facts", lambda pad: _select(lead_cols, leads, *joins, pad=pad)))
        scope = Scope(attrs=attr_alias, counts=count_alias)
        render = Renderer(sql, self.as_of, scope)
        cols = [("lead_id", "lead_id")]
        for i, rule in enumerate(model.rules, 1):
            cols.append((f"r{i}", self.rule_points(rule, render, count_alias)))
        for name in self.tier_attrs():
            cols.append((attr_alias[name], attr_alias[name]))
        return _with(ctes, _select(cols, "lead_facts"))

    def events_in_scope(self, sources: list[str], counts: list[tuple], pad: str) -> str:
        sql = self.sql
        occurred_at = f"e.{sql.ident('occurred_at')}"
        cols = [
            ("lead_id", f"e.{sql.ident('lead_id')}"),
            ("event", f"e.{sql.ident('event')}"),
            ("occurred_at", self.time(occurred_at)),
        ]
        for name, typ, alias in self.props():
            if self.properties_column:
                expr = sql.json_prop(f"e.{sql.ident(self.properties_column)}", name, typ)
            else:
                expr = f"e.{sql.ident(name)}"
            cols.append((alias, sql.empty_to_null(expr) if typ == "text" else expr))
        names = ", ".join(sql.string(s) for s in sources)
        where = [
            f"{self.time(occurred_at)} <= {self.as_of}",
            f"e.{sql.ident('event')} IN ({names})",
        ]
        where += self.raw_bounds(occurred_at, counts)
        clauses = ["WHERE " + where[0]] + [f"  AND {w}" for w in where[1:]]
        return _select(cols, f"{self.relation('events')} AS e", *clauses, pad=pad)

    def props(self) -> list[tuple[str, str, str]]:
        """(name, type, alias) of every declared property, once per name."""
        seen: dict[str, str] = {}
        for event in self.model.events:
            for p in event.props:
                seen.setdefault(p.name, p.type)
        aliases = unique_aliases("p_", list(seen))
        return [
            (name, typ, alias) for (name, typ), alias in zip(seen.items(), aliases, strict=False)
        ]

    def event_counts(self, counts: list[tuple], count_alias: dict, pad: str) -> str:
        sql = self.sql
        props = {name: alias for name, _t, alias in self.props()}
        render = Renderer(sql, self.as_of, Scope(props=props))
        sources = {e.name: e.source for e in self.model.events}
        cols = [("lead_id", "lead_id")]
        for key in counts:
            events, window = key
            terms = []
            if events is not None:
                terms.append(f"event = {sql.string(sources[events.event])}")
            if window is not None:
                terms.append(f"occurred_at >= {self.window_start(window)}")
            if events is not None and events.filter is not None:
                terms.append(render.cond(events.filter))
            cols.append((count_alias[key], sql.count_if(" AND ".join(terms) or "TRUE")))
        return _select(cols, "events_in_scope", "GROUP BY lead_id", pad=pad)

    def rule_points(self, rule: m.Rule, render: Renderer, count_alias: dict) -> str:
        if rule.kind != "each":
            return f"CASE WHEN {render.cond(rule.cond)} THEN {rule.points} ELSE 0 END"
        total = f"{rule.points} * {count_alias[(rule.events, rule.window)]}"
        if rule.cap is None:
            return total
        if rule.points >= 0:
            return f"CASE WHEN {total} > {rule.cap} THEN {rule.cap} ELSE {total} END"
        return f"CASE WHEN {total} < -{rule.cap} THEN -{rule.cap} ELSE {total} END"

    def tier_attrs(self) -> list[str]:
        found: dict[str, None] = {}
        for tier in self.model.tiers:
            if tier.cond is not None:
                referenced_attrs(tier.cond, found)
        return [a.name for a in self.model.attributes if a.name in found]

    # -- the scores query
    def scores(self, points: str) -> str:
        model, sql = self.model, self.sql
        attrs = [a.name for a in model.attributes]
        attr_alias = dict(zip(attrs, unique_aliases("a_", attrs), strict=False))
        tier_attrs = [attr_alias[name] for name in self.tier_attrs()]
        index = {rule.id: i for i, rule in enumerate(model.rules, 1)}
        group_cols = [("lead_id", "lead_id")] + [(a, a) for a in tier_attrs]
        for gi, group in enumerate(model.groups, 1):
            total = " + ".join(f"r{index[r.id]}" for r in group.rules) or "0"
            if group.cap is not None:
                total = f"CASE WHEN {total} > {group.cap} THEN {group.cap} ELSE {total} END"
            group_cols.append((f"g{gi}", total))
        total = " + ".join(f"g{gi}" for gi in range(1, len(model.groups) + 1)) or "0"
        if model.clamp is not None:
            lo, hi = model.clamp
            total = (
                f"CASE WHEN {total} < {lo} THEN {lo} WHEN {total} > {hi} THEN {hi} ELSE {total} END"
            )
        totals = [("*", None), ("score", total)]
        groups = {g.name: f"g{gi}" for gi, g in enumerate(model.groups, 1)}
        render = Renderer(sql, self.as_of, Scope(attrs=attr_alias, groups=groups, total="score"))
        cols = [("lead_id", "lead_id")]
        cols += [(sql.ident(g.name), f"g{gi}") for gi, g in enumerate(model.groups, 1)]
        cols += [("score", "score"), ("tier", self.tier(render))]
        ctes = [
            ("group_scores", lambda pad: _select(group_cols, points, pad=pad)),
            ("totals", lambda pad: _select(totals, "group_scores", pad=pad)),
        ]
        return _with(ctes, _select(cols, "totals"))

    def tier(self, render: Renderer) -> str:
        sql = self.sql
        branches = []
        for tier in self.model.tiers:
            if tier.kind == "when":
                cond = render.cond(tier.cond)
            else:
                bounds = []
                if tier.lo is not None:
                    bounds.append(f"score >= {render.literal(tier.lo, 'number')}")
                if tier.hi is not None:
                    bounds.append(f"score <= {render.literal(tier.hi, 'number')}")
                cond = " AND ".join(bounds) or "TRUE"
            branches.append(f"WHEN {cond} THEN {sql.string(tier.name)}")
        if not branches:
            return f"CAST(NULL AS {sql.type_name('text')})"
        return "CASE\n    " + "\n    ".join(branches) + "\n  END"

    # -- the per-rule query
    def rules(self, points: str) -> str:
        sql = self.sql
        rules = self.model.rules
        if not rules:
            cols = [
                ("lead_id", "lead_id"),
                ("grp", f"CAST(NULL AS {sql.type_name('text')})"),
                ("rule", f"CAST(NULL AS {sql.type_name('text')})"),
                ("points", "0"),
                ("rule_text", f"CAST(NULL AS {sql.type_name('text')})"),
            ]
            return _select(cols, points, "WHERE 1 = 0")
        rows = []
        for i, rule in enumerate(rules, 1):
            values = [str(i), sql.string(rule.group), sql.string(rule.id), sql.string(rule.text)]
            if i == 1:
                names = ("i", "grp", "rule", "rule_text")
                values = [f"{v} AS {n}" for v, n in zip(values, names, strict=False)]
            rows.append("SELECT " + ", ".join(values))
        catalog = "\n  UNION ALL ".join(rows)  # built with its own layout, never re-indented
        pick = (
            "CASE k.i "
            + " ".join(f"WHEN {i} THEN p.r{i}" for i in range(1, len(rules) + 1))
            + " END"
        )
        cols = [
            ("lead_id", "p.lead_id"),
            ("grp", "k.grp"),
            ("rule", "k.rule"),
            ("points", pick),
            ("rule_text", "k.rule_text"),
        ]
        body = _select(cols, f"{points} AS p", "CROSS JOIN rule_catalog AS k")
        return _with([("rule_catalog", lambda pad: pad + catalog)], body)


def _select(cols: list[tuple[str, str | None]], source: str, *clauses: str, pad: str = "") -> str:
    """SELECT with one item per line. Layout is added around expressions only: the text of an
    expression (which may hold a user's string with newlines) is never re-indented."""
    items = [
        alias if expr is None or expr == alias else f"{expr} AS {alias}" for alias, expr in cols
    ]
    lines = [f"{pad}SELECT", ",\n".join(f"{pad}  {item}" for item in items), f"{pad}FROM {source}"]
    lines += [f"{pad}{clause}" for clause in clauses]
    return "\n".join(lines)


def _with(ctes: list[tuple[str, Callable[[str], str]]], body: str) -> str:
    """WITH name AS (...), ... body; each CTE is built with the padding it is given."""
    parts = [f"{name} AS (\n{build('  ')}\n)" for name, build in ctes]
    return "WITH\n" + ",\n".join(parts) + "\n" + body
