"""leadrules automation actions as Workflows v4 actions, or LR0801 where HubSpot has no documented
action for them.

| leadrules | actionTypeId | fields |
|---|---|---|
| `set P = V` | 0-5 set property value | property_name, value {type STATIC_VALUE, staticValue} |
| `notify owner "..."` | 0-8 internal email notification | subject, body, owner_properties |
| `notify "12345" "..."` (user id) | 0-9 in-app notification | user_ids, delivery_method, ... |
| `task "..."` | 0-3 create task | task_type, subject, body, associations, owner_assignment |
| `email "..."` | 0-4 send marketing email | content_id |
| `delay D` | 0-1 delay for a set amount of time | delta, time_unit MINUTES |
| `sms`, `webhook` | none | LR0801 |

Sources are listed in docs/targets/hubspot.md.
"""

from __future__ import annotations

import re

from leadrules import diagnostics as dg
from leadrules import model as m
from leadrules.targets import Options, unsupported
from leadrules.targets.automation import placeholders
from leadrules.targets.hubspot.crm import Crm

TARGET = "hubspot"
TASK_TO_CONTACT = 204  # HUBSPOT_DEFINED association type: task -> contact


def personalize(text: str, crm: Crm) -> str:
    """`{first_name}` -> `{{ enrolled_object.firstname }}` for declared lead attributes (their
    HubSpot property names)."""
    for name in placeholders(text):
        prop = crm.placeholder(name)
        if prop is not None:
            text = text.replace("{" + name + "}", "{{ enrolled_object." + prop + " }}")
    return text


def email_content(template: str) -> str:
    """A marketing email's content id: the template when it is one, else a token to replace."""
    return template if re.fullmatch(r"\d+", template) else "${EMAIL_CONTENT_ID:" + template + "}"


def _single(type_id: str, fields: dict) -> dict:
    return {
        "type": "SINGLE_CONNECTION",
        "actionTypeVersion": 0,
        "actionTypeId": type_id,
        "fields": fields,
    }


def action(a: m.Action, crm: Crm, options: Options, diags: list[dg.Diagnostic]) -> dict | None:
    """One v4 action (without id and connection), or None after an LR0801 diagnostic."""
    if isinstance(a, m.SetAction):
        return _set(a, crm, options)
    if isinstance(a, m.NotifyAction):
        return _notify(a, crm, options, diags)
    if isinstance(a, m.TaskAction):
        return _task(a, crm)
    if isinstance(a, m.EmailAction):
        return _single("0-4", {"content_id": email_content(a.template)})
    if isinstance(a, m.DelayAction):
        minutes = -(-int(a.seconds) // 60)
        return _single("0-1", {"delta": str(minutes), "time_unit": "MINUTES"})
    why = UNSUPPORTED.get(a.kind, "HubSpot has no workflow action for it")
    diags.append(
        unsupported(TARGET, f"the `{a.kind}` action", a.loc, options, help=_help(why, options))
    )
    return None


# the actions HubSpot's Workflows v4 API cannot express, and why
UNSUPPORTED = {
    "sms": "HubSpot sends SMS only with its SMS add-on, and the Workflows v4 API documents "
    "no action shape for it; add the SMS step in the workflow editor",
    "webhook": "the `Send a webhook` workflow action needs Data Hub Professional and the "
    "Workflows v4 API documents no field shape for it; add it in the workflow editor",
}


def _set(a: m.SetAction, crm: Crm, options: Options) -> dict | None:
    """`set P = V`: 0-5 set property value (None when the property has no HubSpot target)."""
    name = crm.set_target(str(a.property), a.loc, options.best_effort)
    if name is None:
        return None
    value = a.value
    if isinstance(value, bool):
        value = "true" if value else "false"
    return _single(
        "0-5",
        {
            "property_name": name,
            "value": {"type": "STATIC_VALUE", "staticValue": str(value)},
        },
    )


def _notify(
    a: m.NotifyAction, crm: Crm, options: Options, diags: list[dg.Diagnostic]
) -> dict | None:
    """`notify owner`: 0-8 internal email; `notify "user id"`: 0-9 in-app; else LR0801."""
    recipient = a.recipient
    text = personalize(a.message, crm)
    if recipient == "owner":
        return _single(
            "0-8", {"subject": text, "body": text, "owner_properties": ["hubspot_owner_id"]}
        )
    if re.fullmatch(r"\d+", str(recipient)):
        return _single(
            "0-9",
            {
                "user_ids": [str(recipient)],
                "delivery_method": "APP",
                "subject": text,
                "body": text,
            },
        )
    diags.append(
        unsupported(
            TARGET,
            f"`notify {recipient}` (a recipient HubSpot cannot resolve)",
            a.loc,
            options,
            help=_help(
                'notify `owner` (the contact owner) or a HubSpot user id such as "2620022"',
                options,
            ),
        )
    )
    return None


def _task(a: m.TaskAction, crm: Crm) -> dict:
    """`task "..."`: 0-3 create task, associated with the contact, assigned to its owner."""
    return _single(
        "0-3",
        {
            "task_type": "TODO",
            "subject": personalize(a.title, crm),
            "body": "",
            "associations": [
                {
                    "target": {
                        "associationCategory": "HUBSPOT_DEFINED",
                        "associationTypeId": TASK_TO_CONTACT,
                    },
                    "value": {"type": "ENROLLED_OBJECT"},
                }
            ],
            "use_explicit_associations": "true",
            "owner_assignment": {
                "type": "CUSTOM",
                "value": {"type": "OBJECT_PROPERTY", "propertyName": "hubspot_owner_id"},
            },
            "priority": "NONE",
        },
    )


def _help(text: str, options: Options) -> str:
    return (
        text if options.best_effort else f"{text}; or pass --best-effort to skip it with a warning"
    )


def chain(actions: list[dict]) -> list[dict]:
    """Number the actions "1".."n" and connect each to the next (the last has no connection)."""
    out = []
    for i, a in enumerate(actions, start=1):
        item = {"actionId": str(i), **a}
        if i < len(actions):
            item["connection"] = {"edgeType": "STANDARD", "nextActionId": str(i + 1)}
        out.append(item)
    return out
