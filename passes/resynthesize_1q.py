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

from ..ir import Function, Module, Op, Value
from ..ir import quantum as Q
from ..ir.gc_pause import gc_paused
from .basis import Basis, resolve
from .calls import Templates
from .kernel_rewrite import KernelWriter
from .one_qubit import resynthesized
from .pass_manager import map_functions


def resynthesize_kernel(fn: Function, basis: Sequence[str] | Basis) -> Function:
    """`fn` with its single-qubit runs resynthesised into `basis`; `fn` if no run changes.

    Raises:
        KettleError: an unknown basis name.
    """
    if not fn.is_kernel:
        return fn
    basis = basis if isinstance(basis, Basis) else resolve(basis)
    writer = KernelWriter(fn)
    templates = Templates(lambda calls: resynthesized(calls, basis))
    replaced: dict[int, tuple[list[Op], list]] = {}  # id(last op of a run) -> (run, new calls)
    for run in _runs(fn, writer):
        first = run[0]
        if len(run) == 1 and isinstance(first, Q.Gate) and basis.native(first.gate, first.adjoint) == (
                first.adjoint, False):
            continue  # one basis gate: nothing to merge or rewrite
        new = templates([writer.call(o) for o in run])
        if new is not None:
            replaced[id(run[-1])] = (run, new)
    if not replaced:
        return fn
    dropped = {id(o) for run, _ in replaced.values() for o in run[:-1]}
    for o in fn.body:
        if id(o) in replaced:  # the run's angles are all defined by now
            run, new = replaced[id(o)]
            writer.replace(run[0].qubits, o.out, new)
        elif id(o) not in dropped:
            writer.keep(o)
    return writer.finish()


def _runs(fn: Function, writer: KernelWriter) -> list[list[Op]]:
    """The maximal chains of single-qubit ops (each consuming the previous one's qubit)."""
    runs: list[list[Op]] = []
    ending: dict[Value, list[Op]] = {}  # the last qubit value of a run -> the run
    for o in fn.body:
        if isinstance(o, Q.Gate) and len(o.qubits) == 1 or (
                isinstance(o, Q.Unitary) and len(o.qubits) == 1 and writer.matrix(o) is not None):
            run = ending.pop(o.qubits[0], None)
            if run is None:
                run = []
                runs.append(run)
            run.append(o)
            ending[o.out[0]] = run
    return runs


@dataclass(frozen=True)
class Resynthesize1Q:
    """Resynthesise single-qubit runs into `basis` (see the module docstring)."""

    name: ClassVar[str] = "resynthesize-1q"
    basis: tuple[str, ...] = ("rz", "sx", "x", "cx")

    def __post_init__(self) -> None:
        object.__setattr__(self, "basis", resolve(self.basis).names)

    def run(self, module: Module) -> Module:
        basis = resolve(self.basis)
        with gc_paused():  # a large kernel's new ops are millions of objects (ir/gc_pause.py)
            return map_functions(module, lambda fn: resynthesize_kernel(fn, basis))
