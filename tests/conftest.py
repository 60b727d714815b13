"""Shared pytest configuration: hypothesis profiles and the path to ../shared/qasm."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# The tiered start-up (runtime/tiers.py) answers a kernel's first call on the reference
# interpreter; tests of the statevector backend must see the backend itself.
os.environ["KETTLE_TIERED"] = "0"

# The default profile is derandomized: CI must pass or fail the same way on every run of
# one commit. `HYPOTHESIS_PROFILE=thorough` explores ten times more, with fresh randomness.
settings.register_profile(
    "default", max_examples=60, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", max_examples=600, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

SHARED_QASM = Path(__file__).resolve().parents[1] / ".." / "shared" / "qasm"

BACKENDS = ["reference", "statevector"]
"""Every user-facing test runs on each backend: the reference defines the answer."""


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The name of a backend to pass to `kt.qjit(..., backend=backend)`."""
    return request.param
