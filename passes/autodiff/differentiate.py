"""Gradient programs: grad, value_and_grad and jacobian of a module's entry function, as IR.

The result is a module whose entry takes the same arguments and returns the derivatives
(JAX/PennyLane shapes: d out / d arg has shape out.shape + arg.shape; a gradient has the
argument's shape). Kernel VJPs stay as `q.vjp` ops: `LowerVJP` turns the shift-rule ones
into shifted kernel calls, adjoint ones are run by the backend.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...ir import F64, Function, MeasurementError, Module, Return, TensorType, TraceError, Value
from .cotangents import Cotangents
from .emitter import Emitter, sampled_kernels
from .reverse import ReverseSweep

KINDS = ("grad", "value_and_grad", "jacobian")


def differentiate(module: Module, wrt: Sequence[int], kind: str, method: str = "auto") -> Module:
    """The gradient program of `module.entry` with respect to its arguments `wrt` (indices).

    Raises:
        TraceError: a non-scalar output for grad (or value_and_grad).
        MeasurementError: an output that is not a real number or array, or a kernel result
            that has no derivative (samples, states).
    """
    fn = module.entry
    ret = next(o for o in fn.body if isinstance(o, Return))
    em = Emitter([o for o in fn.body if not isinstance(o, Return)], sampled_kernels(module))
    wrt_values = [fn.args[i] for i in wrt]
    sweep = ReverseSweep(module, fn, wrt_values, em, method)
    for r in ret.values:
        _check_real(r)
    if kind == "jacobian":
        outputs = []
        for r in ret.values:
            outputs += _jacobian(sweep, em, r, wrt_values)
    else:
        result = _scalar_output(ret.values, kind)
        ct = sweep.sweep({result: em.const(1.0)})
        grads = [ct.for_value(a) or _zero(ct, a) for a in wrt_values]
        outputs = ([result] if kind == "value_and_grad" else []) + grads
    body = (*em.ops, Return(values=tuple(outputs)))
    name = f"{fn.name}_{kind}"
    gradient = Function("func", name, fn.args, tuple(v.type for v in outputs), body)
    return Module(name, (*module.kernels, gradient))


def _scalar_output(results: tuple[Value, ...], kind: str) -> Value:
    if len(results) != 1 or results[0].type != F64:
        got = ", ".join(str(v.type) for v in results)
        raise TraceError(f"kt.{kind} needs a function with one scalar output, but it returns ({got}); "
                         f"use kt.jacobian for array or several outputs")
    return results[0]


def _check_real(r: Value) -> None:
    if r.type == F64 or (isinstance(r.type, TensorType) and r.type.element == F64):
        return
    what = "complex amplitudes (kt.state)" if "c128" in str(r.type) else f"an output of type {r.type}"
    raise MeasurementError(f"{what} have no derivative in kettle; differentiate real numbers and "
                           f"arrays: kt.expval, kt.var, kt.probs and what is computed from them")


def _zero(ct, a: Value) -> Value:
    return ct.zeros(a.type.shape) if isinstance(a.type, TensorType) else ct.em.const(0.0)


def _jacobian(sweep: ReverseSweep, em: Emitter, r: Value, wrt: list[Value]) -> list[Value]:
    """d r / d a for each a in `wrt`, one backward sweep per element of r."""
    out_shape = r.type.shape if isinstance(r.type, TensorType) else ()
    rows: list[list[dict]] = []  # rows[element of r][argument] -> {arg index: cotangent}
    for index in np.ndindex(*out_shape):
        ct = Cotangents(em)
        if r in sweep.active:
            if out_shape:
                ct.add_element(r, index, em.const(1.0))
            else:
                ct.add(r, em.const(1.0))
        ct = sweep.sweep_from(ct)
        rows.append([_elements(ct, a) for a in wrt])
    jacobians = []
    zero = em.const(0.0)
    for k, a in enumerate(wrt):
        arg_shape = a.type.shape if isinstance(a.type, TensorType) else ()
        scalars = [row[k].get(i, zero) for row in rows for i in np.ndindex(*arg_shape)]
        shape = tuple(out_shape) + tuple(arg_shape)
        jacobians.append(scalars[0] if not shape else em.from_elements(scalars, shape, "jac"))
    return jacobians


def _elements(ct, a: Value) -> dict:
    if isinstance(a.type, TensorType):
        return ct.as_elements(a)
    c = ct.scalar(a)
    return {} if c is None else {(): c}
