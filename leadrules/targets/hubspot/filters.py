"""HubSpot filters (`filterType: PROPERTY`) from leadrules criteria, and the filter branches of
enrollment criteria.

Operation shapes (`operationType` NUMBER, NUMBER_RANGED, STRING, MULTISTRING, ENUMERATION, BOOL,
ALL_PROPERTY and their fields) follow the AutomationPublic*PropertyOperation types of HubSpot's
SDK (HubSpot/hubspot-sdk-typescript, src/resources/automation/v4/flows/flows.ts).
"""

from __future__ import annotations

from leadrules.targets.automation import Criterion

_NUMBER_OPS = {
    "==": "IS_EQUAL_TO",
    "<": "IS_LESS_THAN",
    "<=": "IS_LESS_THAN_OR_EQUAL_TO",
    ">": "IS_GREATER_THAN",
    ">=": "IS_GREATER_THAN_OR_EQUAL_TO",
}
_TEXT_OPS = {
    "==": "IS_EQUAL_TO",
    "contains": "CONTAINS",
    "starts_with": "STARTS_WITH",
    "ends_with": "ENDS_WITH",
}


def operation(c: Criterion) -> dict:
    """The `operation` object of one property filter."""
    if c.op in ("is_present", "is_missing"):
        op = "IS_KNOWN" if c.op == "is_present" else "IS_UNKNOWN"
        return {
            "operationType": "ALL_PROPERTY",
            "operator": op,
            "includeObjectsWithNoValueSet": False,
        }
    if c.op == "is_true":
        return {
            "operationType": "BOOL",
            "operator": "IS_EQUAL_TO",
            "value": True,
            "includeObjectsWithNoValueSet": False,
        }
    if c.op == "between":
        lo, hi = c.value
        return {
            "operationType": "NUMBER_RANGED",
            "operator": "IS_BETWEEN",
            "lowerBound": lo,
            "upperBound": hi,
            "includeObjectsWithNoValueSet": False,
        }
    if c.op == "in":
        if c.type == "number":
            # no number list operator: the filter branch ORs one IS_EQUAL_TO per value instead
            raise ValueError("number lists are split by filter_branch")
        return {
            "operationType": "MULTISTRING",
            "operator": "IS_EQUAL_TO",
            "values": list(c.value),
            "includeObjectsWithNoValueSet": False,
        }
    if c.type == "number":
        return {
            "operationType": "NUMBER",
            "operator": _NUMBER_OPS[c.op],
            "value": c.value,
            "includeObjectsWithNoValueSet": False,
        }
    if c.type == "bool":
        return {
            "operationType": "BOOL",
            "operator": "IS_EQUAL_TO",
            "value": bool(c.value),
            "includeObjectsWithNoValueSet": False,
        }
    return {
        "operationType": "STRING",
        "operator": _TEXT_OPS[c.op],
        "value": str(c.value),
        "includeObjectsWithNoValueSet": False,
    }


def property_filter(prop: str, op: dict) -> dict:
    return {"filterType": "PROPERTY", "property": prop, "operation": op}


def filters(crit: tuple[Criterion, ...]) -> list[dict]:
    """The filters of one AND branch: every criterion must hold."""
    out = []
    for c in crit:
        if c.op == "in" and c.type == "number":
            # HubSpot has no number list operator, but a list of numbers is a range or a few
            # equalities; we keep exactness by using the whole-number range when it is one.
            values = sorted(c.value)
            if values == list(range(int(values[0]), int(values[-1]) + 1)):
                out.append(
                    property_filter(
                        c.field,
                        operation(Criterion(c.field, "between", (values[0], values[-1]), "number")),
                    )
                )
                continue
            raise ValueError(f"a list of separate numbers on {c.field}")
        out.append(property_filter(c.field, operation(c)))
    return out


def enumeration_filter(prop: str, operator: str, values: list[str], *, missing: bool) -> dict:
    return property_filter(
        prop,
        {
            "operationType": "ENUMERATION",
            "operator": operator,
            "values": values,
            "includeObjectsWithNoValueSet": missing,
        },
    )


def and_branch(fs: list[dict]) -> dict:
    return {
        "filterBranchType": "AND",
        "filterBranchOperator": "AND",
        "filters": fs,
        "filterBranches": [],
    }


def or_of_and(fs: list[dict]) -> dict:
    """The root of a list filter: an OR branch holding one AND branch."""
    return {
        "filterBranchType": "OR",
        "filterBranchOperator": "OR",
        "filters": [],
        "filterBranches": [and_branch(fs)],
    }


PROPERTY_CHANGED = "4-655002"  # the "property value changed" event type


def unified_events(event_type_id: str, fs: list[dict]) -> dict:
    """An event filter branch: the contact completed an event of this type matching `fs`."""
    return {
        "filterBranchType": "UNIFIED_EVENTS",
        "filterBranchOperator": "AND",
        "eventTypeId": event_type_id,
        "operator": "HAS_COMPLETED",
        "filters": fs,
        "filterBranches": [],
    }


def _property_change(prop: str, value_operation: dict) -> dict:
    """The contact's `prop` changed: the property-change event (`4-655002`), filtered on its
    `hs_name` (which property) and `hs_value` (the new value), as flows built in the editor read
    back with GET /automation/v4/flows/{flowId}."""
    return unified_events(
        PROPERTY_CHANGED,
        [
            property_filter(
                "hs_name",
                {
                    "operationType": "STRING",
                    "operator": "IS_EQUAL_TO",
                    "value": prop,
                    "includeObjectsWithNoValueSet": False,
                },
            ),
            property_filter("hs_value", {**value_operation, "includeObjectsWithNoValueSet": False}),
        ],
    )


def property_changed(prop: str) -> dict:
    """A re-enrollment trigger: `prop` got a new value."""
    return _property_change(prop, {"operationType": "ALL_PROPERTY", "operator": "IS_KNOWN"})


def property_changed_to(prop: str, value: str) -> dict:
    """A re-enrollment trigger: `prop` changed to `value`."""
    return _property_change(
        prop, {"operationType": "STRING", "operator": "IS_EQUAL_TO", "value": value}
    )
