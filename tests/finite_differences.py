"""The independent reference for derivatives: central finite differences of plain calls."""

from __future__ import annotations

import numpy as np


def five_point(f, x, h: float = 1e-3) -> np.ndarray:
    """d f / d x by the central five-point stencil (error ~ h**4 f^(5) / 30).

    `x` is a scalar or an array; the result has shape `f(x).shape + x.shape` (JAX's
    Jacobian convention).
    """
    x = np.asarray(x, dtype=float)
    columns = []
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = h
        e = e.reshape(x.shape)
        columns.append((-np.asarray(f(x + 2 * e)) + 8 * np.asarray(f(x + e)) - 8 * np.asarray(f(x - e))
                        + np.asarray(f(x - 2 * e))) / (12 * h))
    return np.stack(columns, axis=-1).reshape(np.shape(f(x)) + x.shape)
