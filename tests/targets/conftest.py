"""Fixtures of the HubSpot and smoove target tests (defined in helpers.py)."""

from tests.targets.helpers import at_root, compile_source, validator  # noqa: F401
