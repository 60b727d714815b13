"""Text drawings of kernels, in PennyLane's style: one line per wire, gates in layers.

    0: ──RX(0.10)─╭●─┤  <Z@Z>
    1: ──RY(0.20)─╰X─┤  <Z@Z>

Gate parameters are shown with `decimals` digits when their values are known (the
slot values of one call); otherwise by their slot.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..ir import GATES, Function, Value
from ..ir import quantum as Q
from ..ir.arith import Constant
from ..ir.pauli import parse_word
from ..ir.tensors import Extract


def draw_kernel(fn: Function, params: np.ndarray | None = None, decimals: int = 2) -> str:
    """The drawing of kernel `fn`; `params` are its slot values (None: show slot names)."""
    wires_of = _wire_map(fn)
    n = next(o.wires for o in fn.body if isinstance(o, Q.Alloc))
    scalars = _scalar_labels(fn, params, decimals)
    columns: list[dict[int, str]] = []
    depth = [0] * n
    for o in fn.body:
        cells = _gate_cells(o, wires_of, scalars)
        if not cells:
            continue
        span = range(min(cells), max(cells) + 1)
        layer = max(depth[w] for w in span)
        while len(columns) <= layer:
            columns.append({})
        for w in span:
            columns[layer][w] = cells.get(w, "│")
            depth[w] = layer + 1
    ends = _measurement_labels(fn, wires_of)
    lines = []
    for w in range(n):
        row = f"{w:>{len(str(n - 1))}}: ─"  # labels right-aligned, as PennyLane draws 10+ wires
        for col in columns:
            width = max(len(c) for c in col.values())
            row += col.get(w, "").ljust(width, "─") + "─"
        row += "─┤" + (f"  {ends[w]}" if w in ends else "")
        lines.append(row)
    return "\n".join(lines)


def _wire_map(fn: Function) -> dict[Value, int]:
    wires: dict[Value, int] = {}
    for o in fn.body:
        if isinstance(o, Q.Alloc):
            wires.update({q: i for i, q in enumerate(o.out)})
        elif isinstance(o, (Q.Gate, Q.Unitary)):
            wires.update({new: wires[old] for old, new in zip(o.qubits, o.out)})
    return wires


def _scalar_labels(fn: Function, params: np.ndarray | None, decimals: int) -> dict[Value, str]:
    labels: dict[Value, str] = {}
    for o in fn.body:
        if isinstance(o, Extract):
            i = o.index[0]
            labels[o.out] = f"p[{i}]" if params is None else f"{params[i]:.{decimals}f}"
        elif isinstance(o, Constant) and isinstance(o.value, float):
            labels[o.out] = f"{o.value:.{decimals}f}"
    return labels


def _gate_cells(o, wires_of: dict[Value, int], scalars: dict[Value, str]) -> dict[int, str]:
    if isinstance(o, Q.Unitary):
        cells = _bracket([wires_of[q] for q in o.qubits], "U")
        return _with_brackets(cells) if len(cells) > 1 else cells
    if not isinstance(o, Q.Gate):
        return {}
    spec = GATES[o.gate]
    controls = list(o.ctrl)
    name = o.gate
    if spec.control is not None:
        name, extra = spec.control
        controls += [True] * extra
    label = {"PauliX": "X", "PauliY": "Y", "PauliZ": "Z", "Hadamard": "H"}.get(name, name)
    if o.params:
        label += "(" + ",".join(scalars.get(p, "?") for p in o.params) + ")"
    if o.adjoint:
        label += "†"
    wires = [wires_of[q] for q in o.qubits]
    cells = {w: ("●" if value else "○") for w, value in zip(wires, controls)}
    cells.update(_bracket(wires[len(controls):], label))
    return _with_brackets(cells) if len(cells) > 1 else cells


def _bracket(wires: Sequence[int], label: str) -> dict[int, str]:
    return {w: label for w in wires}


def _with_brackets(cells: dict[int, str]) -> dict[int, str]:
    ordered = sorted(cells)
    out = {}
    for w in ordered:
        mark = "╭" if w == ordered[0] else "╰" if w == ordered[-1] else "├"
        out[w] = mark + cells[w]
    return out


def _measurement_labels(fn: Function, wires_of: dict[Value, int]) -> dict[int, str]:
    observables = {o.out: o for o in fn.body if isinstance(o, (Q.PauliSum, Q.Hermitian))}
    labels: dict[int, list[str]] = {}
    for o in fn.body:
        if isinstance(o, (Q.Expval, Q.Var, Q.Sample)):
            obs = observables[o.obs]
            text, wires = _observable_label(obs, wires_of)
            text = {"q.expval": f"<{text}>", "q.var": f"Var[{text}]"}.get(o.name, f"Sample[{text}]")
        elif isinstance(o, (Q.Probs, Q.Bits, Q.State)):
            wires = [wires_of[q] for q in o.qubits]
            text = {"q.probs": "Probs", "q.bits": "Sample", "q.state": "State"}[o.name]
        else:
            continue
        for w in wires:
            labels.setdefault(w, []).append(text)
    return {w: "  ".join(ts) for w, ts in labels.items()}


def _observable_label(obs, wires_of: dict[Value, int]) -> tuple[str, list[int]]:
    wires = [wires_of[q] for q in obs.qubits]
    if isinstance(obs, Q.Hermitian):
        return "𝓗", wires
    if len(obs.words) > 1:
        return "𝓗", wires
    factors = parse_word(obs.words[0])
    return "@".join(p for p, _ in factors) or "I", wires
