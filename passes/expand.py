"""Expanding one gate call into a basis: through the gate table, controls and adjoints included.

An uncontrolled gate outside the basis takes the decomposition the basis search picked
(basis_search.py); its single-qubit pieces are left for the Euler resynthesis. A control
the table has no gate for is expanded exactly, global phase included (under a control it
is observable):
  - controls on |0>: X on those wires before and after;
  - one control on a single-qubit gate: U = e^{ia} RZ(a) RY(b) RZ(c) gives
    A CNOT B CNOT C and a phase on the control (Nielsen & Chuang 4.2), or one CNOT when
    U is a reflection (e^{ia} W X W^dagger), with affine angles for a traced U3 or Rot;
  - more controls on a constant single-qubit gate: Barenco et al. (1995), Lemma 7.5,
    C^k(U) from C(V), C^{k-1}(X) and C^{k-1}(V), V^2 = U;
  - otherwise each step of the gate's decomposition is controlled, with the decomposition's
    phase as a controlled phase; steps that conjugate (W ... W^dagger) stay uncontrolled.
"""

from __future__ import annotations

import numpy as np

from ..ir import GATES, KettleError
from ..ir.gate_spec import Affine, Step
from ..ir.gates import decomposition_phase, is_self_inverse
from . import euler
from .angles import Angle
from .basis import Basis
from .basis_search import plan_for
from .calls import Call, constant

CONTROLLED = {spec.control: name for name, spec in GATES.items() if spec.control is not None}
"""(base gate, number of controls) -> the table's controlled gate (("PauliX", 2) -> Toffoli)."""
MAX_DEPTH = 64
_H = GATES["Hadamard"].matrix()


def evaluate(a: Affine, params: tuple[Angle, ...]) -> Angle:
    """A decomposition step's parameter for these gate parameters."""
    out = a.evaluate(params)
    return out if isinstance(out, Angle) else constant(out)


def flatten(gate: str, n_controls: int) -> tuple[str, int]:
    """(base gate, total controls): CNOT -> (PauliX, 1), Toffoli with one more -> (PauliX, 3)."""
    spec = GATES[gate]
    while spec.control is not None:
        gate, n = spec.control
        n_controls += n
        spec = GATES[gate]
    return gate, n_controls


