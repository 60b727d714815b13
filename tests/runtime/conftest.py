"""Fixtures of the runtime tests: the backends every qjit test runs on.

Keep `BACKENDS` in step with tests/frontend/conftest.py (the two folders are separate
pytest roots, so neither conftest can import the other).
"""

from __future__ import annotations

import pytest

BACKENDS = ["reference"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The name of a backend to pass to `kt.qjit(..., backend=backend)`."""
    return request.param
