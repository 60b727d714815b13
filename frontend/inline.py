"""Inline a traced module into the trace of an enclosing function.

A derivative called with traced arguments (`kt.grad(f)(w)` inside a cost function that
is itself differentiated) is traced on its own, then its entry function's ops are
copied into the enclosing trace with the caller's values as arguments, and its kernels
join the enclosing module under fresh names (or share an equal kernel already there).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..ir import Module, Op, SymbolRef, Value
from ..ir.function import Return
from ..ir.op import operand_layout_is_flat
from .tracing import Executor, HostTrace


def inline_module(trace: HostTrace, module: Module, args: list[Value],
                  executors: Mapping[str, Executor]) -> list[Value]:
    """Copy `module.entry` into `trace` applied to `args` (its kernels keep their
    `executors`); returns its result values."""
    renamed_kernels = {}
    for kernel in module.kernels:
        name = trace.unique_name(kernel.name, suffix="")
        shared = trace.add_kernel(kernel.replace(name=name), executors[kernel.name])
        renamed_kernels[kernel.name] = shared.name
    values: dict[Value, Value] = dict(zip(module.entry.args, args))
    for o in module.entry.body:
        if isinstance(o, Return):
            return [values.get(v, v) for v in o.values]
        trace.emit(_clone(o, values, renamed_kernels))
    raise AssertionError("function without return")


def _clone(o: Op, values: dict[Value, Value], kernels: dict[str, str]) -> Op:
    """A copy of `o` reading renamed operands and defining fresh results (recorded in `values`)."""
    attrs = o.attributes()
    for key, value in attrs.items():
        if isinstance(value, SymbolRef) and value.name in kernels:
            attrs[key] = SymbolRef(kernels[value.name])
    groups = [tuple(values.get(v, v) for v in group) for group in o.operand_groups()]
    if operand_layout_is_flat(type(o)):  # from_groups takes single operands as one group, as printed
        groups = [tuple(v for group in groups for v in group)]
    results = []
    for v in o.results:
        values[v] = Value(v.type, v.name)
        results.append(values[v])
    return type(o).from_groups(attrs, groups, results)
