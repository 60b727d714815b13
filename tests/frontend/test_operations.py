"""Gates in qjit circuits: every gate of DESIGN §2 against a dense matrix built in the test.

Each circuit first prepares a random state with a QubitUnitary (whose first column is
that state), applies the gate under test and returns `kt.state()`, which must equal the
dense reference applied to the same state. Wire 0 is the most significant bit.
"""

from __future__ import annotations

import numpy as np
import pytest
from dense_reference import GATES, apply, controlled_on, gate, random_unitary, rx, ry, rz

import kettle as kt

N_WIRES = 3
RNG_SEED = 7
# Every gate class DESIGN §2 promises, so the parametrised tests cannot silently skip one.
DESIGN_GATES = (
    "Identity Hadamard PauliX PauliY PauliZ S T SX RX RY RZ PhaseShift Rot U3 CNOT CZ CY SWAP "
    "ISWAP CRX CRY CRZ CRot ControlledPhaseShift IsingXX IsingYY IsingZZ MultiRZ Toffoli CSWAP"
).split()
# Wires chosen out of order so a swapped wire mapping cannot pass.
GATE_WIRES = {1: [1], 2: [2, 0], 3: [2, 0, 1]}
MULTI_RZ_WIRES = ([1], [2, 0], [0, 1, 2])


def _wires_of(name: str) -> list[int]:
    width = GATES[name][1]
    return GATE_WIRES[width or 3]


def _random_start(rng: np.random.Generator, n: int = N_WIRES) -> tuple[np.ndarray, np.ndarray]:
    """(U, psi): a random unitary and the state U|0...0> it prepares."""
    u = random_unitary(2**n, rng)
    return u, u[:, 0]


def _run_state(backend: str, body, *args, n: int = N_WIRES, rng_seed: int = RNG_SEED):
    """Run `body(*args)` after preparing a random state; returns (kettle state, start state)."""
    u, psi = _random_start(np.random.default_rng(rng_seed), n)

    @kt.qjit(wires=n, backend=backend)
    def circuit(*a):
        kt.QubitUnitary(u, wires=range(n))
        body(*a)
        return kt.state()

    return circuit(*args), psi


def test_design_gates_all_have_a_dense_reference():
    assert sorted(GATES) == sorted(DESIGN_GATES)
    for name in DESIGN_GATES:
        assert issubclass(getattr(kt, name), kt.Operation)


@pytest.mark.parametrize("name", DESIGN_GATES)
def test_gate_traced_parameters_match_dense_matrix(backend, name):
    n_params = GATES[name][0]
    wires = _wires_of(name)
    params = np.random.default_rng(DESIGN_GATES.index(name)).uniform(-np.pi, np.pi, size=max(n_params, 1))

    def body(p):
        getattr(kt, name)(*[p[i] for i in range(n_params)], wires=wires)

    out, psi = _run_state(backend, body, params)
    expected = apply(psi, gate(name, params[:n_params], len(wires)), wires)
    np.testing.assert_allclose(out, expected, atol=1e-10)


@pytest.mark.parametrize("name", [g for g in DESIGN_GATES if GATES[g][0]])
def test_gate_constant_parameters_match_dense_matrix(backend, name):
    n_params = GATES[name][0]
    wires = _wires_of(name)
    params = [0.3 + 0.7 * k for k in range(n_params)]
    out, psi = _run_state(backend, lambda: getattr(kt, name)(*params, wires=wires))
    np.testing.assert_allclose(out, apply(psi, gate(name, params, len(wires)), wires), atol=1e-10)


@pytest.mark.parametrize("wires", MULTI_RZ_WIRES)
def test_multirz_any_number_of_wires_matches_dense_matrix(backend, wires):
    out, psi = _run_state(backend, lambda t: kt.MultiRZ(t, wires=wires), 0.83)
    np.testing.assert_allclose(out, apply(psi, gate("MultiRZ", [0.83], len(wires)), wires), atol=1e-10)


def test_gate_sequence_applies_in_program_order(backend):
    def body(a, b):
        kt.RX(a, wires=0)
        kt.CNOT(wires=[0, 2])
        kt.RY(b, wires=2)
        kt.CZ(wires=[2, 1])

    out, psi = _run_state(backend, body, 0.4, -1.1)
    for m, w in ((rx(0.4), [0]), (gate("CNOT"), [0, 2]), (ry(-1.1), [2]), (gate("CZ"), [2, 1])):
        psi = apply(psi, m, w)
    np.testing.assert_allclose(out, psi, atol=1e-10)


