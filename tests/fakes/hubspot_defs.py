"""A local fake of HubSpot's definition APIs, for `leadrules apply` tests: CRM properties and
property groups (v3), Automation v4 flows and the Lead Scoring API (`2026-09-beta` scores).

It listens on 127.0.0.1 only, wants `Authorization: Bearer TOKEN`, validates every request body
against the project's schemas (leadrules/targets/schemas; property and group bodies also through
hubspot-api-client's models with client-side validation on; 400 with HubSpot's error shape when
one is invalid), keeps what it was sent, answers the way the documented endpoints do (404 for an
unknown name, 409 for a duplicate, flows and scores with ids and revisions), and can answer 429
to the first N requests to exercise back-off. `requests` lists every (method, path) received.

    with HubSpotDefs(token="t") as fake:
        ... fake.url ... fake.writes() ...
"""

from __future__ import annotations

import copy
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

SCHEMAS = Path(__file__).resolve().parents[2] / "leadrules" / "targets" / "schemas"
GROUPS = "/crm/v3/properties/contacts/groups"
PROPS = "/crm/v3/properties/contacts"
FLOWS = "/automation/v4/flows"
SCORES = "/marketing/lead-scoring/2026-09-beta/scores"


def _validators():
    import jsonschema
    from referencing import Registry, Resource

    docs = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMAS.glob("*.json")}
    registry = Registry().with_resources(
        (d["$id"], Resource.from_contents(d)) for d in docs.values()
    )
    return {n: jsonschema.Draft202012Validator(d, registry=registry) for n, d in docs.items()}


class Invalid(Exception):
    pass


def _sdk_check(kind: str, body: dict) -> None:
    """Build the hubspot-api-client model of a property (group) body with client-side validation
    on: a missing required field, a wrong enum value or an unknown key is refused."""
    from hubspot.crm.properties.configuration import Configuration
    from hubspot.crm.properties.models import OptionInput, PropertyCreate, PropertyGroupCreate

    config = Configuration()
    config.client_side_validation = True

    def build(cls, data: dict):
        by_json = {v: k for k, v in cls.attribute_map.items()}
        unknown = set(data) - set(by_json)
        if unknown:
            raise Invalid(f"{cls.__name__}: unknown fields {sorted(unknown)}")
        kwargs = {by_json[k]: v for k, v in data.items()}
        if cls is PropertyCreate and "options" in kwargs:
            kwargs["options"] = [build(OptionInput, o) for o in kwargs["options"]]
        try:
            return cls(**kwargs, local_vars_configuration=config)
        except ValueError as e:
            raise Invalid(f"{cls.__name__}: {e}") from None

    build(PropertyGroupCreate if kind == "group" else PropertyCreate, body)