class Expander:
    """Expand calls into `basis`: the result holds multi-qubit basis gates and uncontrolled
    single-qubit calls (in the basis or not: the caller resynthesises them)."""

    def __init__(self, basis: Basis):
        self.basis = basis
        self.plan = plan_for(basis)

    def expand(self, call: Call) -> list[Call]:
        out: list[Call] = []
        self._expand(call, out, 0)
        return out

    def _expand(self, call: Call, out: list[Call], depth: int) -> None:
        if depth > MAX_DEPTH:
            raise KettleError(f"decomposing {call.gate} into {self.basis.describe()} does not end")
        if call.matrix is not None:
            self._matrix(call, out)
            return
        if not all(call.ctrl):  # a control on |0>: X before and after
            flips = [Call("PauliX", (w,)) for w, v in zip(call.wires, call.ctrl) if not v]
            out += flips
            self._expand(Call(call.gate, call.wires, call.params, call.adjoint,
                              (True,) * len(call.ctrl)), out, depth + 1)
            out += flips
            return
        base, k = flatten(call.gate, len(call.ctrl))
        table = CONTROLLED.get((base, k)) if k else base
        if table is not None:
            self._uncontrolled(Call(table, call.wires, call.params, call.adjoint), out, depth)
            return
        controls, targets = call.wires[:k], call.wires[k:]
        if len(targets) == 1 and call.is_constant:
            u = GATES[base].matrix([p.offset for p in call.params], 1, call.adjoint)
            self._controlled_matrix(u, controls, targets[0], out, depth)
            return
        zyz = _zyz_angles(base, call.params, call.adjoint) if len(targets) == 1 and k == 1 else None
        if zyz is not None:
            self._one_control(zyz, controls[0], targets[0], out, depth)
            return
        j = max((j for j in range(1, k) if (base, j) in CONTROLLED), default=0)
        gate = CONTROLLED[(base, j)] if j else base
        self._controlled_steps(Call(gate, call.wires[k - j:], call.params, call.adjoint),
                               controls[:k - j], out, depth)

    def _matrix(self, call: Call, out: list[Call]) -> None:
        if len(call.wires) > 1:
            raise KettleError(f"a constant {len(call.wires)}-qubit QubitUnitary cannot be decomposed "
                              f"yet (KAK and Shannon synthesis come with the next issue); build it "
                              f"from gates, or decompose only single-qubit unitaries")
        out.append(call)

    def _uncontrolled(self, call: Call, out: list[Call], depth: int) -> None:
        native = self.basis.native(call.gate, call.adjoint)
        if native is not None:
            adjoint, negate = native
            params = tuple(-p for p in call.params) if negate else call.params
            out.append(Call(call.gate, call.wires, params, adjoint))
            return
        if len(call.wires) == 1:
            out.append(call)
            return
        steps = self.plan.rule(call.gate, len(call.wires))
        if steps is None:
            raise KettleError(f"cannot express {call.gate} in the basis {self.basis.describe()}: "
                              f"{self._missing()}")
        for step in _oriented(steps, call.adjoint):
            self._expand(_step_call(step, call), out, depth + 1)

    def _missing(self) -> str:
        if not self.basis.entanglers:
            return "it has no multi-qubit gate; add one such as cx, cz or ecr"
        if not self.basis.form.universal:
            return ("its single-qubit gates are not a universal set; add rz and sx, rx/ry/rz, "
                    "or u3")
        return (f"no decomposition in the gate table reaches its multi-qubit gates "
                f"({', '.join(self.basis.entanglers)}); add cx, cz or ecr")

    def _controlled_steps(self, call: Call, controls: tuple[int, ...], out: list[Call],
                          depth: int) -> None:
        """Control every step of `call`'s decomposition by `controls` (see the docstring)."""
        n = len(call.wires)
        if not GATES[call.gate].decompositions(n):
            raise KettleError(f"cannot control {call.gate}: the gate table has no decomposition of it")
        phase = evaluate(decomposition_phase(call.gate, n, 0), call.params)
        steps = _oriented(GATES[call.gate].decompositions(n)[0], call.adjoint)
        left, middle, right = _split_conjugation(steps)
        for step in left:
            self._expand(_step_call(step, call), out, depth + 1)
        if not (phase.is_constant and euler.is_zero(phase.offset)):
            self._expand(Call("PhaseShift", controls, (-phase if call.adjoint else phase,),
                              ctrl=(True,) * (len(controls) - 1)), out, depth + 1)
        for step in middle:
            inner = _step_call(step, call)
            self._expand(Call(inner.gate, controls + inner.wires, inner.params, inner.adjoint,
                              (True,) * len(controls)), out, depth + 1)
        for step in right:
            self._expand(_step_call(step, call), out, depth + 1)

    def _controlled_matrix(self, u: np.ndarray, controls: tuple[int, ...], target: int,
                           out: list[Call], depth: int) -> None:
        if len(controls) == 1:
            self._one_control(_constant_zyz(u), controls[0], target, out, depth, u)
            return
        v = _sqrt(u)
        last, rest = controls[-1], controls[:-1]
        flip = Call("PauliX", (*rest, last), ctrl=(True,) * len(rest))
        self._controlled_matrix(v, (last,), target, out, depth + 1)
        self._expand(flip, out, depth + 1)
        self._controlled_matrix(v.conj().T, (last,), target, out, depth + 1)
        self._expand(flip, out, depth + 1)
        self._controlled_matrix(v, rest, target, out, depth + 1)

    def _one_control(self, zyz: tuple[Angle, Angle, Angle, Angle], control: int, target: int,
                     out: list[Call], depth: int, u: np.ndarray | None = None) -> None:
        """C-U for U = e^{i phase} RZ(a) RY(b) RZ(c) (its matrix `u` when constant)."""
        phase, a, b, c = zyz
        cnot = Call("CNOT", (control, target))
        if u is not None and euler.is_identity(euler.m2(u)):
            phase = constant(np.angle(u[0, 0]))
        elif u is not None and abs(np.trace(u)) < euler.TOLERANCE:  # U = e^{i phase} W X W^dagger
            values, vectors = np.linalg.eig(u)
            w = vectors @ _H
            out.append(Call("QubitUnitary", (target,), matrix=w.conj().T))
            self._expand(cnot, out, depth + 1)
            out.append(Call("QubitUnitary", (target,), matrix=w))
            phase = constant(np.angle(values[0]))
        else:
            out.append(_rz(target, (c - a) * 0.5))
            self._expand(cnot, out, depth + 1)
            out += [_rz(target, -(c + a) * 0.5), Call("RY", (target,), (-b * 0.5,))]
            self._expand(cnot, out, depth + 1)
            out += [Call("RY", (target,), (b * 0.5,)), _rz(target, a)]
        if not (phase.is_constant and euler.is_zero(phase.offset)):
            out.append(Call("PhaseShift", (control,), (phase,)))


