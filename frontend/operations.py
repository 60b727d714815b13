"""Gate objects with PennyLane's names and signatures: `kt.RX(0.3, wires=0)`, `kt.CNOT([0, 1])`.

Every class reads its matrix, parameter and wire counts from the gate table. Created
inside a qjit function, a gate joins the circuit; created anywhere else it is a plain
description (`kt.RX(0.3, wires=0).matrix()`). Used as an observable (in a measurement,
or combined with @, * or +) it leaves the circuit, as in PennyLane.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ..ir import ALIASES, GATES, GateSpec, ShapeError, TraceError, WireError
from ..ir.gates import controlled_matrix
from ..ir.quantum import unitary_problem
from .circuit import current_circuit, normalize_wires
from .tracing import Tracer, TracerArray, real


def _check_param(x: Any, gate: str) -> Any:
    """A gate parameter: a tracer or a real number (0-d arrays unwrapped)."""
    if type(x) is Tracer:  # the usual case, first
        return x
    if isinstance(x, np.ndarray) and x.shape == ():
        x = x[()]
    if isinstance(x, Tracer):
        return x
    if isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_)):
        return real(x, f"a {gate} parameter")
    if isinstance(x, (np.ndarray, list, tuple)):
        raise ShapeError(f"{gate} takes scalar angles, got an array of shape {np.shape(x)}; index "
                         f"the array to pass one element per parameter")
    raise TraceError(f"{gate}: a parameter must be a real number or a traced value, "
                     f"got {type(x).__name__} {x!r}")


class Operation:
    """A gate on wires; `controls` (with `control_values`) and `adjoint` come from kt.ctrl/kt.adjoint."""

    spec: ClassVar[GateSpec | None] = None
    name: ClassVar[str] = ""
    num_params: ClassVar[int] = 0

    def __init__(self, *args: Any, wires: Any = None, id: str | None = None, **named: Any):
        if named:
            args = self._named_params(args, named, wires)
        params, wires = self._split(args, wires)
        self.params = tuple([_check_param(p, self.name) for p in params])
        circuit = current_circuit()
        self.wires = circuit.check_wires(wires, self.name) if circuit else normalize_wires(wires, self.name)
        self._check_width()
        self.adjoint = False
        self.controls: tuple[int, ...] = ()
        self.control_values: tuple[bool, ...] = ()
        if circuit is not None:
            circuit.record(self)

    @classmethod
    def param_names(cls) -> tuple[str, ...]:
        return cls.spec.param_names if cls.spec is not None else ("U",)

    @classmethod
    def signature(cls) -> str:
        return f"{cls.name}({', '.join((*cls.param_names(), 'wires'))})"

    def _named_params(self, args: tuple, named: dict[str, Any], wires: Any) -> tuple:
        """Parameters given by name (`kt.RX(phi=0.3, wires=0)`) appended in signature order."""
        names = self.param_names()
        unknown = sorted(set(named) - set(names[len(args):]))
        if unknown:
            raise ShapeError(f"{self.name} got an unexpected or repeated parameter {unknown[0]!r}; "
                             f"call {self.signature()}")
        missing = [n for n in names[len(args):] if n not in named]
        if missing:
            raise ShapeError(f"{self.name} is missing parameter {missing[0]!r}; call {self.signature()}")
        return (*args, *(named[n] for n in names[len(args):]))

    def _split(self, args: tuple, wires: Any) -> tuple[tuple, Any]:
        if wires is None and len(args) == self.num_params + 1:
            return args[:-1], args[-1]
        if wires is not None and len(args) == self.num_params:
            return args, wires
        given = len(args) - (1 if wires is None and args else 0)
        if wires is None and len(args) <= self.num_params:
            raise WireError(f"{self.name} needs wires: call {self.signature()}")
        one_wire = self.spec is not None and self.spec.num_wires == 1
        several = "" if one_wire else "; several wires go in one list, wires=[0, 1]"
        raise ShapeError(f"{self.name} takes {self.num_params} parameter(s), got {given}: "
                         f"call {self.signature()}{several}")

    def _check_width(self) -> None:
        width = self.spec.num_wires if self.spec else None
        if width is not None and len(self.wires) != width:
            raise WireError(f"{self.name} acts on {width} wire(s), got {len(self.wires)} "
                            f"(wires={list(self.wires)})")
        if not self.wires:
            raise WireError(f"{self.name} needs at least one wire")

    @property
    def all_wires(self) -> tuple[int, ...]:
        return (*self.controls, *self.wires)

    def base_matrix(self) -> np.ndarray:
        if any(isinstance(p, Tracer) for p in self.params):
            raise TraceError(f"{self.name}.matrix() needs numeric parameters, not traced values")
        return self.spec.matrix(self.params, len(self.wires), adjoint=self.adjoint)

    def matrix(self) -> np.ndarray:
        """The unitary on `controls + wires` (controls first, wire 0 most significant)."""
        return controlled_matrix(self.base_matrix(), self.control_values)

    def __repr__(self) -> str:
        params = "".join(f"{p!r}, " for p in self.params)
        text = f"{self.name}({params}wires={list(self.wires)})"
        if self.controls:
            text = f"ctrl({text}, control={list(self.controls)})"
        return f"adjoint({text})" if self.adjoint else text

    # A gate combined like an observable becomes one (PennyLane semantics).
    def __matmul__(self, other): return _obs(self) @ other
    def __rmatmul__(self, other): return other @ _obs(self)
    def __mul__(self, k): return _obs(self) * k
    def __rmul__(self, k): return k * _obs(self)
    def __truediv__(self, k): return _obs(self) / k
    def __rtruediv__(self, k): return k / _obs(self)
    def __add__(self, other): return _obs(self) + other
    def __radd__(self, other): return other + _obs(self)
    def __sub__(self, other): return _obs(self) - other
    def __rsub__(self, other): return other - _obs(self)
    def __neg__(self): return -_obs(self)


def _obs(op: Operation):
    from .observables import as_observable

    return as_observable(op)


def gate_class(name: str) -> type[Operation]:
    spec = GATES[name]
    doc = (f"{name}: {spec.num_params} parameter(s), "
           f"{spec.num_wires or 'any number of'} wire(s). Matrix from kettle's gate table.")
    return type(name, (Operation,), {"spec": spec, "name": name, "num_params": spec.num_params,
                                     "__doc__": doc, "__module__": "kettle"})


GATE_CLASSES: dict[str, type[Operation]] = {name: gate_class(name) for name in GATES}
"""One class per gate-table entry, under its name and its aliases (H, X, Y, Z, I)."""
GATE_CLASSES.update({alias: GATE_CLASSES[name] for alias, name in ALIASES.items()})
# kettle.RX, kettle.CNOT, ...: adding a gate to the table is all it takes to get its class.
globals().update(GATE_CLASSES)


class QubitUnitary(Operation):
    """An explicit unitary matrix on `wires` (a constant: it cannot depend on traced values)."""

    name = "QubitUnitary"
    num_params = 1

    def __init__(self, U: Any, wires: Any = None, id: str | None = None):
        if isinstance(U, (Tracer, TracerArray)) or (
                isinstance(U, np.ndarray) and U.dtype == object):
            raise TraceError("QubitUnitary needs a constant matrix; a trainable unitary is not "
                             "supported: build it from parametrised gates instead")
        m = _constant_matrix(U, "QubitUnitary")
        circuit = current_circuit()
        self.wires = circuit.check_wires(wires, self.name) if circuit else normalize_wires(wires, self.name)
        if m.shape != (2 ** len(self.wires),) * 2:
            raise ShapeError(f"QubitUnitary on {len(self.wires)} wire(s) needs a "
                             f"{2 ** len(self.wires)}x{2 ** len(self.wires)} matrix, got shape {m.shape}")
        problem = unitary_problem(m)  # the verifier's own check, made early for a clear message
        if problem is not None:
            raise TraceError(f"QubitUnitary: {problem}")
        self.params = (m,)
        self.adjoint = False
        self.controls, self.control_values = (), ()
        if circuit is not None:
            circuit.record(self)

    def base_matrix(self) -> np.ndarray:
        return self.params[0].conj().T if self.adjoint else self.params[0]

    def __repr__(self) -> str:
        dim = self.params[0].shape[0]
        return f"QubitUnitary(<{dim}x{dim}>, wires={list(self.wires)})"


def _constant_matrix(x: Any, what: str) -> np.ndarray:
    """A complex matrix from a nested list or array of numbers.

    Raises:
        ShapeError: anything that is not a rectangular array of numbers.
    """
    try:
        m = np.asarray(x, dtype=complex)
    except (TypeError, ValueError):
        raise ShapeError(f"{what} needs a square matrix of numbers, got {x!r:.60}") from None
    if m.ndim != 2:
        raise ShapeError(f"{what} needs a square matrix of numbers, got an array of shape {m.shape}")
    return m
