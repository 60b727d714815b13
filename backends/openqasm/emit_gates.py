"""Gate applications -> OpenQASM statements in a target's dialect, all from the gate table.

For each gate the emitter tries, in order: the dialect's own name (with `ctrl @`,
`negctrl @`, `inv @` modifiers where allowed, and inverses folded into names like `sdg` or
into negated angles), `ctrl @` on the base of a controlled table gate, a `gate` definition
built once from the table's decomposition, and finally the decomposition expanded inline.
Definitions and expansions carry the global phase the table's decompositions drop, so a
controlled or inverted use stays exact.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from openqasm3 import ast

from ...ir import GATES, QasmError
from .dialects import STDGATES, definition_name
from .emit_values import Scalar, affine, expression, negate
from .gate_math import euler_angles, exact_decomposition
from .targets import Target

_CONTROLLED = {spec.control: name for name, spec in GATES.items() if spec.control is not None}
"""(base gate, number of controls) -> the table gate that is that controlled gate (X, 1 -> CNOT)."""

_MOD = {kind: ast.QuantumGateModifier(getattr(ast.GateModifierName, kind))
        for kind in ("ctrl", "negctrl", "inv")}


@dataclass
class Sink:
    """Where statements go: the top-level program or a `gate` definition's body.

    `refs[k]` is the OpenQASM operand of qubit position k; `check(positions)` (top level
    only) rejects a multi-qubit gate off the coupling map.
    """

    refs: Sequence[ast.Expression]
    statements: list = field(default_factory=list)
    check: Callable[[tuple[int, ...]], None] | None = None

    def gate(self, modifiers: list, name: ast.Identifier, params: Sequence[Scalar],
             positions: Sequence[int]) -> None:
        if self.check is not None and len(positions) > 1:
            self.check(tuple(positions))
        self.statements.append(ast.QuantumGate(list(modifiers), name, [expression(p) for p in params],
                                               [self.refs[k] for k in positions]))

    def phase(self, modifiers: list, angle: Scalar, positions: Sequence[int]) -> None:
        self.statements.append(ast.QuantumPhase(list(modifiers), expression(angle),
                                                [self.refs[k] for k in positions]))


@functools.cache
def _modifiers(ctrl: tuple[bool, ...], inv: bool) -> tuple[ast.QuantumGateModifier, ...]:
    return (*(_MOD["ctrl" if c else "negctrl"] for c in ctrl), *((_MOD["inv"],) if inv else ()))


@functools.cache
def _absorb(gate: str, ctrl: tuple[bool, ...]) -> tuple[str, tuple[bool, ...]]:
    """Controls as a table gate where one exists: (RX, [ctrl]) -> CRX, (CNOT, [ctrl]) -> Toffoli.

    A controlled table gate is first unfolded into its base plus controls, then the longest
    run of trailing |1> controls the table has a gate for is folded back in.
    """
    while GATES[gate].control is not None:
        base, m = GATES[gate].control
        gate, ctrl = base, (*ctrl, *(True,) * m)
    for m in range(len(ctrl), 0, -1):
        if all(ctrl[-m:]) and (gate, m) in _CONTROLLED:
            return _CONTROLLED[(gate, m)], ctrl[:-m]
    return gate, ctrl


@functools.cache
def _adjoint_fold(gate: str, n: int) -> str | None:
    """How `gate`^dagger is the same gate: "same" parameters (self-inverse), "negate" the angle
    (one generator: exp(-i theta G)^dagger = exp(i theta G)), or None."""
    spec = GATES[gate]
    fixed = spec.fixed
    if fixed is not None and np.allclose(fixed @ fixed, np.eye(len(fixed)), atol=1e-12):
        return "same"
    if spec.num_params == 1 and len(spec.factors(n)) == 1:
        return "negate"
    return None


class _Plan(NamedTuple):
    """How to emit one kind of gate application: one statement named `name` with `modifiers`,
    or (name None) the inline expansion of `gate`; `negate` flips the angle (a folded inverse)."""

    negate: bool
    name: ast.Identifier | None
    modifiers: tuple[ast.QuantumGateModifier, ...] = ()
    gate: str = ""
    adjoint: bool = False
    ctrl: tuple[bool, ...] = ()


class GateEmitter:
    """Emits gates for one program; collects the `gate` definitions it needs, in order."""

    def __init__(self, target: Target):
        self.target, self.rules = target, target.rules
        self.basis = target.basis_gates
        self.free = self.basis is None and self.rules.modifiers
        """No basis to respect and modifiers allowed: `ctrl @ base` and definitions may be used."""
        self.definitions: dict[str, ast.QuantumGateDefinition] = {}
        self._names: dict[str, ast.Identifier] = {}
        self._plans: dict[tuple, _Plan] = {}
        self._dialect_names = self.rules.names()

    def gate(self, gate: str, adjoint: bool, ctrl: tuple[bool, ...], params: Sequence[Scalar],
             positions: Sequence[int], sink: Sink) -> None:
        """Emit `gate` (table name) on `positions` of `sink`, leading `len(ctrl)` of them controls.

        Raises:
            QasmError: the target can neither name, define nor expand the gate.
        """
        key = (gate, adjoint, ctrl, len(positions))
        plan = self._plans.get(key)
        if plan is None:  # decided once per kind of gate application
            gate, ctrl = _absorb(gate, tuple(ctrl))
            plan = self._plans[key] = self._plan(gate, adjoint, ctrl, len(positions), False)
        if plan.negate:
            params = [negate(params[0])]
        if plan.name is not None:
            sink.gate(plan.modifiers, plan.name, params, positions)
        else:
            self._expand(plan.gate, plan.adjoint, plan.ctrl, params, positions, sink)

    def _plan(self, gate: str, adjoint: bool, ctrl: tuple[bool, ...], width: int, negated: bool) -> _Plan:
        """How to emit `gate`, trying the ways of the module docstring in order."""
        fold = _adjoint_fold(gate, width - len(ctrl)) if adjoint else None
        if fold is not None:
            adjoint, negated = False, negated != (fold == "negate")
        named = self._named(gate, adjoint, ctrl)
        if named is not None:
            return _Plan(negated, self._identifier(named[0]), _modifiers(ctrl, named[1]))
        control = GATES[gate].control
        if control is not None and self.free:  # CRX -> ctrl @ rx, if rx can be emitted or expanded
            base = self._plan(control[0], adjoint, (*ctrl, *(True,) * control[1]), width, negated)
            if base.name is not None or exact_decomposition(base.gate, width - len(base.ctrl)) is not None:
                return base
        if self.rules.definitions and self.free:
            name = self._define(gate, width - len(ctrl))
            return _Plan(negated, self._identifier(name), _modifiers(ctrl, adjoint))
        return _Plan(negated, None, (), gate, adjoint, ctrl)

    def _named(self, gate: str, adjoint: bool, ctrl: tuple[bool, ...]) -> tuple[str, bool] | None:
        """(dialect name, whether `inv @` is still needed) if the target may emit the gate as such."""
        if self.basis is not None and (gate not in self.basis or adjoint or ctrl):
            return None
        if adjoint and gate in self.rules.adjoints:
            name, inv = self.rules.adjoints[gate], False
        else:
            name, inv = self.rules.gates.get(gate), adjoint
        if name is None or ((ctrl or inv) and not self.rules.modifiers):
            return None
        return name, inv

    def _identifier(self, name: str) -> ast.Identifier:
        ident = self._names.get(name)
        if ident is None:
            ident = self._names[name] = ast.Identifier(name)
        return ident

    def _expand(self, gate: str, adjoint: bool, ctrl: tuple[bool, ...], params: Sequence[Scalar],
                positions: Sequence[int], sink: Sink) -> None:
        n_ctrl = len(ctrl)
        exact = exact_decomposition(gate, len(positions) - n_ctrl)
        if exact is None:
            raise QasmError(self._cannot(gate, ctrl))
        steps, phase = exact
        controls, own = tuple(positions[:n_ctrl]), positions[n_ctrl:]
        for s in reversed(steps) if adjoint else steps:
            step_params = [affine(a, params) for a in s.params]
            self.gate(s.gate, s.adjoint != adjoint, ctrl, step_params,
                      (*controls, *(own[w] for w in s.wires)), sink)
        angle = affine(phase, params)
        if isinstance(angle, float) and angle == 0.0:
            return
        if not self.rules.modifiers:  # no gphase: fine for a global phase, wrong under controls
            if ctrl:
                raise QasmError(self._cannot(gate, ctrl))
            return
        sink.phase(_modifiers(ctrl, False), negate(angle) if adjoint else angle, controls)

    def _define(self, gate: str, n: int) -> str:
        """The name of a `gate` definition of `gate` on `n` wires, emitting it on first use."""
        name = definition_name(gate, n)
        if name in STDGATES or name in self._dialect_names:  # a dialect that does not use a standard name
            name += "_def"
        if name not in self.definitions:
            # p0, p1, ...: names that sort in declaration order (qiskit-qasm3-import binds a
            # custom gate's parameters alphabetically)
            params = [ast.Identifier(f"p{i}") for i in range(GATES[gate].num_params)]
            qubits = [ast.Identifier(f"q{i}") for i in range(n)]
            body = Sink(qubits)
            self._expand(gate, False, (), params, range(n), body)
            self.definitions[name] = ast.QuantumGateDefinition(ast.Identifier(name), params, qubits,
                                                               body.statements)
        return name

    def _cannot(self, gate: str, ctrl: tuple[bool, ...]) -> str:
        what = f"{gate} with {len(ctrl)} control(s)" if ctrl else gate
        if self.basis is not None:
            return (f"the {self.target.name!r} target's basis ({', '.join(self.target.basis)}) cannot "
                    f"express {what}, even through the gate table's decompositions; run the target's "
                    f"pipeline first (Target.prepare decomposes to the basis)")
        return (f"the {self.rules.name} dialect has no {what} and the gate table has no "
                f"decomposition for it; use a target whose dialect allows `ctrl @` modifiers")

    def unitary(self, matrix: np.ndarray, positions: Sequence[int], sink: Sink,
                texts: Sequence[str]) -> None:
        """Emit a constant `q.unitary` matrix (the hook for larger unitaries: a KAK decomposition).

        Raises:
            QasmError: a matrix the target cannot express.
        """
        k = len(positions)
        if self.rules.unitary_pragma:
            targets = ", ".join(texts[p] for p in positions)
            sink.statements.append(ast.Pragma(f"braket unitary({matrix_text(matrix)}) {targets}"))
            return
        if k != 1:
            raise QasmError(f"a {2**k}x{2**k} unitary on {k} qubits cannot be exported to the "
                            f"{self.target.name!r} target yet (a two-qubit KAK decomposition is "
                            f"planned); build it from gates, or use target='braket' (unitary pragma)")
        if not self.free:
            raise QasmError(f"the {self.target.name!r} target cannot express a q.unitary matrix; run "
                            f"its pipeline first (Target.prepare: one-qubit resynthesis)")
        theta, phi, lam, gamma = euler_angles(matrix)
        sink.gate([], self._identifier("U"), [theta, phi, lam], positions)
        if abs(gamma) > 1e-15:
            sink.phase([], gamma, ())


def matrix_text(m: np.ndarray) -> str:
    """A matrix in Braket's pragma syntax: `[[1.0, 0.5-0.25im], [0.5+0.25im, -1.0]]`."""
    rows = ("[" + ", ".join(_complex_text(z) for z in row) + "]" for row in np.asarray(m))
    return "[" + ", ".join(rows) + "]"


def _complex_text(z: complex) -> str:
    re, im = float(z.real), float(z.imag)
    if im == 0.0:
        return repr(re)
    if re == 0.0:
        return f"{im!r}im"
    return f"{re!r}{'-' if im < 0 else '+'}{abs(im)!r}im"
