"""The textual form of the IR: one generic syntax for every op, parsed back by `parser.py`.

    %r0, %r1 = dialect.op {attr = value, ...} (%a, %b), (%c) : type0, type1

Operands print as one parenthesised group per operand field; an op whose operands are
all single values prints them as one group. Attributes equal to their default are left
out. Value names come from the values' hints, made unique per function, or are numbered.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from .attributes import SymbolRef
from .function import Function, Module
from .gc_pause import gc_paused
from .op import Op, operand_layout_is_flat
from .values import Value

_NAME_OK = re.compile(r"[A-Za-z0-9_.]+")
_MISSING = dataclasses.MISSING


def format_float(x: float) -> str:
    """Shortest text that reads back as the same float (`repr`), inf and nan included."""
    if math.isnan(x):
        return "nan"
    return repr(float(x))


def format_attr(value: Any) -> str:
    fast = _FAST_FORMAT.get(type(value))  # the printer formats an attribute of nearly every op
    if fast is not None:
        return fast(value)
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return format_float(value)
    if isinstance(value, (complex, np.complexfloating)):
        im = format_float(value.imag)
        sign = "" if im.startswith("-") else "+"
        return f"{format_float(value.real)}{sign}{im}j"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, SymbolRef):
        return str(value)
    if isinstance(value, np.ndarray):
        return format_attr(value.tolist())
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(map(format_attr, value)) + "]"
    raise TypeError(f"cannot print attribute value {value!r} of type {type(value).__name__}")


_FAST_FORMAT: dict[type, Callable[[Any], str]] = {
    bool: lambda v: "true" if v else "false",
    int: int.__repr__,
    float: format_float,
    str: functools.lru_cache(maxsize=1024)(json.dumps),  # gate names, methods: a few strings
    SymbolRef: SymbolRef.__str__,
    tuple: lambda v: "[" + ", ".join(map(format_attr, v)) + "]",
}


def format_attr_dict(attrs: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k} = {format_attr(v)}" for k, v in attrs.items()) + "}"


class Namer:
    """Unique, stable `%names` for the values of one function."""

    def __init__(self) -> None:
        self.names: dict[Value, str] = {}
        """Each defined value's `%name`, as printed."""
        self.taken: set[str] = set()
        self.counter = 0
        self._suffix: dict[str, int] = {}
        """Per valid hint, the last suffix tried: names are never freed, so the search resumes
        there (starting from 0 each time is quadratic in the number of values sharing a hint)."""

    def define(self, v: Value) -> str:
        hint = v.name
        k = self._suffix.get(hint)  # None for no hint, an invalid one, or one not seen yet
        if k is None:
            if not (hint and _NAME_OK.fullmatch(hint)):
                while str(self.counter) in self.taken:
                    self.counter += 1
                return self._take(v, str(self.counter))
            k = 0
        name = f"{hint}_{k}" if k else hint
        taken = self.taken
        while name in taken:
            k += 1
            name = f"{hint}_{k}"
        self._suffix[hint] = k
        taken.add(name)
        text = self.names[v] = "%" + name
        return text

    def _take(self, v: Value, name: str) -> str:
        self.taken.add(name)
        text = self.names[v] = "%" + name
        return text

    def __getitem__(self, v: Value) -> str:
        text = self.names.get(v)
        return text if text is not None else f"%<undefined {v!r}>"


@functools.cache
def _layout(cls: type[Op]) -> tuple:
    """How ops of `cls` print, worked out once per class: (operand fields as (name, variadic),
    whether they print as one group, attributes as (name, default or MISSING))."""
    operands = tuple((s.name, s.variadic) for s in cls.OPERANDS)
    return operands, operand_layout_is_flat(cls), tuple((s.name, s.default) for s in cls.ATTRS)


def print_op(o: Op, namer: Namer) -> str:
    """One op's line (without indent); defines its results in `namer`."""
    operands, flat, attr_specs = _layout(type(o))
    groups = []  # operand names, looked up before the results are defined (uses before defs)
    name_of = namer.names.get
    for field, variadic in operands:
        value = getattr(o, field)
        if variadic:
            groups.append(", ".join([name_of(v) or namer[v] for v in value]))
        else:
            groups.append(name_of(value) or namer[value])
    results = o.results
    text = ", ".join([namer.define(v) for v in results]) + " = " + o.name if results else o.name
    attrs = []
    for field, default in attr_specs:
        value = getattr(o, field)  # left out when equal to its default
        if not (default is not _MISSING and type(value) is type(default) and value == default):
            attrs.append(f"{field} = {format_attr(value)}")
    if attrs:
        text += " {" + ", ".join(attrs) + "}"
    if operands:
        text += " (" + ", ".join(groups) + ")" if flat else " (" + "), (".join(groups) + ")"
    if results:
        text += " : " + ", ".join([str(v.type) for v in results])
    return text



def print_function(fn: Function, indent: str = "") -> str:
    namer = Namer()
    args = ", ".join(f"{namer.define(a)}: {a.type}" for a in fn.args)
    results = ", ".join(str(t) for t in fn.result_types)
    head = f"{indent}{fn.kind} @{fn.name}({args}) -> ({results})"
    if fn.attrs:
        head += " attributes " + format_attr_dict(fn.attrs)
    lines = [head + " {"]
    lines += [f"{indent}  {print_op(o, namer)}" for o in fn.body]
    lines.append(indent + "}")
    return "\n".join(lines)


def print_op_in(fn: Function, target: Op) -> str:
    """`target` as the printer writes it, with the value names it has in `fn` (for error
    messages: names are only made when an error needs them, since naming every value
    costs more than lowering it)."""
    namer = Namer()
    for a in fn.args:
        namer.define(a)
    for o in fn.body:
        if o is target:
            return print_op(o, namer)
        for r in o.results:
            namer.define(r)
    return target.name


def print_module(module: Module) -> str:
    with gc_paused():  # the printer's names and lines of a 1e5-gate module: see gc_pause
        body = "\n".join(print_function(fn, "  ") for fn in module.functions)
    return f"module @{module.name} {{\n{body}\n}}\n"
