"""`decompose`: rewrite every gate outside a basis into basis gates, through the gate table.

Each `q.gate` whose (gate, controls, adjoint) is not in the basis is expanded (expand.py:
table decompositions picked by a basis search, exact controls and adjoints), and the
single-qubit pieces of each expansion are resynthesised into the basis's Euler form
(one_qubit.py), so e.g. a Toffoli in rz/sx/x/cx is 6 CNOTs and merged rotations.
Constant single-qubit `q.unitary`s become Euler rotations. Angles stay functions of the
kernel's parameters (arith ops), constants are folded. The global phase may change;
under a control it is kept exactly. Run `Resynthesize1Q` after it to merge single-qubit
runs across the gates that were already in the basis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from ..ir import Function, KettleError, Module
from ..ir import quantum as Q
from ..ir.gc_pause import gc_paused
from .basis import Basis, resolve
from .calls import Call, Templates
from .expand import Expander
from .kernel_rewrite import KernelWriter
from .one_qubit import outside, resynthesized
from .pass_manager import map_functions


def decompose_kernel(fn: Function, basis: Sequence[str] | Basis) -> Function:
    """`fn` with every gate outside `basis` rewritten into basis gates; `fn` if none is.

    Args:
        fn: a kernel (host functions are returned unchanged).
        basis: gate names (table, alias or OpenQASM names), or a resolved Basis.

    Returns:
        The rewritten kernel.

    Raises:
        KettleError: an unknown basis name; a gate the basis cannot express (named with the
            basis); a constant multi-qubit or a non-constant q.unitary.
    """
    if not fn.is_kernel:
        return fn
    basis = basis if isinstance(basis, Basis) else resolve(basis)
    expander = Expander(basis)
    templates = Templates(lambda calls: resynthesize_pieces(expander.expand(calls[0]), basis))
    writer = KernelWriter(fn)
    for o in fn.body:
        if not _needs_rewrite(o, basis):
            writer.keep(o)
            continue
        call = writer.call(o)
        if isinstance(o, Q.Unitary) and call.matrix is None:
            raise KettleError(f"{writer.where(o)}: a QubitUnitary whose matrix is a kernel argument "
                              f"cannot be decomposed into gates; pass a constant matrix")
        try:
            calls = templates([call])
        except KettleError as exc:
            raise KettleError(f"{writer.where(o)}: {exc}") from None
        writer.replace(o.qubits, o.out, calls)
    return writer.finish()


def _needs_rewrite(o, basis: Basis) -> bool:
    if isinstance(o, Q.Unitary):
        return True
    if not isinstance(o, Q.Gate):
        return False
    return bool(o.ctrl) or basis.native(o.gate, o.adjoint) != (o.adjoint, False)


def resynthesize_pieces(calls: list[Call], basis: Basis) -> list[Call]:
    """`calls` with each run of single-qubit calls on one wire in the basis's Euler form.

    Raises:
        KettleError: a run the basis's single-qubit gates cannot express.
    """
    out: list[Call] = []
    pending: dict[int, list[Call]] = {}

    def flush(wire: int) -> None:
        run = pending.pop(wire, [])
        if run:
            out.extend(_in_basis(run, basis))

    for c in calls:
        if len(c.wires) == 1:
            pending.setdefault(c.wires[0], []).append(c)
            continue
        for w in c.wires:
            flush(w)
        out.append(c)
    for w in sorted(pending):
        flush(w)
    return out


def _in_basis(run: list[Call], basis: Basis) -> list[Call]:
    new = resynthesized(run, basis)
    if new is not None:
        return new
    missing = [c for c in run if outside(c, basis)]
    if not missing:
        return run
    what = "QubitUnitary" if missing[0].matrix is not None else missing[0].gate
    raise KettleError(f"cannot express {what} in the basis {basis.describe()}: its single-qubit "
                      f"gates are not a universal set; add rz and sx, rx/ry/rz, or u3")


@dataclass(frozen=True)
class Decompose:
    """Rewrite gates outside `basis` into it (see the module docstring)."""

    name: ClassVar[str] = "decompose"
    basis: tuple[str, ...] = ("rz", "sx", "x", "cx")

    def __post_init__(self) -> None:
        object.__setattr__(self, "basis", resolve(self.basis).names)

    def run(self, module: Module) -> Module:
        basis = resolve(self.basis)
        with gc_paused():  # a large kernel's new ops are millions of objects (ir/gc_pause.py)
            return map_functions(module, lambda fn: decompose_kernel(fn, basis))
