"""Resynthesis of a run of single-qubit gates on one wire into a basis's Euler form.

A run becomes a list of items: constant 2x2 matrices and rotations by traced angles. Items
then merge: constants multiply, rotations about one axis add their angles (exactly, as
affine `Angle`s), and a constant that is a rotation about a neighbour's axis joins it.
Each constant left becomes at most three rotations of the form, each traced rotation one
gate (conjugated by constant Cliffords when its axis is not native, e.g. RX(t) in
rz/sx/x), and adjacent same-axis rotations that this leaves are added once more.
Global phase is not kept: runs are never under a control.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from ..ir import GATES
from ..ir.gate_spec import Affine
from . import euler
from .angles import Angle
from .basis import Basis, Form
from .calls import Call

AXIS_OF = {"RX": "X", "RY": "Y", "RZ": "Z"}
ROTATIONS = frozenset({"RX", "RY", "RZ", "PhaseShift"})


@dataclass(frozen=True)
class Const:
    u: euler.M2


@dataclass(frozen=True)
class Turn:
    """A rotation about `axis` by a traced angle."""

    axis: str
    angle: Angle


Item = Const | Turn


def items_of(g: Call) -> list[Item]:
    """`g` as constants and traced rotations about X, Y or Z, in application order."""
    if g.matrix is not None:
        return [Const(euler.m2(g.matrix))]
    if GATES[g.gate].fixed is not None:
        return [Const(_fixed(g.gate, g.adjoint))]
    if g.gate in AXIS_OF:
        angle = -g.params[0] if g.adjoint else g.params[0]
        if angle.is_constant:
            return [Const(euler.rotation(AXIS_OF[g.gate], angle.offset))]
        return [Turn(AXIS_OF[g.gate], angle)]
    steps = GATES[g.gate].decompose(1)  # PhaseShift, Rot, U3: rotations about Z and Y
    steps = [(s.gate, s.adjoint != g.adjoint, s.params) for s in (reversed(steps) if g.adjoint else steps)]
    items = [item for gate, adjoint, params in steps
             for item in items_of(Call(gate, g.wires, tuple(_angle(a, g.params) for a in params), adjoint))]
    return merge(items) if g.is_constant else items


@functools.cache
def _fixed(gate: str, adjoint: bool) -> euler.M2:
    return euler.m2(GATES[gate].matrix((), 1, adjoint))


def _angle(a: Affine, params: tuple[Angle, ...]) -> Angle:
    out = a.evaluate(params)
    return out if isinstance(out, Angle) else Angle((), out)


def _matrix(gate: str, angles: tuple[float, ...]) -> euler.M2:
    """A constant single-qubit gate's matrix, up to a global phase."""
    items = items_of(Call(gate, (0,), tuple(Angle((), a) for a in angles)))
    u = euler.IDENTITY
    for item in items:
        u = euler.mul(item.u, u)
    return u


def _native(items: list[Item], form: Form) -> list[Item] | None:
    """Traced rotations about axes the form cannot rotate about, conjugated onto one it can
    (U3 and Rot take Z and Y: RX(t) = S RY(t) S^dagger, whose S's merge into Z turns)."""
    gates = {"Z": "", "Y": ""} if form.kind in ("u3", "rot") else form.gates
    out: list[Item] = []
    for item in items:
        if isinstance(item, Const) or item.axis in gates:
            out.append(item)
        elif not gates:
            return None
        else:
            axis = "Y" if form.kind in ("u3", "rot") else "Z" if "Z" in gates else next(iter(gates))
            w = euler.mul(euler.frame(item.axis), euler.dagger(euler.frame(axis)))  # W s_axis W^+ = s_item
            out += [Const(euler.dagger(w)), Turn(axis, item.angle), Const(w)]
    return out


def _combine(a: Item, b: Item) -> Item | None | bool:
    """`b` after `a` as one item, None if they cancel, False if they do not merge."""
    if isinstance(a, Const) and isinstance(b, Const):
        u = euler.mul(b.u, a.u)
        return None if euler.is_identity(u) else Const(u)
    if isinstance(a, Turn) and isinstance(b, Turn):
        return Turn(a.axis, a.angle + b.angle) if a.axis == b.axis else False
    turn, const = (a, b) if isinstance(a, Turn) else (b, a)
    t = euler.rotation_angle(const.u, turn.axis)
    return False if t is None else Turn(turn.axis, turn.angle + t)


