"""Independent references for OpenQASM export tests: Qiskit's importer and Statevector, and
Amazon Braket's local simulator, plus random kernels over the whole gate table.

Each reference runs the exported text; kettle's own answer comes from the NumPy reference
interpreter on the kernel. Qiskit is little-endian, so its arrays are reordered to kettle's
wire-0-most-significant order here, once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pytest
from hypothesis import strategies as st
from strategies import apply_ops, constants, gate_ops, random_unitary

from kettle.backends.reference import run_function
from kettle.ir import Function, Module
from kettle.ir.builder import KernelBuilder


def kettle_order(vector: np.ndarray, n: int) -> np.ndarray:
    """A little-endian (Qiskit) vector over `n` qubits in kettle's order (qubit 0 most significant)."""
    return np.asarray(vector).reshape((2,) * n).transpose(range(n - 1, -1, -1)).reshape(-1)


def qiskit_state(text: str, bindings: Mapping[str, float] | None = None) -> np.ndarray:
    """The final state of `text` (measurements removed) by Qiskit, in kettle's order."""
    qasm3 = pytest.importorskip("qiskit.qasm3")
    from qiskit.quantum_info import Statevector

    circuit = qasm3.loads(text)
    if bindings is not None:
        assert {p.name for p in circuit.parameters} == set(bindings)
        circuit = circuit.assign_parameters({p: bindings[p.name] for p in circuit.parameters})
    circuit.remove_final_measurements()
    return kettle_order(Statevector(circuit).data, circuit.num_qubits)


def qiskit_measured_probs(text: str, bindings: Mapping[str, float] | None = None) -> np.ndarray:
    """The distribution of the bits `text` measures (c[0] most significant), by Qiskit."""
    qasm3 = pytest.importorskip("qiskit.qasm3")
    from qiskit.quantum_info import Statevector

    circuit = qasm3.loads(text)
    if bindings is not None:
        circuit = circuit.assign_parameters({p: bindings[p.name] for p in circuit.parameters})
    measured = {circuit.find_bit(i.clbits[0]).index: circuit.find_bit(i.qubits[0]).index
                for i in circuit.data if i.operation.name == "measure"}
    circuit.remove_final_measurements()
    qargs = [measured[c] for c in sorted(measured, reverse=True)]  # Qiskit: qargs[0] least significant
    return Statevector(circuit).probabilities(qargs)


def braket_run(text: str, inputs: Mapping[str, float] | None = None, shots: int = 0):
    """Braket's local state-vector simulator's result for `text`."""
    pytest.importorskip("braket.default_simulator")
    from braket.default_simulator import StateVectorSimulator
    from braket.ir.openqasm import Program

    return StateVectorSimulator().run(Program(source=text, inputs=dict(inputs or {})), shots=shots)


def run_kernel(kernel: Function, params: Sequence[float] | None = None) -> tuple:
    """kettle's answer: the reference interpreter's results for `kernel`."""
    args = [] if params is None or not kernel.args else [np.asarray(params, dtype=float)]
    return run_function(Module(kernel.name, (kernel,)), kernel, args)


def same_up_to_phase(a: np.ndarray, b: np.ndarray, atol: float = 1e-8) -> bool:
    """Whether two state vectors are equal up to a global phase."""
    overlap = np.vdot(a, b)
    return bool(abs(abs(overlap) - 1.0) < atol and np.allclose(a * overlap / abs(overlap), b, atol=atol))


@st.composite
def gate_kernels(draw, min_wires: int = 1, max_wires: int = 4, max_gates: int = 12,
                 unitary_qubits: int = 1):
    """(build, params): random gates of the whole table (random adjoint, controls, constant or
    parameter angles) and random `q.unitary`s on up to `unitary_qubits` qubits.

    `build(output)` makes the kernel returning "state" or "probs" (of every wire).
    """
    wires = draw(st.integers(min_wires, max_wires))
    ops = []
    for _ in range(draw(st.integers(1, max_gates))):
        if unitary_qubits and draw(st.integers(0, 9)) == 0:
            k = draw(st.integers(1, min(unitary_qubits, wires)))
            chosen = tuple(draw(st.permutations(range(wires)))[:k])
            ops.append(("unitary", chosen, random_unitary(k, draw(st.integers(0, 2**32 - 1)))))
        else:
            name, chosen, n, adjoint, ctrl = draw(gate_ops(wires))
            ops.append((name, chosen, draw(constants(n)), adjoint, ctrl))
    n_params = sum(v is None for op in ops if op[0] != "unitary" for v in op[2])

    def build(output: str) -> Function:
        b = KernelBuilder("k", wires, n_params)
        apply_ops(b, ops)
        return b.build([b.state() if output == "state" else b.probs(list(range(wires)))])

    params = np.random.default_rng(draw(st.integers(0, 2**32 - 1))).uniform(-np.pi, np.pi, n_params)
    return build, params
