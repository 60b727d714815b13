"""`fold-tensors`: read elements straight from where they were put.

    extract(from_elements(a, b, c), [1])  ->  b
    extract(insert(s, t, [i]), [i])       ->  s
    extract(insert(s, t, [i]), [j != i])  ->  extract(t, [j])

Gradient programs compute whole parameter vectors (one entry per slot) and then read a
few entries back; after folding, the entries nobody reads (and, for parameter-shift,
the shifted kernel calls behind them) are dead code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..ir import Function, Module, Value
from ..ir.tensors import Extract, FromElements, Insert
from .pass_manager import map_functions


def _flat(index: tuple[int, ...], shape: tuple[int, ...]) -> int:
    flat = 0
    for i, d in zip(index, shape):
        flat = flat * d + i
    return flat


def fold_function(fn: Function) -> Function:
    defined = {v: o for o in fn.body for v in o.results}
    renamed: dict[Value, Value] = {}
    body = []
    changed = False
    for o in fn.body:
        o = o.map_operands(renamed)
        if isinstance(o, Extract):
            source = o.source
            while isinstance(defined.get(source), Insert) and defined[source].index != o.index:
                source = defined[source].dest
            producer = defined.get(source)
            if isinstance(producer, FromElements):
                renamed[o.out] = producer.elements[_flat(o.index, source.type.shape)]
                changed = True
                continue
            if isinstance(producer, Insert):  # same index
                renamed[o.out] = producer.scalar
                changed = True
                continue
            if source is not o.source:
                o = o.replace(source=source)
                changed = True
        body.append(o)
    return fn.replace(body=tuple(body)) if changed else fn


@dataclass(frozen=True)
class FoldTensors:
    """Fold extracts of built or updated tensors (see the module docstring)."""

    name: ClassVar[str] = "fold-tensors"

    def run(self, module: Module) -> Module:
        return map_functions(module, fold_function)
