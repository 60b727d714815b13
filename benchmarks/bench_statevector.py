"""The statevector backend alone (no frontend, no host code) on W1 and W3, with lightning.qubit.

    python benchmarks/bench_statevector.py [--quick]

`Program.run` per call isolates the simulator from the Python around it; run.py measures
what a user's call costs end to end (and first-call latency).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from timing import per_call  # noqa: E402
from workloads import kernel_ir, pennylane_circuit, weights_for  # noqa: E402

from kettle.backends.statevector import compile_kernel  # noqa: E402


def bench(name: str) -> None:
    weights = weights_for(name)
    layers, wires = weights.shape[:2]
    kernel = kernel_ir(wires, layers)
    start = time.perf_counter()
    program = compile_kernel(kernel)
    lowering = time.perf_counter() - start
    flat = weights.reshape(-1)
    budget = 1.0 if wires < 10 else 3.0
    ours = per_call(lambda: program.run(flat), budget_s=budget)
    line = f"{name}: Program.run {_fmt(ours)} (lowering {lowering * 1e3:.1f} ms)"
    circuit = pennylane_circuit(name, "lightning.qubit")
    if circuit is not None:
        theirs = per_call(lambda: circuit(weights), budget_s=budget, repeats=3)
        check = abs(float(circuit(weights)) - program.run(flat)[0])
        line += f"   lightning.qubit {_fmt(theirs)}   ratio {theirs / ours:.2f}x   |diff| {check:.1e}"
    print(line, flush=True)


def _fmt(seconds: float) -> str:
    return f"{seconds * 1e6:.2f} us" if seconds < 1e-3 else f"{seconds * 1e3:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip 22 qubits")
    args = parser.parse_args()
    for name in ("W1", "W3-20") if args.quick else ("W1", "W3-20", "W3-22"):
        bench(name)


if __name__ == "__main__":
    main()