class HubSpotDefs:
    def __init__(self, token: str = "test-token", *, fail_429: int = 0, page_size: int = 2):
        self.token = token
        self.fail_429 = fail_429  # answer 429 to this many requests first
        self.page_size = page_size  # list endpoints page with this size
        self.groups: dict[str, dict] = {}
        self.properties: dict[str, dict] = {}
        self.flows: dict[str, dict] = {}
        self.scores: dict[str, dict] = {}  # id -> {"draft": ..., "published": ..., "status": ...}
        self.requests: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self._validators = _validators()
        self._next_id = 1000

    # ---- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> HubSpotDefs:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, body, headers = fake.handle(
                    self.command, self.path, self.headers.get("Authorization"), raw
                )
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def writes(self) -> list[tuple[str, str]]:
        return [r for r in self.requests if r[0] != "GET"]

    # ---- dispatch --------------------------------------------------------------------------

    def _id(self) -> str:
        self._next_id += 1
        return str(self._next_id)

    def _check(self, schema: str, body: object) -> None:
        errors = sorted(self._validators[schema].iter_errors(body), key=lambda e: list(e.path))
        if errors:
            e = errors[0]
            where = "/".join(str(p) for p in e.absolute_path)
            raise Invalid(f"{schema}: {where}: {e.message}")

    def handle(self, method: str, target: str, auth: str | None, raw: bytes):
        with self.lock:
            url = urlparse(target)
            self.requests.append((method, url.path))
            if auth != f"Bearer {self.token}":
                return (
                    401,
                    _error("INVALID_AUTHENTICATION", "Authentication credentials not found."),
                    {},
                )
            if self.fail_429 > 0:
                self.fail_429 -= 1
                body = _error("RATE_LIMITS", "You have reached your ten_secondly_rolling limit.")
                body["policyName"] = "TEN_SECONDLY_ROLLING"
                return 429, body, {"Retry-After": "0"}
            try:
                body = json.loads(raw) if raw else None
                return self._route(method, url.path, parse_qs(url.query), body)
            except Invalid as e:
                return 400, _error("VALIDATION_ERROR", str(e)), {}
            except (ValueError, KeyError, TypeError) as e:
                return 400, _error("VALIDATION_ERROR", f"bad request: {e}"), {}

    def _route(self, method, path, query, body):  # noqa: C901 - one table of endpoints
        if path == GROUPS and method == "POST":
            self._check("hubspot-property-group.json", body)
            _sdk_check("group", body)
            if body["name"] in self.groups:
                return 409, _error("CONFLICT", "Property group already exists"), {}
            self.groups[body["name"]] = {**body, "archived": False}
            return 201, self.groups[body["name"]], {}
        if m := re.fullmatch(GROUPS + r"/([^/]+)", path):
            name = m.group(1)
            if name not in self.groups:
                return 404, _error("OBJECT_NOT_FOUND", "group not found"), {}
            if method == "GET":
                return 200, self.groups[name], {}
            if method == "PATCH":
                merged = {**self.groups[name], **body}
                self._check("hubspot-property-group.json", _without(merged, "archived"))
                self.groups[name] = merged
                return 200, merged, {}
        if path == PROPS and method == "POST":
            self._check("hubspot-property.json", body)
            _sdk_check("property", body)
            if body["name"] in self.properties:
                return 409, _error("CONFLICT", "Property already exists"), {}
            if body["groupName"] not in self.groups:
                raise Invalid(f"groupName {body['groupName']!r} does not exist")
            self.properties[body["name"]] = _stored_property(body)
            return 201, self.properties[body["name"]], {}
        if m := re.fullmatch(PROPS + r"/([^/]+)", path):
            name = m.group(1)
            if name not in self.properties:
                return 404, _error("OBJECT_NOT_FOUND", "property not found"), {}
            if method == "GET":
                return 200, self.properties[name], {}
            if method == "PATCH":
                if "name" in body:
                    raise Invalid("name cannot be updated")
                merged = {**self.properties[name], **body}
                self._check("hubspot-property.json", _sent_property(merged))
                self.properties[name] = _stored_property(merged)
                return 200, self.properties[name], {}
        if path == FLOWS:
            if method == "GET":
                return 200, self._page(list(self.flows.values()), query, _flow_summary), {}
            if method == "POST":
                self._check("hubspot-flow.json", body)
                fid = self._id()
                self.flows[fid] = _stored_flow(body, fid, "1")
                return 201, self.flows[fid], {}
        if m := re.fullmatch(FLOWS + r"/(\d+)", path):
            fid = m.group(1)
            if fid not in self.flows:
                return 404, _error("OBJECT_NOT_FOUND", "flow not found"), {}
            if method == "GET":
                return 200, self.flows[fid], {}
            if method == "PUT":
                current = self.flows[fid]
                if body.get("revisionId") != current["revisionId"]:
                    return 409, _error("CONFLICT", "revisionId is not the current one"), {}
                # the user may have turned the flow on: what leadrules compiles is disabled
                self._check(
                    "hubspot-flow.json", {**_without(body, "revisionId"), "isEnabled": False}
                )
                self.flows[fid] = _stored_flow(
                    _without(body, "revisionId"), fid, str(int(current["revisionId"]) + 1)
                )
                return 200, self.flows[fid], {}
        if path == SCORES:
            if method == "GET":
                items = [
                    {"id": sid, "name": s["draft"]["name"], "scoreStatus": s["status"]}
                    for sid, s in self.scores.items()
                ]
                return 200, self._page(items, query, lambda x: x), {}
            if method == "POST":
                self._check("hubspot-lead-score-create.json", body)
                sid = self._id()
                self.scores[sid] = {
                    "draft": _stored_score(body),
                    "published": None,
                    "status": "draft",
                }
                answer = {"id": sid, "scoreStatus": "draft", **self.scores[sid]["draft"]}
                return 201, answer, {"Location": f"{SCORES}/{sid}"}
        if m := re.fullmatch(SCORES + r"/(\d+)/draft(/publish)?", path):
            sid, publish = m.group(1), m.group(2)
            if sid not in self.scores:
                return 404, _error("OBJECT_NOT_FOUND", "score not found"), {}
            score = self.scores[sid]
            if publish and method == "POST":
                score["published"] = copy.deepcopy(score["draft"])
                score["status"] = "published"
                return 200, {"id": sid, "scoreStatus": "published", **score["published"]}, {}
            if not publish and method == "GET":
                return 200, {"id": sid, **score["draft"]}, {}
            if not publish and method == "PUT":
                self._check("hubspot-lead-score-create.json", _strip_ids(body))
                score["draft"] = _stored_score(body)
                return 200, {"id": sid, **score["draft"]}, {}
        return 404, _error("NOT_FOUND", f"no endpoint {method} {path}"), {}

    def _page(self, items: list, query: dict, view) -> dict:
        start = int((query.get("after") or ["0"])[0])
        limit = min(int((query.get("limit") or ["100"])[0]), self.page_size)
        chunk = items[start : start + limit]
        out: dict = {"results": [view(x) for x in chunk]}
        if start + limit < len(items):
            out["paging"] = {"next": {"after": str(start + limit)}}
        return out


