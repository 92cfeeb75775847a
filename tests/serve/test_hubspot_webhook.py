"""HubSpot's webhooks, incoming: contact properties mapped onto lead attributes through the
attributes' `crm "name"`, and contacts onto leads through `[sinks.hubspot]`'s `id_property` /
`id_attribute` (in-process; the signature over HTTP is in test_contract.py)."""

from __future__ import annotations

from serve.harness import ROOT

from leadrules.check import check
from leadrules.serve import hubspot
from leadrules.serve.config import Config
from leadrules.serve.service import Service
from leadrules.store import open_store

RULES = ROOT / "tests" / "serve" / "data" / "crm.lrules"


def service(tmp_path, sinks: dict, url: str | None = None) -> Service:
    result = check(str(RULES))
    assert result.ok
    store = open_store(url or f"sqlite:///{tmp_path / 's.db'}")
    return Service(store, result.model, result.sources, Config(sinks=sinks))


def change(record, name, value, at, kind="contact.propertyChange"):
    # the shape HubSpot sends (eventId, subscriptionId, portalId, appId, attemptNumber, ...)
    return {
        "eventId": at,
        "subscriptionId": 7,
        "portalId": 62515,
        "appId": 1160452,
        "occurredAt": at,
        "subscriptionType": kind,
        "attemptNumber": 0,
        "objectId": record,
        "propertyName": name,
        "propertyValue": value,
        "changeSource": "CRM_UI",
    }


def test_properties_map_through_crm_names_and_the_record_id_is_the_key(tmp_path):
    s = service(tmp_path, {})  # no [sinks.hubspot]: the record id is the lead key
    out = hubspot.apply(
        s,
        [
            {"subscriptionType": "contact.creation", "objectId": 51, "occurredAt": 1},
            change(51, "numberofemployees", "250", 3),
            change(51, "jobtitle", "CTO", 2),
            change(51, "Number of Employees", "5", 2),  # a column label is no HubSpot name
            change(51, "hs_lead_status", "NEW", 4),  # no attribute: ignored
            {  # the generic form of a contact change (objectTypeId 0-1)
                "subscriptionType": "object.propertyChange",
                "objectTypeId": "0-1",
                "objectId": 52,
                "occurredAt": 5,
                "propertyName": "jobtitle",
                "propertyValue": "CTO",
            },
            {  # a company: not a contact
                "subscriptionType": "object.propertyChange",
                "objectTypeId": "0-2",
                "objectId": 53,
                "occurredAt": 5,
                "propertyName": "jobtitle",
                "propertyValue": "CTO",
            },
        ],
    )
    assert [(x["lead_id"], x["score"], x["tier"]) for x in out] == [
        ("51", 15, "hot"),
        ("52", 5, "cold"),
    ]
    with s.store.transaction() as tx:
        assert tx.lead("51")["attributes"] == {"size": "250", "role": "CTO"}
        assert tx.lead("53") is None
    # out of order across requests: an older value sent later still applies (HubSpot does
    # not promise order across deliveries); within a request, occurredAt orders the changes
    hubspot.apply(s, [change(51, "jobtitle", "CEO", 9), change(51, "jobtitle", "", 8)])
    assert s.lead("51")["score"] == 10


def test_contacts_are_linked_to_leads_by_the_id_property(tmp_path):
    s = service(tmp_path, {"hubspot": {"id_property": "email", "token_env": "T"}})
    s.put_attributes("ada@example.com", {"size": 300})
    # the contact's job title arrives before HubSpot sends its e-mail: kept on hubspot:77
    first = hubspot.apply(s, [change(77, "jobtitle", "CTO", 1)])
    assert first[0]["lead_id"] == "hubspot:77" and first[0]["score"] == 5
    # then the e-mail: the contact's lead is merged into the lead the e-mail names
    out = hubspot.apply(s, [change(77, "email", "ada@example.com", 2)])
    assert out[0]["lead_id"] == "ada@example.com"
    assert (out[0]["score"], out[0]["tier"]) == (15, "hot")
    history = s.history("ada@example.com")
    assert any(h.get("note") == "merged lead hubspot:77" for h in history)
    # later changes of the contact reach the same lead, by its record id alone
    again = hubspot.apply(s, [change(77, "numberofemployees", "20", 3)])
    assert again[0]["lead_id"] == "ada@example.com" and again[0]["score"] == 5
    # a changed e-mail keeps the link (and sets the attribute)
    hubspot.apply(s, [change(77, "email", "ada@new.example", 4)])
    assert s.lead("hubspot:77")["lead_id"] == "ada@example.com"
    with s.store.transaction() as tx:
        assert tx.lead("ada@example.com")["attributes"]["email"] == "ada@new.example"


def test_contacts_found_by_an_id_attribute(tmp_path, db_url):
    sinks = {"hubspot": {"id_property": "email", "id_attribute": "email", "token_env": "T"}}
    s = service(tmp_path, sinks, db_url)
    s.put_attributes("user-1", {"email": "bo@example.com"})
    s.put_attributes("user-2", {"email": "cy@example.com"})
    out = hubspot.apply(
        s, [change(9, "email", "cy@example.com", 1), change(9, "jobtitle", "CTO", 2)]
    )
    assert out[0]["lead_id"] == "user-2" and out[0]["score"] == 5
    # no lead holds the value: the contact stays on its own lead
    out = hubspot.apply(s, [change(10, "email", "nobody@example.com", 1)])
    assert out[0]["lead_id"] == "hubspot:10"
