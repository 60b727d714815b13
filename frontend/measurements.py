"""Measurements with PennyLane's names: expval, var, probs, sample, counts, state.

Each records itself in the active circuit and returns a stand-in for its result:
expval/var a scalar tracer and probs an array of them (host code may post-process
both); sample, counts and state an opaque result that can only be returned.
"""

from __future__ import annotations

from typing import Any

from ..ir import C128, F64, I64, MeasurementError, TraceError, Value, tensor
from .circuit import Circuit, MeasurementRecord, require_circuit
from .large_result import LargeResult, tensor_result
from .observables import Hermitian, Observable, PauliSum, as_observable, dense
from .tracing import Tracer, TracerArray

_ARRAY_ATTRIBUTES = frozenset({"shape", "dtype", "ndim", "size", "T", "real", "imag", "sum", "mean",
                               "reshape", "flatten", "ravel", "astype", "tolist", "item", "conj"})


class OpaqueResult:
    """A sample/counts/state result: returned to the caller as is, not computed on."""

    def __init__(self, record: MeasurementRecord):
        self.record = record

    @property
    def measurement(self) -> str:
        """The user's name for it: the record kind "bits" is kt.sample(wires=...)."""
        if self.record.counts:
            return "counts"
        return "state" if self.record.kind == "state" else "sample"

    def __repr__(self) -> str:
        return f"<kt.{self.measurement} result: only known when the circuit runs>"

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TraceError(f"the result of kt.{self.measurement} cannot be computed on while kettle "
                         f"traces (inside a qjit function, or a function being differentiated); "
                         f"return it from the qjit function and process the array after the call"
                         + ("; to differentiate, measure kt.expval, kt.var or kt.probs"
                            if self.measurement == "state" else ""))

    __add__ = __radd__ = __mul__ = __rmul__ = __sub__ = __rsub__ = __getitem__ = _refuse
    __truediv__ = __rtruediv__ = __pow__ = __rpow__ = __matmul__ = __rmatmul__ = _refuse
    __neg__ = __abs__ = __lt__ = __le__ = __gt__ = __ge__ = __len__ = __iter__ = _refuse
    __array__ = __array_ufunc__ = __array_function__ = __float__ = __complex__ = __bool__ = _refuse

    def __getattr__(self, name: str) -> Any:  # .shape, .sum(), ...: not known while tracing
        if name in _ARRAY_ATTRIBUTES:
            self._refuse()
        raise AttributeError(name)


def _record(circuit: Circuit, record: MeasurementRecord) -> MeasurementRecord:
    circuit.measurements.append(record)
    return record


def _observable(circuit: Circuit, op: Any, what: str) -> Observable:
    obs = as_observable(op)
    circuit.check_wires(obs.wires, f"kt.{what}")
    return obs


def expval(op: Any) -> Tracer:
    """The expectation value of an observable."""
    circuit = require_circuit("expval")
    record = _record(circuit, MeasurementRecord("expval", Value(F64, "expval"),
                                                _observable(circuit, op, "expval")))
    return Tracer(circuit.trace, record.result)


def var(op: Any) -> Tracer:
    """The variance of an observable (with shots: of its samples, in one measurement basis)."""
    circuit = require_circuit("var")
    obs = _observable(circuit, op, "var")
    if circuit.shots is not None:
        obs = _sampleable(obs, "var")
    record = _record(circuit, MeasurementRecord("var", Value(F64, "var"), obs))
    return Tracer(circuit.trace, record.result)


def probs(wires: Any = None, op: Any = None) -> TracerArray | LargeResult:
    """Probabilities of the basis states of `wires` (default: all), first wire most significant."""
    circuit = require_circuit("probs")
    if op is not None:
        raise MeasurementError("kt.probs(op=...) is not supported; rotate into the observable's "
                               "eigenbasis with gates and use kt.probs(wires=...)")
    chosen = _wires_or_all(circuit, wires, "probs")
    record = _record(circuit, MeasurementRecord("probs", Value(tensor(2 ** len(chosen)), "probs"),
                                                wires=chosen))
    return tensor_result(circuit.trace, record.result, (2 ** len(chosen),))


