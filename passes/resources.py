"""Resource analysis of a kernel: gate counts, depth, parameters, measurements (for kt.specs)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..ir import Function
from ..ir import quantum as Q


def resources(fn: Function) -> dict[str, Any]:
    """Counts PennyLane users know from `qml.specs`, computed from the kernel's IR.

    Depth is the longest chain of gates through shared wires (the circuit DAG's height).
    """
    depth_of: dict = {}
    gate_types: Counter[str] = Counter()
    measurements: Counter[str] = Counter()
    n_wires = 0
    for o in fn.body:
        if isinstance(o, Q.Alloc):
            n_wires = o.wires
            depth_of.update({q: 0 for q in o.out})
        elif isinstance(o, (Q.Gate, Q.Unitary)):
            name = o.gate if isinstance(o, Q.Gate) else "QubitUnitary"
            if isinstance(o, Q.Gate) and o.adjoint:
                name = f"Adjoint({name})"
            if isinstance(o, Q.Gate) and o.ctrl:
                name = f"C({name})"
            gate_types[name] += 1
            level = 1 + max(depth_of[q] for q in o.qubits)
            depth_of.update({q: level for q in o.out})
        elif isinstance(o, Q.MEASUREMENTS):
            name = o.name.removeprefix("q.")
            measurements["sample" if name == "bits" else name] += 1  # bits: samples of wires
    return {
        "num_wires": n_wires,
        "num_gates": sum(gate_types.values()),
        "gate_types": dict(gate_types),
        "depth": max(depth_of.values(), default=0),
        "num_trainable_params": fn.args[0].type.size if fn.args else 0,
        "measurements": dict(measurements),
        "shots": fn.shots,
    }
