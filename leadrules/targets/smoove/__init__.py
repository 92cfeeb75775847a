"""`leadrules compile --target smoove -o DIR`: smoove builds automations in its UI only (its REST
API covers contacts, lists, custom fields and campaigns), so the target writes a JSON spec
(`smoove-spec.json`) and the step-by-step recipe a marketer follows (`recipe.md`, English or
Hebrew with `--lang he`), the way a marketer builds a score in smoove by hand. Reads the Model
only. See docs/targets/smoove.md."""

from __future__ import annotations

from leadrules import diagnostics as dg
from leadrules import model as m
from leadrules.targets import Options, Output
from leadrules.targets.automation import dump_json
from leadrules.targets.smoove import recipe, spec


def compile(model: m.Model, options: Options) -> Output:  # noqa: A001 - the target contract
    diags: list[dg.Diagnostic] = []
    doc = spec.build(model, options, diags)
    files = {
        "smoove-spec.json": dump_json(doc),
        "recipe.md": recipe.render(doc, options.lang),
    }
    return Output(files=files, diagnostics=sorted(diags, key=dg.sort_key))
