"""A gate application by wire number with affine angles: what the decomposition passes
rewrite before they emit IR again (kernel_rewrite.py turns calls into `q.gate` ops)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .angles import Angle


@dataclass(frozen=True)
class Call:
    """`gate` on `wires` (the first `len(ctrl)` are controls, on `ctrl[i]`), or, when
    `matrix` is set, that constant unitary on `wires` (a `q.unitary`)."""

    gate: str
    wires: tuple[int, ...]
    params: tuple[Angle, ...] = ()
    adjoint: bool = False
    ctrl: tuple[bool, ...] = ()
    matrix: np.ndarray | None = field(default=None, compare=False)

    @property
    def targets(self) -> tuple[int, ...]:
        return self.wires[len(self.ctrl):]

    @property
    def is_constant(self) -> bool:
        return all(p.is_constant for p in self.params)


def constant(value: float) -> Angle:
    return Angle((), float(value))
