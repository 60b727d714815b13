"""`absorb-swaps`: a SWAP becomes a relabelling of wires instead of three CNOTs.

In a kernel, a wire is the chain of qubit values from `q.alloc`; a SWAP's two results are
the two states exchanged. Dropping the gate and letting every later user of its first
result read its second input (and the other way round) computes the same thing: later
gates act on the same states, and each measurement still names the qubit its data is on.
The permutation this leaves is explicit in the IR: `q.probs`, `q.state` and observables
list the qubits they read, the simulators honour that order, and the OpenQASM emitter
writes it as `c[i] = measure q[k]` (wire i ends on qubit k).

On routed kernels a SWAP in the middle moves data so the next gate is on a coupling edge;
relabelling it away would put that gate off the map. `trailing_only=True` (what the
routed pipeline uses) absorbs only SWAPs followed by nothing but measurements and other
trailing SWAPs: the final permutation routing leaves, which costs nothing to state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..ir import Function, Module, Op, Value
from ..ir import quantum as Q
from .pass_manager import map_functions

READOUTS = (Q.PauliSum, Q.Hermitian, Q.Probs, Q.Bits, Q.State)
"""Ops that read qubit values without changing the state: what may follow a trailing SWAP."""


def _is_plain_swap(o: Op) -> bool:
    return isinstance(o, Q.Gate) and o.gate == "SWAP" and not o.ctrl


def _trailing_swaps(fn: Function) -> set[int]:
    """ids of SWAPs whose results reach only readouts, through other such SWAPs."""
    users_ok: dict[Value, bool] = {}
    trailing: set[int] = set()
    for o in reversed(fn.body):
        if _is_plain_swap(o) and all(users_ok.get(v, True) for v in o.out):
            trailing.add(id(o))
            continue
        ok = isinstance(o, READOUTS)
        for q in getattr(o, "qubits", ()):
            users_ok[q] = users_ok.get(q, True) and ok
    return trailing


def absorb_kernel(fn: Function, trailing_only: bool = False) -> Function:
    """`fn` with its (trailing) SWAPs turned into relabellings; `fn` if it has none."""
    if not fn.is_kernel or not any(_is_plain_swap(o) for o in fn.body):
        return fn
    chosen = _trailing_swaps(fn) if trailing_only else None
    renamed: dict[Value, Value] = {}
    body: list[Op] = []
    for o in fn.body:
        if _is_plain_swap(o) and (chosen is None or id(o) in chosen):
            a, b = (renamed.get(q, q) for q in o.qubits)
            renamed[o.out[0]], renamed[o.out[1]] = b, a
            continue
        body.append(o.map_operands(renamed) if renamed else o)
    if len(body) == len(fn.body):
        return fn
    return fn.replace(body=tuple(body))


@dataclass(frozen=True)
class AbsorbSwaps:
    """Replace SWAP gates by relabelling wires (see the module docstring)."""

    name: ClassVar[str] = "absorb-swaps"
    trailing_only: bool = False

    def run(self, module: Module) -> Module:
        return map_functions(module, lambda fn: absorb_kernel(fn, self.trailing_only))
