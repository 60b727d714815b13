"""`kettle demo`: compile a small variational circuit and evaluate it over a parameter sweep.

It shows the three things kettle is for: a plain Python function becomes a compiled
circuit (first call traces and compiles), later calls cost microseconds, and the IR of
what was compiled can be printed.
"""

from __future__ import annotations

import time

import numpy as np

import kettle as kt

N_WIRES = 4


@kt.qjit(wires=N_WIRES)
def classifier(weights, x):
    """A 4-qubit variational classifier: angle-encode x, two entangling layers, read <Z0 Z1>."""
    kt.AngleEmbedding(x, wires=range(N_WIRES), rotation="Y")
    kt.StronglyEntanglingLayers(weights, wires=range(N_WIRES))
    return kt.expval(kt.Z(0) @ kt.Z(1)), kt.probs(wires=[0])


def run_demo(points: int = 13, show_ir: bool = False) -> None:
    rng = np.random.default_rng(7)
    weights = rng.uniform(0, 2 * np.pi, size=kt.StronglyEntanglingLayers.shape(2, N_WIRES))
    x = np.array([0.1, 0.4, 0.7, 1.0])

    start = time.perf_counter()
    classifier(weights, x)
    first = time.perf_counter() - start
    print(f"kettle {kt.__version__}: 4-qubit classifier, {weights.size} weights, statevector backend")
    print(f"first call (trace + compile + run): {first * 1e3:.1f} ms")

    print(f"\nsweeping weights[0, 0, 1] over [0, 2pi] ({points} points):")
    print(f"{'theta':>8}  {'<Z0 Z1>':>9}  {'P(q0=1)':>8}")
    sweep = np.linspace(0, 2 * np.pi, points)
    for theta in sweep:
        weights[0, 0, 1] = theta
        zz, p0 = classifier(weights, x)
        bar = "#" * int(round((zz + 1) * 15))
        print(f"{theta:8.3f}  {zz:+9.5f}  {p0[1]:8.5f}  {bar}")

    calls = 2000
    start = time.perf_counter()
    for _ in range(calls):
        classifier(weights, x)
    per_call = (time.perf_counter() - start) / calls
    print(f"\nper call after compilation: {per_call * 1e6:.1f} us (mean of {calls} calls)")
    if show_ir:
        print("\nthe compiled IR:\n")
        print(classifier.lower(weights, x))
