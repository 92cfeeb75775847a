"""Every example and every test model, through every target variant: outputs validate against the
JSON Schemas, are byte-identical run after run, and match their reviewed snapshots."""

from __future__ import annotations

import json

import pytest

from tests.targets.helpers import EXAMPLES, OWN_MODELS, ROOT, compile_file, schema_for

VARIANTS = {
    "hubspot-native": ("hubspot", {"mode": "native"}),
    "hubspot-workflows": ("hubspot", {"mode": "workflows"}),
    "smoove-en": ("smoove", {"lang": "en"}),
    "smoove-he": ("smoove", {"lang": "he"}),
}
MODELS = [*EXAMPLES, *OWN_MODELS]
# the front end's corpus of valid models (every construct): validated, not snapshotted
CORPUS = sorted((ROOT / "tests" / "corpus" / "valid").glob("*.lrules"))


def _run(path, variant):
    target, opts = VARIANTS[variant]
    return target, compile_file(path, target, best_effort=True, **opts)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("path", [*MODELS, *CORPUS], ids=lambda p: p.stem)
def test_outputs_validate_against_the_schemas(path, variant, validator):
    target, out = _run(path, variant)
    assert not any(d.is_error for d in out.diagnostics)
    checked = 0
    for name, text in out.files.items():
        assert text.endswith("\n") and not text.endswith("\n\n"), name
        schema = schema_for(target, name)
        if name.endswith(".json"):
            assert schema is not None, f"no schema for {name}"
            validator(schema, json.loads(text))
            checked += 1
    assert checked >= 1


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_outputs_are_byte_identical_run_after_run(path, variant):
    _, first = _run(path, variant)
    _, second = _run(path, variant)
    assert first.files == second.files
    assert [d.to_json() for d in first.diagnostics] == [d.to_json() for d in second.diagnostics]


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_snapshot(path, variant, snapshot):
    _, out = _run(path, variant)
    diagnostics = [
        f"{d.span.line}:{d.span.col} {d.severity}[{d.code}] {d.message}" for d in out.diagnostics
    ]
    assert {"diagnostics": diagnostics, "files": dict(sorted(out.files.items()))} == snapshot
