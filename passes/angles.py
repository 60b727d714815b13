"""Gate angles as affine functions of a kernel's values, for passes that rewrite gates.

Every decomposition in the gate table is affine in its gate's parameters, so a rewritten
gate's angle is `offset + sum(coeff * value)` over the kernel's own values (parameter
extracts, or any value computed in the kernel). Keeping angles in this form lets passes
fold constants and add angles exactly; `AngleEmitter` turns them back into `arith` ops,
so a traced parameter stays a parameter and is never baked in as a number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..ir import BINARY_OPS, F64, UNARY_OPS, Constant, Op, Value

ZERO_COEFFICIENT = 1e-12
"""A coefficient this small is an exact cancellation (0.5 p - 0.5 p) up to rounding."""


@dataclass(frozen=True)
class Angle:
    """`offset + sum(coeff * value)`: a gate angle; constant when it has no terms."""

    terms: tuple[tuple[Value, float], ...] = ()
    offset: float = 0.0

    @staticmethod
    def of(value: Value) -> Angle:
        return Angle(((value, 1.0),))

    @property
    def is_constant(self) -> bool:
        return not self.terms

    def __add__(self, other: Angle | float) -> Angle:
        if not isinstance(other, Angle):
            return Angle(self.terms, self.offset + float(other))
        merged = dict(self.terms)
        for v, c in other.terms:
            merged[v] = merged.get(v, 0.0) + c
        terms = tuple((v, c) for v, c in merged.items() if abs(c) > ZERO_COEFFICIENT)
        return Angle(terms, self.offset + other.offset)

    __radd__ = __add__

    def __mul__(self, k: float) -> Angle:
        k = float(k)
        if k == 0.0:
            return Angle()
        return Angle(tuple((v, c * k) for v, c in self.terms), self.offset * k)

    __rmul__ = __mul__

    def __neg__(self) -> Angle:
        return self * -1.0

    def __sub__(self, other: Angle | float) -> Angle:
        return self + (-other)


def affine_values(body: Iterable[Op]) -> dict[Value, Angle]:
    """Each f64 value of `body` that is a constant or an affine function of other values.

    Sees through `arith.constant`, `addf`, `subf`, `negf`, and `mulf`/`divf` by a constant,
    so angles a pass emitted come back as the affine forms they were made from (and then
    cancel or add exactly). Other values (parameter extracts, sin(x), ...) are atoms.
    """
    known: dict[Value, Angle] = {}

    def view(v: Value) -> Angle:
        return known.get(v) or Angle.of(v)

    for o in body:
        if isinstance(o, Constant) and o.out.type == F64:
            known[o.out] = Angle((), float(o.value))
        elif o.name in ("arith.addf", "arith.subf"):
            sign = 1.0 if o.name == "arith.addf" else -1.0
            known[o.out] = view(o.lhs) + view(o.rhs) * sign
        elif o.name == "arith.negf":
            known[o.out] = -view(o.x)
        elif o.name in ("arith.mulf", "arith.divf"):
            lhs, rhs = view(o.lhs), view(o.rhs)
            if rhs.is_constant and (o.name == "arith.mulf" or rhs.offset != 0.0):
                known[o.out] = lhs * (rhs.offset if o.name == "arith.mulf" else 1.0 / rhs.offset)
            elif lhs.is_constant and o.name == "arith.mulf":
                known[o.out] = rhs * lhs.offset
    return known


class AngleEmitter:
    """Emit the `arith` ops computing angles into `body`; equal angles share one value."""

    def __init__(self, body: list[Op]):
        self.body = body
        self._done: dict[Angle, Value] = {}

    def reuse(self, angle: Angle, value: Value) -> None:
        """`value` (already in the body) computes `angle`: use it rather than a new op."""
        self._done.setdefault(angle, value)

    def value(self, angle: Angle) -> Value:
        """A value equal to `angle`, emitting `arith.constant`/`mulf`/`negf`/`addf` as needed."""
        found = self._done.get(angle)
        if found is not None:
            return found
        if angle.is_constant:
            out = self._emit_constant(angle.offset)
        elif angle.offset == 0.0 and len(angle.terms) == 1 and angle.terms[0][1] == 1.0:
            out = angle.terms[0][0]
        else:
            out = None
            for v, c in angle.terms:
                term = self._scaled(v, c)
                out = term if out is None else self._binary("arith.addf", out, term)
            if angle.offset != 0.0:
                out = self._binary("arith.addf", out, self.value(Angle((), angle.offset)))
        self._done[angle] = out
        return out

    def _scaled(self, v: Value, c: float) -> Value:
        if c == 1.0:
            return v
        if c == -1.0:
            out = Value(F64, "a")
            self.body.append(UNARY_OPS["arith.negf"](x=v, out=out))
            return out
        return self._binary("arith.mulf", v, self.value(Angle((), c)))

    def _binary(self, name: str, lhs: Value, rhs: Value) -> Value:
        out = Value(F64, "a")
        self.body.append(BINARY_OPS[name](lhs=lhs, rhs=rhs, out=out))
        return out

    def _emit_constant(self, x: float) -> Value:
        out = Value(F64, "c")
        self.body.append(Constant(value=float(x), out=out))
        return out