# PennyLane-style signatures: each body must act like RX(0.3) on wire 0 and CNOT on [0, 1].
SIGNATURES = {
    "keyword_wires": lambda x: (kt.RX(x, wires=0), kt.CNOT(wires=[0, 1])),
    "positional_wires": lambda x: (kt.RX(x, 0), kt.CNOT([0, 1])),
    "sequence_wires": lambda x: (kt.RX(x, wires=[0]), kt.CNOT(wires=(0, 1))),
    "range_and_array_wires": lambda x: (kt.RX(x, wires=range(1)), kt.CNOT(wires=np.array([0, 1]))),
}


@pytest.mark.parametrize("form", SIGNATURES)
def test_gate_signature_forms_give_same_state(backend, form):
    out, psi = _run_state(backend, SIGNATURES[form], 0.3)
    expected = apply(apply(psi, rx(0.3), [0]), gate("CNOT"), [0, 1])
    np.testing.assert_allclose(out, expected, atol=1e-10)


def test_multi_parameter_gate_positional_wires(backend):
    out, psi = _run_state(backend, lambda a: kt.Rot(a, 0.2, -0.5, 1), 1.3)
    np.testing.assert_allclose(out, apply(psi, gate("Rot", [1.3, 0.2, -0.5]), [1]), atol=1e-10)


def test_multirz_keyword_wires_signature(backend):
    out, psi = _run_state(backend, lambda t: kt.MultiRZ(t, wires=[0, 1, 2]), 0.2)
    np.testing.assert_allclose(out, apply(psi, gate("MultiRZ", [0.2], 3), [0, 1, 2]), atol=1e-10)


@pytest.mark.parametrize(("alias", "name"), [("H", "Hadamard"), ("X", "PauliX"), ("Y", "PauliY"),
                                             ("Z", "PauliZ"), ("I", "Identity")])
def test_alias_is_the_gate_class(alias, name):
    assert getattr(kt, alias) is getattr(kt, name)


@pytest.mark.parametrize("alias", ["H", "X", "Y", "Z", "I"])
def test_alias_acts_as_its_gate(backend, alias):
    name = {"H": "Hadamard", "X": "PauliX", "Y": "PauliY", "Z": "PauliZ", "I": "Identity"}[alias]
    out, psi = _run_state(backend, lambda: getattr(kt, alias)(2))
    np.testing.assert_allclose(out, apply(psi, gate(name), [2]), atol=1e-10)


@pytest.mark.parametrize("name", DESIGN_GATES)
def test_gate_matrix_outside_qjit_matches_dense(name):
    n_params = GATES[name][0]
    width = GATES[name][1] or 3
    params = [0.3 - 0.4 * k for k in range(n_params)]
    op = getattr(kt, name)(*params, wires=list(range(width)))
    np.testing.assert_allclose(op.matrix(), gate(name, params, width), atol=1e-12)


def test_rx_matrix_outside_qjit_is_the_rotation():
    np.testing.assert_allclose(kt.RX(0.3, wires=0).matrix(), rx(0.3), atol=1e-12)


def test_qubit_unitary_prepares_its_first_column(backend):
    u = random_unitary(8, np.random.default_rng(1))

    @kt.qjit(wires=3, backend=backend)
    def circuit():
        kt.QubitUnitary(u, wires=[0, 1, 2])
        return kt.state()

    np.testing.assert_allclose(circuit(), u[:, 0], atol=1e-10)


def test_qubit_unitary_on_permuted_wires_matches_dense(backend):
    v = random_unitary(4, np.random.default_rng(2))
    out, psi = _run_state(backend, lambda: kt.QubitUnitary(v, wires=[2, 0]))
    np.testing.assert_allclose(out, apply(psi, v, [2, 0]), atol=1e-10)


def test_adjoint_of_op_applies_inverse(backend):
    out, psi = _run_state(backend, lambda a: kt.adjoint(kt.Rot(a, 0.4, -0.9, wires=1)), 0.7)
    m = gate("Rot", [0.7, 0.4, -0.9])
    np.testing.assert_allclose(out, apply(psi, m.conj().T, [1]), atol=1e-10)


def test_adjoint_of_gate_class_applies_inverse(backend):
    out, psi = _run_state(backend, lambda a: kt.adjoint(kt.CRX)(a, wires=[2, 1]), 0.7)
    np.testing.assert_allclose(out, apply(psi, gate("CRX", [0.7]).conj().T, [2, 1]), atol=1e-10)


def test_adjoint_of_fixed_gate_applies_inverse(backend):
    out, psi = _run_state(backend, lambda: kt.adjoint(kt.S(wires=0)))
    np.testing.assert_allclose(out, apply(psi, np.diag([1, -1j]), [0]), atol=1e-10)


