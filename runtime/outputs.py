"""Rebuild a qjit function's return structure from the flat results of its host function.

The frontend describes the structure as a tree of `Leaf(format)` and
`Node(kind, children, keys)` (see frontend/pytree.py); a leaf's format says how raw results
are presented, e.g. counts as dicts of outcomes, as in PennyLane.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np


def unflattener(tree: Any) -> Callable[[tuple], Any]:
    """A function rebuilding the user's return structure from the flat results."""
    if not hasattr(tree, "children") and tree.format is None:
        return lambda flat: flat[0]
    return _builder(tree, itertools.count())


def _builder(tree: Any, counter) -> Callable[[tuple], Any]:
    if not hasattr(tree, "children"):
        i = next(counter)
        fmt = _FORMATTERS[tree.format[0]] if tree.format else None
        if fmt is None:
            return lambda flat: flat[i]
        return lambda flat: fmt(flat[i], *tree.format[1:])
    parts = [_builder(c, counter) for c in tree.children]
    if tree.kind == "dict":
        keys = tree.keys
        return lambda flat: {k: p(flat) for k, p in zip(keys, parts)}
    ctor = tuple if tree.kind == "tuple" else list
    return lambda flat: ctor(p(flat) for p in parts)


def _counts_bits(bits: np.ndarray, all_outcomes: bool, k: int) -> dict[str, int]:
    """{bitstring (wire 0 first): count}, sorted; with `all_outcomes` every k-bit string."""
    bits = np.asarray(bits, dtype=np.int64).reshape(-1, k)
    if k > 62:  # rows do not fit an int64; no one enumerates 2^63 outcomes anyway
        rows, n = np.unique(bits, axis=0, return_counts=True)  # sorted like their bitstrings
        return {"".join("1" if b else "0" for b in row): int(c) for row, c in zip(rows, n)}
    # One string per distinct outcome, not per shot: a million shots format a few keys.
    packed = np.zeros(len(bits), dtype=np.int64)
    for column in bits.T:
        packed = (packed << 1) | column
    found, n = np.unique(packed, return_counts=True)
    seen = dict(zip(found.tolist(), n.tolist()))
    outcomes = range(2**k) if all_outcomes else seen
    return {format(i, f"0{k}b") if k else "": seen.get(i, 0) for i in outcomes}


def _counts_values(samples: np.ndarray, all_outcomes: bool, values: tuple) -> dict[float, int]:
    out = {float(v): 0 for v in values} if all_outcomes else {}
    known = np.asarray(values, dtype=float)
    found, n = np.unique(samples, return_counts=True)
    for v, c in zip(found, n):
        # A sampled eigenvalue may differ from the frontend's in the last bits (another
        # eigensolver): count it under the known eigenvalue it stands for.
        close = np.isclose(known, v, rtol=1e-9, atol=1e-9)
        key = float(known[close.argmax()]) if close.any() else float(v)
        out[key] = out.get(key, 0) + int(c)
    return dict(sorted(out.items()))


_FORMATTERS = {"counts_bits": _counts_bits, "counts_values": _counts_values}
