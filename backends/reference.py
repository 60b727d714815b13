"""The NumPy reference interpreter: the definition of what IR means.

Short and slow on purpose: the state is a `(2,)*n` tensor and every gate a dense matrix
contracted in with `tensordot`. Every pass and every backend is tested against it.
Measurements are terminal: a kernel's gates all act first, then its measurements are
evaluated in program order on the final state (reference_measure.py, which also holds
the shots protocol every backend follows).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..ir import C128, GATES, BackendError, Module, TensorType, Value
from ..ir import arith as A
from ..ir import quantum as Q
from ..ir.function import Function, Return
from ..ir.gates import controlled_matrix
from ..ir.printer import print_op_in
from ..ir.tensors import Extract, FromElements, Insert
from .memory import check_kernel
from .reference_measure import MatrixObs, Measurer, needs_shared, pauli_obs


def run(module: Module, *args: Any, rng: np.random.Generator | None = None) -> tuple:
    """Run the module's entry function on `args`; returns its results as a tuple."""
    return run_function(module, module.entry, args, rng)


def run_function(module: Module, fn: Function, args: Sequence[Any], rng=None,
                 on_call: Callable[[str, list], tuple | None] | None = None) -> tuple:
    """Run `fn`. `on_call(kernel name, arguments)` sees every `q.call` first; if it returns
    results, they stand for the kernel's (which then does not run)."""
    env: dict[Value, Any] = {a: _as_value(x, a) for a, x in zip(fn.args, args)}
    if fn.is_kernel:
        return _run_kernel(fn, env, rng)
    for o in fn.body:
        if isinstance(o, Return):
            return tuple(env[v] for v in o.values)
        if isinstance(o, Q.Call):
            call_args = [env[a] for a in o.args]
            outs = on_call(o.callee.name, call_args) if on_call is not None else None
            if outs is None:
                outs = run_function(module, module[o.callee.name], call_args, rng, on_call)
            env.update(zip(o.out, outs))
        else:
            env[o.results[0]] = _host_op(o, env)
    raise AssertionError("function without return")


def classical_values(fn: Function, args: Sequence[Any]) -> dict[Value, Any]:
    """Every classical value of kernel `fn` on `args`, without running a quantum op: what a
    kernel computes besides its state (the coefficients of its observables, for example)."""
    env: dict[Value, Any] = {a: _as_value(x, a) for a, x in zip(fn.args, args)}
    for o in fn.body:
        if not (o.name.startswith("q.") or isinstance(o, Return)):
            env[o.results[0]] = _host_op(o, env)
    return env


_GATE_PHASE = (Q.Alloc, Q.Gate, Q.Unitary)


def _run_kernel(fn: Function, env: dict[Value, Any], rng) -> tuple:
    """Gates first (and the classical ops they need), then measurements in program order."""
    machine = _Machine(fn)
    later = []
    for o in fn.body:
        if isinstance(o, _GATE_PHASE):
            machine.step(o, env)
        elif o.name.startswith("q.") or isinstance(o, Return):
            later.append(o)
        else:
            env[o.results[0]] = _host_op(o, env)
    if fn.shots is not None and rng is None:
        raise BackendError(f"reference: kernel @{fn.name} has shots={fn.shots}; pass an rng")
    measurer = Measurer(machine.state, fn.shots, rng)
    observables = {o.out: o for o in later if isinstance(o, (Q.PauliSum, Q.Hermitian))}
    if fn.shots is not None and needs_shared(later, observables):
        measurer.draw_shared()
    for o in later:
        if isinstance(o, Return):
            return tuple(env[v] for v in o.values)
        env[o.results[0]] = _measure(o, env, machine, measurer)
    raise AssertionError("kernel without return")


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
    if isinstance(o, Insert):
        out = np.array(env[o.dest], copy=True)
        out[o.index] = env[o.scalar]
        return out
    raise BackendError(f"reference interpreter: no rule for `{o.name}`")


def gate_matrix(o: Q.Gate, params: Sequence[float]) -> np.ndarray:
    """The dense matrix of a `q.gate` on its qubits (controls first), from the gate table."""
    base = GATES[o.gate].matrix(list(params), len(o.targets), adjoint=o.adjoint)
    return controlled_matrix(base, o.ctrl)


