"""`decompose`: every gate of the table, plain, inverted and controlled, into several bases.

Each decomposed kernel must hold only basis gates and compute the original's unitary up to
a global phase, at random parameters. The unitaries are built here by multiplying the
reference interpreter's gate matrices (`reference.gate_matrix`, the IR's semantics) along
the kernel, independently of the pass. Controlled variants check the phase under the
control: a wrong phase there is a relative phase of the whole unitary.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from kettle.backends.reference import gate_matrix
from kettle.ir import GATES, Constant, Gate, KettleError, Module, Unitary
from kettle.ir import arith as A
from kettle.ir.builder import KernelBuilder
from kettle.ir.tensors import Extract
from kettle.passes import Decompose, PassManager, Resynthesize1Q, parse_pipeline
from kettle.passes.basis import resolve
from kettle.passes.decompose import decompose_kernel

BASES = {
    "ibm-cx": ("rz", "sx", "x", "cx"),
    "ibm-ecr": ("rz", "sx", "x", "ecr"),
    "rxyz-cnot": ("RX", "RY", "RZ", "CNOT"),
    "u3-cnot": ("U3", "CNOT"),
    "rz-h-cz": ("rz", "h", "cz"),
    "ion-xx": ("RX", "RY", "IsingXX"),
    "rz-rx-cp": ("rz", "rx", "cp"),
    "braket": ("h", "x", "y", "z", "s", "si", "t", "ti", "v", "vi", "rx", "ry", "rz", "phaseshift",
               "cnot", "cy", "cz", "swap", "iswap", "xx", "yy", "zz", "ccnot", "cswap", "cphaseshift"),
}
VARIANTS = {  # name: (adjoint, control values, parameters traced)
    "plain": (False, (), True),
    "adjoint": (True, (), True),
    "ctrl": (False, (True,), True),
    "ctrl0-adjoint": (True, (False,), True),
}
EXTRA_VARIANTS = {"ctrl2": (False, (True, False), True), "constant": (False, (), False)}
EXTRA_BASES = ("ibm-cx", "rxyz-cnot")
CASES = [(name, width) for name, spec in GATES.items()
         for width in ((spec.num_wires,) if spec.num_wires else (1, 2, 3))]


def kernel_unitary(fn, params) -> np.ndarray:
    """The unitary of kernel `fn` at `params`: the reference's gate matrices, multiplied in."""
    n = next(o.wires for o in fn.body if o.name == "q.alloc")
    env, wire = {}, {}
    u = np.eye(2**n, dtype=complex).reshape((2,) * n + (2**n,))
    for o in fn.body:
        if o.name == "q.alloc":
            wire.update({q: i for i, q in enumerate(o.out)})
        elif isinstance(o, Extract):
            env[o.out] = params[o.index[0]]
        elif isinstance(o, Constant):
            env[o.out] = o.value
        elif o.name in A.BINARY_FUNCTIONS:
            env[o.out] = A.BINARY_FUNCTIONS[o.name](env[o.lhs], env[o.rhs])
        elif o.name in A.UNARY_FUNCTIONS:
            env[o.out] = A.UNARY_FUNCTIONS[o.name](env[o.x])
        elif isinstance(o, (Gate, Unitary)):
            m = gate_matrix(o, [env[p] for p in o.params]) if isinstance(o, Gate) else env[o.matrix]
            wires = [wire[q] for q in o.qubits]
            k = len(wires)
            moved = np.tensordot(m.reshape((2,) * (2 * k)), np.moveaxis(u, wires, range(k)),
                                 axes=(range(k, 2 * k), range(k)))
            u = np.moveaxis(moved, range(k), wires)
            wire.update({new: wire[old] for old, new in zip(o.qubits, o.out)})
    return u.reshape(2**n, 2**n)


def assert_equal_up_to_phase(actual: np.ndarray, expected: np.ndarray, atol: float = 1e-9) -> None:
    overlap = np.vdot(expected, actual)
    assert abs(overlap) > 1e-6, "orthogonal"
    np.testing.assert_allclose(actual, overlap / abs(overlap) * expected, rtol=0, atol=atol)


def non_basis_gates(fn, basis) -> list[str]:
    """Gates of `fn` that are not basis gates as they stand (no controls, no inversion)."""
    b = resolve(basis)
    return [f"{o.gate}{' ctrl' if o.ctrl else ''}{' adjoint' if o.adjoint else ''}"
            for o in fn.body if isinstance(o, Unitary)
            or isinstance(o, Gate) and (o.ctrl or b.native(o.gate, o.adjoint) != (o.adjoint, False))]


