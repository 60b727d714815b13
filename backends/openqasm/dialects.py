"""OpenQASM dialects: how a target names gates, and which language features it may use.

The gate table (ir/gates.py) says what every gate is and gives its OpenQASM name; a
dialect only says which names its consumers know without a definition (stdgates.inc, or
Amazon Braket's built-in gates) and whether `gate` definitions, modifiers (`ctrl @`,
`inv @`, `gphase`) and `#pragma braket` lines are available. Gates a dialect cannot name
are defined or expanded from the table's decompositions by the emitter.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ...ir.gates import GATES

STDGATES = frozenset((
    "p", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "rx", "ry", "rz", "cx", "cy", "cz",
    "cp", "crx", "cry", "crz", "ch", "swap", "ccx", "cswap", "cu", "CX", "phase", "cphase", "id",
    "u1", "u2", "u3",
))
"""The gates of OpenQASM 3's `stdgates.inc` (the spec's file, which Qiskit's importer also knows)."""

BRAKET_GATES = MappingProxyType({
    "Identity": "i", "Hadamard": "h", "PauliX": "x", "PauliY": "y", "PauliZ": "z", "S": "s",
    "T": "t", "SX": "v", "SWAP": "swap", "ISWAP": "iswap", "RX": "rx", "RY": "ry", "RZ": "rz",
    "PhaseShift": "phaseshift", "U3": "U", "IsingXX": "xx", "IsingYY": "yy", "IsingZZ": "zz",
    "CNOT": "cnot", "CZ": "cz", "CY": "cy", "ControlledPhaseShift": "cphaseshift",
    "Toffoli": "ccnot", "CSWAP": "cswap",
})
"""Table gate -> Amazon Braket built-in gate (braket.default_simulator.gate_operations.BRAKET_GATES,
checked there: same matrices, same parameter order; `U` is OpenQASM's built-in U(θ, φ, λ) = U3)."""

BRAKET_ADJOINTS = MappingProxyType({"S": "si", "T": "ti", "SX": "vi"})


@dataclass(frozen=True, eq=False)
class Dialect:
    """The naming rules and language features of one family of OpenQASM 3 consumers.

    Attributes:
        name: "generic" (stdgates.inc) or "braket".
        gates: table gate name -> the dialect's name for it.
        adjoints: table gate name -> the dialect's name for its inverse (sdg, si, ...).
        includes: files to include at the top of every program.
        definitions: whether `gate` definitions may be emitted (else gates are expanded inline).
        modifiers: whether `ctrl @`, `negctrl @`, `inv @` and `gphase` may be emitted.
        result_pragmas: measurements as `#pragma braket result ...` lines.
        unitary_pragma: `q.unitary` as `#pragma braket unitary(...)`.
    """

    name: str
    gates: Mapping[str, str]
    adjoints: Mapping[str, str] = field(default_factory=dict)
    includes: tuple[str, ...] = ()
    definitions: bool = True
    modifiers: bool = True
    result_pragmas: bool = False
    unitary_pragma: bool = False

    def names(self) -> frozenset[str]:
        """Every gate name the dialect knows without a definition."""
        return frozenset((*self.gates.values(), *self.adjoints.values()))


def _stdgates_names() -> tuple[dict[str, str], dict[str, str]]:
    """The table's own OpenQASM names that stdgates.inc defines, and the same for adjoints."""
    gates = {g.name: g.qasm for g in GATES.values() if g.qasm in STDGATES}
    adjoints = {g.name: g.qasm_adjoint for g in GATES.values() if g.qasm_adjoint in STDGATES}
    return gates, adjoints


_STD, _STD_ADJ = _stdgates_names()

GENERIC = Dialect("generic", MappingProxyType(_STD), MappingProxyType(_STD_ADJ), ("stdgates.inc",))
BRAKET = Dialect("braket", BRAKET_GATES, BRAKET_ADJOINTS, definitions=False, result_pragmas=True,
                 unitary_pragma=True)
PLAIN = Dialect("plain", MappingProxyType(_STD), MappingProxyType(_STD_ADJ), ("stdgates.inc",),
                definitions=False, modifiers=False)
"""stdgates.inc names only, no definitions or modifiers: what hardware basis targets (ibm) emit."""

DIALECTS = {d.name: d for d in (GENERIC, BRAKET, PLAIN)}

KEYWORDS = frozenset((
    "OPENQASM", "include", "defcalgrammar", "def", "cal", "defcal", "gate", "extern", "box", "let",
    "break", "continue", "if", "else", "end", "return", "for", "while", "in", "switch", "case",
    "default", "input", "output", "const", "readonly", "mutable", "qreg", "qubit", "creg", "bool",
    "bit", "int", "uint", "float", "angle", "complex", "array", "void", "duration", "stretch",
    "gphase", "inv", "pow", "ctrl", "negctrl", "dim", "durationof", "delay", "reset", "measure",
    "barrier", "true", "false", "pi", "tau", "euler", "im", "U", "sin", "cos", "tan", "exp", "ln",
    "log", "sqrt", "arcsin", "arccos", "arctan", "floor", "ceiling", "mod", "popcount", "rotl",
    "rotr", "sizeof", "real", "imag", "q", "c",
))
"""Words an `input` parameter must not be called: keywords, built-ins and our register names."""


@functools.cache
def reserved_names() -> frozenset[str]:
    """Every name an exported program may use for something else than an input parameter."""
    defined = {definition_name(g, 3) for g in GATES} | {definition_name("MultiRZ", n) for n in range(1, 65)}
    return KEYWORDS | STDGATES | defined | frozenset().union(*(d.names() for d in DIALECTS.values()))


def definition_name(gate: str, n_wires: int) -> str:
    """The name of a `gate` definition for table gate `gate`: its OpenQASM name if the table has
    one (rxx), else its lower-cased table name; gates of any width get theirs (multirz_3)."""
    spec = GATES[gate]
    base = spec.qasm or gate.lower()
    return base if spec.num_wires is not None else f"{base}_{n_wires}"
