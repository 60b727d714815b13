"""Adjoint gradients: the statevector backend's `Program.vjp` on W1, W2 and W3, with lightning.qubit's
adjoint gradient of the same circuit in the same run.

    python benchmarks/bench_adjoint.py [--quick] [--with-22]

`Program.vjp` per call isolates the backend from the host code around it (run.py measures
what a user's `kt.grad` call costs end to end). Ratios are lightning time / kettle time.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from timing import per_call  # noqa: E402
from workloads import kernel_ir, weights_for  # noqa: E402

from kettle.backends.statevector import compile_kernel  # noqa: E402


def _zz_chain(wires: int) -> list[str]:
    return [f"Z{i} Z{i + 1}" for i in range(wires - 1)]




def lightning_gradient(wires: int, words: list[str]):
    """qml.grad of the same circuit on lightning.qubit with diff_method="adjoint", or None."""
    try:
        import pennylane as qml
        from pennylane import numpy as pnp
    except ImportError:
        return None
    dev = qml.device("lightning.qubit", wires=wires)
    zz = len(words) > 1

    @qml.qnode(dev, diff_method="adjoint")
    def circuit(weights):
        qml.StronglyEntanglingLayers(weights, wires=range(wires))
        if zz:
            return qml.expval(qml.sum(*[qml.Z(i) @ qml.Z(i + 1) for i in range(wires - 1)]))
        return qml.expval(qml.Z(0))

    grad = qml.grad(circuit)
    return lambda w: grad(pnp.array(w, requires_grad=True))


def bench(name: str, wires: int, layers: int, words: list[str]) -> None:
    weights = weights_for(name)
    flat = weights.reshape(-1)
    program = compile_kernel(kernel_ir(wires, layers, words))
    start = time.perf_counter()
    program.vjp(flat, (1.0,))  # lowers the adjoint program, loads (or compiles) its entry
    first = time.perf_counter() - start
    budget = 1.0 if wires < 16 else 4.0
    ours = per_call(lambda: program.vjp(flat, (1.0,)), budget_s=budget, repeats=7 if wires < 16 else 3)
    forward = per_call(lambda: program.run(flat), budget_s=budget, repeats=7 if wires < 16 else 3)
    line = (f"{name}: vjp {_fmt(ours)} (run {_fmt(forward)}, vjp/run {ours / forward:.1f}; "
            f"first vjp {_fmt(first)})")
    theirs_fn = lightning_gradient(wires, words)
    if theirs_fn is not None:
        theirs = per_call(lambda: theirs_fn(weights), budget_s=budget * 2, repeats=3)
        diff = np.abs(np.asarray(theirs_fn(weights)).reshape(-1) - program.vjp(flat, (1.0,))).max()
        line += f"   lightning adjoint {_fmt(theirs)}   ratio {theirs / ours:.1f}x   max|diff| {diff:.1e}"
    print(line, flush=True)


MEMORY_SCRIPT = """
import resource, sys
import numpy as np
sys.path.insert(0, {here!r})
from workloads import kernel_ir
from kettle.backends.statevector import compile_kernel
n = {wires}
compile_kernel(kernel_ir(3, 2)).vjp(np.zeros(18), (1.0,))  # load the kernels
program = compile_kernel(kernel_ir(n, 2))
w = np.zeros(6 * n)
program.run(w)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
program.vjp(w, (1.0,))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(before, after)
"""


def memory(wires: int) -> None:
    """Peak RSS of a fresh process after run and after vjp, in state vectors (W3 circuit)."""
    script = MEMORY_SCRIPT.format(here=str(Path(__file__).parent), wires=wires)
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
    before, after = (int(x) * 1024 for x in out.stdout.split())
    state = 16 << wires
    print(f"memory at {wires} qubits: peak RSS {before / state:.1f} states after run, "
          f"{after / state:.1f} after vjp (+{(after - before) / state:.1f} states)", flush=True)


def _fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    return f"{seconds * 1e3:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="W1 and W2 only")
    parser.add_argument("--with-22", action="store_true", help="also W3 at 22 qubits")
    args = parser.parse_args()
    bench("W1", 4, 2, ["Z0"])
    bench("W2", 12, 4, _zz_chain(12))
    if not args.quick:
        bench("W3-20", 20, 2, ["Z0"])
    if args.with_22:
        bench("W3-22", 22, 2, ["Z0"])
    if not args.quick:
        memory(22 if args.with_22 else 20)


if __name__ == "__main__":
    main()