@functools.cache
def gate_kernel(name: str, width: int, variant: str):
    """A kernel applying one gate (its parameters the kernel's, or constants) on shuffled
    wires, and the parameter values to test it at."""
    adjoint, ctrl, traced = {**VARIANTS, **EXTRA_VARIANTS}[variant]
    n_params = GATES[name].num_params
    values = np.random.default_rng(len(name) * 7 + width).uniform(-np.pi, np.pi, n_params)
    b = KernelBuilder("k", width + len(ctrl), n_params)
    params = [b.param(i) if traced else b.const(float(values[i])) for i in range(n_params)]
    b.gate(name, list(range(width + len(ctrl)))[::-1], params, adjoint=adjoint, ctrl=ctrl)
    return b.build([b.state()]), values


def check_gate(name: str, width: int, variant: str, basis_name: str) -> None:
    fn, values = gate_kernel(name, width, variant)
    basis = BASES[basis_name]
    out = decompose_kernel(fn, basis)
    assert non_basis_gates(out, basis) == []
    for shift in (0.0, 0.731):  # two points: the decomposed angles follow the parameters
        p = values + shift
        assert_equal_up_to_phase(kernel_unitary(out, p), kernel_unitary(fn, p))


@pytest.mark.parametrize("basis_name", BASES)
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize(("name", "width"), CASES, ids=[f"{n}-{w}" for n, w in CASES])
def test_decompose_gate_into_basis_keeps_the_unitary(name, width, variant, basis_name):
    check_gate(name, width, variant, basis_name)


@pytest.mark.parametrize("basis_name", EXTRA_BASES)
@pytest.mark.parametrize("variant", EXTRA_VARIANTS)
@pytest.mark.parametrize(("name", "width"), CASES, ids=[f"{n}-{w}" for n, w in CASES])
def test_decompose_gate_with_two_controls_or_constants_keeps_the_unitary(name, width, variant,
                                                                        basis_name):
    check_gate(name, width, variant, basis_name)


def test_decompose_cases_cover_every_gate_of_the_table():
    assert {name for name, _ in CASES} == set(GATES)
    assert "ECR" in GATES and GATES["ECR"].qasm == "ecr"


def single_gate_module(name: str, ctrl: tuple[bool, ...] = (), n_params: int = 0) -> Module:
    width = GATES[name].num_wires or 1
    b = KernelBuilder("k", width + len(ctrl), n_params)
    b.gate(name, list(range(width + len(ctrl))), [b.param(i) for i in range(n_params)], ctrl=ctrl)
    return Module("k", (b.build([b.state()]),))


def gate_counts(module: Module) -> dict[str, int]:
    counts: dict[str, int] = {}
    for o in module.kernels[0].body:
        if isinstance(o, Gate):
            counts[o.gate] = counts.get(o.gate, 0) + 1
    return counts


@pytest.mark.parametrize(("name", "n_params", "entangler", "count"), [
    ("Toffoli", 0, "CNOT", 6), ("CSWAP", 0, "CNOT", 8), ("SWAP", 0, "CNOT", 3),
    ("CRX", 1, "CNOT", 2), ("CRY", 1, "CNOT", 2), ("CRot", 3, "CNOT", 2), ("CZ", 0, "CNOT", 1),
    ("IsingZZ", 1, "CNOT", 2), ("ISWAP", 0, "CNOT", 2), ("ECR", 0, "CNOT", 1),
])
@pytest.mark.parametrize("basis", [("rz", "sx", "x", "cx"), ("rz", "sx", "x", "ecr")], ids=["cx", "ecr"])
def test_decompose_standard_gates_take_the_textbook_number_of_entanglers(name, n_params, entangler,
                                                                         count, basis):
    entangler = "ECR" if "ecr" in basis else entangler
    pipeline = PassManager([Decompose(basis), Resynthesize1Q(basis)])
    module = pipeline.run(single_gate_module(name, n_params=n_params))
    counts = gate_counts(module)
    assert counts.get(entangler) == count
    assert set(counts) <= {"RZ", "SX", "PauliX", entangler}


def test_decompose_keeps_traced_angles_as_arithmetic_of_the_kernel_parameters():
    module = Decompose(("rz", "sx", "x", "cx")).run(single_gate_module("CRZ", n_params=1))
    text = str(module)
    assert "tensor.extract {index = [0]} (%params)" in text
    assert "arith.mulf" in text  # theta / 2, computed in the kernel
    fn = module.kernels[0]
    for theta in (0.3, 2.1):  # the same kernel follows its parameter
        assert_equal_up_to_phase(kernel_unitary(fn, [theta]),
                                 kernel_unitary(single_gate_module("CRZ", n_params=1).kernels[0], [theta]))


