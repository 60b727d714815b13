"""A native gate set ("basis") for the decomposition passes: names resolved through the gate
table, which gates may appear as they are, and the single-qubit Euler form it supports.

Names are the table's (`"CNOT"`, `"RZ"`, case-insensitive), its aliases (`"H"`), its
OpenQASM names (`"cx"`, `"rz"`, `"sdg"` for S's adjoint) or a few more OpenQASM 3 spellings
(`"u"`, `"phase"`, `"cphase"`, `"u1"`) and Amazon Braket's names (`"cnot"`, `"ccnot"`,
`"cphaseshift"`, `"xx"`, `"si"`, `"v"`, ...).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from ..ir import ALIASES, GATES, KettleError
from ..ir.gates import is_self_inverse

Entry = tuple[str, bool]
"""(table gate name, adjoint)."""

EXTRA_NAMES: dict[str, Entry] = {
    # OpenQASM 3 spellings
    "u": ("U3", False), "u1": ("PhaseShift", False), "phase": ("PhaseShift", False),
    "cphase": ("ControlledPhaseShift", False),
    # Amazon Braket's gate names
    "ccnot": ("Toffoli", False), "cphaseshift": ("ControlledPhaseShift", False),
    "xx": ("IsingXX", False), "yy": ("IsingYY", False), "zz": ("IsingZZ", False),
    "si": ("S", True), "ti": ("T", True), "v": ("SX", False), "vi": ("SX", True),
}


@functools.cache
def known_names() -> dict[str, Entry]:
    """Every accepted spelling (lower case) -> (gate, adjoint)."""
    names: dict[str, Entry] = dict(EXTRA_NAMES)
    for name, spec in GATES.items():
        names[name.lower()] = (name, False)
        if spec.qasm:
            names[spec.qasm.lower()] = (name, False)
        if spec.qasm_adjoint:
            names[spec.qasm_adjoint.lower()] = (name, True)
    names.update({alias.lower(): (name, False) for alias, name in ALIASES.items()})
    return names


@dataclass(frozen=True)
class Form:
    """The single-qubit form of a basis: `kind` is "u3", "rot", "pair" (R_outer R_inner
    R_outer), "zsx" (RZ SX RZ SX RZ), "zhz" (RZ H RZ H RZ), "axis" (one rotation axis,
    not universal) or "discrete" (fixed gates only, not universal)."""

    kind: str
    rotations: tuple[tuple[str, str], ...] = ()
    """(axis, gate) for each axis the basis rotates about by a continuous angle."""
    outer: str = ""
    inner: str = ""
    has_x: bool = False

    @property
    def gates(self) -> dict[str, str]:
        return dict(self.rotations)

    @property
    def universal(self) -> bool:
        return self.kind not in ("axis", "discrete")


@dataclass(frozen=True)
class Basis:
    """A resolved basis: `entries` are (gate, adjoint) pairs that may appear unchanged."""

    names: tuple[str, ...]
    entries: frozenset[Entry]

    def native(self, gate: str, adjoint: bool) -> tuple[bool, bool] | None:
        """How an uncontrolled `gate` (inverted if `adjoint`) appears in this basis, as
        `(adjoint attribute, negate the parameters)`; None when it is not a basis gate."""
        if (gate, adjoint) in self.entries:
            return adjoint, False
        if adjoint and (gate, False) in self.entries:
            if is_self_inverse(gate):
                return False, False
            spec = GATES[gate]
            if spec.generators is not None and len(spec.generators(spec.num_wires or 2)) == 1:
                return False, True  # one generator: U(t)^dagger = U(-t)
        return None

    @functools.cached_property
    def form(self) -> Form:
        return _form(self)

    @functools.cached_property
    def entanglers(self) -> tuple[str, ...]:
        return tuple(sorted(g for g, _ in self.entries if (GATES[g].num_wires or 2) > 1))

    def describe(self) -> str:
        return "(" + ", ".join(self.names) + ")"


def _form(basis: Basis) -> Form:
    def has(gate: str) -> bool:
        return (gate, False) in basis.entries

    z = "RZ" if has("RZ") else "PhaseShift" if has("PhaseShift") else ""
    axes = tuple((axis, gate) for axis, gate in (("Z", z), ("X", "RX" if has("RX") else ""),
                                                 ("Y", "RY" if has("RY") else "")) if gate)
    names = dict(axes)
    if has("U3"):
        return Form("u3", axes)
    if has("Rot"):
        return Form("rot", axes)
    for outer, inner in (("Z", "Y"), ("Z", "X"), ("X", "Y")):
        if outer in names and inner in names:
            return Form("pair", axes, outer, inner)
    if z and has("SX"):
        return Form("zsx", axes, has_x=has("PauliX"))
    if z and has("Hadamard"):
        return Form("zhz", axes)
    return Form("axis" if axes else "discrete", axes, has_x=has("PauliX"))


def resolve(names: Sequence[str]) -> Basis:
    """The Basis for a sequence of gate names.

    Raises:
        KettleError: no names, a name that is not a string, or an unknown name (the message
            lists the known ones).
    """
    if isinstance(names, str) or not names:
        raise KettleError(f"a basis is a non-empty tuple of gate names such as ('rz', 'sx', "
                          f"'x', 'cx'), got {names!r}")
    return _resolve(tuple(names))


@functools.cache
def _resolve(names: tuple[str, ...]) -> Basis:
    known = known_names()
    entries = set()
    for name in names:
        entry = known.get(name.lower()) if isinstance(name, str) else None
        if entry is None:
            raise KettleError(f"unknown basis gate {name!r}; known names: "
                              f"{', '.join(sorted(set(known)))}")
        entries.add(entry)
    return Basis(names, frozenset(entries))
