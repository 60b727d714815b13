"""The NumPy reference interpreter: the definition of what IR means.

Short and slow on purpose: the state is a `(2,)*n` tensor, every gate is a dense matrix
contracted in with `tensordot`, every measurement is computed from dense matrices. Every
pass and every backend is tested against it.

With shots, `q.bits` and `q.sample` draw from `rng`, as a device would: one shared set
of computational-basis samples per run serves every `q.bits` and every diagonal
observable (so two wires of a Bell pair agree shot by shot); any other observable is
measured in its own eigenbasis. expval, var and probs stay exact: they are the means of
what a sampling backend estimates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..ir import C128, GATES, Module, TensorType, Value
from ..ir import arith as A
from ..ir import quantum as Q
from ..ir.function import Function, Return
from ..ir.gates import PAULIS, kron
from ..ir.pauli import parse_word
from ..ir.tensors import Extract, FromElements


def run(module: Module, *args: Any, rng: np.random.Generator | None = None) -> tuple:
    """Run the module's entry function on `args`; returns its results as a tuple."""
    return run_function(module, module.entry, args, rng)


def run_function(module: Module, fn: Function, args: Sequence[Any], rng=None,
                 on_call: Callable[[str, list], None] | None = None) -> tuple:
    """Run `fn`; `on_call(kernel name, arguments)` sees every `q.call` before it runs."""
    env: dict[Value, Any] = {a: _as_value(x, a) for a, x in zip(fn.args, args)}
    machine = _Machine() if fn.is_kernel else None
    for o in fn.body:
        if isinstance(o, Return):
            return tuple(env[v] for v in o.values)
        if isinstance(o, Q.Call):
            call_args = [env[a] for a in o.args]
            if on_call is not None:
                on_call(o.callee.name, call_args)
            outs = run_function(module, module[o.callee.name], call_args, rng, on_call)
            env.update(zip(o.out, outs))
        elif machine is not None and o.name.startswith("q."):
            machine.step(o, env, fn.shots, rng)
        else:
            env[o.results[0]] = _host_op(o, env)
    raise AssertionError("function without return")


def _as_value(x: Any, arg: Value) -> Any:
    t = arg.type
    element = t.element if isinstance(t, TensorType) else t
    cast = complex if element == C128 else float  # a c128 argument keeps its imaginary part
    return np.asarray(x, dtype=cast) if isinstance(t, TensorType) else cast(x)


def _host_op(o, env):
    if isinstance(o, A.Constant):
        return o.value
    if o.name in A.BINARY_FUNCTIONS:
        return float(A.BINARY_FUNCTIONS[o.name](env[o.lhs], env[o.rhs]))
    if o.name in A.UNARY_FUNCTIONS:
        return float(A.UNARY_FUNCTIONS[o.name](env[o.x]))
    if isinstance(o, Extract):
        return env[o.source][o.index].item()
    if isinstance(o, FromElements):
        return np.array([env[e] for e in o.elements]).reshape(o.out.type.shape)
    raise NotImplementedError(f"reference interpreter: no rule for `{o.name}`")


def gate_matrix(o: Q.Gate, params: Sequence[float]) -> np.ndarray:
    """The dense matrix of a `q.gate` on its qubits (controls first), from the gate table."""
    spec = GATES[o.gate]
    base = spec.matrix(list(params), len(o.targets), adjoint=o.adjoint)
    if not o.ctrl:
        return base
    n_ctrl = len(o.ctrl)
    active = int("".join("1" if c else "0" for c in o.ctrl), 2)
    d = base.shape[0]
    full = np.eye(d * 2**n_ctrl, dtype=complex)
    full[active * d:(active + 1) * d, active * d:(active + 1) * d] = base
    return full


