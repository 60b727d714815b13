"""Benchmark the statevector backend on the ANCHORS workloads against lightning.qubit, same run.

    python benchmarks/bench_statevector.py [--quick] [--latency]

W1: 4 qubits, StronglyEntanglingLayers (2 layers), expval(Z0): `Program.run` per call.
W3: 20 and 22 qubits, same template, expval(Z0): one forward run.
--latency also times a fresh process's first call with a warm and an empty numba cache.
Machines are noisy: read the ratios, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from kettle.backends.statevector import compile_kernel
from kettle.ir import Function
from kettle.ir.builder import KernelBuilder


def strongly_entangling(wires: int, layers: int) -> Function:
    """Rot(w[l,i,0..2]) on each wire, then CNOT(i, (i+1) % wires), per layer; expval(Z0)."""
    b = KernelBuilder("sel", wires, layers * wires * 3)
    for layer in range(layers):
        for i in range(wires):
            s = (layer * wires + i) * 3
            b.gate("Rot", [i], [b.param(s), b.param(s + 1), b.param(s + 2)])
        for i in range(wires):
            b.gate("CNOT", [i, (i + 1) % wires])
    return b.build([b.expval(b.obs(["Z0"], [0]))])


def median_time(fn, repeat: int, number: int = 1) -> float:
    """Median seconds per call over `repeat` batches of `number` calls (after one warm-up)."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return float(np.median(times))


def lightning(wires: int, layers: int):
    """A callable running the same circuit on lightning.qubit, or None if PennyLane is absent."""
    try:
        import pennylane as qml
    except ImportError:
        return None
    dev = qml.device("lightning.qubit", wires=wires)

    @qml.qnode(dev)
    def circuit(w):
        qml.StronglyEntanglingLayers(w, wires=range(wires), ranges=[1] * layers)
        return qml.expval(qml.Z(0))

    return circuit


def bench(wires: int, layers: int, repeat: int, number: int) -> None:
    weights = np.random.default_rng(0).uniform(0, 2 * np.pi, (layers, wires, 3))
    kernel = strongly_entangling(wires, layers)
    compile_kernel(kernel)  # the first compile also imports numba and loads the cached kernels
    start = time.perf_counter()
    program = compile_kernel(kernel)
    lowering = time.perf_counter() - start
    flat = weights.reshape(-1)
    ours = median_time(lambda: program.run(flat), repeat, number)
    line = f"{wires:2d}q: kettle {_fmt(ours)} (lowering {lowering * 1e3:.1f} ms)"
    circuit = lightning(wires, layers)
    if circuit is not None:
        theirs = median_time(lambda: circuit(weights), repeat, max(1, number // 100))
        check = abs(float(circuit(weights)) - program.run(flat)[0])
        line += f"   lightning.qubit {_fmt(theirs)}   ratio {theirs / ours:.2f}x   |diff| {check:.1e}"
    print(line, flush=True)


def _fmt(seconds: float) -> str:
    return f"{seconds * 1e6:.2f} us" if seconds < 1e-3 else f"{seconds * 1e3:.1f} ms"


FIRST_CALL = """
import time; t0 = time.perf_counter()
import numpy as np
from benchmarks.bench_statevector import strongly_entangling
from kettle.backends.statevector import compile_kernel
compile_kernel(strongly_entangling(4, 2)).run(np.zeros(24))
print(time.perf_counter() - t0)
"""


def first_call_latency(cache_dir: str | None) -> float:
    """Seconds from a fresh interpreter's first import to W1's first result."""
    env = dict(os.environ)
    if cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = cache_dir
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", FIRST_CALL], env=env, cwd=root, check=True,
                         capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, skip 22 qubits")
    parser.add_argument("--latency", action="store_true", help="time fresh-process first calls")
    args = parser.parse_args()
    print("W1 forward, per call:")
    bench(4, 2, repeat=7 if args.quick else 21, number=2000)
    print("W3 forward:")
    for wires in (20,) if args.quick else (20, 22):
        bench(wires, 2, repeat=3 if args.quick else 7, number=1)
    if args.latency:
        warm = first_call_latency(None)
        with tempfile.TemporaryDirectory() as empty:
            cold = first_call_latency(empty)
        print(f"first call in a fresh process (W1): warm cache {warm:.2f} s, empty cache {cold:.2f} s")


if __name__ == "__main__":
    main()
