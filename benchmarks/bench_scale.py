"""Compile stages against circuit size: every stage should cost the same per gate at 1e3,
1e4 and 1e5 gates (linear), and a 1e5-gate circuit should trace, print and run its first
call in seconds.

    python benchmarks/bench_scale.py                    # 1e3, 1e4, 1e5 gates, both variants
    python benchmarks/bench_scale.py --sizes 1e3,1e4    # smaller sizes only
    python benchmarks/bench_scale.py --record           # append the tables to benchmarks/RESULTS.md

The circuit: `WIRES` qubits, layers of RX/RY/RZ rotations whose angles are elements of one
weight array (variant "traced") or host arithmetic on them (variant "host":
`kt.RY(2 * w[i] + 0.1, ...)`), each layer closed by a CNOT ladder, then the expval of a
Pauli sum. Stages are timed one after another on the same circuit; "first call" is a fresh
qjit function's first call with the numba kernels already loaded (warm disk cache).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from timing import per_call, report  # noqa: E402

import kettle as kt  # noqa: E402
from kettle.backends.host import compile_host  # noqa: E402
from kettle.backends.statevector import compile_kernel  # noqa: E402
from kettle.ir.verifier import verify_function  # noqa: E402

WIRES = 10
"""From 10 qubits the statevector backend also fuses parametric gates: fusion is exercised."""
ROTATIONS = (kt.RX, kt.RY, kt.RZ)
STAGES = ("trace", "verify", "print", "parse", "lower", "host", "first call", "steady call",
          "grad lower", "grad first call", "shift lower")
SHIFT_UP_TO = 10_000
"""Parameter-shift lowering emits two kernels per gate parameter: measured up to this size."""


def layers_for(n_gates: int) -> int:
    return max(1, round(n_gates / (2 * WIRES - 1)))


def make_circuit(n_gates: int, host: bool) -> tuple[Callable, np.ndarray, int]:
    """(qjit function, weights, number of gates) for about `n_gates` gates."""
    layers = layers_for(n_gates)

    @kt.qjit(wires=WIRES)
    def circuit(w):
        k = 0
        for layer in range(layers):
            rotation = ROTATIONS[layer % 3]
            for i in range(WIRES):
                rotation(2 * w[k] + 0.1 if host else w[k], wires=i)
                k += 1
            for i in range(WIRES - 1):
                kt.CNOT(wires=[i, i + 1])
        terms = [kt.Z(i) @ kt.Z(i + 1) for i in range(WIRES - 1)] + [kt.X(i) for i in range(WIRES)]
        return kt.expval(kt.Hamiltonian([0.5] * len(terms), terms))

    weights = np.random.default_rng(0).uniform(0, 2 * np.pi, size=layers * WIRES)
    return circuit, weights, layers * (2 * WIRES - 1)


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def measure(n_gates: int, host: bool) -> tuple[int, dict[str, float]]:
    """Seconds per stage for one circuit size and variant."""
    t: dict[str, float] = {}
    circuit, w, gates = make_circuit(n_gates, host)
    traced_s, traced = timed(lambda: circuit.trace(w))
    module = traced.module
    # Uncached: verify() checks each kernel once per process, and trace() already did.
    t["verify"], _ = timed(lambda: [verify_function(fn, module) for fn in module.functions])
    t["trace"] = traced_s - t["verify"]  # trace() verifies its module once
    t["print"], text = timed(lambda: str(module))
    t["parse"], parsed = timed(lambda: kt.parse_module(text))
    assert str(parsed) == text, "printed module does not parse back to the same text"
    kernel = module.kernels[0]
    t["lower"], program = timed(lambda: compile_kernel(kernel))
    t["host"], _ = timed(lambda: compile_host(module.entry, {kernel.name: program}, {},
                                              {kernel.name: 1}))
    fresh, _, _ = make_circuit(n_gates, host)
    t["first call"], value = timed(lambda: fresh(w))
    t["steady call"] = per_call(lambda: fresh(w), budget_s=0.5, repeats=3)
    t["grad lower"], _ = timed(lambda: kt.grad(circuit).lower(w))
    gradient = kt.grad(fresh, method="adjoint")
    t["grad first call"], g = timed(lambda: gradient(w))
    assert np.isfinite(value) and np.all(np.isfinite(g))
    if gates <= SHIFT_UP_TO:
        t["shift lower"], _ = timed(lambda: kt.grad(circuit, method="parameter-shift").lower(w))
    gc.collect()
    return gates, t


def fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def table(variant: str, rows: list[tuple[int, dict[str, float]]]) -> str:
    """Seconds per stage per size, microseconds per gate, and the per-gate ratio of the two
    largest sizes (1.0 = linear)."""
    head = ["stage"] + [f"{g} gates" for g, _ in rows] + [f"us/gate @{g}" for g, _ in rows]
    if len(rows) > 1:
        head.append(f"per-gate {rows[-1][0]} / {rows[-2][0]}")
    lines = [f"variant: {variant}, {WIRES} qubits", "",
             "| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for stage in STAGES:
        cells = [stage]
        cells += [fmt(t[stage]) if stage in t else "-" for _, t in rows]
        cells += [f"{t[stage] / g * 1e6:.1f}" if stage in t else "-" for g, t in rows]
        if len(rows) > 1:
            (g0, t0), (g1, t1) = rows[-2], rows[-1]
            both = stage in t0 and stage in t1
            cells.append(f"{(t1[stage] / g1) / (t0[stage] / g0):.2f}" if both else "-")
        lines.append("| " + " | ".join(cells) + " |")
    g, t = rows[-1]
    budget = t["first call"] + t["print"]  # a first call traces and verifies: count them once
    lines.append(f"\n{g} gates: first call (trace, verify, lower, compile host, run) + print = "
                 f"{budget:.2f} s")
    return "\n".join(lines)


def warm_up() -> None:
    """Load the numba kernels (run, adjoint) so first calls measure kettle, not numba's loading."""
    small, w, _ = make_circuit(40, host=True)
    gradient = kt.grad(small, method="adjoint")
    for _ in range(2):  # the first calls answer on the reference while numba loads; the second waits
        small(w)
        gradient(w)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e3,1e4,1e5", help="gate counts, comma-separated")
    parser.add_argument("--variants", default="traced,host", help="traced and/or host")
    parser.add_argument("--record", action="store_true", help="append to benchmarks/RESULTS.md")
    args = parser.parse_args()
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    warm_up()
    tables = []
    for variant in args.variants.split(","):
        rows = []
        for n in sizes:
            rows.append(measure(n, host=variant == "host"))
            print(f"{variant} {rows[-1][0]} gates: " + ", ".join(
                f"{k} {fmt(v)}" for k, v in rows[-1][1].items()), flush=True)
        tables.append(table(variant, rows))
    print()
    report("compile stages by circuit size (bench_scale.py)", "\n\n".join(tables), args.record)


if __name__ == "__main__":
    main()