def sample(obs: Any = None, wires: Any = None, *, op: Any = None) -> OpaqueResult:
    """Per-shot samples: eigenvalues of `obs` (shape (shots,)), or bits of `wires` ((shots, k)).

    `op=` is accepted as PennyLane's name for `obs`.
    """
    return OpaqueResult(_sampling("sample", _one_of(obs, op), wires, counts=False))


def counts(obs: Any = None, wires: Any = None, all_outcomes: bool = False, *,
           op: Any = None) -> OpaqueResult:
    """Counts of each observed outcome as a dict: bitstrings for wires, eigenvalues for `obs`."""
    return OpaqueResult(_sampling("counts", _one_of(obs, op), wires, counts=True,
                                  all_outcomes=all_outcomes))


def _one_of(obs: Any, op: Any) -> Any:
    if obs is not None and op is not None:
        raise MeasurementError("give the observable once, as obs= (or PennyLane's op=), not both")
    return obs if obs is not None else op


def _sampling(what: str, op: Any, wires: Any, counts: bool, all_outcomes: bool = False):
    circuit = require_circuit(what)
    if circuit.shots is None:
        raise MeasurementError(f"kt.{what} needs shots: declare them with "
                               f"kt.qjit(wires={circuit.wires}, shots=1000)")
    if op is not None and wires is not None:
        raise MeasurementError(f"kt.{what} takes an observable or wires, not both")
    if op is not None:
        obs = _sampleable(_observable(circuit, op, what), what)
        record = MeasurementRecord("sample", Value(tensor(circuit.shots), what), obs,
                                   counts=counts, all_outcomes=all_outcomes)
    else:
        chosen = _wires_or_all(circuit, wires, what)
        record = MeasurementRecord("bits", Value(tensor(circuit.shots, len(chosen), element=I64), what),
                                   wires=chosen, counts=counts, all_outcomes=all_outcomes)
    return _record(circuit, record)


def _sampleable(obs: Observable, what: str) -> Observable:
    """`obs` with one measurement basis: a sum of non-commuting words becomes its matrix.

    As in PennyLane, kt.sample(kt.Hadamard(0)) or kt.sample(kt.X(0) + kt.Z(0)) gives the
    eigenvalues of the summed operator; only a traced coefficient keeps it from a matrix.
    """
    if isinstance(obs, Hermitian):
        return obs
    assert isinstance(obs, PauliSum)
    diagonal = all(p == "Z" for _, word in obs.terms for _, p in word)
    if len(obs.terms) == 1 or diagonal:
        return obs
    if any(isinstance(c, Tracer) for c, _ in obs.terms):
        raise MeasurementError(f"kt.{what} of a sum of non-commuting Pauli words with traced "
                               f"coefficients has no fixed measurement basis; use constant "
                               f"coefficients or sample each word separately")
    matrix, wires = dense(obs)
    return Hermitian(matrix, wires)


def state() -> OpaqueResult:
    """The state vector (exact runs only), wire 0 the most significant bit."""
    circuit = require_circuit("state")
    if circuit.shots is not None:
        raise MeasurementError("kt.state() is only defined for exact runs; remove shots=... "
                               "or use kt.probs/kt.sample")
    value = Value(tensor(2**circuit.wires, element=C128), "state")
    return OpaqueResult(_record(circuit, MeasurementRecord("state", value,
                                                           wires=tuple(range(circuit.wires)))))


def _wires_or_all(circuit: Circuit, wires: Any, what: str) -> tuple[int, ...]:
    if wires is None:
        return tuple(range(circuit.wires))
    chosen = circuit.check_wires(wires, f"kt.{what}")
    if not chosen:
        raise MeasurementError(f"kt.{what}(wires=[]) measures no wire; pass at least one wire, "
                               f"or wires=None (the default) for all of them")
    return chosen
