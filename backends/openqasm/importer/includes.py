"""kettle's own `qelib1.inc`, `stdgates.inc` and Braket built-in gates.

A standard gate that is a gate-table gate (possibly its adjoint, possibly with leading
control qubits) maps to it directly, so imported circuits keep named, differentiable
gates; the rest are `gate` definitions written from the specifications' matrices. The
conventions follow Qiskit and Braket, the references the tests compare against:
`U(θ, φ, λ)` and `u3` are exactly kettle's U3 (the QASM 3 spec's newer U differs from it by
a global phase `e^{iθ/2}`, visible only under `ctrl @`), `u2(φ, λ) = U(π/2, φ, λ)` and
`cu(θ, φ, λ, γ) = |0><0| ⊗ I + e^{iγ} |1><1| ⊗ U(θ, φ, λ)`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Native:
    """A QASM gate that is gate-table `gate` on its last qubits, with `controls` leading
    control qubits, parameters passed through, optionally its adjoint."""

    gate: str
    num_params: int
    num_qubits: int
    adjoint: bool = False
    controls: int = 0


def _n(gate: str, params: int = 0, qubits: int = 1, adjoint: bool = False, controls: int = 0) -> Native:
    return Native(gate, params, qubits, adjoint, controls)


_COMMON = {
    "x": _n("PauliX"), "y": _n("PauliY"), "z": _n("PauliZ"), "h": _n("Hadamard"),
    "s": _n("S"), "sdg": _n("S", adjoint=True), "t": _n("T"), "tdg": _n("T", adjoint=True),
    "sx": _n("SX"), "rx": _n("RX", 1), "ry": _n("RY", 1), "rz": _n("RZ", 1),
    "p": _n("PhaseShift", 1), "u1": _n("PhaseShift", 1), "u3": _n("U3", 3), "id": _n("Identity"),
    "cx": _n("CNOT", qubits=2), "cy": _n("CY", qubits=2), "cz": _n("CZ", qubits=2),
    "cp": _n("ControlledPhaseShift", 1, 2), "crx": _n("CRX", 1, 2), "cry": _n("CRY", 1, 2),
    "crz": _n("CRZ", 1, 2), "ch": _n("Hadamard", qubits=2, controls=1), "swap": _n("SWAP", qubits=2),
    "ccx": _n("Toffoli", qubits=3), "cswap": _n("CSWAP", qubits=3),
}

QELIB1_NATIVE: dict[str, Native] = {
    **_COMMON, "u": _n("U3", 3), "cu1": _n("ControlledPhaseShift", 1, 2),
    "cu3": _n("U3", 3, 2, controls=1), "sxdg": _n("SX", adjoint=True), "csx": _n("SX", qubits=2, controls=1),
    "rxx": _n("IsingXX", 1, 2), "rzz": _n("IsingZZ", 1, 2),
    "c3x": _n("PauliX", qubits=4, controls=3), "c3sqrtx": _n("SX", qubits=4, controls=3),
    "c4x": _n("PauliX", qubits=5, controls=4),
}
"""qelib1.inc as Qiskit reads it (its LEGACY_CUSTOM_INSTRUCTIONS): the original file's gates
plus the ones later added to it."""

QELIB1_DEFINITIONS = """
gate u2(phi, lambda) q { U(pi/2, phi, lambda) q; }
gate u0(gamma) q { }
gate cu(theta, phi, lambda, gamma) c, t { p(gamma) c; cu3(theta, phi, lambda) c, t; }
gate rccx a, b, c {
  h c; t c; cx b, c; tdg c; cx a, c; t c; cx b, c; tdg c; h c;
}
gate rc3x a, b, c, d {
  h d; t d; cx c, d; tdg d; h d; cx a, d; t d; cx b, d; tdg d; cx a, d;
  t d; cx b, d; tdg d; h d; t d; cx c, d; tdg d; h d;
}
"""
"""The relative-phase Toffolis are the published circuits (Maslov 2016) that define them."""

STDGATES_NATIVE: dict[str, Native] = {
    **_COMMON, "CX": _n("CNOT", qubits=2), "phase": _n("PhaseShift", 1),
    "cphase": _n("ControlledPhaseShift", 1, 2),
}
"""stdgates.inc (OpenQASM 3.0)."""

STDGATES_DEFINITIONS = """
gate u2(φ, λ) q { U(π/2, φ, λ) q; }
gate cu(θ, φ, λ, γ) a, b { p(γ) a; ctrl @ U(θ, φ, λ) a, b; }
"""

BRAKET_NATIVE: dict[str, Native] = {
    "i": _n("Identity"), "x": _n("PauliX"), "y": _n("PauliY"), "z": _n("PauliZ"), "h": _n("Hadamard"),
    "s": _n("S"), "si": _n("S", adjoint=True), "t": _n("T"), "ti": _n("T", adjoint=True),
    "v": _n("SX"), "vi": _n("SX", adjoint=True), "rx": _n("RX", 1), "ry": _n("RY", 1),
    "rz": _n("RZ", 1), "phaseshift": _n("PhaseShift", 1),
    "cnot": _n("CNOT", qubits=2), "cy": _n("CY", qubits=2), "cz": _n("CZ", qubits=2),
    "cv": _n("SX", qubits=2, controls=1), "cphaseshift": _n("ControlledPhaseShift", 1, 2),
    "swap": _n("SWAP", qubits=2), "iswap": _n("ISWAP", qubits=2), "xx": _n("IsingXX", 1, 2),
    "yy": _n("IsingYY", 1, 2), "zz": _n("IsingZZ", 1, 2), "ccnot": _n("Toffoli", qubits=3),
    "cswap": _n("CSWAP", qubits=3),
}
"""Amazon Braket's built-in gate names, available in every OpenQASM 3 program (as on Braket)."""

BRAKET_DEFINITIONS = """
gate cphaseshift00(λ) a, b { x a; x b; cphaseshift(λ) a, b; x a; x b; }
gate cphaseshift01(λ) a, b { x a; cphaseshift(λ) a, b; x a; }
gate cphaseshift10(λ) a, b { x b; cphaseshift(λ) a, b; x b; }
gate pswap(θ) a, b { gphase(θ/2); swap a, b; zz(θ) a, b; }
gate xy(θ) a, b { xx(-θ/2) a, b; yy(-θ/2) a, b; }
gate ecr a, b { h b; cnot a, b; rz(π/2) b; cnot a, b; h b; x a; }
gate gpi(φ) a { U(π, φ, π - φ) a; }
gate gpi2(φ) a { U(π/2, φ - π/2, π/2 - φ) a; }
gate prx(θ, φ) a { rz(-φ) a; rx(θ) a; rz(φ) a; }
gate ms(φ0, φ1, θ) a, b { rz(-φ0) a; rz(-φ1) b; xx(θ) a, b; rz(φ0) a; rz(φ1) b; }
"""
"""Braket's remaining gates, from the matrices of its documentation: pswap is SWAP times
diag(1, e^{iθ}, e^{iθ}, 1) = e^{iθ/2} zz(θ); xy(θ) = exp(iθ(XX + YY)/4); ms and prx rotate
about an axis in the XY plane; ecr = (X⊗I - Y⊗X)/√2."""

STANDARD_INCLUDES: dict[str, tuple[dict[str, Native], str]] = {
    "qelib1.inc": (QELIB1_NATIVE, QELIB1_DEFINITIONS),
    "stdgates.inc": (STDGATES_NATIVE, STDGATES_DEFINITIONS),
}
"""Include files kettle provides itself, whatever the include path holds (as the spec asks)."""
