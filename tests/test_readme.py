"""The README is part of the product: its rules file checks clean and its tests pass, its
diagnostics sample is what `leadrules check` prints, and the quick start's table is what
`make demo` scores."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT

from leadrules.check import check
from leadrules.engine.testing import run_test

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", README, re.S | re.M)


def _leadrules(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "leadrules.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_readme_rules_file_checks_clean_and_its_tests_pass(tmp_path):
    (block,) = _blocks("lrules")
    path = tmp_path / "b2b_saas.lrules"
    path.write_text(block, encoding="utf-8")
    result = check(path)
    assert result.diagnostics == []
    assert len(result.model.tests) == 1
    outcome = run_test(result.model, result.model.tests[0])
    assert outcome.passed, [f.describe() for f in outcome.failures]


def test_readme_diagnostics_sample_is_what_check_prints(tmp_path):
    sample = next(b for b in _blocks("text") if b.startswith("$ leadrules check"))
    shown = sample.split("\n", 1)[1]
    lines = shown.splitlines()
    # rebuild the file the sample shows: the README names its lines, so write exactly those
    source = (
        "lead company_size: number\nlead role: text\nevent page_view(url: text)\n"
        'signal pricing_page_visit = page_view where url contains "/pricing"\n\n'
        "engagement:\n  pricng_page_visit: +15\n  role > 3: +5\n\ntier hot >= 10\n"
    )
    (tmp_path / "readme_bad.lrules").write_text(source, encoding="utf-8")
    proc = _leadrules("check", "readme_bad.lrules", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == lines


def test_quick_start_table_is_what_the_demo_scores():
    sample = next(b for b in _blocks("text") if b.startswith("lead_id"))
    shown = [line for line in sample.splitlines() if line != "..."]
    demo = re.search(r"^demo:.*?\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M).group(1)
    score_cmd = [c for c in demo.replace("\\\n", " ").splitlines() if "score" in c][0]
    args = score_cmd.split("leadrules", 1)[1].split()
    proc = _leadrules(*args)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[: len(shown)] == shown
