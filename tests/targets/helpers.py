"""Helpers for the HubSpot and smoove target tests: compile a model (a file or a source string)
and validate every JSON output against the schemas kept in leadrules/targets/schemas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leadrules import load
from leadrules.targets import Options, Output

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "leadrules" / "targets" / "schemas"
MODELS = Path(__file__).resolve().parent / "models"
EXAMPLES = sorted((ROOT / "examples").glob("*.lrules"))
OWN_MODELS = sorted(MODELS.glob("*.lrules"))


def compile_file(path: Path | str, target: str, **options) -> Output:
    """Compile a file of the repository, named by its path relative to the root (as a user in the
    repository would), so that outputs and snapshots do not depend on where the checkout is."""
    from importlib import import_module

    module = import_module(f"leadrules.targets.{target}")
    rel = Path(path).resolve().relative_to(ROOT)
    return module.compile(load(str(rel)), Options(**options))


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


@pytest.fixture
def compile_source(tmp_path):
    """Compile lrules source text with a target; the file is `model.lrules` in a temp dir."""

    def run(source: str, target: str, **options) -> Output:
        from importlib import import_module

        path = tmp_path / "model.lrules"
        path.write_text(source, encoding="utf-8")
        module = import_module(f"leadrules.targets.{target}")
        return module.compile(load(str(path)), Options(**options))

    return run


def schema_for(target: str, name: str) -> str | None:
    """Which schema an output file validates against (None for Markdown)."""
    if target == "smoove":
        return {"smoove-spec.json": "smoove-spec.json"}.get(name)
    if name == "properties/group.json":
        return "hubspot-property-group.json"
    if name.startswith("properties/"):
        return "hubspot-property.json"
    if name.startswith("flows/"):
        return "hubspot-flow.json"
    return {
        "lead-scoring.json": "hubspot-lead-score-create.json",
        "lead-scoring-summary.json": "hubspot-lead-scoring.json",
        "not-expressible.json": "hubspot-not-expressible.json",
    }.get(name)


@pytest.fixture(scope="session")
def validator():
    """validate(schema file name, instance): raises jsonschema.ValidationError when invalid."""
    import jsonschema
    from referencing import Registry, Resource

    docs = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMAS.glob("*.json")}
    registry = Registry().with_resources(
        (d["$id"], Resource.from_contents(d)) for d in docs.values()
    )

    for schema in docs.values():
        jsonschema.Draft202012Validator.check_schema(schema)
    validators = {n: jsonschema.Draft202012Validator(d, registry=registry) for n, d in docs.items()}

    def validate(name: str, instance: object) -> None:
        validators[name].validate(instance)

    return validate
