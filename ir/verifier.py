"""The verifier: every invariant of a module, reported with the function, op index and op text.

Checks: operand, result and attribute types against each op's declared fields, and the
function attributes (`shots`) against FUNCTION_ATTRS; SSA dominance
(defined once, before use); qubit linearity (a qubit value is consumed by at most one
gate, and values read by observables and measurements are never consumed); kernels hold
only quantum, constant, extract and scalar arithmetic ops and host functions no quantum
ops but `q.call`;
calls match their callee's signature; each op's own `verify()`; constant matrices of
`q.unitary` and `q.hermitian` are unitary / Hermitian (`unitary_problem`,
`hermitian_problem` in quantum.py); a kernel returns only measurement results.
"""

from __future__ import annotations

import functools
import weakref
from dataclasses import dataclass

from . import registry  # noqa: F401  (registers every op)
from .arith import BinaryOp, Constant, UnaryOp
from .attributes import AttrType
from .errors import VerifyError
from .function import FUNCTION_ATTRS, Function, Module, Return
from .op import Op
from .printer import Namer, format_attr, print_op
from .quantum import (
    MEASUREMENTS,
    QUBIT_READERS,
    VJP,
    Alloc,
    Bits,
    Call,
    Gate,
    Hermitian,
    Sample,
    Unitary,
    hermitian_problem,
    unitary_problem,
)
from .tensors import Extract
from .types import ANY, Constraint, Type, matches
from .values import Value, display_name

KERNEL_ONLY = ("q.",)
KERNEL_ALLOWED_HOST_OPS = (Constant, Extract, Return, BinaryOp, UnaryOp)
"""Scalar `arith.*`/`math.*` ops may compute gate angles in a kernel (decomposition passes
emit `p / 2`, `p + q`); every backend runs them."""


def verify(module: Module) -> Module:
    """Check `module`; return it unchanged so calls can be chained.

    Raises:
        VerifyError: the first broken invariant, naming the function, op index and op; or
            `module` is not a Module.
    """
    if not isinstance(module, Module) or not isinstance(module.functions, (tuple, list)):
        fix = "; parse text first: verify(parse_module(text))" if isinstance(module, str) else ""
        raise VerifyError(f"verify takes a Module (with a tuple of functions), got "
                          f"{type(module).__name__}{fix}")
    names = [fn.name for fn in module.functions]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise VerifyError(f"module @{module.name}: function @{sorted(dupes)[0]} is defined twice")
    if module.name not in names:
        raise VerifyError(f"module @{module.name} has no entry function @{module.name}")
    for fn in module.functions:
        if fn in _VERIFIED_KERNELS:
            continue
        verify_function(fn, module)
        if fn.is_kernel:
            _VERIFIED_KERNELS.add(fn)
    return module


_VERIFIED_KERNELS: weakref.WeakSet[Function] = weakref.WeakSet()
"""Kernels already verified: a kernel's checks do not depend on the module around it and
functions are immutable, so the trace, the pass manager and the runtime, which all verify
the same kernel, check it once (verifying costs about as much as tracing)."""


