"""Both backends follow one shots protocol: the same seed gives the same samples.

The reference interpreter (backends/reference_measure.py) and the statevector backend
(backends/statevector/sampling.py) implement the protocol independently; drawing
identical samples from one seed is a strong check that they implement the same one.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kettle.backends import reference, statevector
from kettle.ir import Module
from kettle.ir.builder import KernelBuilder

LETTERS = "XYZ"


@st.composite
def sampled_kernels(draw):
    """A random circuit with shots and a random mix of every sampled measurement."""
    wires = draw(st.integers(1, 4))
    shots = draw(st.integers(1, 40))
    gates = draw(st.lists(st.tuples(st.sampled_from(["RX", "RY", "H", "CNOT"]),
                                    st.permutations(range(wires))), max_size=10))
    n_params = sum(name in ("RX", "RY") for name, _ in gates)
    b = KernelBuilder("k", wires, max(n_params, 1), shots=shots)
    slot = 0
    for name, order in gates:
        if name == "CNOT" and wires < 2:
            continue
        if name in ("RX", "RY"):
            b.gate(name, [order[0]], [b.param(slot)])
            slot += 1
        else:
            b.gate("Hadamard" if name == "H" else name, list(order[:2 if name == "CNOT" else 1]))

    def word(only_z: bool) -> str:
        chosen = draw(st.permutations(range(wires)))[: draw(st.integers(0, wires))]
        return " ".join(f"{'Z' if only_z else draw(st.sampled_from(LETTERS))}{i}" for i in sorted(chosen))

    outputs = []
    for kind in draw(st.lists(st.sampled_from(
            ["expval", "var_z", "var_word", "sample_z", "probs", "bits", "hermitian"]), min_size=1,
            max_size=5)):
        everything = list(range(wires))
        if kind == "expval":
            words = [word(draw(st.booleans())) for _ in range(draw(st.integers(1, 3)))]
            coeffs = [b.const(draw(st.floats(-2, 2))) for _ in words]
            outputs.append(b.expval(b.obs(words, everything, coeffs)))
        elif kind in ("var_z", "sample_z"):
            words = [word(True) for _ in range(draw(st.integers(1, 3)))]
            obs = b.obs(words, everything)
            outputs.append(b.var(obs) if kind == "var_z" else b.sample(obs))
        elif kind == "var_word":
            outputs.append(b.var(b.obs([word(False)], everything)))
        elif kind == "probs":
            outputs.append(b.probs(draw(st.permutations(everything))[: draw(st.integers(1, wires))]))
        elif kind == "bits":
            outputs.append(b.bits(draw(st.permutations(everything))[: draw(st.integers(1, wires))]))
        else:
            m = np.array(draw(st.lists(st.floats(-1, 1), min_size=4, max_size=4))).reshape(2, 2)
            outputs.append(b.expval(b.hermitian(m + m.T, [draw(st.integers(0, wires - 1))])))
    params = np.array(draw(st.lists(st.floats(-3, 3), min_size=max(n_params, 1),
                                    max_size=max(n_params, 1))))
    return Module("k", (b.build(outputs),)), params, draw(st.integers(0, 2**31))


@given(sampled_kernels())
def test_backends_draw_identical_samples_from_one_seed(case):
    module, params, seed = case
    kernel = module.kernels[0]
    ours = statevector.compile_kernel(kernel).run(params, np.random.default_rng(seed))
    theirs = reference.compile_kernel(kernel).run(params, np.random.default_rng(seed))
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
