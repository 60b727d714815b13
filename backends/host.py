"""Host functions -> Python: classical IR compiled to Python source and exec'd once.

A training loop calls the host function on every step, so it must cost microseconds:
scalars are Python floats (math-module calls, not NumPy scalar ufuncs), tensor
arguments are flattened once, and a parameter vector that only gathers elements of one
tensor becomes a single fancy-index (or no copy at all). Ops that can fail in `math`
(log of 0, division by zero, overflow) fall back to NumPy so results match the reference
interpreter (inf/nan, never an exception). The generated source is kept on the result
as `__source__` for inspection.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ..ir import (
    VJP,
    BackendError,
    Call,
    Constant,
    FromElements,
    Function,
    Insert,
    Return,
    TensorType,
    Value,
)
from ..ir.arith import BINARY_FUNCTIONS, UNARY_FUNCTIONS, BinaryOp, UnaryOp
from ..ir.printer import Namer, print_op
from ..ir.tensors import Extract


def _fallback(fast: Callable[..., float], exact: Callable[..., Any]) -> Callable[..., float]:
    def safe(*xs: float) -> float:
        try:
            return fast(*xs)
        except (ValueError, OverflowError, ZeroDivisionError):
            with np.errstate(all="ignore"):
                return float(exact(*xs))

    return safe


_INLINE = {"arith.addf": "{0} + {1}", "arith.subf": "{0} - {1}", "arith.mulf": "{0} * {1}",
           "arith.negf": "-{0}", "math.absf": "abs({0})", "math.tanh": "_tanh({0})",
           "math.atan": "_atan({0})", "math.sign": "_sign({0})"}
_MATH = {"arith.divf": lambda a, b: a / b, "arith.powf": math.pow, "math.sin": math.sin,
         "math.cos": math.cos, "math.tan": math.tan, "math.exp": math.exp, "math.log": math.log,
         "math.sqrt": math.sqrt, "math.acos": math.acos, "math.asin": math.asin}
_SAFE = {name: _fallback(fn, {**BINARY_FUNCTIONS, **UNARY_FUNCTIONS}[name]) for name, fn in _MATH.items()}


class _Emitter:
    """Source lines plus the namespace the generated function closes over."""

    def __init__(self, fn: Function, callees: Mapping[str, Any], rngs: Mapping[str, Any]):
        self.fn = fn
        self.lines: list[str] = []
        self.namespace: dict[str, Any] = {"np": np, "_tanh": math.tanh, "_sign": _sign,
                                          "_atan": math.atan, "_inf": math.inf, "_nan": math.nan}
        self.namespace.update({f"_op_{k.replace('.', '_')}": f for k, f in _SAFE.items()})
        self.callees, self.rngs = callees, rngs
        self._kernel_names: dict[str, tuple[str, str]] = {}
        self.names: dict[Value, str] = {}
        self.scalar_uses: set[Value] = set()
        self.gathered: set[Value] = set()
        self.inline: set[Value] = set()
        self.exprs: dict[Value, str] = {}
        self.views: set[Value] = {a for a in fn.args if isinstance(a.type, TensorType)}
        """Tensors whose arrays may share memory with an argument or a constant."""

    def name(self, v: Value) -> str:
        if v not in self.names:
            self.names[v] = f"v{len(self.names)}"
        return self.names[v]

    def define(self, v: Value, expr: str, inline: bool = False) -> None:
        """`v = expr` as a line, or kept as `v`'s expression if `v` is inlined (see _inlined)."""
        if v in self.inline:
            self.exprs[v] = f"({expr})" if inline else expr
        else:
            self.lines.append(f"{self.name(v)} = {expr}")

    def ref(self, v: Value) -> str:
        """How an operand reads `v`: its name, or its expression if it is inlined."""
        expr = self.exprs.pop(v, None)
        return self.name(v) if expr is None else expr

    def kernel(self, name: str) -> tuple[str, str]:
        """The generated code's names for kernel `name` and for the generator it samples with."""
        if name not in self._kernel_names:
            self._kernel_names[name] = (self.constant(self.callees[name], "kernel"),
                                        self.constant(self.rngs.get(name), "rng"))
        return self._kernel_names[name]

    def constant(self, obj: Any, hint: str) -> str:
        key = f"_{hint}{len(self.namespace)}"
        self.namespace[key] = obj
        return key

    def define_tensor(self, v: Value) -> None:
        """After a tensor is defined: its flat view, and a list if scalars are read from it."""
        n = self.name(v)
        if v in self.scalar_uses or v in self.gathered:
            self.lines.append(f"{n}_f = {n}.reshape(-1)")
        if v in self.scalar_uses:
            self.lines.append(f"{n}_l = {n}_f.tolist()")


