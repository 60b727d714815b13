"""Tiered start-up: a small exact kernel's first call may run on the reference interpreter."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

import kettle as kt
from kettle.backends import reference
from kettle.backends.statevector import Program, compiling
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


class Compiling:
    """A load still compiling (cold cache): calls go to the reference."""

    def use_reference(self):
        return True


def test_calls_use_the_reference_while_the_program_compiles(tiered, monkeypatch):
    circuit = _circuit()
    fn = _kernel_of(circuit, np.zeros((1, 3)))
    kernel = tiers.compile_kernel(fn)
    assert isinstance(kernel, tiers.TieredKernel)
    real = kernel._loading
    real.future.result()  # let the real background load finish, then pretend it compiles
    loaded = []
    monkeypatch.setattr(kernel.program, "run", lambda *a: loaded.append(a) or (0.0,))
    kernel._loading = Compiling()
    params = np.linspace(0.1, 0.3, 3)
    for _ in range(3):
        assert kernel.run(params, None) == reference.compile_kernel(fn).run(params, None)
    assert loaded == []  # every call while loading is answered by the reference interpreter
    kernel._loading = real
    kernel.run(params, None)
    assert len(loaded) == 1  # the first call after the load runs the Numba program


def test_tiered_vjp_matches_the_program_before_and_after_the_switch(tiered):
    @kt.qjit(wires=3)
    def circuit(w):
        kt.StronglyEntanglingLayers(w, wires=range(3))
        return kt.expval(kt.Z(0) @ kt.X(1)), kt.probs(wires=[2])

    w = np.random.default_rng(3).uniform(0, 2 * np.pi, (2, 3, 3))
    kernel = tiers.compile_kernel(_kernel_of(circuit, w))
    params = np.random.default_rng(4).uniform(-3, 3, kernel.program.n_params)
    cotangents = (0.7, np.array([0.2, -1.3]))
    kernel._loading_vjp = Compiling()
    on_reference = kernel.vjp(params, cotangents, None)
    kernel._loading_vjp = None  # the next call starts the real load
    kernel.vjp(params, cotangents, None)
    kernel._loading_vjp.future.result()
    on_numba = kernel.vjp(params, cotangents, None)
    assert kernel.vjp.__self__ is kernel.program  # rebound: no tier check per call
    np.testing.assert_allclose(on_reference, on_numba, rtol=0, atol=1e-12)
    expected = Program.vjp(kernel.program, params, cotangents)
    np.testing.assert_allclose(on_numba, expected, rtol=0, atol=0)


def test_tier_switch_under_threads_gives_one_answer(tiered):
    circuit = _circuit()
    fn = _kernel_of(circuit, np.zeros((1, 3)))
    kernel = tiers.compile_kernel(fn)
    params = np.array([0.3, -0.7, 1.1])
    expected_value = reference.compile_kernel(fn).run(params, None)[0]
    expected_grad = reference.compile_kernel(fn).vjp(params, (1.0,))
    errors = []

    def work():
        try:
            for _ in range(30):
                assert abs(kernel.run(params, None)[0] - expected_value) < 1e-12
                np.testing.assert_allclose(kernel.vjp(params, (1.0,), None), expected_grad, atol=1e-12)
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    kernel._loading.future.result()
    kernel._loading_vjp.future.result()
    kernel.run(params, None)
    kernel.vjp(params, (1.0,), None)
    assert kernel.run.__self__ is kernel.program and kernel.vjp.__self__ is kernel.program


def test_a_warm_load_answers_only_the_first_call_on_the_reference():
    def warm(program, load):
        time.sleep(0.2)  # reads the cache: `cold` stays False
        return program

    load = tiers._Load(warm, None)
    assert load.use_reference()  # the first call does not wait
    assert not load.use_reference()  # the next one waits for the (short) load
    assert load.future.done()


def test_a_cold_load_answers_every_call_on_the_reference_until_it_ends():
    release = threading.Event()

    def cold(program, load):
        load.cold = True
        load.known.set()
        release.wait(10)
        return program

    load = tiers._Load(cold, None)
    assert all(load.use_reference() for _ in range(5))
    release.set()
    load.future.result()
    assert not load.use_reference()


def test_a_slow_compile_in_a_child_says_so_on_stderr(monkeypatch, capfd):
    monkeypatch.setattr(compiling, "PROGRESS_AFTER", 0.05)
    monkeypatch.delenv("KETTLE_QUIET", raising=False)
    monkeypatch.setattr(tiers, "_CHILDREN", {})
    ran = []

    class FakeChild:
        """A compile that takes 0.3 s."""

        pid = 0

        def __init__(self, cmd, **kw):
            ran.append(cmd)
            self.end = time.perf_counter() + 0.3

        def poll(self):
            return 0 if time.perf_counter() > self.end else None

    monkeypatch.setattr(tiers.subprocess, "Popen", FakeChild)
    tiers._compile_in_child("adjoint_run")
    tiers._compile_in_child("adjoint_run")  # once per process
    err = capfd.readouterr().err
    assert len(ran) == 1 and ran[0][-1] == "adjoint_run"
    assert "compiling simulator kernels for this machine (once, cached afterwards): adjoint_run" in err
    assert "kettle: adjoint_run ready in" in err


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


def test_long_kernels_wait_for_the_program(tiered):
    layers = tiers.FALLBACK_MAX_OPS // 3 + 1
    kernel = tiers.compile_kernel(_kernel_of(_circuit(), np.zeros((layers, 3))))
    assert isinstance(kernel, Program)


def test_disabled_by_environment(monkeypatch):
    monkeypatch.setenv("KETTLE_TIERED", "0")
    circuit = _circuit()
    assert isinstance(tiers.compile_kernel(_kernel_of(circuit, np.zeros((1, 3)))), Program)


def test_a_failed_load_is_reported_on_the_next_call(tiered, monkeypatch):
    circuit = _circuit()
    kernel = tiers.compile_kernel(_kernel_of(circuit, np.zeros((1, 3))))
    kernel._loading.future.result()

    class Failed:
        def use_reference(self):
            return False

        def result(self):
            raise kt.BackendError("statevector: simulated load failure")

    kernel._loading = Failed()
    kernel._loading.future = kernel._loading
    with pytest.raises(kt.BackendError, match="simulated load failure"):
        kernel.run(np.zeros(3), None)


def test_nothing_is_tiered_once_numba_has_loaded_in_the_process(tiered):
    circuit = _circuit()
    first = tiers.compile_kernel(_kernel_of(circuit, np.zeros((1, 3))))
    first._loading.future.result()
    again = tiers.compile_kernel(_kernel_of(circuit, np.zeros((1, 3))))
    assert isinstance(again, Program)


def test_wide_gates_wait_for_the_program(tiered):
    @kt.qjit(wires=5)
    def circuit(x):
        kt.MultiRZ(x, wires=range(5))
        return kt.expval(kt.Z(0))

    assert isinstance(tiers.compile_kernel(_kernel_of(circuit, 0.3)), Program)


def test_a_compiling_child_is_left_to_finish_when_the_program_exits(monkeypatch, capsys):
    import subprocess
    import sys
    import time

    exiting = threading.Event()
    exiting.set()
    monkeypatch.setattr(tiers, "_EXITING", exiting)
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        start = time.perf_counter()
        with pytest.raises(tiers._Exiting):
            tiers._wait_unless_exiting(child, "adjoint_run")
        assert time.perf_counter() - start < 5 and child.poll() is None
    finally:
        child.kill()
        child.wait()
    assert "adjoint_run goes on compiling in the background" in capsys.readouterr().err
