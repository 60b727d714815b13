"""Quantum ops (`q.*`): allocation, gates, observables, measurements and kernel calls.

Qubits are SSA values: a gate consumes its qubit operands and yields new ones, so the
def-use graph is the circuit DAG. Observables and measurements *read* final qubit
values without consuming them (they are terminal); the verifier enforces both rules.
"""

from __future__ import annotations

import numpy as np

from .attributes import SymbolRef
from .errors import VerifyError
from .gates import GATES
from .op import Op, attr, op, operand, operands, result, results
from .pauli import parse_word
from .types import ANY, ANY_TENSOR, C128_MATRIX, F64, F64_TENSOR, OBS, QUBIT
from .values import Value, display_name


@op("q.alloc")
class Alloc(Op):
    """One fresh qubit in |0> per wire; result `i` is wire `i`."""

    wires: int = attr(minimum=1)
    out: tuple[Value, ...] = results(QUBIT)

    def verify(self) -> None:
        if self.wires != len(self.out):
            raise VerifyError(f"allocates {self.wires} wires but yields {len(self.out)}")


@op("q.gate")
class Gate(Op):
    """Apply `gate` from the gate table to `qubits` (leading `len(ctrl)` of them are controls).

    `adjoint` applies the inverse; `ctrl[i]` is the value control qubit `i` must have.
    """

    gate: str = attr()
    adjoint: bool = attr(False)
    ctrl: tuple[bool, ...] = attr(())
    params: tuple[Value, ...] = operands(F64)
    qubits: tuple[Value, ...] = operands(QUBIT)
    out: tuple[Value, ...] = results(QUBIT)

    @property
    def targets(self) -> tuple[Value, ...]:
        return self.qubits[len(self.ctrl):]

    def verify(self) -> None:
        spec = GATES.get(self.gate)
        if spec is None:
            raise VerifyError(f"unknown gate {self.gate!r}")
        if len(self.params) != spec.num_params:
            raise VerifyError(f"{self.gate} takes {spec.num_params} parameter(s), "
                              f"got {len(self.params)}")
        n_targets = len(self.qubits) - len(self.ctrl)
        if not spec.accepts_wires(n_targets):
            raise VerifyError(f"{self.gate} acts on {spec.num_wires or 'at least 1'} wire(s), "
                              f"got {n_targets}")
        if len(self.out) != len(self.qubits):
            raise VerifyError("a gate yields one qubit per qubit operand")
        _expect_distinct(self.qubits)


@op("q.unitary")
class Unitary(Op):
    """Apply an explicit unitary matrix (PennyLane's QubitUnitary) to `qubits`.

    A constant matrix is checked by the verifier (`unitary_problem`); a matrix that is a
    kernel argument is checked by the backend when the kernel runs.
    """

    matrix: Value = operand(C128_MATRIX)
    qubits: tuple[Value, ...] = operands(QUBIT)
    out: tuple[Value, ...] = results(QUBIT)

    def verify(self) -> None:
        dim = self.matrix.type.shape[0]
        if dim != 2 ** len(self.qubits):
            raise VerifyError(f"a {dim}x{dim} matrix cannot act on {len(self.qubits)} qubit(s)")
        if len(self.out) != len(self.qubits):
            raise VerifyError("yields one qubit per qubit operand")
        _expect_distinct(self.qubits)


@op("q.obs")
class PauliSum(Op):
    """`sum_k coeffs[k] * words[k]`; no coefficients means every coefficient is 1."""

    words: tuple[str, ...] = attr()
    coeffs: tuple[Value, ...] = operands(F64)
    qubits: tuple[Value, ...] = operands(QUBIT)
    out: Value = result(OBS)

    def verify(self) -> None:
        if not self.words:
            raise VerifyError("an observable needs at least one term")
        if len(self.coeffs) not in (0, len(self.words)):
            raise VerifyError(f"{len(self.words)} terms but {len(self.coeffs)} coefficients")
        for word in self.words:
            try:
                factors = parse_word(word)
            except ValueError as exc:
                raise VerifyError(str(exc)) from None
            if not all(i < len(self.qubits) for _, i in factors):
                raise VerifyError(f"word {word!r} indexes past the {len(self.qubits)} qubit operand(s)")
        _expect_distinct(self.qubits)


