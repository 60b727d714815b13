"""The vector-Jacobian product of a kernel on the reference interpreter: the definition of `q.vjp`.

Forward mode, one parameter slot at a time, on the dense NumPy state: every scalar carries
its tangent (an extract of the slot is 1; arithmetic by its partial derivatives) and the
state carries its tangent by the product rule, `d(U psi) = U dpsi + dU psi`, with `dU`
built from the gate table's eigen-factors (`-i s G` inserted at each factor that reads the
parameter). Measurements then turn into tangents of their results (observable
coefficients included), contracted with the cotangents. One dense simulation per slot:
slow and short on purpose, and independent of the statevector backend.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..ir import GATES, BackendError, Function
from ..ir import arith as A
from ..ir import quantum as Q
from ..ir.function import Return
from ..ir.tensors import Extract
from .reference import gate_matrix
from .reference_measure import MatrixObs, Measurer, pauli_obs

NEEDS_EXACT = "adjoint differentiation needs an exact run (shots=None); use parameter-shift"

_BINARY_PARTIALS: dict[str, tuple[Callable[[float, float], float], Callable[[float, float], float]]] = {
    "arith.addf": (lambda a, b: 1.0, lambda a, b: 1.0),
    "arith.subf": (lambda a, b: 1.0, lambda a, b: -1.0),
    "arith.mulf": (lambda a, b: b, lambda a, b: a),
    "arith.divf": (lambda a, b: 1.0 / b, lambda a, b: -a / b**2),
    "arith.powf": (lambda a, b: b * np.power(a, b - 1), lambda a, b: np.power(a, b) * np.log(a)),
}
_UNARY_PARTIALS: dict[str, Callable[[float], float]] = {
    "arith.negf": lambda x: -1.0,
    "math.sin": np.cos,
    "math.cos": lambda x: -np.sin(x),
    "math.tan": lambda x: 1.0 + np.tan(x) ** 2,
    "math.exp": np.exp,
    "math.log": lambda x: 1.0 / x,
    "math.sqrt": lambda x: 0.5 / np.sqrt(x),
    "math.atan": lambda x: 1.0 / (1.0 + x * x),
    "math.acos": lambda x: -1.0 / np.sqrt(1.0 - x * x),
    "math.asin": lambda x: 1.0 / np.sqrt(1.0 - x * x),
    "math.tanh": lambda x: 1.0 - np.tanh(x) ** 2,
    "math.absf": np.sign,
    "math.sign": lambda x: 0.0,
}


def partials(name: str, args: Sequence[float]) -> list[Callable[[], float]]:
    """The partial derivatives of arith op `name` at `args`, one thunk per operand: a partial
    is only evaluated where its operand has a tangent (d(a**b)/db = log(a) a**b is nan for a < 0
    even when b is constant)."""
    xs = [np.float64(a) for a in args]  # NumPy floats: 1/0 is inf and (-8)**(1/3) nan, as at run time
    if name in _BINARY_PARTIALS:
        return [lambda f=f: float(f(*xs)) for f in _BINARY_PARTIALS[name]]
    return [lambda: float(_UNARY_PARTIALS[name](xs[0]))]


def vjp(fn: Function, params: np.ndarray | None, cotangents: Sequence[Any]) -> np.ndarray:
    """`g[k] = sum_i <cotangents[i], d result_i / d params[k]>` of kernel `fn`.

    Raises:
        BackendError: a kernel with shots, a wrong number of cotangents, or a cotangent
            given for a result without a derivative (state, bits, samples).
    """
    if fn.shots is not None:
        raise BackendError(f"reference: {NEEDS_EXACT}")
    if len(cotangents) != len(fn.result_types):
        raise BackendError(f"reference: kernel @{fn.name} has {len(fn.result_types)} result(s), "
                           f"got {len(cotangents)} cotangent(s)")
    params = np.zeros(0) if params is None else np.asarray(params, dtype=float)
    grad = np.zeros(params.size)
    for k in range(params.size):
        tangent = np.zeros(params.size)
        tangent[k] = 1.0
        tangents = _jvp(fn, params, tangent.reshape(params.shape))
        grad[k] = sum(_contract(c, t, fn.name) for c, t in zip(cotangents, tangents))
    return grad.reshape(params.shape)


def _contract(cotangent: Any, tangent: Any, name: str) -> float:
    if cotangent is None:
        return 0.0
    if tangent is None:
        raise BackendError(f"reference: a result of kernel @{name} has no derivative "
                           "(state, bits or samples); its cotangent must be None")
    return float(np.sum(np.asarray(cotangent, dtype=float) * tangent))


def _jvp(fn: Function, params: np.ndarray, tangent: np.ndarray) -> list[Any]:
    """The tangents of `fn`'s results along `tangent` (None for results without one)."""
    env: dict = {fn.args[0]: params} if fn.args else {}
    tan: dict = {fn.args[0]: tangent} if fn.args else {}
    state = dstate = None
    wire: dict = {}
    later = []
    for o in fn.body:
        if isinstance(o, Q.Alloc):
            state = np.zeros((2,) * o.wires, dtype=complex)
            state[(0,) * o.wires] = 1.0
            dstate = np.zeros_like(state)
            wire.update({q: i for i, q in enumerate(o.out)})
        elif isinstance(o, (Q.Gate, Q.Unitary)):
            wires = [wire[q] for q in o.qubits]
            u, du = _gate_and_tangent(o, env, tan)
            dstate = _apply(u, wires, dstate) + (0 if du is None else _apply(du, wires, state))
            state = _apply(u, wires, state)
            wire.update({new: wire[old] for old, new in zip(o.qubits, o.out)})
        elif o.name.startswith("q.") or isinstance(o, Return):
            later.append(o)
        else:
            _scalar_step(o, env, tan)
    for o in later:
        if isinstance(o, Return):
            return [tan.get(v) for v in o.values]
        _measure(o, env, tan, state, dstate, [wire[q] for q in getattr(o, "qubits", ())])
    raise AssertionError("kernel without return")


