"""Walk a kernel once: map qubit values to wires, scalars to registers, gates to GateActions
and measurements to instructions and steps. Pure Python; no numba here.

Every op the backend does not handle raises BackendError naming the backend and the op.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...ir import BackendError, Function, TensorType, Value
from ...ir import arith as A
from ...ir import quantum as Q
from ...ir.function import Return
from ...ir.printer import print_op_in
from ...ir.tensors import Extract
from .gate_actions import GateAction, lower_gate
from .measurements import Measurements, Step
from .observables import MatrixObs, PauliObs, bit, pauli_obs
from .pools import ComplexPool, Scalar, Scalars

HANDLED_OPS = (
    "q.alloc", "q.gate", "q.unitary", "q.obs", "q.hermitian", "q.expval", "q.var", "q.sample",
    "q.probs", "q.bits", "q.state", "tensor.extract", "arith.constant", "return",
    *A.BINARY_FUNCTIONS, *A.UNARY_FUNCTIONS,
)
"""Every op a kernel may contain that this backend runs (see test_statevector_coverage)."""


@dataclass(frozen=True)
class Measured:
    """What a result measures, for the adjoint VJP: the op name and its observable or bits."""

    kind: str
    obs: PauliObs | MatrixObs | None = None
    bits: tuple[int, ...] = ()


@dataclass
class Lowered:
    """A kernel in the backend's terms, before fusion and encoding."""

    n: int
    n_params: int
    scalars: Scalars
    cpool: ComplexPool
    actions: list[GateAction]
    measurements: Measurements
    steps: list[tuple[Value, Step]] = field(default_factory=list)
    outputs: tuple[Value, ...] = ()
    measured: dict[Value, Measured] = field(default_factory=dict)


def lower(fn: Function) -> Lowered:
    """Lower a kernel function. Raises BackendError for anything the backend cannot run."""
    if not fn.is_kernel:
        raise BackendError(f"statevector: @{fn.name} is a host function; only kernels run here")
    n_params = _check_args(fn)
    walker = _Walker(fn, n_params)
    for o in fn.body:
        try:
            walker.step(o)
        except BackendError as exc:
            text = print_op_in(fn, o)
            raise (exc if text in str(exc) else BackendError(f"{exc}\n  in `{text}`")) from None
        except (ValueError, KeyError, NotImplementedError) as exc:
            raise BackendError(f"statevector cannot run `{print_op_in(fn, o)}`: {exc}") from None
    return walker.result


def _check_args(fn: Function) -> int:
    if not fn.args:
        return 0
    t = fn.args[0].type
    if any(isinstance(a.type, TensorType) and a.type.element.name == "c128" for a in fn.args):
        raise BackendError(f"statevector: kernel @{fn.name} takes a c128 matrix as an argument; "
                           f"this backend runs q.unitary and q.hermitian on constant matrices "
                           f"only: make the matrix an arith.constant in the kernel, or run the "
                           f"kernel on the reference backend, which checks it on every call")
    if len(fn.args) > 1 or not isinstance(t, TensorType) or t.element.name != "f64":
        raise BackendError(f"statevector: kernel @{fn.name} must take zero or one tensor of f64, "
                           f"got ({', '.join(str(a.type) for a in fn.args)})")
    return t.size


