"""Tiered start-up: a small exact kernel's first call may run on the reference interpreter."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import kettle as kt
from kettle.backends import reference
from kettle.backends.statevector import Program
from kettle.runtime import tiers


@pytest.fixture
def tiered(monkeypatch):
    """Tiering on, as in a fresh process where no Numba program has loaded yet."""
    monkeypatch.setenv("KETTLE_TIERED", "1")
    monkeypatch.setattr(tiers, "_NUMBA_READY", threading.Event())


def _kernel_of(circuit, *args):
    return circuit.lower(*args).kernels[0]


def _circuit(wires=3, shots=None):
    @kt.qjit(wires=wires, shots=shots, seed=1)
    def circuit(w):
        kt.BasicEntanglerLayers(w, wires=range(wires))
        return kt.expval(kt.Z(0)) if shots is None else kt.sample(wires=[0])

    return circuit


def test_first_call_uses_the_reference_until_the_program_is_loaded(tiered, monkeypatch):
    circuit = _circuit()
    fn = _kernel_of(circuit, np.zeros((1, 3)))
    kernel = tiers.compile_kernel(fn)
    kernel.program_fn = fn
    assert isinstance(kernel, tiers.TieredKernel)
    kernel._loading.result()  # let the real background load finish, then pretend it has not
    loaded = []
    monkeypatch.setattr(kernel._loading, "done", lambda: False)
    monkeypatch.setattr(kernel.program, "run", lambda *a: loaded.append(a) or (0.0,))
    params = np.linspace(0.1, 0.3, 3)
    first = kernel.run(params, None)
    assert loaded == []  # answered by the reference interpreter
    assert first == reference.compile_kernel(kernel.program_fn).run(params, None)
    kernel.run(params, None)
    assert len(loaded) == 1  # later calls wait for the Numba program


def test_tiers_agree_and_switch_to_the_program_for_good(tiered):
    circuit = _circuit()
    kernel = tiers.compile_kernel(_kernel_of(circuit, np.zeros((1, 3))))
    params = np.array([0.3, -0.7, 1.1])
    first = kernel.run(params, None)
    second = kernel.run(params, None)
    np.testing.assert_allclose(first, second, atol=1e-12)
    assert kernel.run.__self__ is kernel.program  # rebound: no tier check per call


def test_shots_kernels_never_use_the_reference(tiered):
    circuit = _circuit(shots=50)
    assert isinstance(tiers.compile_kernel(_kernel_of(circuit, np.zeros((1, 3)))), Program)


def test_large_kernels_wait_for_the_program(tiered):
    circuit = _circuit(wires=tiers.FALLBACK_MAX_QUBITS + 1)
    kernel = tiers.compile_kernel(_kernel_of(circuit, np.zeros((1, tiers.FALLBACK_MAX_QUBITS + 1))))
    assert isinstance(kernel, Program)


def test_disabled_by_environment(monkeypatch):
    monkeypatch.setenv("KETTLE_TIERED", "0")
    circuit = _circuit()
    assert isinstance(tiers.compile_kernel(_kernel_of(circuit, np.zeros((1, 3)))), Program)


def test_a_failed_load_is_reported_on_the_next_call(tiered, monkeypatch):
    circuit = _circuit()
    kernel = tiers.compile_kernel(_kernel_of(circuit, np.zeros((1, 3))))
    kernel._loading.result()

    class Failed:
        def done(self):
            return True

        def result(self):
            raise kt.BackendError("statevector: simulated load failure")

    kernel._loading = Failed()
    with pytest.raises(kt.BackendError, match="simulated load failure"):
        kernel.run(np.zeros(3), None)


def test_nothing_is_tiered_once_numba_has_loaded_in_the_process(tiered):
    circuit = _circuit()
    first = tiers.compile_kernel(_kernel_of(circuit, np.zeros((1, 3))))
    first._loading.result()
    again = tiers.compile_kernel(_kernel_of(circuit, np.zeros((1, 3))))
    assert isinstance(again, Program)


def test_wide_gates_wait_for_the_program(tiered):
    @kt.qjit(wires=5)
    def circuit(x):
        kt.MultiRZ(x, wires=range(5))
        return kt.expval(kt.Z(0))

    assert isinstance(tiers.compile_kernel(_kernel_of(circuit, 0.3)), Program)