def _scalar_step(o, env: dict, tan: dict) -> None:
    if isinstance(o, A.Constant):
        env[o.out] = o.value
    elif isinstance(o, Extract):
        env[o.out] = env[o.source][o.index].item()
        tan[o.out] = float(tan[o.source][o.index]) if o.source in tan else 0.0
    elif o.name in A.BINARY_FUNCTIONS or o.name in A.UNARY_FUNCTIONS:
        args = [env[v] for v in o.operands]
        fn = A.BINARY_FUNCTIONS.get(o.name) or A.UNARY_FUNCTIONS[o.name]
        env[o.out] = float(fn(*args))
        with np.errstate(all="ignore"):
            tan[o.out] = sum(d() * tan.get(v, 0.0) for v, d in zip(o.operands, partials(o.name, args))
                             if tan.get(v, 0.0) != 0.0)
    else:
        raise BackendError(f"reference vjp: no rule for `{o.name}`")


def _apply(m: np.ndarray, wires: list[int], state: np.ndarray) -> np.ndarray:
    return Measurer(state, None, None).apply(MatrixObs(m, wires))


def _gate_and_tangent(o, env: dict, tan: dict) -> tuple[np.ndarray, np.ndarray | None]:
    """The gate's matrix on its qubits and its tangent `sum_p dU/dtheta_p dtheta_p` (None if zero)."""
    if isinstance(o, Q.Unitary):
        return np.asarray(env[o.matrix]), None
    values = [float(env[p]) for p in o.params]
    u = gate_matrix(o, values)
    du = None
    for p, v in enumerate(o.params):
        t = tan.get(v, 0.0)
        if t != 0.0:
            d = t * _with_controls(gate_derivative(o.gate, o.adjoint, len(o.targets), values, p), o.ctrl)
            du = d if du is None else du + d
    return u, du


def gate_derivative(gate: str, adjoint: bool, n_targets: int, values: Sequence[float], p: int) -> np.ndarray:
    """dU/dtheta_p of a table gate: `U = F_m ... F_1`, `F = exp(-i s theta G)` (s = -1 for the
    adjoint, whose factors run in reverse), so each factor reading theta_p contributes the
    product with `-i s G F` in its place."""
    spec = GATES[gate]
    sign = -1.0 if adjoint else 1.0
    factors = spec.factors(n_targets)
    ordered = list(reversed(factors)) if adjoint else list(factors)
    dim = 2 ** spec.wires_for(n_targets)
    total = np.zeros((dim, dim), dtype=complex)
    for position, f in enumerate(ordered):
        if f.param != p:
            continue
        m = np.eye(dim, dtype=complex)
        for j, g in enumerate(ordered):
            step = g.matrix(values[g.param], sign)
            if j == position:
                step = -1j * sign * ((g.vectors * g.eigenvalues) @ g.vectors.conj().T) @ step
            m = step @ m
        total += m
    return total


def _with_controls(m: np.ndarray, ctrl: Sequence[bool]) -> np.ndarray:
    """A derivative `m` of a gate with op controls: zero on every other control pattern (where
    the gate is the identity)."""
    if not ctrl:
        return m
    d = m.shape[0]
    out = np.zeros((d << len(ctrl),) * 2, dtype=complex)
    active = int("".join("1" if v else "0" for v in ctrl), 2)
    out[active * d:(active + 1) * d, active * d:(active + 1) * d] = m
    return out


def _measure(o, env: dict, tan: dict, state: np.ndarray, dstate: np.ndarray, wires: list[int]) -> None:
    """Value and tangent of one observable or measurement (observables: (obs, d obs or None))."""
    if isinstance(o, Q.PauliSum):
        coeffs = [env[c] for c in o.coeffs]
        env[o.out] = pauli_obs(o.words, coeffs, wires)
        if o.coeffs:
            tan[o.out] = pauli_obs(o.words, [tan.get(c, 0.0) for c in o.coeffs], wires)
        return
    if isinstance(o, Q.Hermitian):
        env[o.out] = MatrixObs(np.asarray(env[o.matrix]), wires)
        return
    if isinstance(o, (Q.Expval, Q.Var)):
        obs, dobs = env[o.obs], tan.get(o.obs)
        phi = Measurer(state, None, None).apply(obs)
        dphi = Measurer(dstate, None, None).apply(obs)
        if dobs is not None:
            dphi = dphi + Measurer(state, None, None).apply(dobs)
        mean = np.vdot(state, phi).real
        dmean = (np.vdot(dstate, phi) + np.vdot(state, dphi)).real
        tan[o.out] = dmean if isinstance(o, Q.Expval) else 2 * np.vdot(phi, dphi).real - 2 * mean * dmean
    elif isinstance(o, Q.Probs):
        tan[o.out] = _marginal(2 * (state.conj() * dstate).real, wires)
    # q.state, q.bits and q.sample have no tangent


def _marginal(weights: np.ndarray, wires: list[int]) -> np.ndarray:
    """`weights` (one per basis state) summed over every wire not in `wires`, like exact probs."""
    marginal = weights.sum(axis=tuple(w for w in range(weights.ndim) if w not in wires))
    order = sorted(wires)
    return np.transpose(marginal, [order.index(w) for w in wires]).reshape(-1)

