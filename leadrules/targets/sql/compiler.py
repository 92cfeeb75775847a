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
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from leadrules import model as m
from leadrules.targets.sql.catalog import CatalogSQL, entries, table
from leadrules.targets.sql.exprs import (
    Renderer,
    Scope,
    event_counts,
    referenced_attrs,
    timestamp_text,
)

VIEWS = ("lead_score_points", "lead_scores", "lead_score_rules")
# Past this many rules the rule catalog is one VALUES list rather than a UNION ALL of SELECTs
# (SQLite allows 500 SELECTs in a compound).
CATALOG_ROWS = 100
# Past this many counts in one GROUP BY, `count_if_many` (DuckDB binds many FILTER clauses in
# quadratic time).
MANY_COUNTS = 100
_PART = re.compile(r'"((?:[^"]|"")*)"|`((?:[^`]|``)*)`|([^."`]+)')


@dataclass(frozen=True)
class Queries:
    """The views' SELECTs. A model with more rules than a dialect allows columns in a view has its
    points in several views: `points` (`lead_score_points`) and `more_points`
    (`lead_score_points_2`, ...), each one row per lead with the points of a range of rules."""

    points: str
    scores: str
    rules: str
    more_points: tuple[str, ...] = ()
    problems: str | None = None  # lead_score_input_problems, read by the points views

    def views(self) -> list[tuple[str, str]]:
        """(view name, SELECT) in creation order."""
        from leadrules.targets.sql.problems import PROBLEMS

        points = [(points_view(i), q) for i, q in enumerate((self.points, *self.more_points), 1)]
        first = [(PROBLEMS, self.problems)] if self.problems is not None else []
        return [*first, *points, (VIEWS[1], self.scores), (VIEWS[2], self.rules)]


