"""The HubSpot internal names of what the model reads and writes, checked against HubSpot's naming
rule (lowercase letters, digits and underscores, starting with a letter).

- a lead attribute is the contact property named by `crm "..."`, else by its `from "..."`
  column, else by its own name; a name HubSpot cannot hold is LR0802, with the likely property;
- `set P = V` must name a property the model maps (an attribute), one leadrules creates or one
  of HubSpot's default contact properties; anything else is LR0803, with the likely HubSpot
  property (`lifecycle_stage` -> `lifecyclestage`);
- an event property keeps the model's name (lower-cased where needed): HubSpot's event properties
  have their own internal names, which the README lists for the user to check.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace

from leadrules import diagnostics as dg
from leadrules import model as m
from leadrules.source import Span
from leadrules.targets import span_of
from leadrules.targets.automation import Criterion, Trigger, slug

INTERNAL = re.compile(r"[a-z][a-z0-9_]*\Z")
RULE = "lowercase letters, digits and underscores, starting with a letter"

# HubSpot's default contact properties most models name (the likely fix for a near miss)
DEFAULT_CONTACT_PROPERTIES = (
    "address",
    "annualrevenue",
    "city",
    "company",
    "country",
    "createdate",
    "email",
    "fax",
    "firstname",
    "hs_analytics_source",
    "hs_buying_role",
    "hs_language",
    "hs_lead_status",
    "hs_persona",
    "hubspot_owner_id",
    "industry",
    "jobtitle",
    "lastname",
    "lifecyclestage",
    "mobilephone",
    "numberofemployees",
    "phone",
    "salutation",
    "state",
    "website",
    "zip",
)


def valid(name: str) -> bool:
    return INTERNAL.match(name) is not None


def likely(name: str) -> str:
    """The HubSpot property a name most likely means: a default property equal up to case and
    punctuation, else a close one, else the name folded to HubSpot's rule."""
    folded = re.sub(r"[^a-z0-9]", "", name.lower())
    for p in DEFAULT_CONTACT_PROPERTIES:
        if p.replace("_", "") == folded:
            return p
    close = difflib.get_close_matches(folded, DEFAULT_CONTACT_PROPERTIES, n=1, cutoff=0.7)
    if close:
        return close[0]
    s = slug(name)
    return s if valid(s) else f"p_{s}"


@dataclass
class Crm:
    """Resolves names for one compilation and collects LR0802 / LR0803."""

    model: m.Model
    created: frozenset[str]  # the properties leadrules creates
    diagnostics: list[dg.Diagnostic] = field(default_factory=list)
    event_properties: dict[tuple[str, str], str] = field(default_factory=dict)
    _reported: set[str] = field(default_factory=set)

    def attribute(self, attr: m.Attribute) -> str:
        name = attr.crm if attr.crm is not None else attr.column
        if not valid(name) and attr.name not in self._reported:
            self._reported.add(attr.name)
            fix = likely(name)
            source = f' from "{attr.column}"' if attr.column != attr.name else ""
            what = "its `crm` name" if attr.crm is not None else "its column"
            self.diagnostics.append(
                dg.make(
                    "LR0802",
                    f"`{name}` is not a HubSpot internal property name (attribute "
                    f"`{attr.name}`, {what})",
                    span_of(attr.loc),
                    help=f"HubSpot internal names are {RULE}; name the contact property: "
                    f'`lead {attr.name}: {attr.type}{source} crm "{fix}"`',
                )
            )
        return name

    def column(self, column: str) -> str:
        """A criterion's field (an attribute's column) as its HubSpot property."""
        attr = next((a for a in self.model.attributes if a.column == column), None)
        return self.attribute(attr) if attr is not None else column

    def criteria(self, crit: tuple[Criterion, ...]) -> tuple[Criterion, ...]:
        return tuple(replace(c, field=self.column(c.field)) for c in crit)

    def event_property(self, event: str, prop: str) -> str:
        name = prop if valid(prop) else likely(prop)
        self.event_properties[(event, prop)] = name
        return name

    def event_criteria(self, t: Trigger) -> tuple[Criterion, ...]:
        return tuple(replace(c, field=self.event_property(t.source, c.field)) for c in t.filter)

    def placeholder(self, name: str) -> str | None:
        attr = self.model.attribute(name)
        return self.attribute(attr) if attr is not None else None

    def set_target(self, prop: str, loc: Span | None, best_effort: bool) -> str | None:
        """The property a `set` writes: a mapped attribute's, one leadrules creates, or a HubSpot
        default contact property; None (after LR0803, a warning with best effort) otherwise."""
        attr = self.model.attribute(prop)
        if attr is not None:
            return self.attribute(attr)
        if prop in self.created or prop in DEFAULT_CONTACT_PROPERTIES:
            return prop
        fix = likely(prop)
        self.diagnostics.append(
            dg.make(
                "LR0803",
                f"`set {prop}` names no HubSpot property this model maps or leadrules creates",
                span_of(loc),
                help=f"declare the contact property as an attribute, e.g. "
                f"`lead {prop if re.fullmatch(r'[A-Za-z_][A-Za-z0-9_]*', prop) else fix}: "
                f'text crm "{fix}"` (HubSpot\'s property is likely `{fix}`)'
                + ("" if best_effort else "; or pass --best-effort to skip the action"),
                severity=dg.WARNING if best_effort else dg.ERROR,
            )
        )
        return None
