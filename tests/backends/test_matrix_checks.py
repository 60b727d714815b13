"""Matrices of `q.unitary` and `q.hermitian` are checked wherever they can first be seen.

A constant matrix is refused by the verifier (and by each backend handed an unverified
kernel); a matrix passed to a kernel as an argument is refused when the kernel runs:
checked by the reference interpreter, refused outright by the statevector backend, which
only runs constant matrices. Without these checks the two backends returned different
numbers for the same non-unitary kernel.
"""

from __future__ import annotations

import numpy as np
import pytest

import kettle as kt
from kettle.backends import reference
from kettle.backends.statevector import compile_kernel
from kettle.ir import BackendError, VerifyError, parse_module, verify
from kettle.ir.printer import format_attr

H = np.array([[1.0, 1.0], [1.0, -1.0]]) / np.sqrt(2)
NOT_UNITARY = np.array([[1.0, 1.0], [0.0, 1.0]])
NOT_HERMITIAN = np.array([[0.0, 1.0], [0.0, 0.0]])

CONSTANT_UNITARY = """\
module @k {{
  kernel @k() -> (tensor<2xc128>) {{
    %q0 = q.alloc {{wires = 1}} : !q.qubit
    %m = arith.constant {{value = {matrix}}} : tensor<2x2xc128>
    %q1 = q.unitary (%m), (%q0) : !q.qubit
    %s = q.state (%q1) : tensor<2xc128>
    return (%s)
  }}
}}
"""
CONSTANT_HERMITIAN = """\
module @k {{
  kernel @k() -> (f64) {{
    %q0 = q.alloc {{wires = 1}} : !q.qubit
    %m = arith.constant {{value = {matrix}}} : tensor<2x2xc128>
    %o = q.hermitian (%m), (%q0) : !q.obs
    %e = q.expval (%o) : f64
    return (%e)
  }}
}}
"""
ARGUMENT_UNITARY = """\
module @k {
  kernel @k(%m: tensor<2x2xc128>) -> (tensor<2xc128>) {
    %q0 = q.alloc {wires = 1} : !q.qubit
    %q1 = q.unitary (%m), (%q0) : !q.qubit
    %s = q.state (%q1) : tensor<2xc128>
    return (%s)
  }
}
"""
ARGUMENT_HERMITIAN = """\
module @k {
  kernel @k(%m: tensor<2x2xc128>) -> (f64) {
    %q0 = q.alloc {wires = 1} : !q.qubit
    %o = q.hermitian (%m), (%q0) : !q.obs
    %e = q.expval (%o) : f64
    return (%e)
  }
}
"""
CASES = {"unitary": (CONSTANT_UNITARY, ARGUMENT_UNITARY, H, NOT_UNITARY, "not unitary"),
         "hermitian": (CONSTANT_HERMITIAN, ARGUMENT_HERMITIAN, H, NOT_HERMITIAN, "not Hermitian")}


def _constant(kind: str, matrix: np.ndarray):
    return parse_module(CASES[kind][0].format(matrix=format_attr(np.asarray(matrix, dtype=complex))))


@pytest.mark.parametrize("kind", CASES)
def test_verifier_rejects_a_constant_matrix_of_the_wrong_kind(kind):
    with pytest.raises(VerifyError) as info:
        verify(_constant(kind, CASES[kind][3]))
    message = str(info.value)
    assert message.startswith(f"@k, op #2 (`%{'q1 = q.unitary' if kind == 'unitary' else 'o = q.hermitian'}")
    assert CASES[kind][4] in message and "pass a" in message


@pytest.mark.parametrize("kind", CASES)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_verifier_rejects_a_constant_matrix_with_non_finite_entries(kind, bad):
    m = H.astype(complex)
    m[0, 0] = bad
    with pytest.raises(VerifyError, match="inf or nan entries"):
        verify(_constant(kind, m))


@pytest.mark.parametrize("kind", CASES)
def test_verifier_tolerance_is_1e_8_relative(kind):
    """Rounding noise far below 1e-8 passes; an error of 1e-6 (e.g. float32 data) does not."""
    small, large = np.zeros((2, 2)), np.zeros((2, 2))
    small[0, 1], large[0, 1] = 1e-11, 1e-6
    verify(_constant(kind, H + small))
    with pytest.raises(VerifyError, match=CASES[kind][4]):
        verify(_constant(kind, H + large))


def test_verifier_hermitian_tolerance_scales_with_the_matrix():
    big = 1e6 * np.array([[1.0, 1.0], [1.0 + 1e-12, -1.0]])  # skew 1e-6 on a norm of 2e6: rounding
    verify(_constant("hermitian", big))


@pytest.mark.parametrize("kind", CASES)
def test_statevector_refuses_an_unverified_constant_matrix_like_the_reference(kind):
    module = _constant(kind, CASES[kind][3])  # parsed, never verified
    with pytest.raises(BackendError, match=CASES[kind][4]):
        compile_kernel(module["k"])
    with pytest.raises(BackendError, match=CASES[kind][4]):
        reference.run(module)


@pytest.mark.parametrize("kind", CASES)
def test_reference_checks_a_matrix_argument_when_the_kernel_runs(kind):
    module = verify(parse_module(CASES[kind][1]))  # nothing to check before run time
    with pytest.raises(BackendError) as info:
        reference.run(module, CASES[kind][3])
    message = str(info.value)
    assert message.startswith("reference: @k, op #1 (`%")
    assert CASES[kind][4] in message and "pass a" in message


def test_reference_runs_a_valid_hermitian_argument():
    m = np.array([[0.5, 1 - 2j], [1 + 2j, -1.5]])
    (e,) = reference.run(verify(parse_module(ARGUMENT_HERMITIAN)), m)
    assert e == pytest.approx(0.5)  # <0|M|0>


@pytest.mark.parametrize("kind", CASES)
@pytest.mark.parametrize("valid", [True, False])
def test_statevector_refuses_a_matrix_argument(kind, valid):
    module = verify(parse_module(CASES[kind][1]))
    with pytest.raises(BackendError, match="c128 matrix as an argument.*reference backend"):
        compile_kernel(module["k"])


@pytest.mark.parametrize("kind", CASES)
def test_frontend_and_verifier_share_one_check(backend, kind):
    """The frontend refuses early with the verifier's own words, on either backend."""
    bad = H + 1e-6 * np.array([[0, 1], [0, 0]])
    with pytest.raises(VerifyError) as verifier:
        verify(_constant(kind, bad))
    problem = str(verifier.value).split("`): ")[1]

    def body():
        if kind == "unitary":
            kt.QubitUnitary(bad, wires=0)
            return kt.state()
        return kt.expval(kt.Hermitian(bad, wires=0))

    with pytest.raises(kt.TraceError) as frontend:
        kt.qjit(body, wires=1, backend=backend)()
    assert str(frontend.value).endswith(problem)


@pytest.mark.parametrize("kind", CASES)
def test_frontend_refuses_a_matrix_computed_from_traced_values(backend, kind):
    """A traced matrix could not be checked until run time: the frontend asks for a constant."""

    def body(x):
        m = np.cos(x) * np.eye(2)  # unitary only for some x: known only when the kernel runs
        if kind == "unitary":
            kt.QubitUnitary(m, wires=0)
            return kt.state()
        return kt.expval(kt.Hermitian(m, wires=0))

    with pytest.raises(kt.TraceError, match="needs a constant matrix"):
        kt.qjit(body, wires=1, backend=backend)(0.3)
