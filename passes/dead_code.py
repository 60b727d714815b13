"""`dce`: remove ops whose results nobody uses and that have no effect of their own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..ir import Function, Module, Op
from ..ir.function import Return
from ..ir.quantum import Alloc, Gate, Unitary
from .pass_manager import map_functions

# Ops kept even when their results are unused: they are the circuit or the output. A
# q.call whose results nobody reads is dropped: running a kernel has no other effect.
_EFFECTFUL = (Return, Alloc, Gate, Unitary)


def remove_dead_ops(fn: Function) -> Function:
    """`fn` without pure ops whose results are unused (transitively)."""
    live: set = set()
    kept: list[Op] = []
    for o in reversed(fn.body):
        if isinstance(o, _EFFECTFUL) or any(v in live for v in o.results):
            live.update(o.operands)
            kept.append(o)
    if len(kept) == len(fn.body):
        return fn
    return fn.replace(body=tuple(reversed(kept)))


@dataclass(frozen=True)
class DeadCodeElimination:
    """Drop unused constants, extracts, arithmetic, observables and measurements."""

    name: ClassVar[str] = "dce"

    def run(self, module: Module) -> Module:
        return map_functions(module, remove_dead_ops)
