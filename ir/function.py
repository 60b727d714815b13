"""Functions and modules: the containers the printer, verifier and passes walk.

A *kernel* holds quantum code (allocation, gates, measurements) and takes its gate
parameters as arguments; a *func* (host function) holds classical code and calls
kernels with `q.call`. A module is a named list of functions; its entry point is the
function with the module's name.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from .attributes import AttrType, attr_type
from .op import Op, op, operands
from .types import ANY, Type
from .values import Value

KINDS = ("kernel", "func")
FUNCTION_ATTRS: dict[str, AttrType] = {"shots": attr_type(int, minimum=1)}
"""The attributes a function may carry and their types, checked by the verifier."""


@op("return")
class Return(Op):
    """End a function, yielding `values` as its results."""

    values: tuple[Value, ...] = operands(ANY)


@dataclass(frozen=True, eq=False)
class Function:
    """A straight-line SSA function ending in `return`."""

    kind: str
    name: str
    args: tuple[Value, ...]
    result_types: tuple[Type, ...]
    body: tuple[Op, ...]
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def is_kernel(self) -> bool:
        return self.kind == "kernel"

    @property
    def shots(self) -> int | None:
        """Shots per run for a kernel; None means exact (analytic) results."""
        return self.attrs.get("shots")

    def replace(self, **changes: Any) -> Function:
        return dataclasses.replace(self, **changes)

    def __str__(self) -> str:
        from .printer import print_function

        return print_function(self)


@dataclass(frozen=True, eq=False)
class Module:
    """A named set of functions; `entry` is the function called `name`."""

    name: str
    functions: tuple[Function, ...]

    def __getitem__(self, name: str) -> Function:
        for fn in self.functions:
            if fn.name == name:
                return fn
        raise KeyError(f"module @{self.name} has no function @{name}")

    def __contains__(self, name: str) -> bool:
        return any(fn.name == name for fn in self.functions)

    @property
    def entry(self) -> Function:
        return self[self.name]

    @property
    def kernels(self) -> tuple[Function, ...]:
        return tuple(fn for fn in self.functions if fn.is_kernel)

    def with_function(self, fn: Function) -> Module:
        """A module with `fn` replacing the function of the same name (or appended)."""
        if fn.name not in self:
            return dataclasses.replace(self, functions=(*self.functions, fn))
        return dataclasses.replace(
            self, functions=tuple(fn if f.name == fn.name else f for f in self.functions)
        )

    def __str__(self) -> str:
        from .printer import print_module

        return print_module(self)

    def to_networkx(self, function: str | None = None):
        """The def-use DAG of one function (default: the first kernel) as a networkx MultiDiGraph.

        Nodes are op indices with `op` and `label` data; each edge u->v carries one value
        (`value`) produced by u and used by v. For a kernel this is the circuit DAG.
        """
        from .graph import def_use_graph

        fn = self[function] if function else (self.kernels or self.functions)[0]
        return def_use_graph(fn)
