"""Refuse a program that cannot fit in memory, before allocating anything for it.

One estimate per kernel, read off the IR: the state vector(s) a run holds (its state,
copies for `state()` results, dense matrices, cache-blocking buffers), the outputs
(probs vectors, per-shot samples), the sampling buffers (on the statevector backend
expval, var and probs draw at most SHOT_CHUNK shots at a time, unless the kernel also
samples every shot; the reference draws whole arrays), the adjoint VJP's (or the reference
VJP's per-slot) states, and the host
arrays around it (results, Jacobians, parameter-shift batches). It is compared with the
available memory (memory_limits.py); too much raises a ResourceError naming both sizes,
the source of the limit and the fix. Estimates count the largest live buffers, not every
small temporary, so they are a little low for tiny programs and about right for big ones.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from ..ir import C128, Function, ResourceError, TensorType
from ..ir import quantum as Q
from .memory_limits import ENV, Limit, available

SHOT_CHUNK = 1 << 20
"""Shots drawn at once for expval, var and probs: sampling memory is O(chunk + 2^k), not O(shots)."""
MACHINE_CHECK_FROM = 64 << 20
"""Smaller programs are checked against the user's limit only: reading the machine's limits
costs about a millisecond on some systems, more than a small kernel's whole first call."""
MAX_QUBITS = 62
"""Basis-state indices are int64: past 62 qubits the lowering would overflow them."""
_AMPLITUDE = 16  # bytes of one complex128


@dataclass(frozen=True)
class Needs:
    """What a kernel (and the host code around it) holds at its peak, item by item."""

    items: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return sum(b for _, b in self.items)

    def __add__(self, other: Needs) -> Needs:
        return Needs(self.items + other.items)


_SCANNED = frozenset({Q.Alloc, Q.State, Q.Var, Q.Unitary, Q.Hermitian, Q.Probs, Q.Bits, Q.Sample})


@dataclass
class _Scan:
    """What the estimate reads off a kernel's ops, gathered in one pass."""

    wires: int = 0
    states: int = 0
    variances: int = 0
    matrices: int = 0  # bytes of QubitUnitary/Hermitian matrices, and a copy each
    probs: int = 0  # bytes of probs results, and the output vector they are copied from
    per_shot: int = 0  # bytes of sample()/bits results
    width: int = 0  # the widest probs/bits, in wires (2 for a sample of an observable)

    @staticmethod
    def of(fn: Function) -> _Scan:
        scan = _Scan()
        for o in fn.body:
            kind = type(o)
            if kind not in _SCANNED:  # gates and arithmetic: most of a kernel
                continue
            if kind is Q.Alloc:
                scan.wires = o.wires
            elif kind is Q.State:
                scan.states += 1
            elif kind is Q.Var:
                scan.variances += 1
            elif kind is Q.Unitary or kind is Q.Hermitian:
                scan.matrices += 2 * _AMPLITUDE << 2 * len(o.qubits)
            elif kind is Q.Probs:
                scan.probs += 2 * _bytes(o.out.type)
                scan.width = max(scan.width, len(o.qubits))
            elif kind is Q.Bits or kind is Q.Sample:
                scan.per_shot += _bytes(o.out.type)
                scan.width = max(scan.width, len(o.qubits) if kind is Q.Bits else 2)
        return scan


def kernel_needs(fn: Function, backend: str, *, adjoint: bool = False) -> Needs:
    """The peak memory of running kernel `fn` on `backend` (and of its adjoint VJP if `adjoint`).

    Args:
        fn: a kernel.
        backend: "statevector" or "reference".
        adjoint: whether the kernel is also differentiated by the adjoint method.
    """
    from .statevector.program import BIG_QUBITS, CHUNK_QUBITS  # late: program imports this module

    blocking = _threads() * _AMPLITUDE << CHUNK_QUBITS  # one chunk buffer per thread
    scan = _Scan.of(fn)
    n = scan.wires
    state = _AMPLITUDE << n
    items: list[tuple[str, int]] = []
    if backend == "reference":
        items.append(("the dense state and the interpreter's temporaries (4 states)", 4 * state))
    else:
        items.append(("the state vector", state))
        if n >= BIG_QUBITS:
            items.append(("cache-blocking buffers", blocking))
    if scan.states > 1:
        items.append((f"copies of the state for {scan.states - 1} more state() result(s)",
                      (scan.states - 1) * state))
    shared = [("dense matrices of QubitUnitary/Hermitian", scan.matrices), ("probs results", scan.probs)]
    items += [item for item in shared if item[1]]
    if fn.shots is not None:
        items += _shot_needs(fn.shots, scan, chunked=backend != "reference")
    run = Needs(tuple(items))
    if not adjoint:
        return run
    if backend == "reference":
        slots = sum(math.prod(a.type.shape) if isinstance(a.type, TensorType) else 1 for a in fn.args)
        sweep = [(f"the forward-mode VJP's states (psi and its {slots} slot tangents, twice for "
                  f"temporaries)", 2 * (1 + slots) * state)]
    else:
        held = 3 if scan.variances else 2
        sweep = [(f"the adjoint VJP's {held} states (psi, lambda{', phi for var' if held == 3 else ''})",
                  held * state)]
        if n >= BIG_QUBITS:
            sweep.append(("cache-blocking buffers", 2 * blocking))
    vjp = Needs(tuple(sweep + [item for item in shared if item[1]]))
    return vjp if vjp.total > run.total else run


