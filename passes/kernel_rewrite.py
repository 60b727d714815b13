"""Re-emitting a kernel with some of its gate ops replaced: what the decomposition passes share.

Passes read a gate op as a `Call` on local wires (0 for its first qubit operand, ...) with
affine angles, and write calls back in its place as `q.gate` ops with fresh qubit values
and the `arith` ops of their angles. Every other op is kept, its qubit operands renamed
when they were replaced. Unused ops left behind (angles or matrices of replaced gates)
are removed at the end.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..ir import F64, QUBIT, Constant, Function, Op, Value
from ..ir import quantum as Q
from ..ir.values import display_name
from .angles import Angle, AngleEmitter, affine_values
from .calls import Call
from .dead_code import remove_dead_ops


class KernelWriter:
    """Builds the new body of kernel `fn`; `finish()` returns it (or `fn` if nothing changed)."""

    def __init__(self, fn: Function):
        self.fn = fn
        self.body: list[Op] = []
        self.changed = False
        self._renamed: dict[Value, Value] = {}
        self._angles = affine_values(fn.body)
        self._constants = {o.out: o.value for o in fn.body if isinstance(o, Constant)}
        self._emitter = AngleEmitter(self.body)

    def angle(self, v: Value) -> Angle:
        return self._angles.get(v) or Angle.of(v)

    def matrix(self, o: Q.Unitary) -> np.ndarray | None:
        """The matrix of a q.unitary if it is an `arith.constant`, else None."""
        value = self._constants.get(o.matrix)
        return None if value is None else np.asarray(value, dtype=complex)

    def call(self, o: Q.Gate | Q.Unitary) -> Call:
        """A gate op (or a q.unitary with a constant matrix) as a Call on local wires 0, 1, ..."""
        wires = tuple(range(len(o.qubits)))
        if isinstance(o, Q.Unitary):
            return Call("QubitUnitary", wires, matrix=self.matrix(o))
        return Call(o.gate, wires, tuple(self.angle(p) for p in o.params), o.adjoint, o.ctrl)

    def keep(self, o: Op) -> None:
        qubits = getattr(o, "qubits", None)
        if qubits and self._renamed and any(q in self._renamed for q in qubits):
            o = o.map_operands(self._renamed)
        self.body.append(o)
        if o.name.startswith(("arith.", "math.")) and o.results[0].type == F64:
            self._emitter.reuse(self.angle(o.results[0]), o.results[0])

    def replace(self, qubits: Sequence[Value], outs: Sequence[Value], calls: Sequence[Call]) -> None:
        """Emit `calls` (local wire i is `qubits[i]`) in place of ops that consumed `qubits`
        and yielded `outs`."""
        self.changed = True
        live = [self._renamed.get(q, q) for q in qubits]
        for c in calls:
            if c.matrix is not None:
                raise AssertionError(f"a rewritten kernel keeps no unitary call: {c}")
            params = tuple(self._emitter.value(p) for p in c.params)
            old = tuple(live[w] for w in c.wires)
            new = tuple(Value(QUBIT, live[w].name) for w in c.wires)
            self.body.append(Q.Gate(gate=c.gate, adjoint=c.adjoint, ctrl=c.ctrl, params=params,
                                    qubits=old, out=new))
            for w, q in zip(c.wires, new):
                live[w] = q
        for out, q in zip(outs, live):
            self._renamed[out] = q

    def finish(self) -> Function:
        if not self.changed:
            return self.fn
        return remove_dead_ops(self.fn.replace(body=tuple(self.body)))

    def where(self, o: Op) -> str:
        """`@kernel, op #i (...)` for error messages."""
        index = next(i for i, x in enumerate(self.fn.body) if x is o)
        return f"@{self.fn.name}, op #{index} ({o.name} on {', '.join(map(display_name, o.operands))})"