def test_adjoint_of_qubit_unitary_applies_inverse(backend):
    v = random_unitary(4, np.random.default_rng(3))
    out, psi = _run_state(backend, lambda: kt.adjoint(kt.QubitUnitary(v, wires=[1, 2])))
    np.testing.assert_allclose(out, apply(psi, v.conj().T, [1, 2]), atol=1e-10)


def _three_gates(a: object, b: object) -> None:
    kt.RX(a, wires=0)
    kt.CNOT(wires=[0, 1])
    kt.RY(b, wires=1)


def test_adjoint_of_function_reverses_order_and_inverts(backend):
    out, psi = _run_state(backend, kt.adjoint(_three_gates), 0.5, 1.2)
    for m, w in ((ry(1.2).conj().T, [1]), (gate("CNOT"), [0, 1]), (rx(0.5).conj().T, [0])):
        psi = apply(psi, m, w)
    np.testing.assert_allclose(out, psi, atol=1e-10)


def test_adjoint_of_function_undoes_function(backend):
    def body(a, b):
        _three_gates(a, b)
        kt.adjoint(_three_gates)(a, b)

    out, psi = _run_state(backend, body, 0.5, 1.2)
    np.testing.assert_allclose(out, psi, atol=1e-10)


def test_adjoint_twice_is_the_gate(backend):
    out, psi = _run_state(backend, lambda a: kt.adjoint(kt.adjoint(kt.RZ))(a, wires=2), 0.9)
    np.testing.assert_allclose(out, apply(psi, rz(0.9), [2]), atol=1e-10)


def test_ctrl_of_gate_class_with_several_controls_and_values(backend):
    values = [1, 0]
    body = kt.ctrl(kt.RX, control=[0, 2], control_values=values)
    out, psi = _run_state(backend, lambda a: body(a, wires=1), 0.8)
    np.testing.assert_allclose(out, apply(psi, controlled_on(rx(0.8), values), [0, 2, 1]), atol=1e-10)


def test_ctrl_of_op_with_bool_control_values(backend):
    out, psi = _run_state(backend, lambda a: kt.ctrl(kt.RY(a, wires=0), control=[2, 1],
                                                     control_values=[False, True]), 0.8)
    np.testing.assert_allclose(out, apply(psi, controlled_on(ry(0.8), [0, 1]), [2, 1, 0]), atol=1e-10)


def test_ctrl_default_control_values_are_all_one(backend):
    out, psi = _run_state(backend, lambda: kt.ctrl(kt.PauliX, control=[0, 1])(wires=2))
    np.testing.assert_allclose(out, apply(psi, gate("Toffoli"), [0, 1, 2]), atol=1e-10)


def test_ctrl_single_control_value_zero(backend):
    out, psi = _run_state(backend, lambda: kt.ctrl(kt.Hadamard, control=2, control_values=0)(wires=0))
    np.testing.assert_allclose(out, apply(psi, controlled_on(gate("Hadamard"), [0]), [2, 0]),
                               atol=1e-10)


def test_ctrl_of_controlled_gate_adds_controls(backend):
    out, psi = _run_state(backend, lambda: kt.ctrl(kt.CNOT, control=2, control_values=[0])(wires=[0, 1]))
    expected = apply(psi, controlled_on(gate("CNOT"), [0]), [2, 0, 1])
    np.testing.assert_allclose(out, expected, atol=1e-10)


def test_ctrl_nested_pairs_each_control_with_its_value(backend):
    inner = kt.ctrl(kt.RX, control=0, control_values=[1])
    outer = kt.ctrl(inner, control=2, control_values=[0])
    out, psi = _run_state(backend, lambda a: outer(a, wires=1), 0.8)
    np.testing.assert_allclose(out, apply(psi, controlled_on(rx(0.8), [0, 1]), [2, 0, 1]), atol=1e-10)


def test_ctrl_of_function_controls_every_gate(backend):
    def body(a, b):
        kt.ctrl(_three_gates, control=2, control_values=[0])(a, b)

    out, psi = _run_state(backend, body, 0.5, 1.2)
    for m, w in ((rx(0.5), [0]), (gate("CNOT"), [0, 1]), (ry(1.2), [1])):
        psi = apply(psi, controlled_on(m, [0]), [2, *w])
    np.testing.assert_allclose(out, psi, atol=1e-10)


def test_ctrl_of_qubit_unitary_matches_dense(backend):
    v = random_unitary(2, np.random.default_rng(4))
    out, psi = _run_state(backend, lambda: kt.ctrl(kt.QubitUnitary(v, wires=1), control=0))
    np.testing.assert_allclose(out, apply(psi, controlled_on(v, [1]), [0, 1]), atol=1e-10)