def verify_function(fn: Function, module: Module | None = None) -> None:
    """Check one function (calls are checked against `module` when given)."""
    if not fn.body:  # the per-op check below never runs on an empty body
        raise VerifyError(f"@{fn.name}: a function ends with `return`, but its body is empty")
    for name in fn.attrs:
        if name not in FUNCTION_ATTRS:
            raise VerifyError(f"@{fn.name}: unknown function attribute {name!r}; a function's "
                              f"attributes are: {', '.join(FUNCTION_ATTRS)}")
    for name, kind in FUNCTION_ATTRS.items():
        if name in fn.attrs and not kind.check(fn.attrs[name]):
            raise VerifyError(f"@{fn.name}: attribute {name!r} expects {kind}, "
                              f"got {_attr_text(fn.attrs[name])}")
    scope = _Scope(fn, module)
    defined, consumed, read = scope.defined, scope.consumed, scope.read
    if len(defined) != len(fn.args):
        raise VerifyError(f"@{fn.name}: an argument appears twice")
    last, kernel = len(fn.body) - 1, fn.is_kernel
    for index, o in enumerate(fn.body):
        plan = _plan(type(o))
        if plan.is_return != (index == last):
            scope.fail(index, "a function ends with exactly one `return`, as its last op")
        if not (plan.in_kernel if kernel else plan.in_host):
            scope.fail(index, f"`{o.name}` is not allowed in a {fn.kind}")
        problem = _type_problem(o, plan)
        if problem is not None:
            scope.fail(index, problem)
        for v in o.operands:
            if v not in defined:
                scope.fail(index, f"uses {display_name(v)} before it is defined")
        if plan.consumes:
            for q in o.qubits:
                if q in consumed:
                    scope.fail(index, f"qubit {display_name(q)} is consumed twice (qubits are linear)")
                if q in read:
                    scope.fail(index, f"qubit {display_name(q)} is consumed after a measurement read it")
                consumed.add(q)
        if plan.reads:
            for q in o.qubits:
                if q in consumed:
                    scope.fail(index, f"qubit {display_name(q)} was already consumed by a gate")
                read[q] = index
        if plan.rare:
            scope.rare_checks(o, index)
        if plan.own_verify:
            try:
                o.verify()
            except VerifyError as exc:
                scope.fail(index, str(exc))
        for v in o.results:
            if v in defined:
                scope.fail(index, f"redefines {display_name(v)}")
            defined.add(v)


@dataclass(frozen=True)
class _Plan:
    """What the verifier checks on the ops of one class, worked out once per class (the
    checks run for every op of every traced, parsed and rewritten function)."""

    is_return: bool
    in_kernel: bool
    in_host: bool
    attrs: tuple[tuple[str, AttrType], ...]
    typed: tuple[tuple[str, str, bool, Type | Constraint], ...]
    """(role, field, variadic, rule) of the operand and result fields whose rule can fail."""
    consumes: bool
    reads: bool
    rare: bool
    """Whether one of the checks in `_Scope.rare_checks` applies."""
    own_verify: bool


@functools.cache
def _plan(cls: type[Op]) -> _Plan:
    quantum = cls.name.startswith(KERNEL_ONLY) and not issubclass(cls, (Call, VJP))
    typed = tuple((role, spec.name, spec.variadic, spec.constraint)
                  for role, specs in (("operand", cls.OPERANDS), ("result", cls.RESULTS))
                  for spec in specs if spec.constraint is not ANY)
    rare = (Constant, *MEASUREMENTS, Unitary, Hermitian, Alloc, Call, VJP, Return)
    return _Plan(is_return=issubclass(cls, Return),
                 in_kernel=quantum or issubclass(cls, KERNEL_ALLOWED_HOST_OPS), in_host=not quantum,
                 attrs=tuple((spec.name, spec.constraint) for spec in cls.ATTRS), typed=typed,
                 consumes=issubclass(cls, (Gate, Unitary)), reads=issubclass(cls, QUBIT_READERS),
                 rare=issubclass(cls, rare), own_verify=cls.verify is not Op.verify)


def _type_problem(o: Op, plan: _Plan) -> str | None:
    """What is wrong with the types of `o`'s attributes, operands and results, if anything."""
    for name, kind in plan.attrs:
        value = getattr(o, name)
        if not kind.check(value):
            return f"attribute {name!r} expects {kind}, got {_attr_text(value)}"
    for role, name, variadic, rule in plan.typed:
        value = getattr(o, name)
        # One check per run of one type object: a Jacobian's tensor.from_elements has 1e4-1e6
        # operands of one type, and the pass manager verifies it after every pass.
        checked = rule
        for v in value if variadic else (value,):
            t = v.type
            if t is not checked:
                if not matches(rule, t):
                    return f"{role} {name!r} must be {rule}, got {t}"
                checked = t
    return None