def _flat_index(index: tuple[int, ...], shape: tuple[int, ...]) -> int:
    return int(np.ravel_multi_index(index, shape))


def compile_host(fn: Function, callees: Mapping[str, Any], rngs: Mapping[str, Any] | None = None,
                 result_counts: Mapping[str, int] | None = None) -> Callable[..., tuple]:
    """A Python function computing `fn`; `callees[name].run(params, rngs[name])` runs each
    kernel and `callees[name].vjp(params, cotangents, rngs[name])` its adjoint VJP
    (`result_counts[name]` cotangent slots, None for results without one). A kernel
    missing from `rngs` gets None (exact).

    Raises:
        BackendError: an op this backend has no rule for.
    """
    e = _Emitter(fn, callees, rngs or {})
    e.result_counts = dict(result_counts or {})
    extracts: dict[Value, Extract] = {o.out: o for o in fn.body if isinstance(o, Extract)}
    gathers = {o: _gather_plan(o, extracts) for o in fn.body if isinstance(o, FromElements)}
    e.scalar_uses = _scalar_sources(fn, extracts, gathers)
    e.gathered = {t for plan in gathers.values() if plan is not None for t in plan[0]}
    e.inline = _inlined(fn, extracts)
    for a in fn.args:
        if isinstance(a.type, TensorType):
            e.define_tensor(a)
    for o in fn.body:
        _emit(e, o, extracts, gathers)
    args = ", ".join(e.name(a) for a in fn.args)
    # An IR symbol may hold dots (`@a.b`) or shadow a namespace entry (`@np`); a prefixed name cannot.
    py_name = "host_" + re.sub(r"\W", "_", fn.name)
    source = f"def {py_name}({args}):\n" + "".join(f"    {line}\n" for line in e.lines)
    exec(compile(source, f"<kettle host @{fn.name}>", "exec"), e.namespace)
    compiled = e.namespace[py_name]
    compiled.__source__ = source
    return compiled


MAX_INLINE_DEPTH = 16
"""Expressions nest at most this deep (Python's parser refuses ~200 nested parentheses)."""


def _inlined(fn: Function, extracts: dict[Value, Extract]) -> set[Value]:
    """Scalars written into the expression of their one user instead of a line of their own:
    element reads and inline arithmetic used once, by inline arithmetic. Both are pure, so
    moving them changes no result; and Python compiles a function at ~15 us a line, most of
    a 1e5-gate host function's compile (`2 * w[i] + 0.1` per gate: three lines become one)."""
    uses: dict[Value, int] = {}
    for o in fn.body:
        for v in o.operands:
            uses[v] = uses.get(v, 0) + 1
    depth: dict[Value, int] = {v: 0 for v in extracts}  # candidates, by nesting depth
    inlined: set[Value] = set()
    for o in fn.body:
        if not (isinstance(o, (BinaryOp, UnaryOp)) and o.name in _INLINE):
            continue
        deepest = 0
        for v in o.operands:
            if uses[v] == 1 and depth.get(v, MAX_INLINE_DEPTH) < MAX_INLINE_DEPTH:
                inlined.add(v)
                deepest = max(deepest, depth[v] + 1)
        depth[o.results[0]] = deepest
    return inlined


def _gather_plan(o: FromElements, extracts: dict[Value, Extract]) -> tuple[list[Value], np.ndarray] | None:
    """(source tensors, indices into their concatenated flat views) if every element is extracted."""
    sources = [extracts.get(v) for v in o.elements]
    if not sources or any(s is None for s in sources):
        return None
    tensors: list[Value] = []
    for s in sources:
        if s.source not in tensors:
            tensors.append(s.source)
    offsets = dict(zip(tensors, np.cumsum([0] + [t.type.size for t in tensors])))
    index = [offsets[s.source] + _flat_index(s.index, s.source.type.shape) for s in sources]
    return tensors, np.array(index, dtype=np.intp)


