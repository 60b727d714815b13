"""Passes and the pass manager: IR -> IR transformations run in sequence, verified after each.

A pass is a frozen dataclass with a kebab-case `name` and `run(module) -> module`; its
fields are its options. Passes are pure: they never mutate their input and return the
same object when nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from ..ir import Function, KettleError, Module, verify


def map_functions(module: Module, transform: Callable[[Function], Function]) -> Module:
    """`module` with `transform` applied to each function; `module` itself if none changed
    (passes are pure and return their input when nothing changed)."""
    functions = tuple(transform(fn) for fn in module.functions)
    if all(a is b for a, b in zip(functions, module.functions)):
        return module
    return Module(module.name, functions)


class Pass(Protocol):
    name: ClassVar[str]

    def run(self, module: Module) -> Module: ...


@dataclass
class PassManager:
    """Run `passes` in order, verifying after each; optionally print the IR after each."""

    passes: list[Pass]
    print_after_all: bool = False
    printer: Callable[[str], None] = field(default=print)

    def run(self, module: Module) -> Module:
        verify(module)
        for p in self.passes:
            module = p.run(module)
            try:
                verify(module)
            except KettleError as exc:
                raise KettleError(f"pass `{p.name}` produced invalid IR: {exc}") from exc
            if self.print_after_all:
                self.printer(f"// ----- IR after {p.name} -----\n{module}")
        return module
