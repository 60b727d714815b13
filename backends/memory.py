"""Refuse a program that cannot fit in memory, before allocating anything for it.

One estimate per kernel, read off the IR: the state vector(s) a run holds (its state,
copies for `state()` results, dense matrices, cache-blocking buffers), the outputs
(probs vectors, per-shot samples), the sampling buffers (bounded: expval, var and probs
draw at most SHOT_CHUNK shots at a time), the adjoint VJP's extra states, and the host
arrays around it (results, Jacobians, parameter-shift batches). It is compared with the
available memory (memory_limits.py); too much raises a ResourceError naming both sizes,
the source of the limit and the fix. Estimates count the largest live buffers, not every
small temporary, so they are a little low for tiny programs and about right for big ones.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..ir import C128, Function, ResourceError, TensorType
from ..ir import quantum as Q
from .memory_limits import ENV, Limit, available

SHOT_CHUNK = 1 << 20
"""Shots drawn at once for expval, var and probs: sampling memory is O(chunk + 2^k), not O(shots)."""
MAX_QUBITS = 62
"""Basis-state indices are int64: past 62 qubits the lowering would overflow them."""
_AMPLITUDE = 16  # bytes of one complex128
_BLOCK_AMPLITUDES = 1 << 14  # statevector/program.py CHUNK_QUBITS: a blocked task's buffer
_BLOCK_FROM = 16  # statevector/program.py BIG_QUBITS


@dataclass(frozen=True)
class Needs:
    """What a kernel (and the host code around it) holds at its peak, item by item."""

    items: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return sum(b for _, b in self.items)

    def __add__(self, other: Needs) -> Needs:
        return Needs(self.items + other.items)


def kernel_needs(fn: Function, backend: str, *, adjoint: bool = False) -> Needs:
    """The peak memory of running kernel `fn` on `backend` (and of its adjoint VJP if `adjoint`).

    Args:
        fn: a kernel.
        backend: "statevector" or "reference".
        adjoint: whether the kernel is also differentiated by the adjoint method.
    """
    n = _wires(fn)
    state = _AMPLITUDE << n
    ops = list(fn.body)
    count = {kind: sum(isinstance(o, kind) for o in ops) for kind in (Q.State, Q.Var)}
    items: list[tuple[str, int]] = []
    if backend == "reference":
        items.append(("the dense state and the interpreter's temporaries (4 states)", 4 * state))
    else:
        items.append(("the state vector", state))
        if n >= _BLOCK_FROM:
            items.append(("cache-blocking buffers", _threads() * _AMPLITUDE * _BLOCK_AMPLITUDES))
    if count[Q.State] > 1:
        items.append((f"copies of the state for {count[Q.State] - 1} more state() result(s)",
                      (count[Q.State] - 1) * state))
    dense = [o for o in ops if isinstance(o, (Q.Unitary, Q.Hermitian))]
    matrices = sum(2 * _AMPLITUDE << 2 * len(o.qubits) for o in dense)  # the matrix and a copy
    if matrices:
        items.append(("dense matrices of QubitUnitary/Hermitian", matrices))
    results = sum(2 * _bytes(o.out.type) for o in ops if isinstance(o, Q.Probs))
    if results:
        items.append(("probs results", results))
    if fn.shots is not None:
        items += _shot_needs(fn.shots, n, ops, chunked=backend != "reference")
    run = Needs(tuple(items))
    if not adjoint:
        return run
    if backend == "reference":
        sweep = [("the forward-mode VJP's states (psi, its tangent and temporaries: 6 states)", 6 * state)]
    else:
        held = 3 if count[Q.Var] else 2
        sweep = [(f"the adjoint VJP's {held} states (psi, lambda{', phi for var' if held == 3 else ''})",
                  held * state)]
        if n >= _BLOCK_FROM:
            sweep.append(("cache-blocking buffers", 2 * _threads() * _AMPLITUDE * _BLOCK_AMPLITUDES))
    vjp = Needs(tuple(sweep + [i for i in items if i[0] in ("probs results", "dense matrices of "
                                                                "QubitUnitary/Hermitian")]))
    return vjp if vjp.total > run.total else run


def _shot_needs(shots: int, n: int, ops: list, chunked: bool) -> list[tuple[str, int]]:
    """Sampling: the CDF over 2^n outcomes, buffers of one chunk of shots, per-shot outputs."""
    per_shot = [o for o in ops if isinstance(o, (Q.Sample, Q.Bits))]
    width = max([len(o.qubits) for o in ops if isinstance(o, (Q.Probs, Q.Bits))] or [0])
    if any(isinstance(o, Q.Sample) for o in ops):
        width = max(width, 2)  # per-shot values, their signs and the running sum
    drawn = shots if per_shot or not chunked else min(shots, SHOT_CHUNK)
    # drawing holds ~3 arrays of `drawn` numbers; reading bits out of them ~1 + 2 x width
    items = [("the sampling CDF over all basis states", 16 << n),
             (f"sampling buffers for {drawn} shots at a time", 8 * drawn * max(3, 1 + 2 * width))]
    outputs = sum(_bytes(o.out.type) for o in per_shot)
    if outputs:
        items.append((f"per-shot sample()/counts() results ({shots} shots)", outputs))
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
    limit = available(max_memory, user=user)
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
        if "per-shot" in what or "shots at a time" in what:
            fix = "use fewer shots (sample() and counts() hold shots x wires values; expval, var " \
                  "and probs sample in bounded chunks)"
        elif "adjoint" in what:
            if not fits["parameter-shift"]:
                continue
            fix = 'use method="parameter-shift", which holds one state at a time and fits'
        elif "host arrays" in what:
            fix = "differentiate fewer arguments or outputs (a Jacobian holds outputs x arguments values)"
        elif fits["statevector"]:
            fix = 'use backend="statevector", which holds fewer copies of the state and fits'
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
    """Bytes in binary units up to GiB (a 40-qubit state is 16384 GiB, which says it plainly)."""
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if size >= 1 << shift:
            return f"{size / (1 << shift):,.4g} {unit}" if size < 1000 << shift else \
                f"{size >> shift:,} {unit}"
    return f"{size} bytes"


__all__ = ["MAX_QUBITS", "SHOT_CHUNK", "Needs", "check_kernel", "host_needs", "kernel_needs"]
