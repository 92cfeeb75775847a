"""The step-by-step recipe a marketer follows in smoove's UI, from the spec.

English, or Hebrew (`--lang he`): right to left, inside `<div dir="rtl">`, with every field,
event and code name kept left to right in `<span dir="ltr">`."""

from __future__ import annotations

import json
import re

from leadrules.targets.automation import REASONS, rule_source
from leadrules.targets.smoove.text import EN, HE, REASONS_HE


class _Writer:
    def __init__(self, lang: str):
        self.he = lang == "he"
        self.t = HE if self.he else EN
        self.reasons = REASONS_HE if self.he else REASONS
        self.lines: list[str] = []
        self.step = 0

    def code(self, s: object) -> str:
        c = f"`{s}`"
        return f'<span dir="ltr">{c}</span>' if self.he else c

    def ltr(self, text: str) -> str:
        """Hebrew text with its code spans kept left to right."""
        return re.sub(r"(`[^`]+`)", r'<span dir="ltr">\1</span>', text) if self.he else text

    def say(self, key: str, *args: object) -> str:
        return self.ltr(self.t[key]).format(*args)

    def h2(self, key: str) -> None:
        self.step += 1
        self.lines += [f"## {self.step}. {self.say(key)}", ""]

    def p(self, text: str) -> None:
        self.lines += [text, ""]

    def items(self, items: list[str]) -> None:
        self.lines += [f"- {x}" for x in items] + [""]


def _range(w: _Writer, lo, hi) -> str:
    if lo is not None and hi is not None:
        return w.say("between", lo, hi)
    if lo is not None:
        return w.say("at_least", lo)
    return w.say("at_most", hi)


def _trigger(w: _Writer, trig: dict) -> str:
    text = w.say("event_trigger", w.code(trig["source"]))
    hint = trig["smooveHe"] if w.he else trig["smoove"]
    return text + (w.say("hint", hint) if hint else "")


def _scoring(w: _Writer, spec: dict) -> None:
    w.h2("scoring_h")
    if not spec["automations"]:
        w.p(w.say("none_scoring"))
        return
    w.p(w.say("scoring_p"))
    for a in spec["automations"]:
        w.lines += [f"### {w.code(a['name'])}", ""]
        rows = [f"**{w.say('trigger')}**: {_trigger(w, a['trigger'])}"]
        rows += [f"**{w.say('condition')}**: {w.code(c)}" for c in a["conditions"]]
        runs = "once" if a["runs"] == "once_per_contact" else "every_time"
        rows.append(f"**{w.say('runs')}**: {w.say(runs)}")
        for act in a["actions"]:
            key = "add" if act["value"] >= 0 else "subtract"
            rows.append(
                f"**{w.say('action')}**: {w.say(key, abs(act['value']), w.code(act['field']))}"
            )
        w.items(rows)


def _act(w: _Writer, act: dict) -> str:
    kind = act["type"]
    if kind == "send_email":
        return w.say("send_email", w.code(act["template"]))
    if kind == "manager_alert":
        who = w.say("owner") if act["recipient"] == "owner" else w.code(act["recipient"])
        return w.say("manager_alert", who, act["message"])
    if kind == "send_sms":
        return w.say("send_sms", act["text"])
    if kind == "update_field":
        return w.say("set_field", w.code(act["field"]), w.code(act["value"]))
    return w.say("wait", act["minutes"])


def _threshold(w: _Writer, spec: dict) -> None:
    w.h2("threshold_h")
    if not spec["thresholdAutomations"]:
        w.p(w.say("none_threshold"))
        return
    w.p(w.say("threshold_p"))
    for a in spec["thresholdAutomations"]:
        w.lines += [f"### {w.code(a['name'])}", ""]
        tr = a["trigger"]
        when = "enter" if tr["when"] == "in_range" else "exit"
        rows = [
            f"**{w.say('trigger')}**: "
            + w.say(when, w.code(tr["field"]), _range(w, tr["min"], tr["max"])),
            f"**{w.say('runs')}**: {w.say('once')}",
        ]
        rows += [f"**{w.say('action')}**: {_act(w, act)}" for act in a["actions"]]
        w.items(rows)
        names = sorted({n for act in a["actions"] for n in _placeholders(act)})
        if names:
            w.p(w.say("personal", ", ".join(w.code("{" + n + "}") for n in names)))


def _placeholders(act: dict) -> list[str]:
    text = " ".join(str(act.get(k, "")) for k in ("message", "text"))
    return re.findall(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", text)


def _segments(w: _Writer, spec: dict) -> None:
    w.h2("segments_h")
    if not spec["segments"]:
        w.p(w.say("none_segments"))
        return
    w.p(w.say("segments_p"))
    w.items(
        [
            w.say(
                "segment",
                w.code(s["name"]),
                f"{w.code(s['field'])} {_range(w, s['min'], s['max'])}",
            )
            for s in spec["segments"]
        ]
    )


def _cannot(w: _Writer, spec: dict) -> None:
    w.h2("cannot_h")
    ne = spec["notExpressible"]
    if not ne["rules"]:
        w.p(w.say("cannot_none"))
    else:
        w.p(w.say("cannot_p"))
        w.items(
            [
                f"{w.code(rule_source(r['text'], r['points'], r.get('cap')))} ({r['rule']}, "
                f"{w.say('line', r['line'])}): "
                + "; ".join(w.ltr(w.reasons[k]) for k in r["reasonKeys"])
                for r in ne["rules"]
            ]
        )
    if ne["tiers"]:
        w.items(
            [
                w.say("tier_cannot", w.code(t["tier"]), w.code("when " + t["when"]))
                for t in ne["tiers"]
            ]
        )
    if ne["model"]:
        w.p(w.say("model_notes"))
        rows = [w.say(n["kind"], w.code(n["text"])) for n in ne["model"]]
        w.items(rows)


def _sync(w: _Writer, spec: dict) -> None:
    w.h2("sync_h")
    w.p(w.say("sync_p"))
    s = spec["sync"]
    body = json.dumps(s["body"], ensure_ascii=False)
    w.lines += [
        *(['<div dir="ltr">', ""] if w.he else []),
        "```sh",
        f"leadrules compile {spec['source']} --target sql --dialect postgres -o lead_scores.sql",
        f"curl -sS -X {s['method']} '{s['url']}' -H \"Authorization: Bearer $SMOOVE_API_KEY\" "
        f"-H 'Content-Type: application/json' --data '{body}'",
        "```",
        "",
        *(["</div>", ""] if w.he else []),
    ]
    w.p(w.say("sync_after"))


def render(spec: dict, lang: str) -> str:
    w = _Writer(lang)
    w.lines += [f"# {w.say('title', spec['model'])}", ""]
    w.p(w.say("intro", w.code(spec["source"])))
    w.h2("fields_h")
    w.p(w.say("fields_p"))
    rows = []
    for f in spec["fields"]:
        groups = [g for g, name in spec["groupFields"].items() if name == f["name"]]
        what = (
            w.say("field_total")
            if f["holds"] == "score"
            else w.say("field_group", w.code(groups[0]))
        )
        rows.append(f"{w.code(f['name'])}: {what}" + (w.say("sync_only") if f["syncOnly"] else ""))
    w.items(rows)
    _scoring(w, spec)
    _threshold(w, spec)
    _segments(w, spec)
    _cannot(w, spec)
    _sync(w, spec)
    body = "\n".join(w.lines).rstrip("\n")
    if w.he:
        body = f'<div dir="rtl">\n\n{body}\n\n</div>'
    return body + "\n"
