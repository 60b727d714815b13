"""The IR's value types: scalars, tensors, qubits and observables.

Types are small frozen dataclasses compared by value; `str(t)` is the textual form the
printer writes and the parser reads back.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass


class Type:
    """Base of every IR type."""


@dataclass(frozen=True)
class ScalarType(Type):
    """A scalar: `f64`, `i64`, `i1` (a bit) or `c128` (a complex double)."""

    name: str

    def __str__(self) -> str:
        return self.name


F64 = ScalarType("f64")
I64 = ScalarType("i64")
I1 = ScalarType("i1")
C128 = ScalarType("c128")
SCALARS = {t.name: t for t in (F64, I64, I1, C128)}


@dataclass(frozen=True)
class TensorType(Type):
    """A dense tensor of scalars with a static shape, e.g. `tensor<2x4x3xf64>`."""

    shape: tuple[int, ...]
    element: ScalarType

    def __post_init__(self) -> None:
        if not self.shape or any(d < 0 for d in self.shape):
            raise ValueError(f"a tensor needs a non-empty shape of sizes >= 0, got {self.shape}")

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def __str__(self) -> str:
        return "tensor<" + "".join(f"{d}x" for d in self.shape) + f"{self.element}>"


@dataclass(frozen=True)
class OpaqueType(Type):
    """A type with no data the host can see: `!q.qubit`, `!q.obs`."""

    name: str

    def __str__(self) -> str:
        return self.name


QUBIT = OpaqueType("!q.qubit")
OBS = OpaqueType("!q.obs")
OPAQUES = {t.name: t for t in (QUBIT, OBS)}


def tensor(*shape: int, element: ScalarType = F64) -> TensorType:
    """Shorthand: `tensor(2, 3)` is `tensor<2x3xf64>`."""
    return TensorType(tuple(shape), element)


@dataclass(frozen=True)
class Constraint:
    """A named predicate on types, for operand/result fields that accept a family."""

    description: str
    check: Callable[[Type], bool]

    def __call__(self, t: Type) -> bool:
        return self.check(t)

    def __str__(self) -> str:
        return self.description


ANY = Constraint("any type", lambda t: True)
ANY_TENSOR = Constraint("a tensor", lambda t: isinstance(t, TensorType))
F64_TENSOR = Constraint(
    "a tensor of f64", lambda t: isinstance(t, TensorType) and t.element == F64
)
C128_MATRIX = Constraint(
    "a square tensor of c128",
    lambda t: isinstance(t, TensorType) and t.element == C128
    and len(t.shape) == 2 and t.shape[0] == t.shape[1],
)
NUMBER = Constraint("a scalar", lambda t: isinstance(t, ScalarType))


def matches(expected: Type | Constraint, actual: Type) -> bool:
    """Whether `actual` satisfies a field's declared type or constraint."""
    if expected is actual:  # the common case, and cheaper than a dataclass __eq__
        return True
    if isinstance(expected, Constraint):
        return expected(actual)
    return expected == actual
