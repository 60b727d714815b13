"""The generated host code of a StronglyEntanglingLayers circuit packs its parameters in one
NumPy expression, not per element: a regression test for the host fast path."""

from __future__ import annotations

import numpy as np
import pytest

import kettle as kt
from kettle.runtime import compile_traced


def _host_source(backend: str, n_layers: int, n_wires: int = 4) -> str:
    @kt.qjit(wires=n_wires, backend=backend)
    def circuit(weights, x):
        kt.AngleEmbedding(x, wires=range(n_wires))
        kt.StronglyEntanglingLayers(weights, wires=range(n_wires))
        return kt.expval(kt.PauliZ(0) @ kt.PauliZ(1))

    w = np.zeros(kt.StronglyEntanglingLayers.shape(n_layers, n_wires))
    executable = compile_traced(circuit.trace(w, np.zeros(n_wires)))
    return executable.host.__source__


@pytest.mark.parametrize("n_layers", [1, 6])
def test_host_source_has_no_python_loop(backend, n_layers):
    source = _host_source(backend, n_layers)
    assert "for " not in source and "while " not in source


@pytest.mark.parametrize("n_layers", [1, 6])
def test_host_source_reads_no_element_as_python_scalar(backend, n_layers):
    source = _host_source(backend, n_layers)
    assert "_l[" not in source and "np.array([" not in source


def test_host_source_length_does_not_grow_with_parameters(backend):
    assert len(_host_source(backend, 1).splitlines()) == len(_host_source(backend, 6).splitlines())


def test_host_source_is_what_the_compiled_call_runs(backend):
    n_wires = 2

    @kt.qjit(wires=n_wires, backend=backend)
    def circuit(weights):
        kt.StronglyEntanglingLayers(weights, wires=range(n_wires))
        return kt.expval(kt.PauliZ(0))

    w = np.random.default_rng(1).normal(size=(2, n_wires, 3))
    executable = compile_traced(circuit.trace(w))
    assert executable((w,)) == pytest.approx(circuit(w), abs=1e-14)
