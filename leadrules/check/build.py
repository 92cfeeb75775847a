"""Statements -> Model. Declarations, groups and rules, tiers, automations, tests."""

from __future__ import annotations

from leadrules import diagnostics as dg
from leadrules import model as m
from leadrules import paths
from leadrules.check import blocks
from leadrules.check import tiers as tier_checks
from leadrules.check.context import CheckContext
from leadrules.check.exprs import Bad, Ctx, Symbol
from leadrules.check.words import kind_with_article
from leadrules.syntax import ast, printer
from leadrules.syntax.ast import Span
from leadrules.syntax.parser import grammar_words

# the words of the grammar, but those that start an action line (`email`, `task`, `set`: the
# grammar expects them only there) and `crm`: they stay free as names (`lead email: text`)
KEYWORDS = grammar_words() - grammar_words("action") - {"crm"}
# names the outputs use for themselves
RESERVED = frozenset({"score", "tier", "lead_id"})
MAX_COLUMN_NAME = 63  # PostgreSQL's limit on a name, in bytes (group names are ASCII)
DEFAULT_GROUP = "default"


class ModelBuilder:
    def __init__(self, files: list[ast.File], diags: list[dg.Diagnostic], memo=None):
        """`memo` (a `check.memo.GroupMemo`) keeps groups between checks of one document."""
        self.memo = memo
        self.cx = cx = CheckContext(files, diags)
        # the context's fields, by their short names (the same objects)
        self.files, self.root, self.diags = files, cx.root, diags
        self.symbols, self.used, self.events = cx.symbols, cx.used, cx.events
        self.attrs, self.res = cx.attrs, cx.res
        self.signal_deps: dict[str, set[str]] = {}
        self.prop_types: dict[str, tuple[str, str, Span]] = {}  # name -> (type, event, span)

    def statements(self):
        return self.cx.statements()

    # -- names
    def declare(self, kind: str, name: ast.Name, node) -> bool:
        if name.id in KEYWORDS or name.id in RESERVED:
            why = "a keyword" if name.id in KEYWORDS else "a name the outputs use"
            self.diags.append(
                dg.make(
                    "LR0111",
                    f"`{name.id}` is {why} and cannot name {kind_with_article(kind)}",
                    name.span,
                    help=f"choose another name, such as `{name.id}_value`",
                )
            )
            return False
        prev = self.symbols.get(name.id)
        if prev is not None:
            self.diags.append(
                dg.make(
                    "LR0110",
                    f"`{name.id}` is declared twice",
                    name.span,
                    label="declared again here",
                    related=(
                        (prev.span, f"first declared as {kind_with_article(prev.kind)} here"),
                    ),
                    help="every name is declared once across a file and its imports; rename one",
                )
            )
            return False
        self.symbols[name.id] = Symbol(kind, name.id, node, name.span)
        return True

    def build(self) -> m.Model:
        self.collect()
        groups = self.groups()
        clamp = tier_checks.clamp(self.cx)
        tiers = tier_checks.tiers(self.cx)
        autos = blocks.automations(self.cx, tiers)
        tests = blocks.tests(self.cx, groups, tiers)
        name = next((s.name for s in self.root.statements if isinstance(s, ast.ModelDecl)), None)
        model = m.Model(
            name=name or paths.stem(self.root.path),  # the file's name
            path=self.root.path,
            attributes=tuple(a for a in self.attrs),
            events=tuple(self.events.values()),
            groups=groups,
            clamp=clamp,
            tiers=tiers,
            automations=autos,
            tests=tests,
        )
        return model

    def collect(self):
        """Every declaration into the symbols, the attributes and the event types; then signals."""
        self.model_names()
        columns: dict[str, Span] = {}
        for s in self.statements():
            if isinstance(s, ast.LeadDecl) and self.declare("attribute", s.name, s):
                self.attribute(s, columns)
            elif isinstance(s, ast.EventDecl) and self.declare("event", s.name, s):
                self.event_type(s)
            elif isinstance(s, ast.SignalDecl):
                self.declare("signal", s.name, s)
            elif isinstance(s, ast.ConstDecl):
                if self.declare("const", s.name, s) and isinstance(s.value, ast.ListLit):
                    try:
                        self.res.list_values(s.value)
                    except Bad:
                        pass
            elif isinstance(s, ast.Group):
                self.declare("group", s.name, s)
            elif isinstance(s, ast.Tier):
                self.declare("tier", s.name, s)
        self.event_sources()
        self.signals()

    def model_names(self) -> None:
        """LR0112: at most one `model` line in the root file."""
        model_decls = [s for s in self.root.statements if isinstance(s, ast.ModelDecl)]
        for extra in model_decls[1:]:
            self.diags.append(
                dg.make(
                    "LR0112",
                    "the model is named twice",
                    extra.span,
                    related=((model_decls[0].span, "first named here"),),
                    help="a file has at most one `model` line; remove one",
                )
            )

    def attribute(self, s: ast.LeadDecl, columns: dict[str, Span]) -> None:
        """`lead NAME: TYPE [from "column"]`; two attributes may not read one column."""
        column = s.column if s.column is not None else s.name.id
        if column in columns or column == "lead_id":
            self.diags.append(
                dg.make(
                    "LR0110",
                    f"two attributes read the column `{column}`",
                    s.span,
                    related=((columns[column], "first read here"),) if column in columns else (),
                    help="each attribute reads its own column",
                )
            )
        columns[column] = s.span
        self.attrs.append(m.Attribute(s.name.id, s.type, column, s.span, crm=s.crm))

    def event_type(self, s: ast.EventDecl) -> None:
        """`event NAME(props) [from "source"]`: each property once, none named by a keyword."""
        props = []
        seen: dict[str, Span] = {}
        for p in s.props:
            if p.name.id in seen:
                self.diags.append(
                    dg.make(
                        "LR0110",
                        f"property `{p.name.id}` is declared twice",
                        p.name.span,
                        related=((seen[p.name.id], "first declared here"),),
                        help="an event declares each property once; remove one",
                    )
                )
                continue
            if p.name.id in KEYWORDS:
                self.diags.append(
                    dg.make(
                        "LR0111",
                        f"`{p.name.id}` is a keyword and cannot name a property",
                        p.name.span,
                        help=f"choose another name, such as `{p.name.id}_value`",
                    )
                )
                continue
            seen[p.name.id] = p.name.span
            self.check_property_type(s.name.id, p)
            column = p.column if p.column is not None else p.name.id
            props.append(m.Property(p.name.id, p.type, column))
        self.events[s.name.id] = m.EventType(
            s.name.id,
            s.source if s.source is not None else s.name.id,
            tuple(props),
            s.span,
        )

    def event_sources(self) -> None:
        """LR0110: two event types may not read the same event name from the data."""
        sources: dict[str, Span] = {}
        for e in self.events.values():
            if e.source in sources:
                decl = self.symbols[e.name].span
                self.diags.append(
                    dg.make(
                        "LR0110",
                        f'two events read the event name "{e.source}"',
                        decl,
                        related=((sources[e.source], "first read here"),),
                        help="each event type reads its own name from the data",
                    )
                )
            sources.setdefault(e.source, self.symbols[e.name].span)

    def signals(self) -> None:
        """The signals, in order: a signal may build on an event or an earlier signal."""
        for s in self.statements():
            if (
                isinstance(s, ast.SignalDecl)
                and self.symbols.get(s.name.id, None) is not None
                and self.symbols[s.name.id].node is s
            ):
                self.used.clear()
                try:
                    where = ast.Where(s.event, s.cond, s.span)
                    self.res.signals[s.name.id] = self.res.event_source(where, Ctx("rule"))
                except Bad:
                    pass
                self.signal_deps[s.name.id] = set(self.used)
        self.used.clear()  # signals' own references count only when the signal is used

    def check_property_type(self, event: str, p: ast.Prop) -> None:
        """Events share the property columns of the data, so a property has one type."""
        first = self.prop_types.setdefault(p.name.id, (p.type, event, p.name.span))
        if first[0] != p.type:
            self.diags.append(
                dg.make(
                    "LR0113",
                    f"property `{p.name.id}` is {p.type} here but {first[0]} in event `{first[1]}`",
                    p.name.span,
                    label=f"declared {p.type}",
                    related=((first[2], f"declared {first[0]} in `{first[1]}`"),),
                    help="events share one column per property name in the data; give the "
                    "property one type, or rename one of them",
                )
            )

    def used_names(self) -> set[str]:
        """Names that rules and tiers use, directly or through the signals they use."""
        out = set(self.used)
        todo = [n for n in out if n in self.signal_deps]
        while todo:
            for dep in self.signal_deps.get(todo.pop(), ()):
                if dep not in out:
                    out.add(dep)
                    todo.append(dep)
        return out

    # -- groups
    def groups(self) -> tuple[m.Group, ...]:
        if self.memo is not None:
            self.memo.begin(self.statements())
        out: list[m.Group | None] = []
        default_rules: list = []
        default_at = None
        for s in self.statements():
            if isinstance(s, (ast.Rule, ast.EachRule)):
                if default_at is None:
                    default_at = len(out)
                    out.append(None)  # placeholder keeps the group where its first rule stands
                default_rules.append(s)
            elif isinstance(s, ast.Group):
                if self.symbols.get(s.name.id) is None or self.symbols[s.name.id].node is not s:
                    continue
                cap = None
                if s.cap is not None:
                    cap = self.positive_int(s.cap, "LR0302", "a group's cap")
                out.append(self.group(s.name.id, cap, s.rules, s.span))
        if default_at is not None:
            if DEFAULT_GROUP in self.symbols:
                sym = self.symbols[DEFAULT_GROUP]
                self.diags.append(
                    dg.make(
                        "LR0110",
                        "rules outside any group belong to the group `default`, which is "
                        "also declared",
                        sym.span,
                        help="move the top-level rules into the `default:` block",
                    )
                )
            out[default_at] = self.group(DEFAULT_GROUP, None, default_rules, default_rules[0].span)
        groups = tuple(g for g in out if g is not None)
        if self.memo is not None:
            self.memo.end()
        self.res.group_names = {g.name for g in groups}
        self.column_clashes(groups, default_rules[0].span if default_rules else None)
        return groups

    def column_clashes(self, groups, default_span) -> None:
        """LR0114: each group is a column of the outputs (`lead_scores`, score CSV), beside
        `lead_id`, `score` and `tier`. SQL folds or compares names without case (DuckDB renames
        one of two clashing columns, Snowflake folds case, BigQuery refuses duplicates) and
        PostgreSQL keeps the first 63 bytes of a name, so names that agree that way clash."""
        seen: dict[str, tuple[str, Span]] = {}
        for g in groups:
            span = default_span if g.name == DEFAULT_GROUP else self.symbols[g.name].span
            key = g.name.lower()[:MAX_COLUMN_NAME]
            if g.name.lower() in RESERVED:
                self.diags.append(
                    dg.make(
                        "LR0114",
                        f"group `{g.name}` clashes with the output column "
                        f"`{g.name.lower()}` (column names ignore case)",
                        span,
                        label="a column of `lead_scores`",
                        help=f"rename the group, such as `{g.name}_points`",
                    )
                )
            elif key in seen and seen[key][0] != g.name:  # the same name twice is LR0110
                first, first_span = seen[key]
                why = (
                    "column names ignore case"
                    if first.lower() == g.name.lower()
                    else f"PostgreSQL keeps only the first {MAX_COLUMN_NAME} characters"
                )
                self.diags.append(
                    dg.make(
                        "LR0114",
                        f"groups `{first}` and `{g.name}` would be the same output column ({why})",
                        span,
                        label="clashes with an earlier group",
                        related=((first_span, f"group `{first}`"),),
                        help="give the groups names that differ in more than case, "
                        f"within their first {MAX_COLUMN_NAME} characters",
                    )
                )
            else:
                seen[key] = (g.name, span)

    def positive_int(self, lit: ast.Literal, code: str, what: str) -> int | None:
        v = lit.value
        if not isinstance(v, int) or v <= 0:
            self.diags.append(
                dg.make(
                    code,
                    f"{what} must be a whole number above 0, not {v}",
                    lit.span,
                    help="write a whole number above 0, such as `cap 50`",
                )
            )
            return None
        return v

    def group(self, name: str, cap, rules, span) -> m.Group:
        """A group's rules -> the Model's group (from the memo when its rules and the
        declarations are the very nodes of the last check: see check/memo.py)."""
        if self.memo is None:
            return self._group(name, cap, rules, span)
        kept = self.memo.get(name, cap, rules, span)
        if kept is not None:
            group, diags, used = kept
            self.diags.extend(diags)
            self.used.update(used)
            return group
        before, start = set(self.used), len(self.diags)
        self.used.clear()  # the names this group uses, whatever the groups before it used
        group = self._group(name, cap, rules, span)
        result = (group, tuple(self.diags[start:]), frozenset(self.used))
        self.used.update(before)
        self.memo.put(name, cap, rules, span, result)
        return group

    def _group(self, name: str, cap, rules, span) -> m.Group:
        built: list[m.Rule] = []
        heads: dict[str, Span] = {}
        for i, r in enumerate(rules, 1):
            rid = f"{name}/{i}"
            head = printer.rule_head(r)
            if head in heads:
                self.diags.append(
                    dg.make(
                        "LR0605",
                        f"the rule `{head}` is written twice in the group `{name}`",
                        r.span,
                        label="again here",
                        related=((heads[head], "first written here"),),
                        help="both fire and both give points; remove one, or merge their "
                        "points into one rule",
                    )
                )
            heads.setdefault(head, r.span)
            points = r.points.value
            if not isinstance(points, int):
                self.diags.append(
                    dg.make(
                        "LR0304",
                        f"points must be whole numbers, not {points}",
                        r.points.span,
                        help="scores are integers; nothing is rounded",
                    )
                )
                continue
            try:
                if isinstance(r, ast.EachRule):
                    events = self.each_source(r.source)
                    window = self.res.duration(r.window) if r.window else None
                    rcap = self.positive_int(r.cap, "LR0302", "a rule's cap") if r.cap else None
                    built.append(
                        m.EachRule(
                            rid,
                            name,
                            points,
                            head,
                            events=events,
                            window=window,
                            cap=rcap,
                            loc=r.span,
                        )
                    )
                else:
                    cond = self.res.cond(r.cond, Ctx("rule"))
                    built.append(
                        m.WhenRule(
                            rid,
                            name,
                            points,
                            head,
                            cond=cond,
                            loc=r.span,
                        )
                    )
            except Bad:
                continue
        return m.Group(name, cap, tuple(built), span)

    def each_source(self, e) -> m.EventSet:
        inner = e.inner if isinstance(e, ast.Paren) else e
        if not isinstance(inner, (ast.Name, ast.Where)):
            self.res.error(
                "LR0205",
                "`each` counts the events of a single event or signal",
                e.span,
                help="write `each E: POINTS`, `each E where COND: POINTS`; "
                "for conditions on counts use `E >= N times: POINTS`",
            )
        if isinstance(inner, ast.Name):
            sym = self.symbols.get(inner.id)
            if sym is not None and sym.kind not in ("event", "signal"):
                self.res.error(
                    "LR0205",
                    f"`each` needs an event, and `{inner.id}` is {kind_with_article(sym.kind)}",
                    inner.span,
                    help="`each E: POINTS` gives points for every event E",
                )
        return self.res.event_source(inner, Ctx("rule"))
