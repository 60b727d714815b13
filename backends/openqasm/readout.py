"""Explicit readouts: a kernel with its measurements replaced by basis changes and `q.bits`.

Expectation values on hardware are estimated from bits measured after rotating each
qubit of a Pauli term to the Z basis. `with_readout` builds that kernel in the IR, so the
target's pipeline (decomposition, routing) sees the rotation gates like any other, and
`kt.to_qasm_batch` can emit one program per group of commuting terms.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...ir import I64, QUBIT, Alloc, Bits, Function, Gate, QasmError, Return, Unitary, Value, tensor

_ROTATIONS = {"X": (("Hadamard", False),), "Y": (("S", True), ("Hadamard", False)), "Z": (), "I": ()}
"""Gates that map the eigenbasis of X / Y onto Z's: H, and S^dagger then H."""


@dataclass(frozen=True)
class Readout:
    """Measure `wires` (bit c[i] holds wire `wires[i]`) after rotating each `(wire, "X" | "Y" | "Z")`
    of `bases` to the computational basis."""

    wires: tuple[int, ...]
    bases: tuple[tuple[int, str], ...] = ()


def with_readout(kernel: Function, readout: Readout) -> Function:
    """`kernel`'s gates, then `readout`'s basis rotations, then one `q.bits` of `readout.wires`.

    Raises:
        QasmError: a wire outside the kernel, a wire measured twice, or an unknown basis letter.
    """
    latest: dict[int, Value] = {}
    wire: dict[Value, int] = {}
    body = []
    for o in kernel.body:
        if isinstance(o, (Alloc, Gate, Unitary)):
            body.append(o)
            ins = () if isinstance(o, Alloc) else o.qubits
            for k, out in enumerate(o.out):
                wire[out] = k if isinstance(o, Alloc) else wire[ins[k]]
                latest[wire[out]] = out
        elif not o.name.startswith("q.") and not isinstance(o, Return):
            body.append(o)  # classical ops: gate angles (unused coefficients are harmless)
    _check(readout, len(latest))
    for w, basis in readout.bases:
        for gate, adjoint in _ROTATIONS[basis]:
            new = Value(QUBIT, f"q{w}")
            body.append(Gate(gate=gate, adjoint=adjoint, params=(), qubits=(latest[w],), out=(new,)))
            latest[w] = new
    bits = Value(tensor(kernel.shots or 1, len(readout.wires), element=I64), "bits")
    body += [Bits(qubits=tuple(latest[w] for w in readout.wires), out=bits), Return(values=(bits,))]
    return kernel.replace(result_types=(bits.type,), body=tuple(body))


def _check(readout: Readout, n_wires: int) -> None:
    wires = list(readout.wires) + [w for w, _ in readout.bases]
    bad = [w for w in wires if not (isinstance(w, int) and 0 <= w < n_wires)]
    if bad:
        raise QasmError(f"readout wire {bad[0]!r} is not a wire of the kernel (0..{n_wires - 1})")
    if len(set(readout.wires)) != len(readout.wires):
        raise QasmError(f"readout wires {readout.wires} measure a wire twice; list each once")
    rotated = [w for w, _ in readout.bases]
    if len(set(rotated)) != len(rotated):
        raise QasmError(f"readout bases {readout.bases} rotate a wire twice; give one basis per wire")
    unknown = [b for _, b in readout.bases if b not in _ROTATIONS]
    if unknown:
        raise QasmError(f"readout basis {unknown[0]!r} is not one of X, Y, Z, I")
