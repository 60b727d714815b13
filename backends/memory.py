"""Refuse a state that cannot fit in this machine's memory, before allocating it.

A 34-qubit kernel would otherwise fail deep inside NumPy (`MemoryError: Unable to
allocate 256 GiB`) or, past 62 qubits, overflow an index in the lowering.
"""

from __future__ import annotations

import os

from ..ir import BackendError, Function
from ..ir.quantum import Alloc


def physical_memory() -> int | None:
    """Bytes of RAM, or None where the OS does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def check_state_fits(fn: Function, backend: str, states: int = 1) -> None:
    """Raise BackendError if `states` complex128 state vectors of kernel `fn` exceed the RAM."""
    wires = next((o.wires for o in fn.body if isinstance(o, Alloc)), 0)
    memory = physical_memory()
    needed = states * 16 * 2 ** wires
    if wires > 62 or (memory is not None and needed > memory):
        have = f"{memory / 2**30:.0f} GiB" if memory else "an unknown amount"
        raise BackendError(f"{backend}: kernel @{fn.name} has {wires} qubits; its state vector needs "
                           f"{needed / 2**30:.3g} GiB and this machine has {have} of memory; use fewer "
                           f"wires (each one doubles the state)")
