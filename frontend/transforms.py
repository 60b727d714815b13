"""`kt.adjoint` and `kt.ctrl`: transform a gate object, a gate class or a quantum function.

Both work on the recorded operations: adjoint reverses them and flips each one's
`adjoint` flag; ctrl adds control wires (and values) to each. Backends and the IR see
plain `q.gate` ops with `adjoint`/`ctrl` attributes.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import wraps
from typing import Any

import numpy as np

from ..ir import TraceError, WireError
from .circuit import capture, current_circuit, normalize_wires
from .operations import Operation


def adjoint(fn: Any) -> Any:
    """The inverse of a gate object, or a function applying the inverse of `fn`'s gates."""
    _check_callable(fn, "kt.adjoint")
    if isinstance(fn, Operation):
        return _replace(fn, lambda op: setattr(op, "adjoint", not op.adjoint))
    if _is_gate_class(fn):  # a gate object, so that it also works outside a circuit
        return wraps(fn)(lambda *args, **kwargs: adjoint(fn(*args, **kwargs)))

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with capture() as ops:
            result = fn(*args, **kwargs)
        _requeue(reversed(ops), lambda op: setattr(op, "adjoint", not op.adjoint))
        return result

    return wrapper


def ctrl(fn: Any, control: Any, control_values: Any = None) -> Any:
    """`fn` (a gate object, gate class or quantum function) controlled on `control` wires.

    Args:
        control: control wire(s).
        control_values: the value each control must have (default all True).
    """
    controls = normalize_wires(control, "kt.ctrl")
    _check_callable(fn, "kt.ctrl")
    if control_values is None:
        values = (True,) * len(controls)
    else:
        raw = list(np.asarray(control_values).reshape(-1))
        if any(not (isinstance(v, (bool, np.bool_, int, np.integer)) and v in (0, 1)) for v in raw):
            raise WireError(f"kt.ctrl: control values are 0/1 or False/True, one per control wire; "
                            f"got {control_values!r}")
        values = tuple(bool(v) for v in raw)
    if len(values) != len(controls):
        raise WireError(f"kt.ctrl: {len(controls)} control wire(s) but {len(values)} control values")
    circuit = current_circuit()
    if circuit is not None:
        circuit.check_wires(controls, "kt.ctrl")

    def add_controls(op: Operation) -> None:
        clash = set(controls) & set(op.all_wires)
        if clash:
            raise WireError(f"kt.ctrl: control wire {min(clash)} is also a wire of {op!r}; "
                            f"controls must be different wires")
        op.controls = controls + op.controls
        op.control_values = values + op.control_values

    if isinstance(fn, Operation):
        return _replace(fn, add_controls)
    if _is_gate_class(fn):
        return wraps(fn)(lambda *args, **kwargs: _replace(fn(*args, **kwargs), add_controls))

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with capture() as ops:
            result = fn(*args, **kwargs)
        _requeue(ops, add_controls)
        return result

    return wrapper


def _is_gate_class(fn: Any) -> bool:
    return isinstance(fn, type) and issubclass(fn, Operation)


def _replace(op: Operation, transform: Callable[[Operation], None]) -> Operation:
    """A transformed copy of `op`; in a circuit it replaces `op` and is queued last (as in PennyLane).

    `op` itself is left alone, so a gate built outside the circuit can be transformed
    in it, and `kt.adjoint(op)` outside any circuit does not change `op`.
    """
    new = copy.copy(op)
    transform(new)
    circuit = current_circuit()
    if circuit is not None:
        circuit.check_wires(new.all_wires, new.name)  # `op` may come from outside the circuit
        circuit.remove(op)
        circuit.record(new)
    return new


def _requeue(ops: Any, transform: Callable[[Operation], None]) -> None:
    circuit = current_circuit()
    for op in list(ops):
        transform(op)
        circuit.check_wires(op.all_wires, op.name)  # controls may come from outside the circuit
        circuit.record(op)


def _check_callable(fn: Any, what: str) -> None:
    if not (isinstance(fn, Operation) or callable(fn)):
        raise TraceError(f"{what} takes a gate object (kt.RX(0.1, wires=0)), a gate class (kt.RX) "
                         f"or a quantum function, got {type(fn).__name__} {fn!r:.40}")
