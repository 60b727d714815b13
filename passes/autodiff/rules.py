"""Reverse-mode rules of the host ops, one entry per op (JAX's design: the rules live with
the transformation, not on the ops).

Each rule gets the emitter, the op, the cotangent of its result and an `accumulate(value,
cotangent)` callback that only adds to values that are active (depend on a
differentiated argument). `tensor.*`, `q.call` and `q.vjp` are handled in reverse.py.
"""

from __future__ import annotations

from collections.abc import Callable

from ...ir import Op, Value
from .emitter import Emitter

Accumulate = Callable[[Value, Value], None]
Rule = Callable[[Emitter, Op, Value, Accumulate], None]


def _add(em, o, ct, acc):
    acc(o.lhs, ct)
    acc(o.rhs, ct)


def _sub(em, o, ct, acc):
    acc(o.lhs, ct)
    acc(o.rhs, em.neg(ct))


def _mul(em, o, ct, acc):
    acc(o.lhs, em.mul(ct, o.rhs))
    acc(o.rhs, em.mul(ct, o.lhs))


def _div(em, o, ct, acc):
    acc(o.lhs, em.div(ct, o.rhs))
    acc(o.rhs, em.neg(em.div(em.mul(ct, o.out), o.rhs)))


def _pow(em, o, ct, acc):
    acc(o.lhs, em.mul(ct, em.mul(o.rhs, em.binary("arith.powf", o.lhs, em.sub(o.rhs, em.const(1.0))))))
    acc(o.rhs, em.mul(ct, em.mul(o.out, em.unary("math.log", o.lhs))))


def _unary(derivative: Callable[[Emitter, Op], Value]) -> Rule:
    def rule(em, o, ct, acc):
        acc(o.x, em.mul(ct, derivative(em, o)))
    return rule


def _one_plus_square(em, v):
    return em.add(em.const(1.0), em.mul(v, v))


def _one_minus_square(em, v):
    return em.sub(em.const(1.0), em.mul(v, v))


def _inverse_sqrt_one_minus_square(em, v):
    return em.div(em.const(1.0), em.unary("math.sqrt", _one_minus_square(em, v)))


RULES: dict[str, Rule] = {
    "arith.addf": _add,
    "arith.subf": _sub,
    "arith.mulf": _mul,
    "arith.divf": _div,
    "arith.powf": _pow,
    "arith.negf": _unary(lambda em, o: em.const(-1.0)),
    "math.sin": _unary(lambda em, o: em.unary("math.cos", o.x)),
    "math.cos": _unary(lambda em, o: em.neg(em.unary("math.sin", o.x))),
    "math.tan": _unary(lambda em, o: _one_plus_square(em, o.out)),
    "math.exp": _unary(lambda em, o: o.out),
    "math.log": _unary(lambda em, o: em.div(em.const(1.0), o.x)),
    "math.sqrt": _unary(lambda em, o: em.div(em.const(0.5), o.out)),
    "math.atan": _unary(lambda em, o: em.div(em.const(1.0), _one_plus_square(em, o.x))),
    "math.acos": _unary(lambda em, o: em.neg(_inverse_sqrt_one_minus_square(em, o.x))),
    "math.asin": _unary(lambda em, o: _inverse_sqrt_one_minus_square(em, o.x)),
    "math.tanh": _unary(lambda em, o: _one_minus_square(em, o.out)),
    "math.absf": _unary(lambda em, o: em.unary("math.sign", o.x)),
    "math.sign": _unary(lambda em, o: em.const(0.0)),
}
"""Rules of the scalar arithmetic ops, by op name."""

NO_DERIVATIVE = ("arith.constant",)
"""Ops with no operands to differentiate."""
