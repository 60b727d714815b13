"""Outlining: turn a recorded circuit into a kernel and a `q.call` in the host code.

Every traced gate parameter and observable coefficient becomes a parameter slot of the
kernel (one slot per occurrence, so parameter-shift can later shift each gate alone);
constants stay in the kernel. Host ops recorded while the circuit ran are split into
those the call needs (before it) and those that use its results (after it).
"""

from __future__ import annotations

from typing import Any

from ..ir import Call, FromElements, Function, Op, SymbolRef, TraceError, Value, tensor
from ..ir.builder import KernelBuilder
from ..ir.gates import controlled_matrix
from .circuit import Circuit, MeasurementRecord
from .observables import Hermitian, Observable, PauliSum
from .operations import Operation, QubitUnitary
from .tracing import Tracer, lift


class _Slots:
    """Host values feeding the kernel's parameter vector, in slot order."""

    def __init__(self, circuit: Circuit, builder: KernelBuilder):
        self.circuit, self.builder = circuit, builder
        self.values: list[Value] = []

    def param(self, x: Any) -> Value:
        """A kernel value for a gate parameter or coefficient: a slot if traced, else a constant."""
        if isinstance(x, Tracer):
            self.values.append(lift(self.circuit.trace, x))
            return self.builder.param(len(self.values) - 1)
        return self.builder.const(float(x))


def _count_slots(circuit: Circuit) -> int:
    gate_params = [p for op in circuit.queue if not isinstance(op, QubitUnitary) for p in op.params]
    coeffs = [c for m in circuit.measurements if isinstance(m.obs, PauliSum) for c, _ in m.obs.terms]
    return sum(isinstance(x, Tracer) for x in gate_params + coeffs)


def outline(circuit: Circuit, name: str) -> tuple[Function, list[Op]]:
    """The kernel of `circuit` and the host ops that replace its recorded region.

    Returns:
        (kernel, host_ops): host_ops is the recorded host region reordered around a
        `tensor.from_elements` + `q.call`, ready to splice back at `circuit.host_start`.

    Raises:
        TraceError: no measurement, or a gate parameter computed from a measurement result.
    """
    if not circuit.measurements:
        raise TraceError("a qjit function must measure something: return kt.expval(...), "
                         "kt.probs(...), kt.sample(...), kt.counts(...) or kt.state()")
    b = KernelBuilder(name, circuit.wires, _count_slots(circuit), shots=circuit.shots)
    slots = _Slots(circuit, b)
    for op in circuit.queue:
        _emit_gate(b, slots, op)
    kernel_results = [_emit_measurement(b, slots, m) for m in circuit.measurements]
    kernel = b.build(kernel_results)
    return kernel, _host_region(circuit, slots.values, kernel)


def _emit_gate(b: KernelBuilder, slots: _Slots, op: Operation) -> None:
    if isinstance(op, QubitUnitary):
        b.unitary(controlled_matrix(op.base_matrix(), op.control_values), op.all_wires)
        return
    params = [slots.param(p) for p in op.params]
    b.gate(op.name, op.all_wires, params, adjoint=op.adjoint, ctrl=op.control_values)


def _emit_observable(b: KernelBuilder, slots: _Slots, obs: Observable) -> Value:
    if isinstance(obs, Hermitian):
        return b.hermitian(obs.matrix_value, obs.wires)
    assert isinstance(obs, PauliSum)
    wires = obs.wires
    local = {w: i for i, w in enumerate(wires)}
    words = [" ".join(f"{p}{local[w]}" for w, p in word) for _, word in obs.terms]
    unit = all(not isinstance(c, Tracer) and float(c) == 1.0 for c, _ in obs.terms)
    coeffs = [] if unit else [slots.param(c) for c, _ in obs.terms]
    return b.obs(words, wires, coeffs)


def _emit_measurement(b: KernelBuilder, slots: _Slots, m: MeasurementRecord) -> Value:
    if m.kind in ("expval", "var", "sample"):
        obs = _emit_observable(b, slots, m.obs)
        return getattr(b, m.kind)(obs)
    if m.kind == "state":
        return b.state()
    return b.probs(m.wires) if m.kind == "probs" else b.bits(m.wires)


def _host_region(circuit: Circuit, slot_values: list[Value], kernel: Function) -> list[Op]:
    trace = circuit.trace
    region = trace.ops[circuit.host_start:]
    results = [m.result for m in circuit.measurements]
    tainted: set[Value] = set(results)
    before, after = [], []
    for o in region:
        if any(v in tainted for v in o.operands):
            tainted.update(o.results)
            after.append(o)
        else:
            before.append(o)
    for v in slot_values:
        if v in tainted:
            raise TraceError("a gate parameter or coefficient depends on a measurement result of "
                             "the same circuit; mid-circuit feedback is not supported: measure in "
                             "one qjit function and pass the result to another")
    call_args: tuple[Value, ...] = ()
    if slot_values:
        packed = Value(tensor(len(slot_values)), "params")
        before.append(FromElements(elements=tuple(slot_values), out=packed))
        call_args = (packed,)
    call = Call(callee=SymbolRef(kernel.name), args=call_args, out=tuple(results))
    return [*before, call, *after]
