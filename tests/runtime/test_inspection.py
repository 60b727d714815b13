"""kt.draw and kt.specs: what a user sees of the compiled circuit."""

from __future__ import annotations

import numpy as np

import kettle as kt


@kt.qjit(wires=2)
def bell(theta):
    kt.H(0)
    kt.CNOT([0, 1])
    kt.RY(theta, wires=1)
    kt.adjoint(kt.S(wires=0))
    return kt.expval(kt.Z(0) @ kt.Z(1)), kt.probs(wires=[1])


def test_draw_shows_gates_values_and_measurements():
    assert kt.draw(bell)(0.25) == (
        "0: ─H─╭●─S†────────┤  <Z@Z>\n"
        "1: ───╰X─RY(0.25)──┤  <Z@Z>  Probs"
    )


def test_draw_decimals_option():
    assert "RY(0.2500)" in kt.draw(bell, decimals=4)(0.25)


def test_draw_marks_open_controls_and_spans():
    @kt.qjit(wires=3)
    def circuit():
        kt.ctrl(kt.X, control=0, control_values=False)(wires=2)
        return kt.state()

    lines = kt.draw(circuit)().splitlines()
    assert lines[0].startswith("0: ─╭○")
    assert lines[1].startswith("1: ─│")
    assert lines[2].startswith("2: ─╰X")


def test_specs_counts_gates_depth_params_and_measurements():
    info = kt.specs(bell)(0.25)
    assert info["num_wires"] == 2
    assert info["gate_types"] == {"Hadamard": 1, "CNOT": 1, "RY": 1, "Adjoint(S)": 1}
    assert info["num_gates"] == 4
    assert info["depth"] == 3
    assert info["num_trainable_params"] == 1
    assert info["measurements"] == {"expval": 1, "probs": 1}
    assert info["shots"] is None


def test_specs_template_depth_matches_layer_structure():
    @kt.qjit(wires=3)
    def circuit(w):
        kt.BasicEntanglerLayers(w, wires=range(3))
        return kt.expval(kt.Z(0))

    info = kt.specs(circuit)(np.zeros((2, 3)))
    # per layer: RX on all wires (depth 1) then the CNOT ring 0-1, 1-2, 2-0 (depth 3)
    assert info["depth"] == 8
    assert info["gate_types"] == {"RX": 6, "CNOT": 6}


def test_draw_brackets_a_multi_wire_unitary_and_right_aligns_ten_wires():
    @kt.qjit(wires=11)
    def wide():
        kt.QubitUnitary(np.eye(8), wires=[0, 1, 2])
        kt.QubitUnitary(np.eye(2), wires=10)
        return kt.probs(wires=[0])

    lines = kt.draw(wide)().splitlines()
    assert lines[:3] == [" 0: ─╭U──┤  Probs", " 1: ─├U──┤", " 2: ─╰U──┤"]
    assert lines[10] == "10: ─U───┤"


def test_specs_names_sampled_wires_sample():
    @kt.qjit(wires=1, shots=3)
    def sampled():
        return kt.sample(wires=[0])

    assert kt.specs(sampled)()["measurements"] == {"sample": 1}