def _error(category: str, message: str) -> dict:
    return {
        "status": "error",
        "message": message,
        "category": category,
        "correlationId": "00000000-0000-0000-0000-000000000000",
    }


def _without(d: dict, *keys: str) -> dict:
    return {k: v for k, v in d.items() if k not in keys}


_PROPERTY_EXTRA = ("createdAt", "updatedAt", "hidden", "modificationMetadata", "archived")


def _stored_property(body: dict) -> dict:
    """What GET answers: the property with the fields HubSpot adds."""
    return {
        **body,
        "createdAt": "2026-12-01T00:00:00Z",
        "updatedAt": "2026-12-01T00:00:00Z",
        "hidden": False,
        "modificationMetadata": {"archivable": True, "readOnlyDefinition": False},
        "archived": False,
    }


def _sent_property(stored: dict) -> dict:
    return _without(stored, *_PROPERTY_EXTRA)


def _stored_flow(body: dict, fid: str, revision: str) -> dict:
    return {
        **body,
        "id": fid,
        "revisionId": revision,
        "nextAvailableActionId": str(len(body["actions"]) + 1),
        "createdAt": "2026-12-01T00:00:00Z",
        "updatedAt": "2026-12-01T00:00:00Z",
        "crmObjectCreationStatus": "COMPLETE",
    }


def _flow_summary(flow: dict) -> dict:
    keys = ("id", "name", "isEnabled", "flowType", "revisionId", "objectTypeId", "type")
    return {k: flow[k] for k in keys}


def _stored_score(body: dict) -> dict:
    """The draft as HubSpot keeps it: groups and rules get ids."""
    out = copy.deepcopy(_strip_ids(body))
    for i, g in enumerate(out["groupConfigs"]):
        g["id"] = f"g{i}"
        for j, r in enumerate(g["ruleConfigurations"]):
            r["id"] = f"g{i}r{j}"
    return out


def _strip_ids(body: dict) -> dict:
    out = copy.deepcopy(body)
    for g in out.get("groupConfigs", []):
        g.pop("id", None)
        for r in g.get("ruleConfigurations", []):
            r.pop("id", None)
    return out