class _Walker:
    def __init__(self, fn: Function, n_params: int):
        self.fn = fn
        self.env: dict[Value, object] = {}
        self.scalars = Scalars(n_params)
        self.cpool = ComplexPool()
        self.result = Lowered(0, n_params, self.scalars, self.cpool, [],
                              Measurements(0, fn.shots, self.scalars, self.cpool))

    def unsupported(self, o, why: str = "no rule for this op") -> BackendError:
        return BackendError(f"statevector cannot run `{print_op_in(self.fn, o)}`: {why}")

    def scalar(self, v: Value) -> Scalar:
        s = self.env[v]
        assert isinstance(s, Scalar)
        return s

    def wires(self, qubits) -> list[int]:
        return [self.env[q] for q in qubits]

    def step(self, o) -> None:
        handler = _HANDLERS.get(type(o)) or _handler(type(o))
        if handler is None:
            raise self.unsupported(o)
        handler(self, o)

    def _tensor_extract(self, o: Extract) -> None:
        source = self.env.get(o.source)
        if isinstance(source, np.ndarray):
            self.env[o.out] = Scalar(value=float(source[o.index]))
            return
        if o.source not in self.fn.args:
            raise self.unsupported(o, "extracts from something other than the parameter tensor")
        index = o.index
        flat = index[0] if len(index) == 1 else int(np.ravel_multi_index(index, o.source.type.shape))
        self.env[o.out] = Scalar(reg=flat)

    def _arith_constant(self, o: A.Constant) -> None:
        if isinstance(o.value, np.ndarray):
            self.env[o.out] = o.value
        elif isinstance(o.value, complex):
            raise self.unsupported(o, "complex scalars have no use in a kernel")
        else:
            self.env[o.out] = Scalar(value=float(o.value))

    def _arith(self, o) -> None:
        fn = A.BINARY_FUNCTIONS.get(o.name) or A.UNARY_FUNCTIONS[o.name]
        args = tuple(self.scalar(v) for v in o.operands)
        if all(a.value is not None for a in args):
            self.env[o.out] = Scalar(value=float(fn(*(a.value for a in args))))
        else:
            self.env[o.out] = self.scalars.computed(lambda *x, fn=fn: float(fn(*x)), args, o.name)

    def _q_alloc(self, o: Q.Alloc) -> None:
        if self.result.n:
            raise self.unsupported(o, "a kernel allocates its qubits once")
        self.result.n = o.wires
        self.result.measurements = Measurements(o.wires, self.fn.shots, self.scalars, self.cpool)
        self.env.update({q: w for w, q in enumerate(o.out)})

    def _advance(self, o) -> list[int]:
        wires = self.wires(o.qubits)
        self.env.update(zip(o.out, wires))
        return wires

    def _q_gate(self, o: Q.Gate) -> None:
        params = [self.scalar(p) for p in o.params] if o.params else ()
        action = lower_gate(o.gate, o.adjoint, o.ctrl, self._advance(o),
                            [p.value for p in params], lambda i: self.scalars.reg(params[i]))
        if action is not None:
            self.result.actions.append(action)

    def _q_unitary(self, o: Q.Unitary) -> None:
        matrix = self._constant_matrix(o)
        self.result.actions.append(GateAction("dense", tuple(self._advance(o)), data=matrix))

    def _constant_matrix(self, o) -> np.ndarray:
        m = self.env.get(o.matrix)
        if not isinstance(m, np.ndarray):
            raise self.unsupported(o, "the matrix must be an arith.constant")
        # The verifier checks it too; checked again here (once per compile, never per call)
        # so that an unverified kernel is refused as the reference interpreter refuses it.
        check = Q.unitary_problem if isinstance(o, Q.Unitary) else Q.hermitian_problem
        problem = check(m, len(o.qubits))
        if problem is not None:
            raise self.unsupported(o, problem)
        return np.asarray(m, dtype=complex)

    def _q_obs(self, o: Q.PauliSum) -> None:
        coeffs = [self.scalar(c) for c in o.coeffs] or [None] * len(o.words)
        self.env[o.out] = pauli_obs(self.result.n, o.words, coeffs, self.wires(o.qubits))

    def _q_hermitian(self, o: Q.Hermitian) -> None:
        bits = tuple(bit(self.result.n, w) for w in self.wires(o.qubits))
        self.env[o.out] = MatrixObs(self._constant_matrix(o), bits)

    def _measure(self, o, step: Step) -> None:
        self.result.steps.append((o.out, step))
        obs = self.env[o.obs] if hasattr(o, "obs") else None
        bits = self._bits(o) if isinstance(o, Q.Probs) else ()
        self.result.measured[o.out] = Measured(o.name, obs, bits)

    def _obs(self, o) -> PauliObs | MatrixObs:
        return self.env[o.obs]

    def _q_expval(self, o: Q.Expval) -> None:
        self._measure(o, self.result.measurements.expval(self._obs(o)))

    def _q_var(self, o: Q.Var) -> None:
        self._measure(o, self.result.measurements.var(self._obs(o)))

    def _q_sample(self, o: Q.Sample) -> None:
        self._measure(o, self.result.measurements.sample(self._obs(o)))

    def _bits(self, o) -> tuple[int, ...]:
        return tuple(bit(self.result.n, w) for w in self.wires(o.qubits))

    def _q_probs(self, o: Q.Probs) -> None:
        self._measure(o, self.result.measurements.probs(self._bits(o)))

    def _q_bits(self, o: Q.Bits) -> None:
        self._measure(o, self.result.measurements.bits(self._bits(o)))

    def _q_state(self, o: Q.State) -> None:
        self._measure(o, self.result.measurements.state(tuple(self.wires(o.qubits))))

    def _return(self, o: Return) -> None:
        measured = {v for v, _ in self.result.steps}
        for v in o.values:
            if v not in measured:  # the verifier refuses it too; this kernel was not verified
                raise self.unsupported(o, "a kernel returns measurement results only")
        self.result.outputs = o.values


_HANDLERS: dict[type, object] = {}
"""Op class -> the _Walker method lowering it (looked up by name once per class)."""


def _handler(cls: type):
    handler = getattr(_Walker, "_" + cls.name.replace(".", "_"), None)
    if handler is None and (cls.name in A.BINARY_FUNCTIONS or cls.name in A.UNARY_FUNCTIONS):
        handler = _Walker._arith
    if handler is not None:
        _HANDLERS[cls] = handler
    return handler