def _rz(wire: int, angle: Angle) -> Call:
    return Call("RZ", (wire,), (angle,))


def _constant_zyz(u: np.ndarray) -> tuple[Angle, Angle, Angle, Angle]:
    phase, a, b, c = euler.zyz(euler.m2(u))
    return constant(phase), constant(a), constant(b), constant(c)


def _zyz_angles(gate: str, params: tuple[Angle, ...], adjoint: bool
                ) -> tuple[Angle, Angle, Angle, Angle] | None:
    """(phase, a, b, c) of a traced single-qubit gate whose decomposition is RZ RY RZ (U3, Rot)."""
    steps = GATES[gate].decompose(1)
    if steps is None or [s.gate for s in steps] != ["RZ", "RY", "RZ"] or any(s.adjoint for s in steps):
        return None
    c, b, a = (evaluate(s.params[0], params) for s in steps)
    phase = evaluate(decomposition_phase(gate, 1, 0), params)
    return (-phase, -c, -b, -a) if adjoint else (phase, a, b, c)


def _sqrt(u: np.ndarray) -> np.ndarray:
    """A unitary square root of a 2x2 unitary: (U + s I) / sqrt(tr U + 2 s), s^2 = det U."""
    s = np.sqrt(np.linalg.det(u))
    s = s if abs(np.trace(u) + 2 * s) >= abs(np.trace(u) - 2 * s) else -s
    return (u + s * np.eye(2)) / np.sqrt(np.trace(u) + 2 * s)


def _oriented(steps: tuple[Step, ...], adjoint: bool) -> tuple[Step, ...]:
    """The steps of a gate, or of its inverse (reversed, each inverted)."""
    if not adjoint:
        return steps
    return tuple(Step(s.gate, s.wires, s.params, not s.adjoint) for s in reversed(steps))


def _step_call(step: Step, parent: Call) -> Call:
    wires = tuple(parent.wires[i] for i in step.wires)
    return Call(step.gate, wires, tuple(evaluate(a, parent.params) for a in step.params), step.adjoint)


def _split_conjugation(steps: tuple[Step, ...]) -> tuple[tuple[Step, ...], ...]:
    """(L, M, R) with steps = L M R and R = L^-1: only M needs the control."""
    r = 0
    while r < len(steps) // 2 and _inverse_pair(steps[r], steps[-1 - r]):
        r += 1
    return steps[:r], steps[r:len(steps) - r], steps[len(steps) - r:]


def _inverse_pair(a: Step, b: Step) -> bool:
    if a.gate != b.gate or a.wires != b.wires:
        return False
    if a.adjoint != b.adjoint:
        return a.params == b.params
    if not a.params:
        return is_self_inverse(a.gate)
    spec = GATES[a.gate]
    single = spec.generators is not None and len(spec.generators(len(a.wires))) == 1
    return single and len(a.params) == 1 and a.params[0] == -b.params[0]
