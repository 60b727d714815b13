"""`kt.to_qasm_batch`: everything a QPU must run to answer one call, as OpenQASM 3 programs.

A QPU measures in the computational basis and returns counts. To answer a call of a
function (a qjit circuit, a cost function, `kt.grad` of either), the host code runs with
every kernel call recorded; each kernel becomes one parametric program per group of
qubit-wise-commuting measurements (`passes/measurement_grouping.py`), and each recorded
call becomes a binding of that program's `input float[64]` parameters. A gradient is the
parameter-shift batch: the same programs, one binding per shifted call. `postprocess`
rebuilds every call's results from the counts and replays the host code on them, so it
returns exactly what calling the function would (up to shot noise).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..backends.openqasm.targets import Target, get_target
from ..backends.reference import classical_values, run_function
from ..ir import Function, KettleError, Module, TensorType
from ..ir import quantum as Q
from ..passes.measurement_grouping import MeasurementPlan, plan_measurements
from .outputs import unflattener

if TYPE_CHECKING:
    from ..backends.openqasm.emit import QasmExport

BIT_ORDERS = ("c0-first", "qiskit")


@dataclass(frozen=True)
class QasmProgram:
    """One program of a batch: its text, its `input` names, one binding per run, its IR."""

    name: str
    qasm: str
    inputs: tuple[str, ...]
    bindings: tuple[dict[str, float], ...]
    kernel: Function
    measured: tuple[int, ...]
    """Bit `c[i]` is logical wire i, measured on qubit `measured[i]` (physical after routing)."""


class QasmBatch:
    """The programs a QPU must run, in order, and how to turn their counts into the answer.

    Run every `(qasm, binding)` of `executions()` in that order and pass the list of counts
    dicts to `postprocess`. A counts key lists the classical bits with `c[0]` leftmost
    (Braket's order); for Qiskit's little-endian keys pass `bit_order="qiskit"`.
    """

    def __init__(self, programs: list[QasmProgram], replay: Callable[[list[tuple]], Any],
                 slots: list[tuple[MeasurementPlan, Function, list, list[int]]]):
        """`slots`: per kernel call, in call order: its plan, kernel, arguments and the
        positions in `executions()` of its runs (one per measurement group)."""
        self.programs = programs
        self._replay = replay
        self._slots = slots

    def __len__(self) -> int:
        return sum(len(p.bindings) for p in self.programs)

    def __repr__(self) -> str:
        return f"<QasmBatch: {len(self.programs)} program(s), {len(self)} run(s)>"

    def executions(self) -> list[tuple[str, dict[str, float]]]:
        """Every run as `(program text, input binding)`, in the order `postprocess` expects."""
        return [(p.qasm, b) for p in self.programs for b in p.bindings]

    def postprocess(self, counts: Sequence[Mapping[str, float]], bit_order: str = "c0-first") -> Any:
        """The function's outputs, rebuilt from one counts dict per run of `executions()`.

        Raises:
            KettleError: the wrong number of counts dicts, malformed keys, an unknown bit order.
        """
        if bit_order not in BIT_ORDERS:
            raise KettleError(f"unknown bit_order {bit_order!r}; use one of {', '.join(BIT_ORDERS)}")
        counts = list(counts)
        if len(counts) != len(self):
            raise KettleError(f"postprocess needs one counts dict per run: {len(self)} run(s), "
                              f"got {len(counts)}")
        if bit_order == "qiskit":
            counts = [{k.replace(" ", "")[::-1]: v for k, v in c.items()} for c in counts]
        results = []
        for plan, kernel, call_args, runs in self._slots:
            coefficients = classical_values(kernel, call_args)
            results.append(plan.rebuild([counts[r] for r in runs], coefficients))
        return self._replay(results)


def to_qasm_batch(f: Any, *args: Any, target: Any = None, **kwargs: Any) -> QasmBatch:
    """The OpenQASM 3 programs, bindings and postprocessing that answer `f(*args, **kwargs)`.

    Args:
        f: a qjit function, `kt.grad`/`kt.jacobian`/`kt.value_and_grad` of one, or of a cost
            function calling them. Derivatives use parameter-shift (method "auto" means it here).
        target: as for `kt.to_qasm`: "generic" (default), "braket", "ibm" or a `kt.Target`.

    Raises:
        KettleError: an adjoint derivative (not runnable on hardware), an output with no
            counts-based estimate (state, samples), kernel calls whose parameters depend on
            earlier results.
    """
    if not (hasattr(f, "trace") and hasattr(f, "lower")):
        raise KettleError(f"kt.to_qasm_batch takes a qjit function or kt.grad/kt.jacobian of one, got "
                          f"{type(f).__name__} {f!r:.50}; decorate the circuit with @kt.qjit(wires=...) "
                          f"(a cost function calling qjit functions: wrap it in kt.grad or kt.jacobian)")
    f = _for_hardware(f)
    traced = f.trace(*args, **kwargs)
    module = traced.module
    for fn in module.functions:
        if any(isinstance(o, Q.VJP) for o in fn.body):
            raise KettleError("this derivative uses the adjoint method, which a QPU cannot run; use "
                              "method='parameter-shift' (or 'auto') in kt.grad/kt.jacobian")
    calls = _record_calls(module, traced.entry_args)
    plans = {name: plan_measurements(module[name]) for name in dict.fromkeys(n for n, _ in calls)}
    programs, runs = _programs(plans, calls, get_target(target))
    slots = [(plans[n], module[n], a, [runs[(i, g)] for g in range(len(plans[n].kernels))])
             for i, (n, a) in enumerate(calls)]
    out_tree = traced.out_tree

    def replay(results: list[tuple]) -> Any:
        answers = iter(results)
        flat = run_function(module, module.entry, traced.entry_args, on_call=lambda *_: next(answers))
        return unflattener(out_tree)(list(flat))

    return QasmBatch(programs, replay, slots)


def _programs(plans: Mapping[str, MeasurementPlan], calls: list[tuple[str, list]],
              target: Target) -> tuple[list[QasmProgram], dict[tuple[int, int], int]]:
    """One program per kernel and measurement group, one binding per call of that kernel;
    and the run number of (call, group) in `executions()` order."""
    from ..backends.openqasm.emit import input_values  # loads openqasm3: only when exporting

    programs: list[QasmProgram] = []
    runs: dict[tuple[int, int], int] = {}
    for name, plan in plans.items():
        mine = [i for i, (n, _) in enumerate(calls) if n == name]
        for g, kernel in enumerate(plan.kernels):
            exported = _emit(kernel, target)
            done = sum(len(p.bindings) for p in programs)
            runs.update(((i, g), done + position) for position, i in enumerate(mine))
            bindings = tuple(input_values(exported.slots, calls[i][1]) for i in mine)
            programs.append(QasmProgram(kernel.name, exported.text, tuple(s.name for s in exported.slots),
                                        bindings, kernel, exported.measured))
    return programs, runs


def _for_hardware(f: Any) -> Any:
    """`f` with every derivative's "auto" method made parameter-shift (adjoint is simulator-only)."""
    from ..frontend.autodiff import Derivative

    if not isinstance(f, Derivative):
        return f
    inner = _for_hardware(f.f)
    method = "parameter-shift" if f.method == "auto" else f.method
    if method == "adjoint":
        raise KettleError(f"{f!r} uses the adjoint method, which a QPU cannot run; use "
                          f"method='parameter-shift' (or 'auto') for a hardware batch")
    if inner is f.f and method == f.method:
        return f
    return Derivative(inner, f.kind, f.argnums, method, f.h)


def _record_calls(module, entry_args: Sequence[Any]) -> list[tuple[str, list]]:
    """Every kernel call the host code makes, with its arguments, in order.

    The host runs twice with different stand-in results: if a call's arguments change, they
    depend on an earlier call's results, and a fixed batch cannot answer the function.
    """
    runs = []
    for fill in (0.0, 0.5):
        seen: list[tuple[str, list]] = []

        def record(name: str, call_args: list, fill=fill, seen=seen) -> tuple:
            seen.append((name, call_args))
            return tuple(_filled(t, fill) for t in module[name].result_types)

        run_function(module, module.entry, entry_args, on_call=record)
        runs.append(seen)
    first, second = runs
    for (name, a), (_, b) in zip(first, second):
        if not all(np.array_equal(x, y) for x, y in zip(a, b)):
            raise KettleError(f"the arguments of a call to @{name} depend on the results of an earlier "
                              f"call, so no fixed batch of programs answers this function; export "
                              f"the calls one at a time")
    for name, a in first:
        if len(a) > 1 or (a and not isinstance(module[name].args[0].type, TensorType)):
            raise KettleError(f"@{name} takes matrix arguments computed at run time; a QPU program "
                              f"takes only real parameters: make the matrix a constant")
    return first


def _filled(t, fill: float) -> Any:
    return np.full(t.shape, fill) if isinstance(t, TensorType) else fill


def _emit(kernel: Function, target: Target) -> QasmExport:
    """A measurement kernel as a parametric program for `target` (its pipeline run first)."""
    from ..backends.openqasm.emit import emit_kernel

    module = target.prepare(Module(kernel.name, (kernel,)))
    return emit_kernel(module[kernel.name], target, parametric=True)
