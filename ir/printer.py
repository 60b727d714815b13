"""The textual form of the IR: one generic syntax for every op, parsed back by `parser.py`.

    %r0, %r1 = dialect.op {attr = value, ...} (%a, %b), (%c) : type0, type1

Operands print as one parenthesised group per operand field; an op whose operands are
all single values prints them as one group. Attributes equal to their default are left
out. Value names come from the values' hints, made unique per function, or are numbered.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from typing import Any

import numpy as np

from .attributes import SymbolRef
from .function import Function, Module
from .gc_pause import gc_paused
from .op import Op, operand_layout_is_flat
from .values import Value

_NAME_OK = re.compile(r"[A-Za-z0-9_.]+")


def format_float(x: float) -> str:
    """Shortest text that reads back as the same float (`repr`), inf and nan included."""
    if math.isnan(x):
        return "nan"
    return repr(float(x))


def format_attr(value: Any) -> str:
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
        return "[" + ", ".join(format_attr(v) for v in value) + "]"
    raise TypeError(f"cannot print attribute value {value!r} of type {type(value).__name__}")


def format_attr_dict(attrs: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k} = {format_attr(v)}" for k, v in attrs.items()) + "}"


class Namer:
    """Unique, stable `%names` for the values of one function."""

    def __init__(self) -> None:
        self.names: dict[Value, str] = {}
        self.taken: set[str] = set()
        self.counter = 0
        self._suffix: dict[str, int] = {}
        """Per hint, the last suffix tried: names are never freed, so the search resumes there
        (starting from 0 each time is quadratic in the number of values sharing a hint)."""

    def define(self, v: Value) -> str:
        hint = v.name if v.name and _NAME_OK.fullmatch(v.name) else None
        if hint is None:
            while str(self.counter) in self.taken:
                self.counter += 1
            name = str(self.counter)
        else:
            k = self._suffix.get(hint, 0)
            name = f"{hint}_{k}" if k else hint
            while name in self.taken:
                k += 1
                name = f"{hint}_{k}"
            self._suffix[hint] = k
        self.taken.add(name)
        self.names[v] = name
        return "%" + name

    def __getitem__(self, v: Value) -> str:
        name = self.names.get(v)
        return "%" + name if name is not None else f"%<undefined {v!r}>"


def print_op(o: Op, namer: Namer) -> str:
    operand_text = [namer[v] for g in o.operand_groups() for v in g]  # uses before defs
    parts = []
    results = o.results
    if results:
        parts.append(", ".join(namer.define(v) for v in results) + " =")
    parts.append(o.name)
    attrs = {s.name: getattr(o, s.name) for s in o.ATTRS if not _is_default(o, s)}
    if attrs:
        parts.append(format_attr_dict(attrs))
    if o.OPERANDS:
        if operand_layout_is_flat(type(o)):
            parts.append("(" + ", ".join(operand_text) + ")")
        else:
            groups, i = [], 0
            for g in o.operand_groups():
                groups.append("(" + ", ".join(operand_text[i:i + len(g)]) + ")")
                i += len(g)
            parts.append(", ".join(groups))
    text = " ".join(parts)
    if results:
        text += " : " + ", ".join(str(v.type) for v in results)
    return text


def _is_default(o: Op, spec) -> bool:
    value = getattr(o, spec.name)
    return (spec.default is not dataclasses.MISSING and type(value) is type(spec.default)
            and value == spec.default)


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