def merge(items: Sequence[Item]) -> list[Item]:
    """Merge adjacent items (see the module docstring) until no two merge; drop identities."""
    stack: list[Item] = []
    for item in items:
        if isinstance(item, Const) and euler.is_identity(item.u):
            continue
        stack.append(item)
        while len(stack) >= 2:
            merged = _combine(stack[-2], stack[-1])
            if merged is False:
                break
            del stack[-2:]
            if merged is not None:
                stack.append(merged)
    return stack


def outside(c: Call, basis: Basis) -> bool:
    """`c` is not a basis gate as it stands (a matrix, a control, an inversion to rewrite)."""
    return c.matrix is not None or bool(c.ctrl) or basis.native(c.gate, c.adjoint) != (c.adjoint, False)


def resynthesized(run: Sequence[Call], basis: Basis) -> list[Call] | None:
    """`run` in the basis's Euler form when that is shorter or the run holds gates outside
    the basis; None to keep the run as it is (so resynthesising twice changes nothing)."""
    new = synthesize(run, basis.form)
    if new is not None and (len(new) < len(run) or any(outside(c, basis) for c in run)):
        return new
    return None


def synthesize(run: Sequence[Call], form: Form) -> list[Call] | None:
    """The run (single-qubit calls on one wire) in `form`'s gates, at most three rotations
    per constant stretch; None when the form cannot express it (a basis that is not universal).

    Resynthesised again while that makes it shorter (a constant's Euler angles can change
    what merges with its traced neighbours), so that resynthesising the result changes nothing.
    """
    out = _synthesize_once(run, form)
    while out is not None and any(not p.is_constant for c in out for p in c.params):
        again = _synthesize_once(out, form)
        if again is None or len(again) >= len(out):
            return out
        out = again
    return out


def _synthesize_once(run: Sequence[Call], form: Form) -> list[Call] | None:
    wires = run[0].wires if run else ()
    items = [item for g in run for item in items_of(g)]
    native = _native(items, form)
    if native is None:
        return None
    merged = merge(native)
    if form.kind in ("u3", "rot"):
        return peephole(_euler_gates(merged, form, wires))
    out: list[Call] = []
    for i, item in enumerate(merged):
        if isinstance(item, Turn):
            out.append(Call(form.gates[item.axis], wires, (item.angle,)))
            continue
        sequence = constant(item.u, form, _turn_axis(merged, i - 1), _turn_axis(merged, i + 1))
        if sequence is None:
            return None
        out += [Call(gate, wires, tuple(Angle((), a) for a in angles), adjoint)
                for gate, angles, adjoint in sequence]
    return peephole(out)


def constant(u: euler.M2, form: Form, before: str | None = None, after: str | None = None
             ) -> list[tuple[str, tuple[float, ...], bool]] | None:
    """A constant single-qubit unitary in `form`, as (gate, angles, adjoint); None if the
    form cannot express it. `before`/`after`: the axes of traced rotations just before and
    after it, which absorb rotations about their axis at its ends (a pair form then puts
    that axis outermost)."""
    kind, gates = form.kind, form.gates
    if euler.is_identity(u):
        return []
    if kind == "pair":
        outer, inner = form.outer, form.inner
        if inner in (before, after) and outer not in (before, after):
            outer, inner = inner, outer
        sequence = euler.pair(u, outer, inner, gates)
    elif kind in ("zsx", "zhz"):
        sequence = euler.zsx(u, gates["Z"], form.has_x) if kind == "zsx" else euler.zhz(u, gates["Z"])
    elif kind in ("u3", "rot"):
        sequence = euler.u3(u) if kind == "u3" else euler.rot(u)
    else:
        sequence = _exact(u, form)
        if sequence is None:
            return None
    return [(gate, angles, False) for gate, angles in _slide(sequence, before, after)]


def _turn_axis(items: list[Item], i: int) -> str | None:
    return items[i].axis if 0 <= i < len(items) and isinstance(items[i], Turn) else None


