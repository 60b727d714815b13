"""`resynthesize-1q`: each maximal run of single-qubit gates on one wire becomes at most three
rotations of the basis's Euler form (ZYZ, ZXZ, rz-sx-rz-sx-rz, U3, ...).

A run lies between multi-qubit gates (or controlled gates, measurements, the allocation);
constant single-qubit `q.unitary`s belong to it. Constant stretches are resynthesised,
rotations by traced angles about one axis add (with arith ops, so they stay functions of
the kernel's parameters) and absorb constant rotations about their axis next to them;
none is left when a run is the identity up to phase. A run is rewritten only when that
makes it shorter or it holds gates outside the basis, so the pass is idempotent; runs a
basis that is not universal cannot express are left as they are. Only the global phase
changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from ..ir import Function, Module, Op, Return, Value
from ..ir import quantum as Q
from .basis import Basis, resolve
from .kernel_rewrite import KernelWriter
from .one_qubit import resynthesized
from .pass_manager import map_functions


def _in_run(o: Op, writer: KernelWriter) -> bool:
    if isinstance(o, Q.Gate):
        return len(o.qubits) == 1
    return isinstance(o, Q.Unitary) and len(o.qubits) == 1 and writer.matrix(o) is not None


def resynthesize_kernel(fn: Function, basis: Sequence[str] | Basis) -> Function:
    """`fn` with its single-qubit runs resynthesised into `basis`; `fn` if no run changes.

    Raises:
        KettleError: an unknown basis name.
    """
    if not fn.is_kernel:
        return fn
    basis = basis if isinstance(basis, Basis) else resolve(basis)
    writer = KernelWriter(fn)
    runs: dict[int, list[Op]] = {}
    run_of: dict[Value, int] = {}  # the last qubit value of each pending run -> its wire

    def flush(wire: int) -> None:
        run = runs.pop(wire)
        run_of.pop(run[-1].out[0])
        new = resynthesized([writer.call(o, (wire,)) for o in run], basis)
        if new is None:
            for o in run:
                writer.keep(o)
            return
        writer.replace(run[-1].out, (wire,), new)

    for o in fn.body:
        if _in_run(o, writer):
            q = o.qubits[0]
            wire = run_of.pop(q) if q in run_of else writer.wire(q)
            runs.setdefault(wire, []).append(o)
            run_of[o.out[0]] = wire
            continue
        waiting = sorted(runs) if isinstance(o, Return) else [run_of[q] for q in o.operands if q in run_of]
        for wire in waiting:
            flush(wire)
        writer.keep(o)
    return writer.finish()


@dataclass(frozen=True)
class Resynthesize1Q:
    """Resynthesise single-qubit runs into `basis` (see the module docstring)."""

    name: ClassVar[str] = "resynthesize-1q"
    basis: tuple[str, ...] = ("rz", "sx", "x", "cx")

    def __post_init__(self) -> None:
        object.__setattr__(self, "basis", resolve(self.basis).names)

    def run(self, module: Module) -> Module:
        basis = resolve(self.basis)
        return map_functions(module, lambda fn: resynthesize_kernel(fn, basis))
