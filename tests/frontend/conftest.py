"""Fixtures of the frontend tests: the backends every qjit test runs on.

Each test that compiles a circuit takes the `backend` fixture, so a backend joins the
whole suite by being added to `BACKENDS` (the statevector backend once it lands).
"""

from __future__ import annotations

import pytest

BACKENDS = ["reference"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The name of a backend to pass to `kt.qjit(..., backend=backend)`."""
    return request.param
