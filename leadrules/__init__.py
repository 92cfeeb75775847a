"""leadrules: a declarative language for lead scoring rules, with a compiler.

    >>> import leadrules
    >>> model = leadrules.load("examples/b2b_saas.lrules")

`load` returns the Model (`leadrules.model.Model`) or raises `LeadrulesError`, which carries the
diagnostics. Heavy modules load lazily so that `leadrules check` starts fast.
"""

from __future__ import annotations

from leadrules import _startup

_startup.install()  # before any class is defined: see leadrules/_startup.py

from leadrules.diagnostics import Diagnostic, LeadrulesError  # noqa: E402

__version__ = "0.1.0"
__all__ = ["Diagnostic", "LeadrulesError", "load", "score", "__version__"]


def load(path, text=None):
    """Parse and check a rules file and its imports; return the Model or raise LeadrulesError."""
    from leadrules.check import check

    result = check(path, text)
    if not result.ok:
        raise LeadrulesError(result.errors or result.diagnostics)
    return result.model


def score(model, leads, events, as_of=None, explain=False):
    """Score leads with the reference interpreter; see `leadrules.engine.python.score`."""
    from leadrules.engine.python import score as _score

    return _score(model, leads, events, as_of=as_of, explain=explain)
