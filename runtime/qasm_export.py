"""`kt.to_qasm` and `kt.qasm_inputs`: the OpenQASM 3 program one call of a qjit function runs.

The function is traced for the given arguments like `kt.draw` does, the module is
prepared for the target (its pipeline hook), and the one kernel the call runs is emitted
with the parameter values this call feeds it: as numbers, or (`parametric=True`) as
`input float[64]` parameters whose values `kt.qasm_inputs` returns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..backends.openqasm.targets import Target, get_target
from ..backends.reference import kernel_arguments
from ..ir import Call, KettleError, Module, TraceError
from ..ir import quantum as Q
from ..ir.printer import print_op_in

if TYPE_CHECKING:
    from ..backends.openqasm.emit import QasmExport

_BATCH = "kt.to_qasm_batch(f, *args, target=...)"


def to_qasm(qfn: Any, *args: Any, target: Target | str | None = None, parametric: bool = False,
            **kwargs: Any) -> str:
    """The OpenQASM 3 program of `qfn(*args, **kwargs)` for `target`.

    Args:
        qfn: a qjit function.
        args, kwargs: the call's arguments (they fix shapes and, unless parametric, angles).
        target: "generic" (default; stdgates.inc), "braket", "ibm" or a `kt.Target`.
        parametric: every kernel parameter becomes `input float[64] name;`; get this call's
            values with `kt.qasm_inputs(qfn, *args)` (name -> value; pass it as Braket's
            `OpenQASMProgram(inputs=...)` or bind Qiskit parameters by name).

    Returns:
        The program text, printed by `openqasm3.dumps`.

    Raises:
        QasmError: something the target cannot express (named, with the fix).
        KettleError: a call that needs several programs or post-processing (use
            kt.to_qasm_batch), or a function that is not a qjit function.
    """
    return export(qfn, *args, target=target, parametric=parametric, **kwargs).text


def qasm_inputs(qfn: Any, *args: Any, **kwargs: Any) -> dict[str, float]:
    """The values of the `input` parameters of `kt.to_qasm(qfn, *args, parametric=True)` for
    this call: `{"params_0": 0.3, ...}`, in declaration order (the same for every target).

    Raises:
        KettleError: as `kt.to_qasm`.
    """
    from ..backends.openqasm.emit import input_values  # openqasm3 loads its parser: only when used
    from ..backends.openqasm.emit_values import input_slots

    traced, call = _trace(qfn, args, kwargs, "qasm_inputs")
    kernel = traced.module[call.callee.name]
    values = kernel_arguments(traced.module, *traced.entry_args)
    return input_values(input_slots(kernel), values.get(kernel.name, []))


def export(qfn: Any, *args: Any, target: Target | str | None = None, parametric: bool = False,
           **kwargs: Any) -> QasmExport:
    """The exported program of `qfn(*args, **kwargs)` with its input bindings (see `to_qasm`)."""
    from ..backends.openqasm.emit import emit_kernel

    target = get_target(target)
    traced, call = _trace(qfn, args, kwargs, "to_qasm")
    module = target.prepare(traced.module)
    values = kernel_arguments(module, *traced.entry_args)
    kernel = module[call.callee.name]
    return emit_kernel(kernel, target, values.get(kernel.name, []), parametric=parametric)


def _trace(qfn: Any, args: tuple, kwargs: dict, what: str) -> tuple[Any, Call]:
    if not (hasattr(qfn, "trace") and hasattr(qfn, "lower")):
        raise TraceError(f"kt.{what} takes a qjit function, got {type(qfn).__name__} {qfn!r:.50}; "
                         f"decorate the circuit with @kt.qjit(wires=...)")
    traced = qfn.trace(*args, **kwargs)
    return traced, single_call(traced.module)


def single_call(module: Module) -> Call:
    """The one kernel call of `module`'s entry, whose results the entry returns unchanged.

    Raises:
        KettleError: several kernel calls, a derivative, or classical post-processing of the
            results: one program cannot express those (kt.to_qasm_batch can).
    """
    body = module.entry.body
    if any(isinstance(o, Q.VJP) for o in body):
        raise KettleError(f"a derivative runs several shifted circuits: export it with {_BATCH}")
    calls = [o for o in body if isinstance(o, Call)]
    if len(calls) != 1:
        raise KettleError(f"this call runs {len(calls)} circuits; one OpenQASM program holds one: "
                          f"export them with {_BATCH}")
    outputs = set(calls[0].out)
    computed = [v for v in body[-1].operands if v not in outputs]
    if computed:
        producer = next((o for o in body if computed[0] in o.results), body[-1])
        raise KettleError(f"the function computes its results from the measurements in Python "
                          f"(`{print_op_in(module.entry, producer)}`), which an OpenQASM program "
                          f"cannot; return the measurements themselves, or export with {_BATCH}")
    return calls[0]
