"""Properties of the interpreter (hypothesis): row order, monotonicity, rule order."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from leadrules.engine.python import score
from tests.conftest import ROOT
from tests.engine.helpers import AS_OF, load, scores

B2B = load((ROOT / "examples" / "b2b_saas.lrules").read_text())

EVENT_TYPES = ["page_view", "form_submit", "ebook_download", "email_open", "unsubscribe", "chat"]
URLS = ["/pricing", "/services", "/blog/x", "/", None]
FORMS = ["contact", "quote", None]

lead_ids = st.integers(0, 5).map(lambda i: f"L{i}")
leads = st.fixed_dictionaries(
    {
        "company_size": st.sampled_from([None, 10, 50, 80, 200, 201, 1000]),
        "role": st.sampled_from([None, "CEO", "Sales Manager", "Coordinator", "Engineer"]),
        "industry": st.sampled_from([None, "SaaS", "Retail"]),
        "country": st.sampled_from([None, "IL", "US"]),
        "email": st.sampled_from([None, "a@gmail.com", "b@acme.io", "no-at"]),
    }
)
events = st.builds(
    lambda lead, kind, hours, url, form: {
        "lead_id": lead,
        "event": kind,
        "occurred_at": AS_OF - dt.timedelta(hours=hours),
        "url": url,
        "form": form,
    },
    lead_ids,
    st.sampled_from(EVENT_TYPES),
    st.integers(-48, 24 * 90),
    st.sampled_from(URLS),
    st.sampled_from(FORMS),
)
data = st.tuples(st.lists(leads, min_size=1, max_size=6), st.lists(events, max_size=40))


def with_ids(lead_rows):
    return [{"lead_id": f"L{i}", **row} for i, row in enumerate(lead_rows)]


def summary(results):
    return {k: (r.groups, r.score, r.tier) for k, r in results.items()}


@settings(max_examples=60, deadline=None)
@given(data, st.randoms(use_true_random=False))
def test_permuting_rows_changes_nothing(sample, rnd):
    lead_rows, event_rows = with_ids(sample[0]), sample[1]
    before = summary(scores(B2B, lead_rows, event_rows))
    rnd.shuffle(lead_rows)
    rnd.shuffle(event_rows)
    assert summary(scores(B2B, lead_rows, event_rows)) == before


# A model whose rules are all positive and monotone in the events (no `no E`, no `< N times`):
# adding an event can only add points.
POSITIVE = load("""
lead country: text
event page_view(url: text)
event form_submit(form: text)
event ebook_download
event email_open
event unsubscribe
signal pricing = page_view where url contains "/pricing"
fit:
  country == "IL": +10
engagement cap 120:
  pricing: +15
  pricing within 7d: +5
  form_submit where form == "contact": +30
  ebook_download and email_open >= 2 times within 30d: +20
  each email_open within 30d: +2 cap 11
  each page_view: +1
  unsubscribe >= 2 times: +3
  country == "IL" and pricing: +7
clamp 0..150
""")


@settings(max_examples=60, deadline=None)
@given(data, events)
def test_adding_an_event_never_lowers_a_positive_score(sample, extra):
    lead_rows, event_rows = with_ids(sample[0]), sample[1]
    before = scores(POSITIVE, lead_rows, event_rows)
    after = scores(POSITIVE, lead_rows, [*event_rows, extra])
    for lead_id, result in before.items():
        assert after[lead_id].score >= result.score
        for (name, old), (_, new) in zip(result.groups, after[lead_id].groups, strict=True):
            assert new >= old, name


ENGAGEMENT_RULES = [
    "pricing_page_visit: +15",
    "services_page_visit within 30d: +10",
    "each email_open within 30d: +2 cap 9",
    "each unsubscribe: -7 cap 10",
    "no_activity 14d: -15",
    'contact_form and country == "IL": +30',
    'not role in ["CEO"]: +1',
    "email_open >= 2 times or company_size > 100: +4",
]
HEAD = (ROOT / "examples" / "b2b_saas.lrules").read_text().split("fit:")[0]


@settings(max_examples=40, deadline=None)
@given(data, st.permutations(ENGAGEMENT_RULES))
def test_scoring_does_not_depend_on_rule_order_in_a_group(sample, order):
    def model(rules):
        body = "\n".join(f"  {r}" for r in rules)
        return load(f"{HEAD}engagement cap 40:\n{body}\ntier hot >= 30\ntier cold < 30\n")

    lead_rows, event_rows = with_ids(sample[0]), sample[1]
    expected = summary(scores(model(ENGAGEMENT_RULES), lead_rows, event_rows))
    assert summary(scores(model(order), lead_rows, event_rows)) == expected


@settings(max_examples=40, deadline=None)
@given(data)
def test_explanations_agree_with_the_scores(sample):
    """The fast path (Plan.evaluate) and the rule-by-rule path of explanations agree."""
    lead_rows, event_rows = with_ids(sample[0]), sample[1]
    for model in (B2B, POSITIVE):
        results = score(model, lead_rows, event_rows, AS_OF, explain=True)
        for r in results:
            x = r.explanation
            assert tuple((g.name, g.score) for g in x.groups) == r.groups
            for g in x.groups:
                assert sum(rule.contribution for rule in g.rules) == g.total
                assert g.score == (g.total if g.cap is None else min(g.total, g.cap))
                assert all(rule.contribution == 0 for rule in g.rules if rule.status != "fired")
            assert (x.score, x.tier) == (r.score, r.tier)
            lo, hi = x.clamp or (x.total, x.total)
            assert x.score == max(lo, min(hi, x.total))


COLUMNS = ["lead_id", "company_size", "role", "industry", "country", "email"]


@settings(max_examples=15, deadline=None)
@given(data)
def test_every_file_format_gives_the_library_scores(sample):
    """CSV, JSON Lines and Parquet files of the same rows score like the library API."""
    import csv
    import json
    import tempfile
    from pathlib import Path

    import pyarrow as pa
    import pyarrow.parquet as pq

    from leadrules.engine.python import run_files

    lead_rows, event_rows = with_ids(sample[0]), sample[1]
    expected = summary(scores(B2B, lead_rows, event_rows))
    events = [
        {**e, "occurred_at": e["occurred_at"].strftime("%Y-%m-%dT%H:%M:%S+00:00")}
        for e in event_rows
    ]
    event_columns = ["lead_id", "event", "occurred_at", "url", "form"]
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        for name, rows, columns in (
            ("leads", lead_rows, COLUMNS),
            ("events", events, event_columns),
        ):
            with open(d / f"{name}.csv", "w", newline="") as f:
                writer = csv.DictWriter(f, columns, lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)
            (d / f"{name}.jsonl").write_text(
                "".join(
                    json.dumps({k: v for k, v in r.items() if v is not None}) + "\n" for r in rows
                )
            )
            table = {c: [None if r.get(c) is None else str(r[c]) for r in rows] for c in columns}
            schema = pa.schema([(c, pa.string()) for c in columns])
            pq.write_table(pa.table(table, schema=schema), d / f"{name}.parquet")
        for ext in ("csv", "jsonl", "parquet"):
            results = run_files(
                B2B,
                str(d / f"leads.{ext}"),
                str(d / f"events.{ext}"),
                AS_OF,
                report=lambda _m: None,
            )
            assert summary({r.lead_id: r for r in results}) == expected, ext
