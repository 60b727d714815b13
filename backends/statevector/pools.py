"""The data pools of a program: scalar registers (parameters, constants, host-computed values)
and complex constants.

Register `r < n_params` is `params[r]`; register `r >= n_params` is `rpool[r - n_params]`.
Constants are folded at lowering time; arithmetic on runtime values (only passes emit it;
the frontend does not) fills its rpool entries in a short Python prelude per call, so
kernels without it pay nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True, slots=True)
class Scalar:
    """A scalar SSA value: a known constant, or a register filled at run time."""

    value: float | None = None
    reg: int | None = None


@dataclass
class Scalars:
    n_params: int
    pool: list[float] = field(default_factory=list)
    prelude: list[tuple[int, Callable, tuple[int, ...]]] = field(default_factory=list)
    op_names: dict[int, str] = field(default_factory=dict)
    """The arith op computing each prelude register (for the adjoint VJP's chain rule)."""
    _const_regs: dict[float, int] = field(default_factory=dict)

    def reg(self, s: Scalar) -> int:
        """The register holding `s` (constants get one, shared by equal values)."""
        if s.reg is not None:
            return s.reg
        key = float(s.value)
        if key not in self._const_regs:
            self._const_regs[key] = self.append(key)
        return self._const_regs[key]

    def append(self, value: float) -> int:
        self.pool.append(value)
        return self.n_params + len(self.pool) - 1

    def array(self, values: np.ndarray) -> int:
        """Store a constant vector (eigenvalues, diagonals); returns its first register."""
        start = self.n_params + len(self.pool)
        self.pool.extend(float(v) for v in values)
        return start

    def computed(self, fn: Callable, args: tuple[Scalar, ...], name: str) -> Scalar:
        """A runtime value `fn(*args)` evaluated by the prelude; `name` is the arith op's."""
        out = self.append(0.0)
        self.prelude.append((out, fn, tuple(self.reg(a) for a in args)))
        self.op_names[out] = name
        return Scalar(reg=out)

    def run_prelude(self, params: np.ndarray, rpool: np.ndarray) -> np.ndarray:
        """A copy of `rpool` with the computed registers filled in from `params`."""
        rpool = rpool.copy()
        n = self.n_params

        def read(r: int) -> float:
            return params[r] if r < n else rpool[r - n]

        for out, fn, args in self.prelude:
            rpool[out - n] = fn(*(read(a) for a in args))
        return rpool


@dataclass
class ComplexPool:
    """Constant complex data (matrices column-major, projectors, phases) and per-call scratch."""

    chunks: list[np.ndarray] = field(default_factory=list)
    size: int = 0

    def add(self, values: np.ndarray) -> int:
        """Append `values` (flattened); returns their offset."""
        flat = np.asarray(values, dtype=complex).reshape(-1)
        self.chunks.append(flat)
        self.size += len(flat)
        return self.size - len(flat)

    def matrix(self, m: np.ndarray) -> int:
        """Append a square matrix column-major (`m[c * d + r]`), the kernels' layout."""
        return self.add(np.asarray(m, dtype=complex).T)

    def scratch(self, n: int) -> int:
        return self.add(np.zeros(n, dtype=complex))

    def array(self) -> np.ndarray:
        return np.concatenate(self.chunks) if self.chunks else np.zeros(0, dtype=complex)
