"""Loading the statevector entry points: the cache check and the progress message on stderr."""

from __future__ import annotations

import time

import numpy as np

from kettle.backends.statevector import compiling


def test_progress_says_what_compiles_when_it_is_slow(monkeypatch, capfd):
    monkeypatch.delenv("KETTLE_QUIET", raising=False)
    with compiling.progress("run_program", after=0.05):
        time.sleep(0.3)  # a fake slow load
    err = capfd.readouterr().err
    assert "compiling simulator kernels for this machine (once, cached afterwards): run_program ..." in err
    assert "kettle: run_program ready in 0.3 s" in err


def test_progress_is_silent_for_a_quick_load(monkeypatch, capfd):
    monkeypatch.delenv("KETTLE_QUIET", raising=False)
    with compiling.progress("run_program", after=0.5):
        pass
    time.sleep(0.6)  # the timer would have fired by now
    assert capfd.readouterr().err == ""


def test_progress_is_silenced_by_kettle_quiet(monkeypatch, capfd):
    monkeypatch.setenv("KETTLE_QUIET", "1")
    with compiling.progress("adjoint_run", after=0.01):
        time.sleep(0.1)
    assert capfd.readouterr().err == ""


def test_progress_reports_a_failed_compile(monkeypatch, capfd):
    monkeypatch.delenv("KETTLE_QUIET", raising=False)
    try:
        with compiling.progress("adjoint_run", after=0.01):
            time.sleep(0.1)
            raise RuntimeError("simulated")
    except RuntimeError:
        pass
    assert "kettle: adjoint_run failed after" in capfd.readouterr().err


def test_ensure_compiled_loads_the_signature_programs_call_with():
    from kettle.backends.statevector import compile_kernel
    from kettle.backends.statevector.kernels_run import run_program
    from kettle.ir.builder import KernelBuilder

    compiling.ensure_compiled("run_program")
    assert compiling.is_cached("run_program") is True
    b = KernelBuilder("k", 2, 1)
    b.gate("RY", [0], [b.param(0)])
    program = compile_kernel(b.build([b.expval(b.obs(["Z0"], [0, 1]))]))
    assert abs(program.run(np.array([0.4]))[0] - np.cos(0.4)) < 1e-14
    assert len(run_program.signatures) == 1  # a program's call compiled nothing more
