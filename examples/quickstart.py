"""Quickstart: a variational circuit, compiled once, evaluated many times.

    python examples/quickstart.py
"""

import numpy as np

import kettle as kt


@kt.qjit(wires=4)
def circuit(weights, x):
    kt.AngleEmbedding(x, wires=range(4))
    kt.StronglyEntanglingLayers(weights, wires=range(4))
    return kt.expval(kt.Z(0) @ kt.Z(1)), kt.probs(wires=[2, 3])


weights = np.random.default_rng(0).uniform(0, 2 * np.pi, kt.StronglyEntanglingLayers.shape(2, 4))
x = np.array([0.1, 0.2, 0.3, 0.4])

zz, probs = circuit(weights, x)  # traces and compiles; later calls reuse the program
print(f"<Z0 Z1> = {zz:+.6f}   probs(2, 3) = {np.round(probs, 4)}")
print(kt.draw(circuit)(weights, x))
print(kt.specs(circuit)(weights, x))
