"""Hypothesis strategies for random IR: kernels over the whole gate table, for property tests.

A drawn kernel comes with a parameter vector, so tests can run it on two executors
(the reference interpreter and a backend) and compare.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from kettle.ir import GATES, Module
from kettle.ir.builder import KernelBuilder

PAULI_LETTERS = "XYZ"


def _gate_width(name: str, wires: int) -> int | None:
    spec = GATES[name]
    if spec.num_wires is None:
        return None
    return spec.num_wires if spec.num_wires <= wires else -1


@st.composite
def gate_ops(draw, wires: int):
    """(gate name, wires, number of params, adjoint, ctrl values) fitting in `wires` wires."""
    names = [n for n in GATES if (GATES[n].num_wires or 1) <= wires]
    name = draw(st.sampled_from(sorted(names)))
    spec = GATES[name]
    width = spec.num_wires or draw(st.integers(1, wires))
    room = wires - width
    n_ctrl = draw(st.integers(0, min(room, 2))) if draw(st.integers(0, 4)) == 0 else 0
    chosen = draw(st.permutations(range(wires)))[: width + n_ctrl]
    ctrl = tuple(draw(st.lists(st.booleans(), min_size=n_ctrl, max_size=n_ctrl)))
    adjoint = draw(st.booleans())
    return name, tuple(chosen), spec.num_params, adjoint, ctrl


@st.composite
def pauli_words(draw, wires: int, max_terms: int = 3):
    terms = draw(st.integers(1, max_terms))
    words = []
    for _ in range(terms):
        size = draw(st.integers(0, min(wires, 3)))
        chosen = draw(st.permutations(range(wires)))[:size]
        words.append(" ".join(f"{draw(st.sampled_from(PAULI_LETTERS))}{i}" for i in sorted(chosen)))
    return words


@st.composite
def kernels(draw, max_wires: int = 8, max_gates: int = 25, min_wires: int = 1):
    """A random exact kernel and its parameter vector: `(Module, params)`.

    Gates are drawn from the whole table (with random adjoint and controls); the kernel
    returns an expval of a random Pauli sum with traced coefficients, the probs of a
    random wire subset, and the state.
    """
    wires = draw(st.integers(min_wires, max_wires))
    ops = draw(st.lists(gate_ops(wires), min_size=0, max_size=max_gates))
    words = draw(pauli_words(wires))
    n_gate_params = sum(op[2] for op in ops)
    n_params = n_gate_params + len(words)
    b = KernelBuilder("k", wires, n_params)
    slot = 0
    for name, chosen, n, adjoint, ctrl in ops:
        params = [b.param(slot + i) for i in range(n)]
        slot += n
        b.gate(name, chosen, params, adjoint=adjoint, ctrl=ctrl)
    coeffs = [b.param(slot + i) for i in range(len(words))]
    e = b.expval(b.obs(words, list(range(wires)), coeffs))
    subset = draw(st.permutations(range(wires)))[: draw(st.integers(1, wires))]
    p = b.probs(subset)
    s = b.state()
    module = Module("k", (b.build([e, p, s]),))
    seed = draw(st.integers(0, 2**32 - 1))
    params = np.random.default_rng(seed).uniform(-np.pi, np.pi, n_params)
    return module, params