def points_view(i: int) -> str:
    return VIEWS[0] if i == 1 else f"{VIEWS[0]}_{i}"


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
    """`prefix + name`, made unique ignoring case (engines that fold case see one name). A long
    name becomes `prefix + position`: PostgreSQL cuts names at 63 bytes."""
    seen: set[str] = set()
    out = []
    for i, name in enumerate(names, 1):
        alias = f"{prefix}{name}"
        if alias.lower() in seen or len(alias.encode()) > 40:
            alias = f"{prefix}{i}_{name}"
        if alias.lower() in seen or len(alias.encode()) > 40:
            alias = f"{prefix}{i}"
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
        checks: bool = False,
        columns: tuple[str, str, str] = ("lead_id", "event", "occurred_at"),
    ):
        self.model = model
        self.sql = sql
        self.as_of_value = as_of
        self.relation = relation
        self.properties_column = properties_column
        self.zoned = zoned
        # the SQL target over a warehouse's tables: ids compared as text, and leads with a row
        # in lead_score_input_problems left out (the engines validate their files themselves)
        self.checks = checks
        # the input columns of the lead key, the event type and the event time
        self.key_column, self.event_column, self.time_column = columns
        self._chunks: list[range] | None = None
        self._catalog: CatalogSQL | None = None
        self._catalog_done = False  # computed yet
        # can the points of the plain rules, or the caps, add up past 32 bits?
        reach = sum(abs(r.points) + (r.cap or 0) for r in model.rules)
        self.wide = reach >= 2**31 - 1
        self.as_of = sql.timestamp(timestamp_text(as_of)) if as_of else sql.now()

    def key(self, column: str) -> str:
        """A lead key as the language reads it: text (`007` is not 7); empty or NULL is a
        missing key (`missing_key`)."""
        return self.sql.key_value(column) if self.checks else column

    @staticmethod
    def missing_key(key: str) -> str:
        return f"COALESCE({key}, '') = ''"

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

    def catalog(self) -> CatalogSQL | None:
        """The rules compiled to rows of a catalog (a large model's, see catalog.py), or None."""
        if not self._catalog_done:
            self._catalog_done = True
            found = entries(self.model, {name: typ for name, typ, _a in self.props()})
            sources = {e.name: e.source for e in self.model.events}
            self._catalog = (
                CatalogSQL(self.sql, found, self.props(), sources, self.window_start)
                if found
                else None
            )
        return self._catalog

    def in_catalog(self, i: int) -> bool:
        catalog = self.catalog()
        return catalog is not None and i in catalog.found

    # -- the points queries
    def chunks(self) -> list[range]:
        """The rules (1-based positions) of each points view: all of them, or, where the dialect
        limits a view's columns, consecutive ranges of at most `max_columns` rules and counts."""
        if self._chunks is None:
            self._chunks = self._split()
        return self._chunks

    def _split(self) -> list[range]:
        limit = self.sql.max_columns
        n = len(self.model.rules)
        if limit is None or n <= limit:
            return [range(1, n + 1)]
        out: list[range] = []
        start, columns, counts = 1, 0, set[tuple]()
        for i, rule in enumerate(self.model.rules, 1):
            if self.in_catalog(i):  # no column of its own
                continue
            needed = set(event_counts([rule]))
            if columns >= limit or len(counts | needed) > limit:
                out.append(range(start, i))
                start, columns, counts = i, 0, set()
            columns += 1
            counts |= needed
        out.append(range(start, n + 1))
        return out

    def attr_aliases(self) -> dict[str, str]:
        names = [a.name for a in self.model.attributes]
        return dict(zip(names, unique_aliases("a_", names), strict=True))

    def points(self, chunk: range | None = None) -> str:
        model, sql = self.model, self.sql
        chunk = chunk if chunk is not None else range(1, len(model.rules) + 1)
        all_rules = model.rules  # a property: computed on each access
        rules = [(i, all_rules[i - 1]) for i in chunk if not self.in_catalog(i)]
        catalog = self.catalog() if not chunk or chunk[0] == 1 else None
        attrs = list(model.attributes)
        attr_alias = self.attr_aliases()
        counts = event_counts([rule for _i, rule in rules])
        count_alias = {key: f"n{i}" for i, key in enumerate(counts, 1)}
        lead_key = self.key(f"l.{sql.ident(self.key_column)}")
        lead_cols = [("lead_id", lead_key)]
        for a in attrs:
            col = f"l.{sql.ident(a.column)}"
            if a.type == "text":
                col = sql.text_value(col)
            elif a.type == "number":
                col = sql.number_value(col)
            elif a.type == "bool":
                col = sql.bool_value(col)
            elif a.type == "time":
                col = self.time(col)
            lead_cols.append((attr_alias[a.name], col))
        sources = list(dict.fromkeys(e.source for e in model.events))
        has_events = bool(counts and sources)
        for key in counts:
            lead_cols.append(
                (count_alias[key], f"COALESCE(c.{count_alias[key]}, 0)" if has_events else "0")
            )
        ctes, joins = [], []
        if has_events or catalog is not None:
            scoped = counts + (catalog.counts() if catalog is not None else [])
            ctes.append(("events_in_scope", lambda pad: self.events_in_scope(sources, scoped, pad)))
        if has_events:
            ctes.append(("event_counts", lambda pad: self.event_counts(counts, count_alias, pad)))
            joins.append(f"LEFT JOIN event_counts AS c ON c.lead_id = {lead_key}")
        if catalog is not None:
            ctes += [*catalog.ctes(), ("catalog_sums", catalog.sums)]
            joins.append(f"LEFT JOIN catalog_sums AS k ON k.lead_id = {lead_key}")
            lead_cols += [(f"c{g}", f"COALESCE(k.c{g}, 0)") for g in catalog.groups]
        leads = f"{self.relation('leads')} AS l"
        if self.checks:
            joins += [
                f"WHERE {lead_key} <> ''",
                f"  AND NOT EXISTS (SELECT 1 FROM {self.relation('problems')} AS x "
                f"WHERE x.lead_id = {lead_key})",
            ]
        ctes.append(("lead_facts", lambda pad: _select(lead_cols, leads, *joins, pad=pad)))
        scope = Scope(attrs=attr_alias, counts=count_alias)
        render = Renderer(sql, self.as_of, scope)
        cols = [("lead_id", "lead_id")]
        for i, rule in rules:
            cols.append((f"r{i}", self.rule_points(rule, render, count_alias)))
        if catalog is not None:
            cols += [(f"c{g}", f"c{g}") for g in catalog.groups]
        for name in self.tier_attrs():
            cols.append((attr_alias[name], attr_alias[name]))
        return _with(ctes, _select(cols, "lead_facts"))

    def events_in_scope(self, sources: list[str], counts: list[tuple], pad: str) -> str:
        sql = self.sql
        occurred_at = f"e.{sql.ident(self.time_column)}"
        cols = [
            ("lead_id", self.key(f"e.{sql.ident(self.key_column)}")),
            ("event", f"e.{sql.ident(self.event_column)}"),
            ("occurred_at", self.time(occurred_at)),
        ]
        for name, typ, alias in self.props():
            if self.properties_column:
                expr = sql.json_prop(f"e.{sql.ident(self.properties_column)}", name, typ)
            else:
                expr = f"e.{sql.ident(name)}"
                if typ == "number":
                    expr = sql.number_value(expr)
                elif typ == "bool":
                    expr = sql.bool_value(expr)
            if typ == "time":  # compared with literals in the dialect's one time representation
                expr = self.time(expr)
            cols.append((alias, sql.text_value(expr) if typ == "text" else expr))
        names = ", ".join(sql.string(s) for s in sources)
        where = [
            f"{self.time(occurred_at)} <= {self.as_of}",
            f"e.{sql.ident(self.event_column)} IN ({names})",
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
            cond = " AND ".join(terms) or "TRUE"
            count = sql.count_if(cond) if len(counts) <= MANY_COUNTS else sql.count_if_many(cond)
            cols.append((count_alias[key], count))
        return _select(cols, "events_in_scope", "GROUP BY lead_id", pad=pad)

    def rule_points(self, rule: m.Rule, render: Renderer, count_alias: dict) -> str:
        """A rule's points, in 64-bit integers: a plain rule's literal is a BIGINT when the
        model's points could pass 32 bits; `each` is capped before it multiplies (`n > cap // P`
        is `P * n > cap`), so a capped product never overflows."""
        if rule.kind != "each":
            points = str(rule.points)
            if self.wide:
                points = f"CAST({points} AS {self.sql.integer_type()})"
            return f"CASE WHEN {render.cond(rule.cond)} THEN {points} ELSE 0 END"
        count = count_alias[(rule.events, rule.window)]
        if rule.points == 0:
            return "0"
        total = f"{rule.points} * {count}"
        if rule.cap is None:
            return total
        bound = rule.cap if rule.points > 0 else -rule.cap
        return f"CASE WHEN {count} > {rule.cap // abs(rule.points)} THEN {bound} ELSE {total} END"

    def tier_attrs(self) -> list[str]:
        found: dict[str, None] = {}
        for tier in self.model.tiers:
            if tier.cond is not None:
                referenced_attrs(tier.cond, found)
        return [a.name for a in self.model.attributes if a.name in found]

    # -- the scores query
    def scores(self, points: str, more_points: list[str] | None = None) -> str:
        """From the points view, or (`more_points`) from several: their partial group sums,
        stacked and summed per lead."""
        model, sql = self.model, self.sql
        attr_alias = self.attr_aliases()
        tier_attrs = [attr_alias[name] for name in self.tier_attrs()]
        index = {rule.id: i for i, rule in enumerate(model.rules, 1)}
        keys = [("lead_id", "lead_id")] + [(a, a) for a in tier_attrs]
        group_cols = list(keys)
        ctes = []
        sums = {}
        catalog = self.catalog()
        in_catalog = set(catalog.groups) if catalog is not None else set()

        def terms(gi: int, group: m.Group, chunk: range | None) -> list[str]:
            """The group's columns in a points view (`chunk`, None: the only one)."""
            out = [
                f"r{index[r.id]}"
                for r in group.rules
                if (chunk is None or index[r.id] in chunk) and not self.in_catalog(index[r.id])
            ]
            if gi in in_catalog and (chunk is None or chunk[0] == 1):
                out.append(f"c{gi}")
            return out

        if more_points:
            parts = []
            for chunk, relation in zip(self.chunks(), [points, *more_points], strict=True):
                cols = list(keys)
                for gi, group in enumerate(model.groups, 1):
                    cols.append((f"s{gi}", balanced(terms(gi, group, chunk), "+") or "0"))
                parts.append(_select(cols, relation, pad="  "))
            ctes.append(("partial_sums", lambda pad: "\n  UNION ALL\n".join(parts)))
            source = "partial_sums"
            for gi in range(1, len(model.groups) + 1):
                sums[gi] = f"CAST(SUM(s{gi}) AS {sql.integer_type()})"
            group_by = ["GROUP BY " + ", ".join(name for name, _e in keys)]
        else:
            source, group_by = points, []
            for gi, group in enumerate(model.groups, 1):
                sums[gi] = balanced(terms(gi, group, None), "+") or "0"
        for gi, group in enumerate(model.groups, 1):
            total = sums[gi]
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
        ctes += [
            ("group_scores", lambda pad: _select(group_cols, source, *group_by, pad=pad)),
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
    def rules(self, points: str, more_points: list[str] | None = None) -> str:
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
        catalog = self.catalog()
        names = ("i", "grp", "rule", "rule_text") + (("f",) if catalog is not None else ())
        rows = []
        for i, rule in enumerate(rules, 1):
            values = [str(i), sql.string(rule.group), sql.string(rule.id), sql.string(rule.text)]
            if catalog is not None:
                values.append("1" if self.in_catalog(i) else "0")
            rows.append(values)
        # built with its own layout, never re-indented
        ctes = [table(sql, "rule_catalog", names, rows, len(rules) > CATALOG_ROWS)]
        parts = []
        for chunk, relation in zip(self.chunks(), [points, *(more_points or [])], strict=True):
            own = [i for i in chunk if not self.in_catalog(i)]
            if not own:
                continue
            pick = "CASE k.i " + " ".join(f"WHEN {i} THEN p.r{i}" for i in own) + " END"
            cols = [
                ("lead_id", "p.lead_id"),
                ("grp", "k.grp"),
                ("rule", "k.rule"),
                ("points", pick),
                ("rule_text", "k.rule_text"),
            ]
            where = ["k.f = 0"] if catalog is not None else []
            if more_points:
                where.append(f"k.i BETWEEN {chunk[0]} AND {chunk[-1]}")
            clauses = ["WHERE " + " AND ".join(where)] if where else []
            parts.append(
                _select(cols, f"{relation} AS p", "CROSS JOIN rule_catalog AS k", *clauses)
            )
        if catalog is not None:
            sources = list(dict.fromkeys(e.source for e in self.model.events))
            scoped = catalog.counts()
            ctes.append(("events_in_scope", lambda pad: self.events_in_scope(sources, scoped, pad)))
            ctes += catalog.ctes()
            parts.append(catalog.rule_rows(points))
        body = "\nUNION ALL\n".join(parts)
        return _with(ctes, body)


def balanced(terms: list[str], op: str, flat: int = 50, width: int = 8) -> str:
    """`a op b op ...`, flat up to `flat` terms (as written by hand); longer, a balanced tree of
    parenthesized runs of at most `width` terms, so no engine meets an expression deeper than a
    few dozen levels (DuckDB and SQLite refuse depths past 1,000; DuckDB binds a long flat chain
    in quadratic time)."""
    if len(terms) <= flat:
        return f" {op} ".join(terms)
    size = -(-len(terms) // width)  # terms per run, so there are at most `width` runs
    runs = [terms[i : i + size] for i in range(0, len(terms), size)]
    return f" {op} ".join(f"({balanced(run, op, width, width)})" for run in runs)


def _select(
    cols: Sequence[tuple[str, str | None]], source: str, *clauses: str, pad: str = ""
) -> str:
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
