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

import weakref

from . import registry  # noqa: F401  (registers every op)
from .arith import BinaryOp, Constant, UnaryOp
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
from .types import matches
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
    defined: set[Value] = set(fn.args)
    if len(defined) != len(fn.args):
        raise VerifyError(f"@{fn.name}: an argument appears twice")
    consumed: set[Value] = set()
    read: dict[Value, int] = {}
    constants: dict[Value, object] = {}  # for the matrix checks
    measured: set[Value] = set()  # what a kernel may return
    allocated = 0
    for index, o in enumerate(fn.body):
        where = _Where(fn, index, o)
        if isinstance(o, Return) != (index == len(fn.body) - 1):
            where.fail("a function ends with exactly one `return`, as its last op")
        if not _allowed_in(fn, o):
            where.fail(f"`{o.name}` is not allowed in a {fn.kind}")
        _check_types(o, where)
        for v in o.operands:
            if v not in defined:
                where.fail(f"uses {display_name(v)} before it is defined")
        if isinstance(o, (Gate, Unitary)):
            for q in o.qubits:
                if q in consumed:
                    where.fail(f"qubit {display_name(q)} is consumed twice (qubits are linear)")
                if q in read:
                    where.fail(f"qubit {display_name(q)} is consumed after a measurement read it")
                consumed.add(q)
        if isinstance(o, QUBIT_READERS):
            for q in o.qubits:
                if q in consumed:
                    where.fail(f"qubit {display_name(q)} was already consumed by a gate")
                read[q] = index
        if isinstance(o, Constant):
            constants[o.out] = o.value
        elif isinstance(o, MEASUREMENTS):
            measured.add(o.out)
        if isinstance(o, (Unitary, Hermitian)) and o.matrix in constants:
            _check_matrix(o, constants[o.matrix], where)
        if isinstance(o, Alloc):
            allocated += 1
            if allocated != 1:
                where.fail("a kernel allocates its qubits once")
        if isinstance(o, (Sample, Bits)):
            if fn.shots is None or o.out.type.shape[0] != fn.shots:
                where.fail(f"sampling needs the kernel's `shots` attribute to match the result "
                           f"({o.out.type}); shots = {fn.shots}")
        if isinstance(o, Call) and module is not None:
            _check_call(o, module, where)
        if isinstance(o, VJP) and module is not None:
            _check_vjp(o, module, where)
        if isinstance(o, Return) and fn.is_kernel:
            for v in o.values:
                if v not in measured:
                    where.fail(f"a kernel returns measurement results only, and {display_name(v)} "
                               f"is not one; return it from the host function that calls the kernel")
        if isinstance(o, Return):
            got = tuple(v.type for v in o.values)
            if got != fn.result_types:
                where.fail(f"returns ({', '.join(map(str, got))}) but the signature says "
                           f"({', '.join(map(str, fn.result_types))})")
        try:
            o.verify()
        except VerifyError as exc:
            where.fail(str(exc))
        for v in o.results:
            if v in defined:
                where.fail(f"redefines {display_name(v)}")
            defined.add(v)


def _check_matrix(o: Unitary | Hermitian, value: object, where: _Where) -> None:
    """A constant matrix is unitary (q.unitary) or Hermitian (q.hermitian), finite, 2^k x 2^k."""
    problem = (unitary_problem if isinstance(o, Unitary) else hermitian_problem)(value, len(o.qubits))
    if problem is not None:
        where.fail(problem)


def _allowed_in(fn: Function, o: Op) -> bool:
    quantum = o.name.startswith(KERNEL_ONLY) and not isinstance(o, (Call, VJP))
    if fn.is_kernel:
        return quantum or isinstance(o, KERNEL_ALLOWED_HOST_OPS)
    return not quantum


def _check_types(o: Op, where: _Where) -> None:
    for spec in o.ATTRS:
        value = getattr(o, spec.name)
        if not spec.constraint.check(value):
            where.fail(f"attribute {spec.name!r} expects {spec.constraint}, got {_attr_text(value)}")
    for role, specs in (("operand", o.OPERANDS), ("result", o.RESULTS)):
        for spec in specs:
            value = getattr(o, spec.name)
            # One check per distinct type: a Jacobian's tensor.from_elements has 1e4-1e6
            # operands of one type, and the pass manager verifies it after every pass.
            for t in _distinct_types(value) if spec.variadic else (value.type,):
                if not matches(spec.constraint, t):
                    where.fail(f"{role} {spec.name!r} must be {spec.constraint}, got {t}")


def _distinct_types(values: tuple[Value, ...]) -> list:
    """The types of `values`, each run of one type object once (types are shared objects, so
    comparing identities is cheaper than hashing dataclasses)."""
    out: list = []
    last = None
    for v in values:
        if v.type is not last:
            last = v.type
            out.append(last)
    return out


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


