"""A small builder for kernels, by wire number: what the frontend and tests use to emit IR.

It tracks the live qubit value of every wire so callers think in wires while the IR
stays in value form.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .arith import Constant
from .function import Function, Return
from .op import Op
from .quantum import (
    Alloc,
    Bits,
    Expval,
    Gate,
    Hermitian,
    PauliSum,
    Probs,
    Sample,
    State,
    Unitary,
    Var,
)
from .tensors import Extract
from .types import C128, F64, I64, OBS, QUBIT, Type, tensor
from .values import Value


class KernelBuilder:
    """Emit a kernel op by op. `params` is its one `tensor<n x f64>` argument (if n > 0)."""

    def __init__(self, name: str, wires: int, num_params: int = 0, shots: int | None = None):
        self.name, self.num_wires, self.shots = name, wires, shots
        self.args = (Value(tensor(num_params), "params"),) if num_params else ()
        self.body: list[Op] = []
        self._constants: dict[tuple[float, str], Value] = {}
        self._names = [f"q{w}" for w in range(wires)]  # one name string per wire, shared
        self.qubits = [Value(QUBIT, name) for name in self._names]
        self.emit(Alloc(wires=wires, out=tuple(self.qubits)))

    def emit(self, o: Op) -> Op:
        self.body.append(o)
        return o

    def param(self, index: int) -> Value:
        out = Value(F64, f"p{index}")
        self.emit(Extract(index=(index,), source=self.args[0], out=out))
        return out

    def const(self, value: float | np.ndarray, type_: Type = F64) -> Value:
        """An `arith.constant`; equal scalar constants share one op."""
        key = (float(value), str(float(value))) if type_ == F64 else None
        if key is not None and key in self._constants:
            return self._constants[key]
        out = Value(type_, "c" if type_ == F64 else "m")
        self.emit(Constant(value=value, out=out))
        if key is not None and value == value:
            self._constants[key] = out
        return out

    def _advance(self, wires: Sequence[int]) -> tuple[tuple[Value, ...], tuple[Value, ...]]:
        qubits, names = self.qubits, self._names
        old = tuple([qubits[w] for w in wires])
        new = tuple([Value(QUBIT, names[w]) for w in wires])
        for w, v in zip(wires, new):
            qubits[w] = v
        return old, new

    def gate(self, name: str, wires: Sequence[int], params: Sequence[Value] = (),
             adjoint: bool = False, ctrl: Sequence[bool] = ()) -> None:
        """`name` on `wires`; the first `len(ctrl)` wires are controls."""
        old, new = self._advance(wires)
        self.emit(Gate(gate=name, adjoint=adjoint, ctrl=tuple(ctrl), params=tuple(params),
                       qubits=old, out=new))

    def unitary(self, matrix: np.ndarray, wires: Sequence[int]) -> None:
        m = self.const(np.asarray(matrix, dtype=complex), tensor(*np.shape(matrix), element=C128))
        old, new = self._advance(wires)
        self.emit(Unitary(matrix=m, qubits=old, out=new))

    def obs(self, words: Sequence[str], wires: Sequence[int], coeffs: Sequence[Value] = ()) -> Value:
        out = Value(OBS, "obs")
        self.emit(PauliSum(words=tuple(words), coeffs=tuple(coeffs),
                           qubits=tuple(self.qubits[w] for w in wires), out=out))
        return out

    def hermitian(self, matrix: np.ndarray, wires: Sequence[int]) -> Value:
        m = self.const(np.asarray(matrix, dtype=complex), tensor(*np.shape(matrix), element=C128))
        out = Value(OBS, "obs")
        self.emit(Hermitian(matrix=m, qubits=tuple(self.qubits[w] for w in wires), out=out))
        return out

    def _measure(self, cls: type[Op], type_: Type, name: str, **fields) -> Value:
        out = Value(type_, name)
        self.emit(cls(out=out, **fields))
        return out

    def expval(self, obs: Value) -> Value:
        return self._measure(Expval, F64, "expval", obs=obs)

    def var(self, obs: Value) -> Value:
        return self._measure(Var, F64, "var", obs=obs)

    def sample(self, obs: Value) -> Value:
        return self._measure(Sample, tensor(self._shots()), "sample", obs=obs)

    def probs(self, wires: Sequence[int]) -> Value:
        qubits = tuple(self.qubits[w] for w in wires)
        return self._measure(Probs, tensor(2 ** len(wires)), "probs", qubits=qubits)

    def bits(self, wires: Sequence[int]) -> Value:
        qubits = tuple(self.qubits[w] for w in wires)
        return self._measure(Bits, tensor(self._shots(), len(wires), element=I64), "bits",
                             qubits=qubits)

    def state(self) -> Value:
        return self._measure(State, tensor(2**self.num_wires, element=C128), "state",
                             qubits=tuple(self.qubits))

    def _shots(self) -> int:
        if self.shots is None:
            raise ValueError("sampling needs a kernel built with shots")
        return self.shots

    def build(self, outputs: Sequence[Value]) -> Function:
        self.body.append(Return(values=tuple(outputs)))
        attrs = {} if self.shots is None else {"shots": self.shots}
        return Function("kernel", self.name, self.args, tuple(v.type for v in outputs),
                        tuple(self.body), attrs)
