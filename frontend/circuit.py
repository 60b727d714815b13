"""The recording of one traced quantum function: its queue of operations and measurements.

Like PennyLane's queuing context, a gate object created inside a qjit function appends
itself to the active circuit, and is taken back out when it turns out to be an
observable (handed to a measurement or combined with @, * or +). Measurements are
terminal: they see the state after every queued gate, wherever they were called.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..ir import MeasurementError, Value, WireError
from .tracing import HostTrace, Tracer

if TYPE_CHECKING:
    from .observables import Observable
    from .operations import Operation

_STATE = threading.local()


@dataclass
class MeasurementRecord:
    """One measurement: its kind, what it measures, and the host value of its result."""

    kind: str  # expval | var | sample | probs | bits | state
    result: Value
    obs: Observable | None = None
    wires: tuple[int, ...] = ()
    counts: bool = False
    all_outcomes: bool = False


@dataclass
class Circuit:
    """Operations and measurements of one qjit function on `wires` wires."""

    wires: int
    shots: int | None
    trace: HostTrace
    queue: list[Operation] = field(default_factory=list)
    measurements: list[MeasurementRecord] = field(default_factory=list)
    host_start: int = 0

    def record(self, op: Operation) -> None:
        self.queue.append(op)

    def remove(self, op: Operation) -> None:
        """Take `op` back out of the queue (a gate object that became an observable): it was
        queued moments ago, so the search starts at the end, not at the circuit's first gate."""
        for i in range(len(self.queue) - 1, -1, -1):
            if self.queue[i] is op:
                del self.queue[i]
                return

    def check_wires(self, wires: Sequence[Any], what: str) -> tuple[int, ...]:
        """Validate wire labels against this circuit's wire count."""
        checked = normalize_wires(wires, what)
        if checked and max(checked) >= self.wires:
            w = next(w for w in checked if w >= self.wires)
            raise WireError(f"{what} acts on wire {w}, but the circuit has wires 0..{self.wires - 1}; "
                            f"use a wire below {self.wires} or declare more with kt.qjit(wires=...)")
        return checked


def normalize_wires(wires: Any, what: str) -> tuple[int, ...]:
    """An int, a range or a sequence of ints -> a tuple of distinct non-negative ints."""
    # Fast paths for what gates are usually given (every gate of a trace comes here).
    if type(wires) is int and wires >= 0:
        return (wires,)
    if type(wires) in (list, tuple) and all(type(w) is int and w >= 0 for w in wires):
        if len(wires) < 2 or len(set(wires)) == len(wires):
            return tuple(wires)
    if isinstance(wires, (int, np.integer, Tracer)) and not isinstance(wires, bool):
        wires = (wires,)
    if isinstance(wires, (set, frozenset, dict)):
        raise WireError(f"{what}: wires must be ordered (a list, tuple or range), got a "
                        f"{type(wires).__name__} {wires!r}, whose order is arbitrary (which wire is "
                        f"the control?); write them as a list")
    try:
        items = tuple(wires)
    except TypeError:
        raise WireError(f"{what}: wires must be an int or a sequence of ints, got {wires!r}") from None
    out = []
    for w in items:
        if hasattr(w, "__index__") and not isinstance(w, (bool, np.bool_, Tracer)):
            w = int(w.__index__())
        if isinstance(w, Tracer):
            raise WireError(f"{what}: a wire cannot be a traced value, it must be known when the "
                            f"function is traced; pass wire numbers as Python ints (static arguments)")
        if not isinstance(w, int) or isinstance(w, bool) or w < 0:
            raise WireError(f"{what}: wire {w!r} is not a non-negative integer; wires are "
                            f"numbered 0, 1, ..., as in kt.qjit(wires=n)")
        out.append(w)
    if len(set(out)) != len(out):
        repeated = sorted({w for w in out if out.count(w) > 1})
        raise WireError(f"{what} names wire {repeated[0]} more than once (wires {list(out)}); "
                        f"each wire of a gate must be different")
    return tuple(out)


def current_circuit() -> Circuit | None:
    return getattr(_STATE, "circuit", None)


def require_circuit(what: str) -> Circuit:
    circuit = current_circuit()
    if circuit is None:
        raise MeasurementError(
            f"kt.{what} was called outside a qjit function; measurements only exist inside a "
            f"circuit: call it in a function decorated with @kt.qjit(wires=...)")
    return circuit


@contextmanager
def circuit_scope(circuit: Circuit | None) -> Iterator[Circuit | None]:
    previous = current_circuit()
    _STATE.circuit = circuit
    try:
        yield circuit
    finally:
        _STATE.circuit = previous


@contextmanager
def capture() -> Iterator[list[Operation]]:
    """Collect the operations queued inside the block instead of the circuit (adjoint, ctrl)."""
    circuit = current_circuit()
    if circuit is None:
        raise MeasurementError("kt.adjoint/kt.ctrl of a function only works inside a qjit function")
    outer, captured = circuit.queue, []
    circuit.queue = captured
    n_measurements = len(circuit.measurements)
    try:
        yield captured
    finally:
        circuit.queue = outer
    if len(circuit.measurements) != n_measurements:
        raise MeasurementError("a measurement inside kt.adjoint or kt.ctrl has no meaning; "
                               "measure outside the transformed function")
