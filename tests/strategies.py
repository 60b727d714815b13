"""Hypothesis strategies for random IR: kernels over the whole gate table, for property tests.

A drawn kernel comes with a parameter vector, so tests can run it on two executors
(the reference interpreter and a backend) and compare.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

from kettle.ir import (
    BINARY_OPS,
    C128,
    F64,
    GATES,
    UNARY_OPS,
    Call,
    Constant,
    Extract,
    FromElements,
    Function,
    Module,
    Op,
    Return,
    SymbolRef,
    Value,
    tensor,
    verify,
)
from kettle.ir.builder import KernelBuilder

PAULI_LETTERS = "XYZ"


def _gate_width(name: str, wires: int) -> int | None:
    spec = GATES[name]
    if spec.num_wires is None:
        return None
    return spec.num_wires if spec.num_wires <= wires else -1


@st.composite
def gate_ops(draw, wires: int):
    """(gate name, wires, number of params, adjoint, ctrl values) fitting in `wires` wires."""
    names = [n for n in GATES if (GATES[n].num_wires or 1) <= wires]
    name = draw(st.sampled_from(sorted(names)))
    spec = GATES[name]
    width = spec.num_wires or draw(st.integers(1, wires))
    room = wires - width
    n_ctrl = draw(st.integers(0, min(room, 2))) if draw(st.integers(0, 4)) == 0 else 0
    chosen = draw(st.permutations(range(wires)))[: width + n_ctrl]
    ctrl = tuple(draw(st.lists(st.booleans(), min_size=n_ctrl, max_size=n_ctrl)))
    adjoint = draw(st.booleans())
    return name, tuple(chosen), spec.num_params, adjoint, ctrl


@st.composite
def pauli_words(draw, wires: int, max_terms: int = 3):
    terms = draw(st.integers(1, max_terms))
    words = []
    for _ in range(terms):
        size = draw(st.integers(0, min(wires, 3)))
        chosen = draw(st.permutations(range(wires)))[:size]
        words.append(" ".join(f"{draw(st.sampled_from(PAULI_LETTERS))}{i}" for i in sorted(chosen)))
    return words


def random_unitary(k: int, seed: int) -> np.ndarray:
    """A random 2^k x 2^k unitary: the Q of a complex Gaussian matrix's QR (numpy only)."""
    rng = np.random.default_rng(seed)
    q, r = np.linalg.qr(rng.normal(size=(2**k, 2**k)) + 1j * rng.normal(size=(2**k, 2**k)))
    return q * (np.diag(r) / np.abs(np.diag(r)))  # phases fixed: Haar distributed


@st.composite
def unitary_ops(draw, wires: int, among: tuple[int, ...] | None = None):
    """("unitary", wires, matrix): a random 1-3 qubit `q.unitary` on wires of `among`
    (default: all `wires`)."""
    among = tuple(range(wires)) if among is None else among
    k = draw(st.integers(1, min(len(among), 3)))
    chosen = tuple(draw(st.permutations(among))[:k])
    return "unitary", chosen, random_unitary(k, draw(st.integers(0, 2**32 - 1)))


@st.composite
def constants(draw, n: int):
    """For each of a gate's `n` parameters, an `arith.constant` value or None (a kernel parameter).

    Mostly all or none, so that whole gates are constant (and fuse at lowering time).
    """
    value = st.floats(-np.pi, np.pi, allow_nan=False)
    if draw(st.integers(0, 3)) == 0:
        return tuple(draw(value) if draw(st.booleans()) else None for _ in range(n))
    if draw(st.booleans()):
        return tuple(draw(value) for _ in range(n))
    return (None,) * n


@st.composite
def gates_with_params(draw, wires: int):
    """A gate of `gate_ops` whose parameters are drawn by `constants`, or a `unitary_ops`."""
    if draw(st.integers(0, 7)) == 0:
        return draw(unitary_ops(wires))
    name, chosen, n, adjoint, ctrl = draw(gate_ops(wires))
    return name, chosen, draw(constants(n)), adjoint, ctrl