class _Machine:
    """A state tensor plus the wire of every live qubit value."""

    def __init__(self, fn: Function) -> None:
        self.fn = fn
        self.state: np.ndarray | None = None
        self.wire: dict[Value, int] = {}

    def matrix(self, o: Q.Unitary | Q.Hermitian, env) -> np.ndarray:
        """The matrix operand of `o`, checked: it may be a kernel argument the verifier never saw.

        Raises:
            BackendError: a matrix that is not unitary (q.unitary) or Hermitian (q.hermitian).
        """
        m = np.asarray(env[o.matrix])
        check = Q.unitary_problem if isinstance(o, Q.Unitary) else Q.hermitian_problem
        problem = check(m, len(o.qubits))
        if problem is not None:
            index = next(i for i, x in enumerate(self.fn.body) if x is o)
            raise BackendError(f"reference: @{self.fn.name}, op #{index} (`{print_op_in(self.fn, o)}`): "
                               f"{problem}")
        return m

    def wires(self, qubits) -> list[int]:
        return [self.wire[q] for q in qubits]

    def step(self, o, env) -> None:
        if isinstance(o, Q.Alloc):
            self.state = np.zeros((2,) * o.wires, dtype=complex)
            self.state[(0,) * o.wires] = 1.0
            self.wire.update({q: i for i, q in enumerate(o.out)})
            return
        m = gate_matrix(o, [env[p] for p in o.params]) if isinstance(o, Q.Gate) else self.matrix(o, env)
        self.state = Measurer(self.state, None, None).apply(MatrixObs(m, self.wires(o.qubits)))
        self.wire.update({new: self.wire[old] for old, new in zip(o.qubits, o.out)})


def _measure(o, env, machine: _Machine, m: Measurer) -> Any:
    """The value of one observable or measurement op."""
    exact = m.shots is None
    if isinstance(o, Q.PauliSum):
        return pauli_obs(o.words, [env[c] for c in o.coeffs], machine.wires(o.qubits))
    if isinstance(o, Q.Hermitian):
        return MatrixObs(machine.matrix(o, env), machine.wires(o.qubits))
    if isinstance(o, Q.Expval):
        return m.exact_expval(env[o.obs]) if exact else m.sampled_expval(env[o.obs])
    if isinstance(o, Q.Var):
        return m.exact_var(env[o.obs]) if exact else float(np.var(m.per_shot(env[o.obs], o.name)))
    if isinstance(o, Q.Sample):
        return m.per_shot(env[o.obs], o.name)
    wires = machine.wires(o.qubits)
    if isinstance(o, Q.Probs):
        if exact:
            return m.exact_probs(wires)
        weights = 1 << np.arange(len(wires) - 1, -1, -1)
        outcomes = m.shared_bits(wires) @ weights
        return np.bincount(outcomes, minlength=2 ** len(wires)) / m.shots
    if isinstance(o, Q.Bits):
        return m.shared_bits(wires)
    if isinstance(o, Q.State):
        return np.transpose(machine.state, wires).reshape(-1).copy()
    raise BackendError(f"reference interpreter: no rule for `{o.name}`")


class ReferenceKernel:
    """A kernel run by the reference interpreter, with the statevector backend's interface."""

    def __init__(self, fn: Function):
        self.fn = fn
        self.module = Module(fn.name, (fn,))
        self._vjp_checked = False

    def run(self, params: np.ndarray | None, rng: np.random.Generator | None = None) -> tuple:
        args = [] if params is None else [params]
        return run_function(self.module, self.fn, args, rng)

    def vjp(self, params: np.ndarray | None, cotangents: tuple,
            rng: np.random.Generator | None = None) -> np.ndarray:
        """`g[k] = sum_i <cotangents[i], d result_i / d params[k]>` (reference_vjp.py); exact kernels only."""
        from .reference_vjp import vjp

        if not self._vjp_checked:
            check_kernel(self.fn, "reference", adjoint=True, user=False)
            self._vjp_checked = True
        return vjp(self.fn, params, cotangents)


def compile_kernel(fn: Function) -> ReferenceKernel:
    """The reference backend's entry point: the interpreter behind `run(params, rng)`."""
    check_kernel(fn, "reference", user=False)  # the runtime checked the user's limits already
    return ReferenceKernel(fn)


def kernel_arguments(module: Module, *args: Any) -> dict[str, list]:
    """The arguments each kernel is called with when the entry function runs on `args`.

    Only the host code runs: each kernel call is answered with zeros of its result types.
    """
    seen: dict[str, list] = {}

    def record(name: str, call_args: list) -> tuple:
        seen.setdefault(name, call_args)
        return tuple(_zeros(t) for t in module[name].result_types)

    run_function(module, module.entry, args, on_call=record)
    return seen


def _zeros(t) -> Any:
    if not isinstance(t, TensorType):
        return 0.0
    return np.zeros(t.shape, dtype={"c128": complex, "i64": np.int64}.get(t.element.name, float))