def test_ctrl_of_qubit_unitary_with_mixed_control_values(backend):
    v = random_unitary(2, np.random.default_rng(5))
    out, psi = _run_state(backend, lambda: kt.ctrl(kt.QubitUnitary(v, wires=0), control=[1, 2],
                                                   control_values=[1, 0]))
    np.testing.assert_allclose(out, apply(psi, controlled_on(v, [1, 0]), [1, 2, 0]), atol=1e-10)


def test_adjoint_of_ctrl_inverts_controlled_gate(backend):
    body = kt.adjoint(kt.ctrl(kt.RZ, control=[0, 1], control_values=[0, 1]))
    out, psi = _run_state(backend, lambda a: body(a, wires=2), 1.4)
    expected = apply(psi, controlled_on(rz(1.4).conj().T, [0, 1]), [0, 1, 2])
    np.testing.assert_allclose(out, expected, atol=1e-10)


MODULE_GATE = kt.RY(0.6, wires=1)  # built outside any qjit function


def test_adjoint_of_gate_built_outside_qjit_is_applied(backend):
    out, psi = _run_state(backend, lambda: kt.adjoint(MODULE_GATE))
    np.testing.assert_allclose(out, apply(psi, ry(-0.6), [1]), atol=1e-10)


def test_ctrl_of_gate_built_outside_qjit_is_applied(backend):
    out, psi = _run_state(backend, lambda: kt.ctrl(MODULE_GATE, control=2))
    np.testing.assert_allclose(out, apply(psi, controlled_on(ry(0.6), [1]), [2, 1]), atol=1e-10)


def test_adjoint_of_op_leaves_the_op_unchanged():
    op = kt.RX(0.3, wires=0)
    inverse = kt.adjoint(op)
    np.testing.assert_allclose(op.matrix(), rx(0.3), atol=1e-12)
    np.testing.assert_allclose(inverse.matrix(), rx(-0.3), atol=1e-12)


def test_adjoint_of_gate_class_outside_qjit_builds_inverse():
    np.testing.assert_allclose(kt.adjoint(kt.RX)(0.3, wires=0).matrix(), rx(-0.3), atol=1e-12)


def test_adjoint_of_earlier_op_moves_it_to_the_end(backend):
    def body(a):
        op = kt.RX(a, wires=0)
        kt.RY(0.4, wires=0)
        kt.adjoint(op)

    out, psi = _run_state(backend, body, 0.9)
    np.testing.assert_allclose(out, apply(apply(psi, ry(0.4), [0]), rx(-0.9), [0]), atol=1e-10)


def test_ctrl_op_matrix_outside_qjit_puts_controls_first():
    op = kt.ctrl(kt.RX(0.3, wires=0), control=1, control_values=0)
    np.testing.assert_allclose(op.matrix(), controlled_on(rx(0.3), [0]), atol=1e-12)


def test_ctrl_op_matrix_outside_qjit_with_mixed_control_values():
    op = kt.ctrl(kt.RY(0.3, wires=0), control=[1, 2], control_values=[0, 1])
    np.testing.assert_allclose(op.matrix(), controlled_on(ry(0.3), [0, 1]), atol=1e-12)


def test_gate_parameters_by_name_match_positional():
    """PennyLane spells parameters by name too: kt.Rot(phi=..., theta=..., omega=..., wires=...)."""
    np.testing.assert_allclose(kt.Rot(phi=0.1, theta=0.2, omega=0.3, wires=0).matrix(),
                               kt.Rot(0.1, 0.2, 0.3, wires=0).matrix())
    np.testing.assert_allclose(kt.U3(0.1, phi=0.2, delta=0.3, wires=0).matrix(),
                               kt.U3(0.1, 0.2, 0.3, wires=0).matrix())
    np.testing.assert_allclose(kt.RX(phi=0.4, wires=0).matrix(), kt.RX(0.4, 0).matrix())
    np.testing.assert_allclose(kt.MultiRZ(theta=0.5, wires=[0, 1]).matrix(),
                               kt.MultiRZ(0.5, wires=[0, 1]).matrix())


def test_ctrl_accepts_numpy_scalar_control_value(backend):
    @kt.qjit(wires=2, backend=backend)
    def circuit():
        kt.ctrl(kt.X, control=0, control_values=np.bool_(False))(wires=1)
        return kt.probs()

    np.testing.assert_allclose(circuit(), [0, 1, 0, 0])


def test_every_gate_table_entry_is_a_public_gate_class():
    """Adding a gate to ir/gates.py is the one step that gives users kt.<Name>."""
    from kettle.ir import ALIASES, GATES

    for name, spec in GATES.items():
        cls = getattr(kt, name)
        assert cls.spec is spec and cls.name == name
        assert len(cls.param_names()) == spec.num_params
    for alias, name in ALIASES.items():
        assert getattr(kt, alias) is getattr(kt, name)