def apply_ops(b: KernelBuilder, ops: list[tuple]) -> int:
    """Emit `ops` (from `gates_with_params`/`unitary_ops`) into `b`: a `None` value takes the
    next parameter slot, a number becomes a constant. Returns the number of slots used."""
    slot = 0
    for op in ops:
        if op[0] == "unitary":
            b.unitary(op[2], op[1])
            continue
        name, chosen, values, adjoint, ctrl = op
        params = []
        for v in values:
            params.append(b.param(slot) if v is None else b.const(v))
            slot += v is None
        b.gate(name, chosen, params, adjoint=adjoint, ctrl=ctrl)
    return slot


def _build_kernel(draw, wires: int, ops: list[tuple]) -> tuple[Module, np.ndarray]:
    """The kernel applying `ops` (from `gates_with_params`) and returning an expval of a
    random Pauli sum with traced coefficients, the probs of a random wire subset and the
    state; with a random parameter vector."""
    words = draw(pauli_words(wires))
    n_gate_params = sum(v is None for op in ops if op[0] != "unitary" for v in op[2])
    n_params = n_gate_params + len(words)
    b = KernelBuilder("k", wires, n_params)
    slot = apply_ops(b, ops)
    coeffs = [b.param(slot + i) for i in range(len(words))]
    e = b.expval(b.obs(words, list(range(wires)), coeffs))
    subset = draw(st.permutations(range(wires)))[: draw(st.integers(1, wires))]
    p = b.probs(subset)
    s = b.state()
    module = Module("k", (b.build([e, p, s]),))
    seed = draw(st.integers(0, 2**32 - 1))
    params = np.random.default_rng(seed).uniform(-np.pi, np.pi, n_params)
    return module, params


@st.composite
def kernels(draw, max_wires: int = 8, max_gates: int = 25, min_wires: int = 1):
    """A random exact kernel and its parameter vector: `(Module, params)`.

    Gates are drawn from the whole table (with random adjoint and controls, and a random
    subset of parameters as `arith.constant`s), plus random 1-3 qubit `q.unitary`s; the
    kernel returns an expval of a random Pauli sum with traced coefficients, the probs of
    a random wire subset, and the state.
    """
    wires = draw(st.integers(min_wires, max_wires))
    ops = draw(st.lists(gates_with_params(wires), min_size=0, max_size=max_gates))
    return _build_kernel(draw, wires, ops)


FUSION_GATES = ("IsingXX", "IsingYY", "IsingZZ", "CRX", "CRot", "CNOT", "CZ", "SWAP", "ISWAP",
                "RX", "RY", "Rot", "Hadamard", "S", "PhaseShift")


@st.composite
def overlapping_chains(draw, min_wires: int = 10, max_wires: int = 11, max_gates: int = 30):
    """A kernel like `kernels`, biased towards what fusion reorders: chains of 1- and 2-qubit
    gates on a window of 3-4 neighbouring wires, so a gate's wires overlap recent blocks'.

    At 10+ wires the statevector backend also fuses gates with parameters by default.
    """
    wires = draw(st.integers(min_wires, max_wires))
    size = draw(st.integers(3, 4))
    low = draw(st.integers(0, wires - size))
    window = list(range(low, low + size))
    ops = []
    for _ in range(draw(st.integers(4, max_gates))):
        if draw(st.integers(0, 9)) == 0:
            ops.append(draw(unitary_ops(wires, tuple(window))))
            continue
        name = draw(st.sampled_from(FUSION_GATES))
        spec = GATES[name]
        chosen = tuple(draw(st.permutations(window))[: spec.num_wires])
        ops.append((name, chosen, draw(constants(spec.num_params)), draw(st.booleans()), ()))
    return _build_kernel(draw, wires, ops)


