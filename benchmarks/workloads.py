"""The benchmark workloads of ANCHORS.md, for kettle and (when installed) PennyLane.

W1: 4 qubits, StronglyEntanglingLayers 2 layers (24 weights), expval(Z0).
W2: 12 qubits, 4 layers (144 weights), expval of the ZZ chain sum_i Z_i Z_{i+1}.
W3: 20 and 22 qubits, 2 layers, expval(Z0).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

import kettle as kt
from kettle.ir import Function
from kettle.ir.builder import KernelBuilder

WORKLOADS = {"W1": (4, 2), "W2": (12, 4), "W3-20": (20, 2), "W3-22": (22, 2)}


def weights_for(name: str, seed: int = 0) -> np.ndarray:
    wires, layers = WORKLOADS[name]
    return np.random.default_rng(seed).uniform(0, 2 * np.pi, size=(layers, wires, 3))


def kettle_circuit(name: str) -> Callable[[np.ndarray], float]:
    wires, _ = WORKLOADS[name]

    @kt.qjit(wires=wires)
    def circuit(weights):
        kt.StronglyEntanglingLayers(weights, wires=range(wires))
        if name == "W2":
            return kt.expval(kt.Hamiltonian([1.0] * (wires - 1),
                                            [kt.Z(i) @ kt.Z(i + 1) for i in range(wires - 1)]))
        return kt.expval(kt.Z(0))

    return circuit


def kettle_gradient(name: str) -> Callable[[np.ndarray], np.ndarray]:
    """d <H> / d weights of the workload (method "auto": adjoint for exact runs)."""
    return kt.grad(kettle_circuit(name))


def pennylane_gradient(name: str, device: str) -> Callable[[np.ndarray], np.ndarray] | None:
    """The PennyLane gradient users would pick: backprop on default.qubit, adjoint on lightning."""
    try:
        import pennylane as qml
        from pennylane import numpy as pnp
    except ImportError:
        return None
    method = "backprop" if device == "default.qubit" else "adjoint"
    circuit = pennylane_circuit(name, device, diff_method=method)
    grad = qml.grad(circuit)
    return lambda weights: grad(pnp.array(weights, requires_grad=True))


def pennylane_circuit(name: str, device: str, diff_method: str = "best"
                      ) -> Callable[[np.ndarray], float] | None:
    """The same workload as a PennyLane QNode on `device`, or None if PennyLane is missing."""
    try:
        import pennylane as qml
    except ImportError:
        return None
    wires, _ = WORKLOADS[name]
    dev = qml.device(device, wires=wires)

    @qml.qnode(dev, diff_method=diff_method)
    def circuit(weights):
        qml.StronglyEntanglingLayers(weights, wires=range(wires))
        if name == "W2":
            return qml.expval(qml.sum(*[qml.Z(i) @ qml.Z(i + 1) for i in range(wires - 1)]))
        return qml.expval(qml.Z(0))

    return circuit


def kernel_ir(wires: int, layers: int, words: Sequence[str] = ("Z0",)) -> Function:
    """The workload's circuit built directly as an IR kernel (for backend-only benchmarks):
    PennyLane's StronglyEntanglingLayers with its default ranges, then expval of the sum of
    `words` (Pauli words over local indices 0..wires-1)."""
    b = KernelBuilder("sel", wires, layers * wires * 3)
    for layer in range(layers):
        for i in range(wires):
            s = (layer * wires + i) * 3
            b.gate("Rot", [i], [b.param(s), b.param(s + 1), b.param(s + 2)])
        r = layer % (wires - 1) + 1
        for i in range(wires):
            b.gate("CNOT", [i, (i + r) % wires])
    return b.build([b.expval(b.obs(list(words), list(range(wires))))])
