"""`lower-vjp`: replace parameter-shift and finite-diff `q.vjp` ops by shifted kernel calls.

After this pass the gradient program's quantum work is plain `q.call`s on shifted
parameter vectors (`tensor.insert` of p[j] + s), combined with the shift-rule weights:
the batch of shifted circuits is there to read, optimise or send to hardware. Adjoint
VJPs stay: the backend runs them as one adjoint sweep.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ...ir import Function, Module, Value
from ...ir import quantum as Q
from ..pass_manager import map_functions
from .emitter import Emitter, sampled_kernels
from .kernel_info import is_variance
from .reverse import shift_slot
from .shift_rules import rules_for

SHIFTED = ("parameter-shift", "finite-diff")


@dataclass(frozen=True)
class LowerVJP:
    """Lower shift-rule VJPs; `h` is the finite-difference step."""

    name: ClassVar[str] = "lower-vjp"
    h: float = 1e-6

    def run(self, module: Module) -> Module:
        return map_functions(module, lambda fn: self._lower(module, fn))

    def _lower(self, module: Module, fn: Function) -> Function:
        if fn.is_kernel or not any(isinstance(o, Q.VJP) and o.method in SHIFTED for o in fn.body):
            return fn
        em = Emitter(sampled=sampled_kernels(module))
        renamed: dict[Value, Value] = {}
        for o in fn.body:
            o = o.map_operands(renamed)
            if isinstance(o, Q.VJP) and o.method in SHIFTED:
                renamed[o.out] = self._expand(em, module[o.callee.name], o)
            else:
                em.emit(o)
        return fn.replace(body=tuple(em.ops))

    def _expand(self, em: Emitter, kernel: Function, o: Q.VJP) -> Value:
        p = o.args[0]
        rules = rules_for(kernel, o.method, is_variance(kernel, o.outputs), self.h)
        entries = []
        for j, rule in enumerate(rules):
            total = em.const(0.0)
            for shift, weight in rule:
                results = em.call(kernel.name, [shift_slot(em, p, j, shift)], kernel.result_types)
                inner = em.const(0.0)
                for i, c in zip(o.outputs, o.cotangents):
                    inner = em.add(inner, em.dot(c, results[i]))
                total = em.add(total, em.scale(weight, inner))
            entries.append(total)
        return em.from_elements(entries, p.type.shape, "grad")