SPECIAL_FLOATS = (-0.0, 0.0, math.inf, -math.inf, math.nan, 1e-300, 5e-324, 1.7976931348623157e308, 0.1)
HOST_NAME_HINTS = (None, "t", "t", "x.y", "0", "not a name", "ψ")  # repeats and invalid hints on purpose


@st.composite
def _f64_constants(draw):
    return draw(st.one_of(st.sampled_from(SPECIAL_FLOATS), st.floats(allow_nan=True, allow_infinity=True)))


@st.composite
def _complex_tensor_constant(draw):
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
    parts = st.one_of(st.sampled_from(SPECIAL_FLOATS), st.floats(-10, 10))
    flat = [complex(draw(parts), draw(parts)) for _ in range(math.prod(shape))]
    return np.array(flat, dtype=complex).reshape(shape)


@st.composite
def host_modules(draw, max_ops: int = 12):
    """A verified module `@main`: a host `func` calling a random kernel `@k`; `(Module, args)`.

    The host takes `%x: f64` and `%w: tensor<3xf64>`; it mixes random `arith.*`/`math.*`
    ops, `arith.constant`s (special floats such as -0.0, inf, nan, 1e-300, and a complex
    tensor), `tensor.extract` and `tensor.from_elements`, calls the kernel with a tensor
    built from its scalars, and returns scalars, the complex constant and the kernel's
    state. Value name hints repeat and include invalid ones, to exercise the printer's
    naming. `args` are concrete inputs for the entry function.
    """
    kernel_module, _ = draw(kernels(max_wires=3, max_gates=6))
    kernel = kernel_module["k"]
    hint = lambda: draw(st.sampled_from(HOST_NAME_HINTS))  # noqa: E731
    x, w = Value(F64, "x"), Value(tensor(3), "w")
    body: list[Op] = []
    pool = [x]
    for i in range(3):
        body.append(Extract(index=(i,), source=w, out=Value(F64, hint())))
        pool.append(body[-1].out)
    for _ in range(draw(st.integers(1, 3))):
        body.append(Constant(value=draw(_f64_constants()), out=Value(F64, hint())))
        pool.append(body[-1].out)
    names = sorted(BINARY_OPS) + sorted(UNARY_OPS)
    for _ in range(draw(st.integers(1, max_ops))):
        name = draw(st.sampled_from(names))
        pick = lambda: draw(st.sampled_from(pool))  # noqa: E731
        out = Value(F64, hint())
        body.append(BINARY_OPS[name](lhs=pick(), rhs=pick(), out=out) if name in BINARY_OPS
                    else UNARY_OPS[name](x=pick(), out=out))
        pool.append(out)
    n_params = kernel.args[0].type.shape[0]
    packed = Value(kernel.args[0].type, hint())
    body.append(FromElements(elements=tuple(draw(st.sampled_from(pool)) for _ in range(n_params)),
                             out=packed))
    results = tuple(Value(t, hint()) for t in kernel.result_types)
    body.append(Call(callee=SymbolRef("k"), args=(packed,), out=results))
    expval, probs, state = results
    body.append(Extract(index=(0,), source=probs, out=Value(F64, hint())))
    total = Value(F64, hint())
    body.append(BINARY_OPS["arith.addf"](lhs=expval, rhs=body[-1].out, out=total))
    matrix = draw(_complex_tensor_constant())
    m = Value(tensor(*matrix.shape, element=C128), "m")
    body.append(Constant(value=matrix, out=m))
    entry = Value(C128, hint())
    body.append(Extract(index=(0,) * matrix.ndim, source=m, out=entry))
    outputs = (total, pool[-1], entry, m, state)
    body.append(Return(values=outputs))
    host = Function("func", "main", (x, w), tuple(v.type for v in outputs), tuple(body))
    module = verify(Module("main", (kernel, host)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return module, (float(rng.uniform(-2, 2)), rng.uniform(-2, 2, 3))