class _Scope:
    """What the verifier knows at one point of a function, and how it reports a failure."""

    def __init__(self, fn: Function, module: Module | None):
        self.fn, self.module = fn, module
        self.defined: set[Value] = set(fn.args)
        self.consumed: set[Value] = set()
        self.read: dict[Value, int] = {}
        self.constants: dict[Value, object] = {}  # for the matrix checks
        self.measured: set[Value] = set()  # what a kernel may return
        self.allocated = 0

    def rare_checks(self, o: Op, index: int) -> None:
        """The checks of constants, measurements, matrices, allocation, sampling, calls and return."""
        fn = self.fn
        if isinstance(o, Constant):
            self.constants[o.out] = o.value
        elif isinstance(o, MEASUREMENTS):
            self.measured.add(o.out)
        if isinstance(o, (Unitary, Hermitian)) and o.matrix in self.constants:
            problem = (unitary_problem if isinstance(o, Unitary) else hermitian_problem)(
                self.constants[o.matrix], len(o.qubits))
            if problem is not None:
                self.fail(index, problem)
        if isinstance(o, Alloc):
            self.allocated += 1
            if self.allocated != 1:
                self.fail(index, "a kernel allocates its qubits once")
        if isinstance(o, (Sample, Bits)):
            if fn.shots is None or o.out.type.shape[0] != fn.shots:
                self.fail(index, f"sampling needs the kernel's `shots` attribute to match the "
                                 f"result ({o.out.type}); shots = {fn.shots}")
        if isinstance(o, Call) and self.module is not None:
            _check_call(o, self.module, self.where(index))
        if isinstance(o, VJP) and self.module is not None:
            _check_vjp(o, self.module, self.where(index))
        if isinstance(o, Return) and fn.is_kernel:
            for v in o.values:
                if v not in self.measured:
                    self.fail(index, f"a kernel returns measurement results only, and "
                                     f"{display_name(v)} is not one; return it from the host "
                                     f"function that calls the kernel")
        if isinstance(o, Return):
            got = tuple(v.type for v in o.values)
            if got != fn.result_types:
                self.fail(index, f"returns ({', '.join(map(str, got))}) but the signature says "
                                 f"({', '.join(map(str, fn.result_types))})")

    def where(self, index: int) -> _Where:
        return _Where(self.fn, index, self.fn.body[index])

    def fail(self, index: int, message: str) -> None:
        self.where(index).fail(message)


def _kernel_callee(o: Call | VJP, module: Module, where: _Where, verb: str) -> Function:
    """The kernel `o` targets, checked to exist, to be a kernel and to take `o`'s arguments."""
    if o.callee.name not in module:
        where.fail(f"{verb} unknown function @{o.callee.name}")
    callee = module[o.callee.name]
    if not callee.is_kernel:
        where.fail(f"{o.name} targets kernels; @{callee.name} is a {callee.kind}")
    if tuple(a.type for a in o.args) != tuple(a.type for a in callee.args):
        where.fail(f"argument types do not match @{callee.name}'s signature")
    return callee


def _check_call(o: Call, module: Module, where: _Where) -> None:
    callee = _kernel_callee(o, module, where, "calls")
    if tuple(v.type for v in o.out) != callee.result_types:
        where.fail(f"result types do not match @{callee.name}'s signature")


def _check_vjp(o: VJP, module: Module, where: _Where) -> None:
    callee = _kernel_callee(o, module, where, "differentiates")
    for i, cotangent in zip(o.outputs, o.cotangents):
        if not (0 <= i < len(callee.result_types)):
            where.fail(f"@{callee.name} has no result #{i}")
        if cotangent.type != callee.result_types[i]:
            where.fail(f"the cotangent of result #{i} must be {callee.result_types[i]}, got {cotangent.type}")
        if not (str(cotangent.type).endswith("f64>") or str(cotangent.type) == "f64"):
            where.fail(f"result #{i} of @{callee.name} ({cotangent.type}) is not differentiable")


def _attr_text(value: object) -> str:
    """`value` as IR text where it has one (`"m"`, `[1]`, `true`), else its repr."""
    try:
        return format_attr(value)
    except TypeError:
        return repr(value)


class _Where:
    """Formats failures as `@fn, op #i (`text`): message`."""

    def __init__(self, fn: Function, index: int, o: Op):
        self.fn, self.index, self.op = fn, index, o

    def fail(self, message: str) -> None:
        namer = Namer()
        for a in self.fn.args:
            namer.define(a)
        for o in self.fn.body[: self.index]:
            for v in o.results:
                namer.define(v)
        text = print_op(self.op, namer)
        raise VerifyError(f"@{self.fn.name}, op #{self.index} (`{text}`): {message}")


