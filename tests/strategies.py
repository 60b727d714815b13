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


@st.composite
def kernels(draw, max_wires: int = 8, max_gates: int = 25, min_wires: int = 1):
    """A random exact kernel and its parameter vector: `(Module, params)`.

    Gates are drawn from the whole table (with random adjoint and controls); the kernel
    returns an expval of a random Pauli sum with traced coefficients, the probs of a
    random wire subset, and the state.
    """
    wires = draw(st.integers(min_wires, max_wires))
    ops = draw(st.lists(gate_ops(wires), min_size=0, max_size=max_gates))
    words = draw(pauli_words(wires))
    n_gate_params = sum(op[2] for op in ops)
    n_params = n_gate_params + len(words)
    b = KernelBuilder("k", wires, n_params)
    slot = 0
    for name, chosen, n, adjoint, ctrl in ops:
        params = [b.param(slot + i) for i in range(n)]
        slot += n
        b.gate(name, chosen, params, adjoint=adjoint, ctrl=ctrl)
    coeffs = [b.param(slot + i) for i in range(len(words))]
    e = b.expval(b.obs(words, list(range(wires)), coeffs))
    subset = draw(st.permutations(range(wires)))[: draw(st.integers(1, wires))]
    p = b.probs(subset)
    s = b.state()
    module = Module("k", (b.build([e, p, s]),))
    seed = draw(st.integers(0, 2**32 - 1))
    params = np.random.default_rng(seed).uniform(-np.pi, np.pi, n_params)
    return module, params


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
