"""IR -> IR passes and their registry (the one table `kettle opt --passes` reads)."""

from __future__ import annotations

from ..ir import KettleError
from .absorb_swaps import AbsorbSwaps
from .autodiff import LowerVJP
from .dead_code import DeadCodeElimination
from .decompose import Decompose
from .fold_tensors import FoldTensors
from .pass_manager import Pass, PassManager
from .resynthesize_1q import Resynthesize1Q
from .routing import Route

PASSES: dict[str, type] = {p.name: p for p in (
    DeadCodeElimination, FoldTensors, LowerVJP,
    Decompose, Resynthesize1Q, Route,
    AbsorbSwaps,
)}


def parse_pipeline(text: str) -> list[Pass]:
    """`"dce,dce"` -> pass instances, in order.

    Raises:
        KettleError: an unknown pass name (the message lists the known ones).
    """
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in PASSES]
    if unknown:
        raise KettleError(f"unknown pass {unknown[0]!r}; known passes: {', '.join(sorted(PASSES))}")
    return [PASSES[n]() for n in names]


__all__ = ["PASSES", "AbsorbSwaps", "Decompose", "Pass", "PassManager", "Resynthesize1Q", "parse_pipeline"]