@op("q.hermitian")
class Hermitian(Op):
    """A Hermitian matrix observable on `qubits`.

    A constant matrix is checked by the verifier (`hermitian_problem`); a matrix that is a
    kernel argument is checked by the backend when the kernel runs.
    """

    matrix: Value = operand(C128_MATRIX)
    qubits: tuple[Value, ...] = operands(QUBIT)
    out: Value = result(OBS)

    def verify(self) -> None:
        dim = self.matrix.type.shape[0]
        if dim != 2 ** len(self.qubits):
            raise VerifyError(f"a {dim}x{dim} matrix cannot act on {len(self.qubits)} qubit(s)")
        _expect_distinct(self.qubits)


@op("q.expval")
class Expval(Op):
    """The expectation value of an observable."""

    obs: Value = operand(OBS)
    out: Value = result(F64)


@op("q.var")
class Var(Op):
    """The variance of an observable."""

    obs: Value = operand(OBS)
    out: Value = result(F64)


@op("q.sample")
class Sample(Op):
    """One eigenvalue of the observable per shot: `tensor<shots x f64>`."""

    obs: Value = operand(OBS)
    out: Value = result(F64_TENSOR)

    def verify(self) -> None:
        if len(self.out.type.shape) != 1:
            raise VerifyError("q.sample yields a rank-1 tensor<shots x f64>")


@op("q.probs")
class Probs(Op):
    """Probabilities of the computational basis states of `qubits` (first qubit most significant)."""

    qubits: tuple[Value, ...] = operands(QUBIT)
    out: Value = result(F64_TENSOR)

    def verify(self) -> None:
        if self.out.type.shape != (2 ** len(self.qubits),):
            raise VerifyError(f"probs of {len(self.qubits)} qubit(s) is tensor<{2 ** len(self.qubits)}xf64>")
        _expect_distinct(self.qubits)


@op("q.bits")
class Bits(Op):
    """Computational-basis samples: `tensor<shots x len(qubits) x i64>` of 0/1."""

    qubits: tuple[Value, ...] = operands(QUBIT)
    out: Value = result(ANY_TENSOR)

    def verify(self) -> None:
        t = self.out.type
        if not (len(t.shape) == 2 and t.shape[1] == len(self.qubits) and t.element.name == "i64"):
            raise VerifyError(f"q.bits of {len(self.qubits)} qubit(s) is "
                              f"tensor<shots x {len(self.qubits)} x i64>")
        _expect_distinct(self.qubits)


@op("q.state")
class State(Op):
    """The full state vector, `qubits` listing every wire in order."""

    qubits: tuple[Value, ...] = operands(QUBIT)
    out: Value = result(ANY_TENSOR)

    def verify(self) -> None:
        t = self.out.type
        if not (t.shape == (2 ** len(self.qubits),) and t.element.name == "c128"):
            raise VerifyError(f"the state of {len(self.qubits)} qubit(s) is "
                              f"tensor<{2 ** len(self.qubits)}xc128>")
        _expect_distinct(self.qubits)


@op("q.call")
class Call(Op):
    """Run kernel `callee` on `args` (its gate parameters); yields its measurement results."""

    callee: SymbolRef = attr()
    args: tuple[Value, ...] = operands(ANY)
    out: tuple[Value, ...] = results(ANY)


@op("q.vjp")
class VJP(Op):
    """The vector-Jacobian product of kernel `callee` at `args`.

    `out[k] = sum_i <cotangents[i], d result[outputs[i]] / d args[0][k]>`: the gradient of a
    weighted sum of the kernel's results with respect to its parameter vector. `method`
    says how: "adjoint" is computed by the backend (one forward and one backward sweep,
    exact kernels only); "parameter-shift" and "finite-diff" are lowered by a pass into
    shifted `q.call`s before execution (and can be printed as such).
    """

    callee: SymbolRef = attr()
    method: str = attr()
    outputs: tuple[int, ...] = attr()
    args: tuple[Value, ...] = operands(F64_TENSOR)
    cotangents: tuple[Value, ...] = operands(ANY)
    out: Value = result(F64_TENSOR)

    def verify(self) -> None:
        if self.method not in VJP_METHODS:
            raise VerifyError(f"unknown method {self.method!r}; use one of {', '.join(VJP_METHODS)}")
        if len(self.args) != 1:
            raise VerifyError("q.vjp differentiates a kernel's one parameter vector")
        if self.out.type != self.args[0].type:
            raise VerifyError("the VJP has the parameter vector's type")
        if len(self.outputs) != len(self.cotangents):
            raise VerifyError("one cotangent per listed output")
        if len(set(self.outputs)) != len(self.outputs):
            raise VerifyError("an output is listed twice")


