"""The vector-Jacobian product of a kernel on the reference interpreter: the definition of `q.vjp`.

Forward mode on the dense NumPy state, every parameter slot at once: each scalar carries a
tangent vector with one entry per slot (an extract of slot k is e_k; arithmetic by its
partial derivatives), and the state carries one tangent per slot by the product rule,
`d(U psi) = U dpsi + dU psi`, with `dU` built from the gate table's eigen-factors (`-i s G`
inserted at each factor that reads the parameter). Measurements then turn into tangents of
their results (observable coefficients included), contracted with the cotangents. One
dense simulation with a slot axis: short on purpose and independent of the statevector
backend, yet fast enough (~10 ms for the demo's 48 slots) to serve gradients while the
numba kernels compile (runtime/tiers.py).
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
    if params.size:
        seeds = np.eye(params.size).reshape(*params.shape, params.size)  # slot k moves along e_k
        for c, t in zip(cotangents, _jvp(fn, params, seeds)):
            grad += _contract(c, t, fn.name)
    return grad.reshape(params.shape)


def _contract(cotangent: Any, tangent: np.ndarray | None, name: str) -> np.ndarray | float:
    """`<cotangent, tangent[..., k]>` for every slot k (the slot axis is last)."""
    if cotangent is None:
        return 0.0
    if tangent is None:
        raise BackendError(f"reference: a result of kernel @{name} has no derivative "
                           "(state, bits or samples); its cotangent must be None")
    weighted = np.asarray(cotangent, dtype=float)[..., None] * tangent
    return weighted.sum(axis=tuple(range(weighted.ndim - 1)))


def _jvp(fn: Function, params: np.ndarray, seeds: np.ndarray) -> list[Any]:
    """The tangents of `fn`'s results along every slot at once (slot axis last; None: no tangent).

    `psi[..., 0]` is the state and `psi[..., 1 + k]` its tangent along slot k, so a gate
    moves all of them with one tensordot; wire w stays axis w, as Measurer expects.
    """
    slots = seeds.shape[-1]
    env: dict = {fn.args[0]: params} if fn.args else {}
    tan: dict = {fn.args[0]: seeds} if fn.args else {}
    psi = None
    wire: dict = {}
    later = []
    for o in fn.body:
        if isinstance(o, Q.Alloc):
            psi = np.zeros((2,) * o.wires + (1 + slots,), dtype=complex)
            psi[(0,) * o.wires + (0,)] = 1.0
            wire.update({q: i for i, q in enumerate(o.out)})
        elif isinstance(o, (Q.Gate, Q.Unitary)):
            psi = _step(o, [wire[q] for q in o.qubits], env, tan, psi)
            wire.update({new: wire[old] for old, new in zip(o.qubits, o.out)})
        elif o.name.startswith("q.") or isinstance(o, Return):
            later.append(o)
        else:
            _scalar_step(o, env, tan, slots)
    for o in later:
        if isinstance(o, Return):
            return [tan.get(v) for v in o.values]
        _measure(o, env, tan, psi, [wire[q] for q in getattr(o, "qubits", ())])
    raise AssertionError("kernel without return")


def _scalar_step(o, env: dict, tan: dict, slots: int) -> None:
    zero = np.zeros(slots)
    if isinstance(o, A.Constant):
        env[o.out] = o.value
    elif isinstance(o, Extract):
        env[o.out] = env[o.source][o.index].item()
        tan[o.out] = tan[o.source][o.index] if o.source in tan else zero
    elif o.name in A.BINARY_FUNCTIONS or o.name in A.UNARY_FUNCTIONS:
        args = [env[v] for v in o.operands]
        fn = A.BINARY_FUNCTIONS.get(o.name) or A.UNARY_FUNCTIONS[o.name]
        env[o.out] = float(fn(*args))
        total = zero
        with np.errstate(all="ignore"):
            for v, d in zip(o.operands, partials(o.name, args)):
                t = tan.get(v, zero)
                if t.any():  # a nan partial must not reach the slots where t is 0
                    total = total + np.where(t != 0.0, d() * t, 0.0)
        tan[o.out] = total
    else:
        raise BackendError(f"reference vjp: no rule for `{o.name}`")


def _apply(m: np.ndarray, wires: list[int], psi: np.ndarray) -> np.ndarray:
    return Measurer(psi, None, None).apply(MatrixObs(m, wires))


def _step(o, wires: list[int], env: dict, tan: dict, psi: np.ndarray) -> np.ndarray:
    """`psi` after gate `o`: `U` on the state and every tangent, plus `dU/dtheta_p state`
    times theta_p's tangent, on the slots where that tangent is non-zero."""
    if isinstance(o, Q.Unitary):
        return _apply(np.asarray(env[o.matrix]), wires, psi)
    values = [float(env[p]) for p in o.params]
    state = psi[..., 0]
    out = _apply(gate_matrix(o, values), wires, psi)
    for p, v in enumerate(o.params):
        t = tan.get(v)
        moved = np.flatnonzero(t) if t is not None else ()
        if len(moved):
            du = _with_controls(gate_derivative(o.gate, o.adjoint, len(o.targets), values, p), o.ctrl)
            out[..., 1 + moved] += _apply(du, wires, state)[..., None] * t[moved]
    return out


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


def _measure(o, env: dict, tan: dict, psi: np.ndarray, wires: list[int]) -> None:
    """Value and tangents of one observable or measurement (an observable's tangent is a
    PauliObs whose coefficients are slot vectors, or None)."""
    if isinstance(o, Q.PauliSum):
        zero = np.zeros(psi.shape[-1] - 1)
        coeffs = [env[c] for c in o.coeffs]
        env[o.out] = pauli_obs(o.words, coeffs, wires)
        if o.coeffs:
            tan[o.out] = pauli_obs(o.words, [tan.get(c, zero) for c in o.coeffs], wires)
        return
    if isinstance(o, Q.Hermitian):
        env[o.out] = MatrixObs(np.asarray(env[o.matrix]), wires)
        return
    state, dstate = psi[..., 0], psi[..., 1:]
    if isinstance(o, (Q.Expval, Q.Var)):
        obs, dobs = env[o.obs], tan.get(o.obs)
        applied = Measurer(psi, None, None).apply(obs)
        phi, dphi = applied[..., 0], applied[..., 1:]  # O state, and O times each tangent
        if dobs is not None:
            plain = Measurer(state, None, None)
            dphi = dphi + sum(plain.apply_word(word)[..., None] * c for c, word in dobs.terms)
        mean = np.vdot(state, phi).real
        dmean = (_inner(dstate, phi) + _inner(dphi, state)).real
        tan[o.out] = dmean if isinstance(o, Q.Expval) else 2 * _inner(dphi, phi).real - 2 * mean * dmean
    elif isinstance(o, Q.Probs):
        tan[o.out] = _marginal(2 * (state.conj()[..., None] * dstate).real, wires)
    # q.state, q.bits and q.sample have no tangent


def _inner(tangents: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """`<tangents[..., k], vector>` for every slot k."""
    return vector.reshape(-1).conj() @ tangents.reshape(vector.size, -1)


def _marginal(weights: np.ndarray, wires: list[int]) -> np.ndarray:
    """`weights` (one per basis state and slot, slot axis last) summed over every wire not in
    `wires`, ordered like exact probs: shape (2**len(wires), slots)."""
    n = weights.ndim - 1
    marginal = weights.sum(axis=tuple(w for w in range(n) if w not in wires))
    order = sorted(wires)
    ordered = np.transpose(marginal, [order.index(w) for w in wires] + [len(wires)])
    return ordered.reshape(-1, weights.shape[-1])
