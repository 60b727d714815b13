"""The memory estimate: what a kernel needs, and refusals that happen before any allocation."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import kettle as kt
from kettle.backends.memory import SHOT_CHUNK, check_kernel, host_needs, kernel_needs
from kettle.backends.memory_limits import ENV
from kettle.ir.builder import KernelBuilder
from kettle.runtime import executable

MiB = 1 << 20


@pytest.fixture(autouse=True)
def _no_user_limit(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)


@pytest.fixture
def no_compiling(monkeypatch):
    """Fail the test if any kernel gets compiled (and so allocated for)."""

    def refuse(backend):
        raise AssertionError(f"a {backend} kernel was compiled: the estimate should have refused it")

    monkeypatch.setattr(executable, "_kernel_compiler", refuse)


def _layer(wires: int):
    def circuit(x):
        for w in range(wires):
            kt.RX(x, wires=w)
        return kt.expval(kt.Z(0))
    return circuit


def _kernel(n: int, shots: int | None = None, outputs=lambda b: [b.expval(b.obs(["Z0"], [0]))]):
    b = KernelBuilder("k", n, 1, shots=shots)
    b.gate("RX", [0], [b.param(0)])
    return b.build(outputs(b))


def test_kernel_needs_counts_the_state_and_the_adjoint_states():
    k = _kernel(10)
    state = 16 << 10
    assert kernel_needs(k, "statevector").total == state
    assert kernel_needs(k, "statevector", adjoint=True).total == 2 * state  # psi and lambda
    var = _kernel(10, outputs=lambda b: [b.var(b.obs(["Z0"], [0]))])
    assert kernel_needs(var, "statevector", adjoint=True).total == 3 * state  # and phi
    assert kernel_needs(k, "reference").total == 4 * state
    # the reference VJP carries psi and one tangent per parameter slot (1 here), twice
    assert kernel_needs(k, "reference", adjoint=True).total == max(4, 2 * (1 + 1)) * state


def test_reference_vjp_needs_grow_with_the_parameter_slots():
    b = KernelBuilder("k", 10, 9)
    for i in range(9):
        b.gate("RX", [i], [b.param(i)])
    k = b.build([b.expval(b.obs(["Z0"], [0]))])
    assert kernel_needs(k, "reference", adjoint=True).total == 2 * (1 + 9) * (16 << 10)


def test_kernel_needs_counts_state_copies_and_probs():
    k = _kernel(10, outputs=lambda b: [b.state(), b.state(), b.probs([0, 1, 2])])
    assert kernel_needs(k, "statevector").total == 2 * (16 << 10) + 2 * 8 * 8


def test_expval_sampling_memory_is_bounded_whatever_the_shots():
    small, huge = (kernel_needs(_kernel(2, shots), "statevector").total for shots in (SHOT_CHUNK, 10**10))
    assert huge == small < 100 * MiB


def test_sample_memory_grows_with_the_shots():
    k = _kernel(2, 10**10, lambda b: [b.bits([0, 1])])
    assert kernel_needs(k, "statevector").total > 16 * 10**10  # the result alone is shots x 2 int64


def test_host_needs_count_a_jacobian_and_the_parameter_shift_batch():
    @kt.qjit(wires=4)
    def circuit(w):
        for i in range(4):
            kt.RY(w[i], wires=i)
        return kt.probs(wires=range(4))

    w = np.zeros(8)
    primal = host_needs([circuit.lower(w).entry]).total
    jac = kt.jacobian(circuit, method="parameter-shift").lower(w)
    # 16 x 8 Jacobian, plus 2 x 4 shifted calls (one of them the kernel's own) of 16 probs each
    assert host_needs([jac.entry]).total >= primal + 8 * 16 * 8 + 7 * 16 * 8


def test_a_state_beyond_the_available_memory_is_refused_before_compiling(no_compiling):
    circuit = kt.qjit(_layer(40), wires=40)
    message = r"has 40 qubits: it needs 16,384 GiB .*the state vector 16,384 GiB"
    with pytest.raises(kt.ResourceError, match=message):
        circuit(0.1)


def test_the_environment_limit_refuses_without_allocating(monkeypatch, no_compiling):
    monkeypatch.setenv(ENV, "1M")
    circuit = kt.qjit(_layer(17), wires=17)
    tracemalloc.start()
    try:
        with pytest.raises(kt.ResourceError) as info:
            circuit(0.1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MiB  # the state alone would be 2 MiB
    message = str(info.value)
    for fragment in ("has 17 qubits", "the state vector 2 MiB", "1 MiB (1048576 bytes) is available",
                     f"limited by {ENV}=1M", "use fewer wires", f"raise {ENV}"):
        assert fragment in message, (fragment, message)


def test_resource_errors_are_memory_and_backend_errors(monkeypatch):
    monkeypatch.setenv(ENV, "1M")
    with pytest.raises(MemoryError):
        kt.qjit(_layer(17), wires=17)(0.1)
    assert issubclass(kt.ResourceError, kt.BackendError)


def test_max_memory_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv(ENV, "1M")
    circuit = kt.qjit(_layer(17), wires=17, max_memory="64M")
    assert circuit(0.0) == pytest.approx(1.0)
    tight = kt.qjit(_layer(17), wires=17, max_memory=MiB)
    with pytest.raises(kt.ResourceError, match=r"limited by kt.qjit\(max_memory=1048576\).*raise kt.qjit"):
        tight(0.0)


def test_adjoint_refused_where_parameter_shift_fits(no_compiling):
    circuit = kt.qjit(_layer(17), wires=17, max_memory="3M")  # run: 2.5 MiB; adjoint: 5 MiB
    with pytest.raises(kt.ResourceError, match=r"adjoint VJP's 2 states.*method=\"parameter-shift\""):
        kt.grad(circuit)(0.1)


def test_parameter_shift_runs_where_adjoint_does_not_fit():
    circuit = kt.qjit(_layer(17), wires=17, max_memory="3M")
    x = 0.3
    assert kt.grad(circuit, method="parameter-shift")(x) == pytest.approx(-np.sin(x))


def test_the_reference_backend_counts_its_copies(no_compiling):
    circuit = kt.qjit(_layer(17), wires=17, backend="reference", max_memory="4M")  # 4 states: 8 MiB
    with pytest.raises(kt.ResourceError, match='reference: kernel .* use backend="statevector"'):
        circuit(0.1)


def test_the_reference_backend_draws_whole_arrays_of_shots(no_compiling):
    circuit = kt.qjit(_layer(2), wires=2, shots=10**8, backend="reference", max_memory="1G")
    with pytest.raises(kt.ResourceError, match='shots=100000000: .*use backend="statevector"'):
        circuit(0.1)
    check_kernel(_kernel(2, 10**8), "statevector", max_memory=1 << 30)  # which samples in chunks


def test_sample_of_ten_billion_shots_is_refused(no_compiling):
    circuit = kt.qjit(lambda: kt.sample(wires=[0, 1]), wires=2, shots=10**10)
    with pytest.raises(kt.ResourceError, match="shots=10000000000.*use fewer shots"):
        circuit()


def test_expval_of_ten_billion_shots_fits():
    k = _kernel(2, 10**10)
    check_kernel(k, "statevector", max_memory=100 * MiB)  # chunked: no refusal (running it takes minutes)


def test_too_many_qubits_to_index_are_refused_whatever_the_memory():
    with pytest.raises(kt.ResourceError, match="past 62 qubits"):
        check_kernel(_kernel(63), "statevector", max_memory=1 << 62)


@pytest.mark.parametrize("bad", ["lots", 0, -1, "1.5X", True])
def test_qjit_refuses_a_bad_max_memory(bad):
    with pytest.raises(kt.TraceError, match=r"kt.qjit\(max_memory=\.\.\.\) must be a positive memory size"):
        kt.qjit(_layer(1), wires=1, max_memory=bad)


def test_a_bad_environment_value_is_reported_at_compile_time(monkeypatch):
    monkeypatch.setenv(ENV, "plenty")
    with pytest.raises(kt.BackendError, match=f"{ENV} must be a positive memory size"):
        kt.qjit(_layer(1), wires=1)(0.1)


def test_a_machine_limit_refusal_always_names_a_fix():
    """An adjoint gradient too big by any method, under a machine limit (nothing to raise)."""
    from kettle.backends.memory import Needs, _fixes
    from kettle.backends.memory_limits import Limit

    needs = Needs((("the adjoint VJP's 2 states (psi, lambda)", 32 << 20),
                   ("cache-blocking buffers", 1 << 19)))
    fixes = _fixes(needs, Limit(1 << 20, "MemAvailable in /proc/meminfo (free RAM)"),
                   {"statevector": False, "parameter-shift": False})
    assert "fewer wires" in fixes