def _shot_needs(shots: int, scan: _Scan, chunked: bool) -> list[tuple[str, int]]:
    """Sampling: the CDF over 2^n outcomes, buffers of one chunk of shots, per-shot outputs."""
    drawn = shots if scan.per_shot or not chunked else min(shots, SHOT_CHUNK)
    # drawing holds ~3 arrays of `drawn` numbers; reading bits out of them ~1 + 2 x width
    items = [("the sampling CDF over all basis states", 16 << scan.wires),
             (f"sampling buffers for {drawn} shots at a time", 8 * drawn * max(3, 1 + 2 * scan.width))]
    if scan.per_shot:
        items.append((f"per-shot sample()/counts() results ({shots} shots)", scan.per_shot))
    return items


def host_needs(fns: list[Function]) -> Needs:
    """Arrays the host functions hold: Jacobians, parameter-shift batches, other tensors.

    A kernel's estimate counts one call's results; every further call of it (a batch of
    shifted calls) adds its results here, as the host code keeps them all.
    """
    total, seen = 0, set()
    for fn in fns:
        for o in fn.body:
            if isinstance(o, Q.Call) and o.callee.name not in seen:
                seen.add(o.callee.name)
                continue
            total += sum(_bytes(v.type) for v in o.results)
    return Needs((("host arrays (results, Jacobians, parameter-shift batches)", total),) if total else ())


def check_kernel(fn: Function, backend: str, *, max_memory: int | None = None, adjoint: bool = False,
                 user: bool = True, host: Needs = Needs(())) -> None:
    """Raise a ResourceError if running `fn` (plus `host`'s arrays) needs more than is available.

    Args:
        fn: a kernel.
        backend: "statevector" or "reference".
        max_memory: the kt.qjit(max_memory=...) bytes, if given (replaces KETTLE_MAX_MEMORY).
        adjoint: whether the kernel's adjoint VJP runs too.
        user: False to check against the machine's limits only (the backends' own check:
            the runtime has checked the user's limit already).
        host: the arrays of the host code that calls the kernel (host_needs).

    Raises:
        ResourceError: too many qubits to index, or more memory than is available.
        BackendError: KETTLE_MAX_MEMORY is not a size.
    """
    n = _wires(fn)
    label = f"{backend}: kernel @{fn.name} has {n} qubits"
    if n > MAX_QUBITS:
        raise ResourceError(f"{label}; its state vector would need {_human(_AMPLITUDE << n)}, and "
                            f"past {MAX_QUBITS} qubits basis indices overflow; use fewer wires")
    needs = kernel_needs(fn, backend, adjoint=adjoint) + host
    limit = available(max_memory, user=user, machine=needs.total >= MACHINE_CHECK_FROM)
    if limit.bytes is None or needs.total <= limit.bytes:
        return
    fits = {"parameter-shift": adjoint and (kernel_needs(fn, backend) + host).total <= limit.bytes,
            "statevector": backend == "reference"
            and (kernel_needs(fn, "statevector", adjoint=adjoint) + host).total <= limit.bytes}
    shots = "" if fn.shots is None else f" and shots={fn.shots}"
    parts = "; ".join(f"{what} {_human(size)}" for what, size in needs.items if size)
    raise ResourceError(f"{label}{shots}: it needs {_human(needs.total)} ({needs.total} bytes: {parts}), "
                        f"but only {_human(limit.bytes)} ({limit.bytes} bytes) is available, limited by "
                        f"{limit.source}; {_fixes(needs, limit, fits)}")


def _fixes(needs: Needs, limit: Limit, fits: dict[str, bool]) -> str:
    """What would make it fit, biggest item first (`fits`: which alternative would fit)."""
    fixes = []
    big = [what for what, size in sorted(needs.items, key=lambda item: -item[1]) if size * 10 >= needs.total]
    for what in big:  # the items that matter: at least a tenth of the total
        if fits["statevector"] and "host arrays" not in what:
            fix = 'use backend="statevector", which holds fewer copies and samples in chunks, and fits'
        elif "per-shot" in what or "shots at a time" in what:
            fix = "use fewer shots (sample() and counts() hold shots x wires values; expval, var " \
                  "and probs sample in bounded chunks)"
        elif "adjoint" in what and fits["parameter-shift"]:
            fix = 'use method="parameter-shift", which holds one state at a time and fits'
        elif "host arrays" in what:
            fix = "differentiate fewer arguments or outputs (a Jacobian holds outputs x arguments values)"
        else:
            fix = "use fewer wires (each one doubles the state)"
        if fix not in fixes:
            fixes.append(fix)
    if limit.source.startswith(ENV):
        fixes.append(f"raise {ENV}")
    elif limit.source.startswith("kt.qjit"):
        fixes.append("raise kt.qjit(max_memory=...)")
    return "; or ".join(fixes)


def _wires(fn: Function) -> int:
    return next((o.wires for o in fn.body if isinstance(o, Q.Alloc)), 0)


def _bytes(t) -> int:
    if not isinstance(t, TensorType):
        return 0
    return t.size * (_AMPLITUDE if t.element == C128 else 8)


def _threads() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _human(size: int) -> str:
    """Bytes in binary units up to GiB (a 40-qubit state is 16384 GiB, which says it plainly);
    sizes too large to print in full (a million-qubit state) as a power of two."""
    if size.bit_length() > 100:
        return f"2^{size.bit_length() - 1} bytes"
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if size >= 1 << shift:
            return f"{size / (1 << shift):,.4g} {unit}" if size < 1000 << shift else \
                f"{size >> shift:,} {unit}"
    return f"{size} bytes"


__all__ = ["MAX_QUBITS", "SHOT_CHUNK", "Needs", "check_kernel", "host_needs", "kernel_needs"]
