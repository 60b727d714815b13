"""What reverse mode needs to know about a kernel's results: which are differentiable, which
are variances (their shift rules need doubled frequencies)."""

from __future__ import annotations

from ...ir import Function, MeasurementError, TraceError
from ...ir import quantum as Q
from ...ir.function import Return

DIFFERENTIABLE = (Q.Expval, Q.Var, Q.Probs)


def result_ops(kernel: Function) -> list:
    """The op defining each result of `kernel`, in return order."""
    defining = {v: o for o in kernel.body for v in o.results}
    ret = next(o for o in kernel.body if isinstance(o, Return))
    return [defining.get(v) for v in ret.values]


def check_differentiable(kernel: Function, index: int) -> None:
    """Raise a KettleError naming the measurement if result `index` has no derivative."""
    o = result_ops(kernel)[index]
    if isinstance(o, DIFFERENTIABLE):
        return
    what = {Q.Sample: "kt.sample/kt.counts", Q.Bits: "kt.sample/kt.counts", Q.State: "kt.state()"}
    name = what.get(type(o), o.name if o is not None else "a kernel argument")
    raise MeasurementError(f"{name} results are not differentiable (they are samples or complex "
                           f"amplitudes); differentiate kt.expval, kt.var or kt.probs instead")


def is_variance(kernel: Function, indices) -> bool:
    ops = result_ops(kernel)
    return any(isinstance(ops[i], Q.Var) for i in indices)


def check_method(kernel: Function, method: str) -> str:
    """The VJP method for one kernel: "auto" is adjoint for exact kernels, else parameter-shift.

    Raises:
        TraceError: adjoint asked for a kernel with shots.
    """
    if method == "auto":
        return "adjoint" if kernel.shots is None else "parameter-shift"
    if method == "adjoint" and kernel.shots is not None:
        raise TraceError(f"method='adjoint' needs an exact run, but @{kernel.name} samples "
                         f"{kernel.shots} shots; use method='parameter-shift' (or 'auto')")
    return method