VJP_METHODS = ("adjoint", "parameter-shift", "finite-diff")

MATRIX_TOLERANCE = 1e-8
"""Tolerance of `unitary_problem` and `hermitian_problem`, on the largest entry (max-norm)."""


def unitary_problem(m: np.ndarray, num_qubits: int | None = None) -> str | None:
    """Why `m` is not a unitary on `num_qubits` qubits (any number if None), or None if it is.

    The test is `max_ij |(U^dagger U - I)_ij| <= 1e-8`: the entries of U^dagger U are
    inner products of unit columns, so this scale means the same for every size, and it is
    far above the ~d * 1e-16 rounding of a matrix that is unitary to double precision.
    Entries must be finite and the shape 2^k x 2^k.
    """
    problem = _matrix_shape_problem(m, num_qubits)
    if problem is not None:
        return problem
    m = np.asarray(m, dtype=complex)
    if not np.isfinite(m).all():
        return "the matrix has inf or nan entries; pass a finite unitary matrix"
    with np.errstate(all="ignore"):  # entries near 1e200 overflow: inf or nan, not unitary
        gram = m.conj().T @ m
        gram.flat[:: len(m) + 1] -= 1.0
        error = float(np.abs(gram).max())
    if error <= MATRIX_TOLERANCE:
        return None
    return (f"the matrix is not unitary: U^dagger U - I has an entry of size {error:.3g} > "
            f"{MATRIX_TOLERANCE:g}; pass a unitary matrix, exact to double precision "
            f"(scipy.linalg.polar(U)[0] is the nearest one), or build the operation from gates")


def hermitian_problem(m: np.ndarray, num_qubits: int | None = None) -> str | None:
    """Why `m` is not a Hermitian matrix on `num_qubits` qubits (any number if None), or None.

    The test is `max_ij |(M - M^dagger)_ij| <= 1e-8 * max(1, max_ij |M_ij|)`: relative to
    the matrix's largest entry, with an absolute floor so that a matrix near zero is not
    held to a tolerance below rounding. Entries must be finite and the shape 2^k x 2^k.
    """
    problem = _matrix_shape_problem(m, num_qubits)
    if problem is not None:
        return problem
    m = np.asarray(m, dtype=complex)
    if not np.isfinite(m).all():
        return "the matrix has inf or nan entries; pass a finite Hermitian matrix"
    with np.errstate(all="ignore"):  # an overflow to inf is a difference of ~1e308: rejected
        error = float(np.abs(m - m.conj().T).max())
        size = float(np.abs(m).max())
    if error <= MATRIX_TOLERANCE * max(1.0, size):
        return None
    return (f"the matrix is not Hermitian: M - M^dagger has an entry of size {error:.3g} > "
            f"{MATRIX_TOLERANCE:g} * max(1, largest |M_ij|); pass a matrix equal to its "
            f"conjugate transpose, e.g. (M + M.conj().T) / 2")


def _matrix_shape_problem(m: np.ndarray, num_qubits: int | None) -> str | None:
    shape = np.shape(m)
    d = shape[0] if len(shape) == 2 and shape[0] == shape[1] else 0
    if d == 0 or d & (d - 1):
        return f"the matrix has shape {shape}; give a square 2^k x 2^k matrix for k qubits"
    if num_qubits is not None and d != 2 ** num_qubits:
        return (f"a {d}x{d} matrix cannot act on {num_qubits} qubit(s); give a "
                f"{2 ** num_qubits}x{2 ** num_qubits} matrix")
    return None


def _expect_distinct(qubits: tuple[Value, ...]) -> None:
    """Each qubit operand is a different qubit: backends map each one to its own wire."""
    if len(qubits) < 2 or (len(qubits) == 2 and qubits[0] is not qubits[1]):
        return  # most gates: nothing to search
    for position, q in enumerate(qubits):
        if q in qubits[:position]:
            raise VerifyError(f"qubit {display_name(q)} appears twice")


MEASUREMENTS = (Expval, Var, Sample, Probs, Bits, State)
QUBIT_READERS = (PauliSum, Hermitian, Probs, Bits, State)
"""Ops that read qubit values without consuming them."""