def _axis(gate: str) -> str | None:
    return "Z" if gate == "PhaseShift" else AXIS_OF.get(gate)


def _slide(sequence: euler.Sequence1Q, before: str | None, after: str | None) -> euler.Sequence1Q:
    """`R_o(post) M R_o(pre)` with `M sigma_o M^dagger = -sigma_o` (a half turn about another
    axis) is `R_o(post - pre) M = M R_o(pre - post)`: put the one turn on the side where a
    traced rotation about o absorbs it."""
    o = (_axis(sequence[0][0]) or _axis(sequence[-1][0])) if sequence else None
    if o is None or (before == o) == (after == o):
        return sequence
    head = sequence[0] if _axis(sequence[0][0]) == o else None
    rest = sequence[1:] if head else sequence
    tail = rest[-1] if rest and _axis(rest[-1][0]) == o else None
    middle = rest[:-1] if tail else rest
    m = euler.IDENTITY
    for gate, angles in middle:
        m = euler.mul(_matrix(gate, angles), m)
    if not middle or not euler.flips(m, o):
        return sequence
    turn = (head or tail)[0]
    pre, post = head[1][0] if head else 0.0, tail[1][0] if tail else 0.0
    if after == o:
        return [*middle, (turn, (post - pre,))]
    return [(turn, (pre - post,)), *middle]


def _exact(u: euler.M2, form: Form) -> euler.Sequence1Q | None:
    """A non-universal form: one rotation about a native axis, or X after a Z rotation."""
    for axis, gate in form.rotations:
        t = euler.rotation_angle(u, axis)
        if t is not None:
            return [(gate, (t,))]
    z = form.gates.get("Z")
    if z and form.has_x:
        t = euler.rotation_angle(euler.mul(euler.PAULI["X"], u), "Z")
        if t is not None:
            return [(z, (t,)), ("PauliX", ())]
    return None


def _euler_gates(items: list[Item], form: Form, wires: tuple[int, ...]) -> list[Call]:
    """U3 or Rot gates: one per Z-Y-Z stretch with a traced turn (constant Z rotations at
    its ends join it), one per other constant."""
    out: list[Call] = []
    i = 0
    while i < len(items):
        angles, j = [], i
        for axis in "ZYZ":  # turns are about Z or Y here (_native)
            angle = _about(items[j], axis) if j < len(items) else None
            angles.append(angle or Angle())
            j += angle is not None
        if not any(isinstance(item, Turn) for item in items[i:j]):
            out += [Call(g, wires, tuple(Angle((), a) for a in values))
                    for g, values, _ in constant(items[i].u, form)]
            i += 1
            continue
        first, theta, last = angles
        params = (theta, last, first) if form.kind == "u3" else (first, theta, last)
        out.append(Call("U3" if form.kind == "u3" else "Rot", wires, params))
        i = j
    return out


def _about(item: Item, axis: str) -> Angle | None:
    """The angle of `item` if it is a rotation about `axis` (traced or constant)."""
    if isinstance(item, Turn):
        return item.angle if item.axis == axis else None
    t = euler.rotation_angle(item.u, axis)
    return None if t is None else Angle((), t)


def peephole(gates: list[Call]) -> list[Call]:
    """Add adjacent rotations of one gate; drop rotations by a constant multiple of 2 pi."""
    out: list[Call] = []
    for g in gates:
        if out and g.gate in ROTATIONS and out[-1].gate == g.gate and not (g.adjoint or out[-1].adjoint):
            g = Call(g.gate, g.wires, (out.pop().params[0] + g.params[0],))
        if g.gate in ROTATIONS and g.params[0].is_constant and euler.is_zero(g.params[0].offset):
            continue
        out.append(_wrapped(g))
    return out


def _wrapped(g: Call) -> Call:
    """Constant offsets in (-pi, pi]: a turn by 2 pi more is the same gate up to phase."""
    if g.matrix is not None or not g.params:
        return g
    return Call(g.gate, g.wires, tuple(Angle(a.terms, euler.wrap(a.offset)) for a in g.params),
                g.adjoint)