def test_decompose_folds_constant_angles():
    b = KernelBuilder("k", 2)
    b.gate("CRX", [0, 1], [b.const(0.5)])
    module = Decompose(("RX", "RY", "RZ", "CNOT")).run(Module("k", (b.build([b.state()]),)))
    names = {o.name for o in module.kernels[0].body}
    assert "arith.constant" in names and not any(n.startswith("arith.") and n != "arith.constant"
                                                 for n in names)
    assert_equal_up_to_phase(kernel_unitary(module.kernels[0], []), GATES["CRX"].matrix([0.5]))


def test_decompose_returns_its_input_when_every_gate_is_in_the_basis():
    b = KernelBuilder("k", 2, 1)
    b.gate("RZ", [0], [b.param(0)])
    b.gate("SX", [1])
    b.gate("CNOT", [0, 1])
    module = Module("k", (b.build([b.probs([0, 1])]),))
    assert Decompose(("rz", "sx", "x", "cx")).run(module) is module


def test_decompose_does_not_change_its_input():
    module = single_gate_module("Toffoli")
    before = str(module)
    Decompose(("rz", "sx", "x", "cx")).run(module)
    assert str(module) == before


def test_decompose_single_qubit_unitary_becomes_euler_rotations():
    u = np.array([[1, 1j], [1j, 1]]) / np.sqrt(2) @ np.diag([1, np.exp(0.4j)])
    b = KernelBuilder("k", 1)
    b.unitary(u, [0])
    fn = b.build([b.state()])
    out = decompose_kernel(fn, ("rz", "sx", "x", "cx"))
    assert non_basis_gates(out, ("rz", "sx", "x", "cx")) == []
    assert_equal_up_to_phase(kernel_unitary(out, []), u)


def test_decompose_two_qubit_unitary_says_kak_is_not_there_yet():
    b = KernelBuilder("k", 2)
    b.unitary(np.eye(4)[[1, 0, 3, 2]], [0, 1])
    with pytest.raises(KettleError, match="KAK"):
        decompose_kernel(b.build([b.state()]), ("rz", "sx", "x", "cx"))


def test_decompose_unknown_basis_name_lists_the_known_ones():
    with pytest.raises(KettleError, match="unknown basis gate 'cnotx'.*known names: .*ecr"):
        Decompose(("rz", "cnotx"))


def test_decompose_basis_without_an_entangler_names_the_gate_and_the_basis():
    with pytest.raises(KettleError, match=r"cannot express CNOT in the basis \(RX, RY, RZ\)"):
        Decompose(("RX", "RY", "RZ")).run(single_gate_module("CNOT"))


def test_decompose_basis_without_a_universal_single_qubit_set_names_the_gate():
    with pytest.raises(KettleError, match=r"cannot express RX in the basis \(h, t, cx\)"):
        Decompose(("h", "t", "cx")).run(single_gate_module("RX", n_params=1))


def test_decompose_clifford_t_basis_takes_a_toffoli_exactly():
    basis = ("h", "t", "tdg", "cx")
    module = Decompose(basis).run(single_gate_module("Toffoli"))
    fn = module.kernels[0]
    assert non_basis_gates(fn, basis) == []
    assert gate_counts(module)["CNOT"] == 6
    assert_equal_up_to_phase(kernel_unitary(fn, []), GATES["Toffoli"].matrix())


def test_decompose_accepts_table_alias_and_openqasm_names():
    for basis in [("RZ", "SX", "PauliX", "CNOT"), ("Rz", "sx", "X", "cx"), ("rz", "sx", "x", "cnot")]:
        assert resolve(basis).entries == resolve(("rz", "sx", "x", "cx")).entries
    assert resolve(("sdg",)).entries == {("S", True)}
    braket = resolve(("cnot", "ccnot", "cphaseshift", "xx", "si", "v", "phaseshift", "iswap")).entries
    assert braket == {("CNOT", False), ("Toffoli", False), ("ControlledPhaseShift", False),
                      ("IsingXX", False), ("S", True), ("SX", False), ("PhaseShift", False),
                      ("ISWAP", False)}
    assert resolve(("u", "cx")).form.kind == "u3"


def test_decompose_is_registered_with_a_default_ibm_basis():
    (decompose, resynthesize) = parse_pipeline("decompose,resynthesize-1q")
    assert decompose.basis == resynthesize.basis == ("rz", "sx", "x", "cx")