def _scalar_sources(fn: Function, extracts: dict[Value, Extract], gathers: dict) -> set[Value]:
    """Tensors whose elements are read as Python scalars (not only gathered)."""
    used: set[Value] = set()
    for o in fn.body:
        if isinstance(o, FromElements) and gathers[o] is not None:
            continue
        for v in o.operands:
            if v in extracts:
                used.add(extracts[v].source)
    return used


def _emit(e: _Emitter, o: Any, extracts: dict[Value, Extract], gathers: dict) -> None:
    if isinstance(o, Extract):
        if o.source in e.scalar_uses:
            e.define(o.out, f"{e.name(o.source)}_l[{_flat_index(o.index, o.source.type.shape)}]")
        return  # only gathered: no scalar needed
    if isinstance(o, Constant):
        value = o.value
        text = (_float_literal(value) if isinstance(value, float)
                else e.constant(value, "c"))
        e.lines.append(f"{e.name(o.out)} = {text}")
        if isinstance(o.out.type, TensorType):
            e.views.add(o.out)
            e.define_tensor(o.out)
    elif isinstance(o, (BinaryOp, UnaryOp)):
        operands = [e.ref(v) for v in o.operands]
        template = _INLINE.get(o.name)
        if template is None:
            e.define(o.results[0], f"_op_{o.name.replace('.', '_')}({', '.join(operands)})")
        else:
            e.define(o.results[0], template.format(*operands), inline=True)
    elif isinstance(o, FromElements):
        _emit_from_elements(e, o, gathers[o])
    elif isinstance(o, Call):
        callee, rng = e.kernel(o.callee.name)
        arg = e.name(o.args[0]) if o.args else "None"
        outs = "".join(f"{e.name(v)}, " for v in o.out)
        e.lines.append(f"{outs} = {callee}.run({arg}, {rng})" if outs else f"{callee}.run({arg}, {rng})")
        for v in o.out:
            if isinstance(v.type, TensorType):
                e.define_tensor(v)
    elif isinstance(o, Insert):
        out, flat = e.name(o.out), _flat_index(o.index, o.dest.type.shape)
        e.lines.append(f"{out} = {e.name(o.dest)}.copy()")
        e.lines.append(f"{out}.flat[{flat}] = {e.name(o.scalar)}")
        e.define_tensor(o.out)
    elif isinstance(o, VJP):
        callee, rng = e.kernel(o.callee.name)
        slots = ["None"] * e.result_counts[o.callee.name]
        for i, c in zip(o.outputs, o.cotangents):
            slots[i] = e.name(c)
        e.lines.append(f"{e.name(o.out)} = {callee}.vjp({e.name(o.args[0])}, ({', '.join(slots)},), {rng})")
        e.define_tensor(o.out)
    elif isinstance(o, Return):
        # A tensor that shares memory with an argument or a constant would let the caller
        # write into their input (or get a read-only array), and one returned twice would
        # tie two results together: hand back copies.
        outs = [f"{e.name(v)}.copy()" if isinstance(v.type, TensorType)
                and (v in e.views or o.values.index(v) < i) else e.name(v) for i, v in enumerate(o.values)]
        e.lines.append(f"return ({''.join(f'{x}, ' for x in outs)})")
    else:
        raise BackendError(f"host backend: no rule for `{print_op(o, Namer())}`")


def _emit_from_elements(e: _Emitter, o: FromElements, plan) -> None:
    out, shape = e.name(o.out), o.out.type.shape
    if plan is not None:
        tensors, idx = plan
        flat = [f"{e.name(t)}_f" for t in tensors]
        source = flat[0] if len(flat) == 1 else f"np.concatenate(({', '.join(flat)},))"
        whole = len(idx) == sum(t.type.size for t in tensors) and (idx == np.arange(len(idx))).all()
        expr = source if whole else f"{source}[{e.constant(idx, 'idx')}]"
        if whole and len(tensors) == 1 and tensors[0] in e.views:
            e.views.add(o.out)  # a reshaped view of the same memory
    else:
        expr = f"np.array([{', '.join(e.name(v) for v in o.elements)}])"
    reshape = f".reshape({shape})" if len(shape) > 1 else ""
    e.lines.append(f"{out} = {expr}{reshape}")
    e.define_tensor(o.out)


def _sign(x: float) -> float:
    return x if x != x else float((x > 0) - (x < 0))  # nan stays nan, like np.sign


def _float_literal(x: float) -> str:
    if math.isnan(x):
        return "_nan"
    if math.isinf(x):
        return "_inf" if x > 0 else "-_inf"
    return repr(x)
