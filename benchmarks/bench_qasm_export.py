"""OpenQASM 3 export time against circuit size: building the `openqasm3` AST from a kernel and
printing it with `openqasm3.dumps` should cost the same per gate at 1e3, 1e4 and 1e5 gates
(linear), and a 1e5-gate program should export in under 5 s.

    python benchmarks/bench_qasm_export.py                  # 1e3, 1e4, 1e5 gates, every case
    python benchmarks/bench_qasm_export.py --sizes 1e3,1e4  # smaller sizes only
    python benchmarks/bench_qasm_export.py --record         # append the table to benchmarks/RESULTS.md

The circuit (built as IR, so only the export is timed): `WIRES` qubits, a repeating mix of
RX/RY/RZ on kernel parameters, constant-angle RZ, H, CNOT ladders, CZ, an adjoint S, a
controlled RY and a Rot (a `gate` definition on generic, an inline expansion on Braket),
then the probabilities of every wire. Cases: generic with numbers, generic with `input`
parameters, Braket with numbers. "build" is `emit_kernel` (AST), "print" is `dumps`.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from timing import report  # noqa: E402

from kettle.backends.openqasm.emit import emit_kernel  # noqa: E402
from kettle.ir import Function  # noqa: E402
from kettle.ir.builder import KernelBuilder  # noqa: E402

WIRES = 20
CASES = (("generic", False), ("generic", True), ("braket", False))
BUDGET_S = 5.0


def make_kernel(n_gates: int) -> tuple[Function, list[float]]:
    """A kernel of exactly `n_gates` gate ops and its parameter vector."""
    n_params = n_gates // 8 + 1
    b = KernelBuilder("bench", WIRES, n_params)
    slot = 0
    for k in range(n_gates):
        w, v = k % WIRES, (k + 1) % WIRES
        kind = k % 8
        if kind < 3:
            b.gate(("RX", "RY", "RZ")[kind], [w], [b.param(slot % n_params)])
            slot += 1
        elif kind == 3:
            b.gate("CNOT", [w, v])
        elif kind == 4:
            b.gate("RZ", [w], [b.const(0.25)])
        elif kind == 5:
            b.gate(("Hadamard", "CZ", "S")[k // 8 % 3], [w, v][: 2 if k // 8 % 3 == 1 else 1],
                   adjoint=k // 8 % 3 == 2)
        elif kind == 6:
            b.gate("RY", [w, v], [b.const(0.5)], ctrl=(True,))
        else:
            b.gate("Rot", [w], [b.const(0.1), b.const(0.2), b.const(0.3)])
    kernel = b.build([b.probs(list(range(WIRES)))])
    return kernel, [0.01 * i for i in range(n_params)]


def measure(n_gates: int) -> dict[str, tuple[float, float, float]]:
    """(build seconds, print seconds, CPU seconds of both) per case for one size.

    CPU time (`time.process_time`) is reported too: on a shared machine wall time also
    counts the time other processes held the cores.
    """
    kernel, params = make_kernel(n_gates)
    out = {}
    for target, parametric in CASES:
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        exported = emit_kernel(kernel, target, [params], parametric=parametric)
        built = time.perf_counter()
        text = exported.text
        printed = time.perf_counter()
        assert text.count("\n") >= n_gates
        out[_name(target, parametric)] = (built - start, printed - built, time.process_time() - cpu)
    return out


def _name(target: str, parametric: bool) -> str:
    return f"{target}{' parametric' if parametric else ''}"


def table(rows: list[tuple[int, dict[str, tuple[float, float, float]]]]) -> str:
    head = ["case", *(f"{n} gates: build + print (CPU)" for n, _ in rows),
            *(f"us/gate @{n}" for n, _ in rows)]
    if len(rows) > 1:
        head.append(f"per-gate {rows[-1][0]} / {rows[-2][0]}")
    lines = [f"{WIRES} qubits", "", "| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for target, parametric in CASES:
        case = _name(target, parametric)
        cells = [case]
        cells += [f"{_wall(t[case]):.3f} s = {t[case][0]:.3f} + {t[case][1]:.3f} ({t[case][2]:.3f})"
                  for _, t in rows]
        cells += [f"{_wall(t[case]) / n * 1e6:.1f}" for n, t in rows]
        if len(rows) > 1:
            (n0, t0), (n1, t1) = rows[-2], rows[-1]
            cells.append(f"{(_wall(t1[case]) / n1) / (_wall(t0[case]) / n0):.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    n, t = rows[-1]
    worst = max(_wall(v) for v in t.values())
    verdict = "within" if worst < BUDGET_S else "OVER"
    lines.append(f"\n{n} gates: slowest case {worst:.2f} s ({verdict} the {BUDGET_S:.0f} s budget)")
    return "\n".join(lines)


def _wall(times: tuple[float, float, float]) -> float:
    return times[0] + times[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e3,1e4,1e5", help="gate counts, comma-separated")
    parser.add_argument("--record", action="store_true", help="append to benchmarks/RESULTS.md")
    args = parser.parse_args()
    measure(200)  # warm-up: imports, the gate table's cached decompositions
    rows = []
    for n in (int(float(s)) for s in args.sizes.split(",")):
        rows.append((n, measure(n)))
        print(f"{n} gates: " + ", ".join(f"{k} {_wall(v):.3f} s" for k, v in rows[-1][1].items()), flush=True)
    print()
    report("OpenQASM 3 export by circuit size (bench_qasm_export.py)", table(rows), args.record)


if __name__ == "__main__":
    main()
