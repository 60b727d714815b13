"""Reverse-mode differentiation of a host function, written as new host IR.

The primal ops are kept, then each requested output is seeded with a cotangent and the
ops are swept backwards, applying the rule of each op (rules.py for scalar arithmetic;
the tensor ops, `q.call` and `q.vjp` here). A kernel call's rule is a `q.vjp` op, so the
quantum part of a gradient stays visible (and, for parameter-shift, is later lowered
into shifted calls). Only values that depend on a differentiated argument (the active
ones) get cotangents.
"""

from __future__ import annotations

import numpy as np

from ...ir import Function, Module, Op, TensorType, Value
from ...ir import quantum as Q
from ...ir.function import Return
from ...ir.tensors import Extract, FromElements, Insert
from .cotangents import Cotangents
from .emitter import Emitter
from .kernel_info import check_differentiable, check_method, is_variance
from .rules import NO_DERIVATIVE, RULES
from .shift_rules import rules_for


def active_values(fn: Function, wrt: list[Value]) -> set[Value]:
    """Values that depend on any of `wrt`."""
    active = set(wrt)
    for o in fn.body:
        if any(v in active for v in o.operands):
            active.update(o.results)
    return active


class ReverseSweep:
    """Backward sweeps over `fn`'s ops, emitting into `em` (after the primal ops)."""

    def __init__(self, module: Module, fn: Function, wrt: list[Value], em: Emitter, method: str):
        self.module, self.fn, self.wrt, self.em, self.method = module, fn, wrt, em, method
        self.active = active_values(fn, wrt)
        self.primal = [o for o in fn.body if not isinstance(o, Return)]

    def sweep(self, seeds: dict[Value, Value]) -> Cotangents:
        """Propagate `seeds` (value -> cotangent) back to the arguments."""
        ct = Cotangents(self.em)
        for v, c in seeds.items():
            if v in self.active:
                ct.add(v, c)
        return self.sweep_from(ct)

    def sweep_from(self, ct: Cotangents) -> Cotangents:
        """Propagate the cotangents already in `ct` back to the arguments."""
        for o in reversed(self.primal):
            if any(ct.has(r) for r in o.results):
                self._apply(o, ct)
        return ct

    def _accumulate(self, ct: Cotangents):
        def accumulate(v: Value, c: Value) -> None:
            if v in self.active:
                ct.add(v, c)
        return accumulate

    def _apply(self, o: Op, ct: Cotangents) -> None:
        em = self.em
        if o.name in RULES:
            RULES[o.name](em, o, ct.scalar(o.results[0]), self._accumulate(ct))
        elif o.name in NO_DERIVATIVE:
            return
        elif isinstance(o, Extract):
            if o.source in self.active:
                ct.add_element(o.source, o.index, ct.scalar(o.out))
        elif isinstance(o, FromElements):
            elements = ct.as_elements(o.out)
            for flat, e in enumerate(o.elements):
                index = tuple(int(i) for i in np.unravel_index(flat, o.out.type.shape))
                if index in elements and e in self.active:
                    ct.add(e, elements[index])
        elif isinstance(o, Insert):
            elements = ct.as_elements(o.out)
            if o.index in elements and o.scalar in self.active:
                ct.add(o.scalar, elements[o.index])
            if o.dest in self.active:
                for index, c in elements.items():
                    if index != o.index:
                        ct.add_element(o.dest, index, c)
        elif isinstance(o, Q.Call):
            self._call(o, ct)
        elif isinstance(o, Q.VJP):
            self._vjp(o, ct)
        else:
            from ...ir import KettleError

            raise KettleError(f"autodiff: no reverse-mode rule for `{o.name}`")

    # -- quantum ---------------------------------------------------------------------

    def _call(self, o: Q.Call, ct: Cotangents) -> None:
        if not o.args or o.args[0] not in self.active:
            return
        kernel = self.module[o.callee.name]
        outputs, cotangents = [], []
        for i, v in enumerate(o.out):
            c = ct.for_value(v)
            if c is not None:
                check_differentiable(kernel, i)
                outputs.append(i)
                cotangents.append(c)
        if outputs:
            method = check_method(kernel, self.method)
            ct.add(o.args[0], self.em.vjp(kernel.name, method, o.args[0], outputs, cotangents))

    def _vjp(self, o: Q.VJP, ct: Cotangents) -> None:
        """Second order: d/dp and d/dc of g = J(p)^T c, by shifting p (exact for trig polynomials)."""
        em = self.em
        kernel = self.module[o.callee.name]
        g_bar = ct.as_tensor(o.out)
        p = o.args[0]
        rules = rules_for(kernel, "parameter-shift", is_variance(kernel, o.outputs))
        if p in self.active:
            for j, rule in enumerate(rules):
                total = None
                for shift, weight in rule:
                    shifted = em.vjp(kernel.name, o.method, shift_slot(em, p, j, shift),
                                     o.outputs, o.cotangents)
                    term = em.scale(weight, em.dot(g_bar, shifted))
                    total = term if total is None else em.add(total, term)
                if total is not None:
                    ct.add_element(p, (j,), total)
        for i, c in zip(o.outputs, o.cotangents):
            if c in self.active:
                self._jvp_into(kernel, p, rules, g_bar, i, c, ct)

    def _jvp_into(self, kernel, p, rules, direction, i, target, ct) -> None:
        """Add J_i @ direction (the JVP of result i) to the cotangent of `target`."""
        em = self.em
        for j, rule in enumerate(rules):
            if not rule:
                continue
            d_j = em.extract(direction, (j,))
            for shift, weight in rule:
                y = em.call(kernel.name, [shift_slot(em, p, j, shift)], kernel.result_types)[i]
                k = em.mul(em.const(weight), d_j)
                if isinstance(y.type, TensorType):
                    for index in np.ndindex(*y.type.shape):
                        ct.add_element(target, index, em.mul(k, em.extract(y, index)))
                else:
                    ct.add(target, em.mul(k, y))


def shift_slot(em: Emitter, p: Value, j: int, shift: float) -> Value:
    """`p` with slot j moved by `shift`."""
    return em.insert(em.add(em.extract(p, (j,)), em.const(shift)), p, (j,))
