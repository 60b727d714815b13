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
    keys = ["".join(map(str, row)) for row in bits]
    out = {format(i, f"0{k}b"): 0 for i in range(2**k)} if all_outcomes else {}
    for key in keys:
        out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items()))


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