class _Machine:
    """A state tensor plus the wire of every live qubit value."""

    def __init__(self) -> None:
        self.state: np.ndarray | None = None
        self.wire: dict[Value, int] = {}
        self.basis_samples: np.ndarray | None = None  # (shots, n) bits, drawn on first need

    def shared_bits(self, shots: int, rng: np.random.Generator) -> np.ndarray:
        """The run's computational-basis samples of every wire, (shots, n)."""
        if self.basis_samples is None:
            n = self.state.ndim
            outcomes = rng.choice(2**n, size=shots, p=self.probs(list(range(n))))
            self.basis_samples = (outcomes[:, None] >> np.arange(n - 1, -1, -1)) & 1
        return self.basis_samples

    def wires(self, qubits) -> list[int]:
        return [self.wire[q] for q in qubits]

    def apply(self, matrix: np.ndarray, wires: list[int]) -> np.ndarray:
        k = len(wires)
        m = matrix.reshape((2,) * 2 * k)
        out = np.tensordot(m, self.state, axes=(list(range(k, 2 * k)), wires))
        return np.moveaxis(out, list(range(k)), wires)

    def step(self, o, env, shots, rng) -> None:
        if isinstance(o, Q.Alloc):
            self.state = np.zeros((2,) * o.wires, dtype=complex)
            self.state[(0,) * o.wires] = 1.0
            self.wire.update({q: i for i, q in enumerate(o.out)})
        elif isinstance(o, (Q.Gate, Q.Unitary)):
            m = gate_matrix(o, [env[p] for p in o.params]) if isinstance(o, Q.Gate) else env[o.matrix]
            self.state = self.apply(m, self.wires(o.qubits))
            self.wire.update({new: self.wire[old] for old, new in zip(o.qubits, o.out)})
        elif isinstance(o, Q.PauliSum):
            coeffs = [env[c] for c in o.coeffs] or [1.0] * len(o.words)
            env[o.out] = (sum(c * _word_matrix(w, len(o.qubits)) for c, w in zip(coeffs, o.words)),
                          self.wires(o.qubits))
        elif isinstance(o, Q.Hermitian):
            env[o.out] = (np.asarray(env[o.matrix]), self.wires(o.qubits))
        elif isinstance(o, (Q.Expval, Q.Var)):
            matrix, wires = env[o.obs]
            applied = self.apply(matrix, wires)
            mean = np.vdot(self.state, applied).real
            env[o.out] = float(mean if isinstance(o, Q.Expval) else np.vdot(applied, applied).real - mean**2)
        elif isinstance(o, Q.Probs):
            env[o.out] = self.probs(self.wires(o.qubits))
        elif isinstance(o, Q.State):
            env[o.out] = np.transpose(self.state, self.wires(o.qubits)).reshape(-1).copy()
        elif isinstance(o, Q.Bits):
            env[o.out] = self.shared_bits(shots, rng)[:, self.wires(o.qubits)].copy()
        elif isinstance(o, Q.Sample):
            matrix, wires = env[o.obs]
            if np.allclose(matrix, np.diag(np.diag(matrix))):
                bits = self.shared_bits(shots, rng)[:, wires]
                index = bits @ (1 << np.arange(len(wires) - 1, -1, -1)) if wires else 0
                env[o.out] = np.diag(matrix).real[index] * np.ones(shots)
                return
            eigenvalues, vectors = np.linalg.eigh(matrix)
            rotated = self.apply(vectors.conj().T, wires)
            probs = np.abs(np.moveaxis(rotated, wires, range(len(wires))).reshape(len(eigenvalues), -1)) ** 2
            env[o.out] = rng.choice(eigenvalues, size=shots, p=probs.sum(axis=1) / probs.sum())
        else:
            raise NotImplementedError(f"reference interpreter: no rule for `{o.name}`")

    def probs(self, wires: list[int]) -> np.ndarray:
        p = np.abs(self.state) ** 2
        others = tuple(w for w in range(p.ndim) if w not in wires)
        marginal = p.sum(axis=others)
        order = sorted(wires)
        return np.transpose(marginal, [order.index(w) for w in wires]).reshape(-1)


def _word_matrix(word: str, n: int) -> np.ndarray:
    letters = ["I"] * n
    for letter, index in parse_word(word):
        letters[index] = letter
    return kron(np.eye(1), *[PAULIS[x] for x in letters])  # a word on no qubits is the scalar 1


class ReferenceKernel:
    """A kernel run by the reference interpreter, with the statevector backend's interface."""

    def __init__(self, fn: Function):
        self.fn = fn
        self.module = Module(fn.name, (fn,))

    def run(self, params: np.ndarray | None, rng: np.random.Generator | None = None) -> tuple:
        args = [] if params is None else [params]
        return run_function(self.module, self.fn, args, rng)


def compile_kernel(fn: Function) -> ReferenceKernel:
    """The reference backend's entry point: the interpreter behind `run(params, rng)`."""
    return ReferenceKernel(fn)


def kernel_arguments(module: Module, *args: Any) -> dict[str, list]:
    """The arguments each kernel is called with when the entry function runs on `args`."""
    seen: dict[str, list] = {}
    run_function(module, module.entry, args, np.random.default_rng(0),
                 on_call=lambda name, call_args: seen.setdefault(name, call_args))
    return seen
