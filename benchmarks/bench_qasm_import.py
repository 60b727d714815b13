"""OpenQASM import against program size: `kt.from_qasm` should cost the same per gate at
1e3, 1e4 and 1e5 gates (linear) and import a 1e5-gate program in under 5 s.

    python benchmarks/bench_qasm_import.py                  # 1e3, 1e4, 1e5 gates
    python benchmarks/bench_qasm_import.py --sizes 1e3,1e4
    python benchmarks/bench_qasm_import.py --record         # append the table to benchmarks/RESULTS.md

Programs: `WIRES` qubits of random h / rz(number) / cx / u3(expressions of pi) statements,
one per line, measured at the end ("constant"), or the same with rotation angles that are
expressions of an `input float` ("input"). Stages, timed one after another:
- parse (ANTLR): `openqasm3.parse` of the whole text, the parser the fast path avoids
  (only up to `ANTLR_UP_TO` gates: it is the slow part);
- from_qasm: the import as users call it (fast path, then the interpreter), best of 3;
- slow path: the same import with every statement through the ANTLR parser;
- trace: replaying the imported program in a qjit body (`circuit.lower()`), best of 3.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from pathlib import Path

import openqasm3

sys.path.insert(0, str(Path(__file__).parent))

from timing import report  # noqa: E402

import kettle as kt
from kettle.backends.openqasm.importer.load import import_qasm
from kettle.frontend import QasmFunction

WIRES = 20
REPEATS = 3
"""from_qasm and the trace are timed as the best of this many runs; the parsers once."""
ANTLR_UP_TO = 10_000
"""The ANTLR parser costs ~0.6 ms a statement: a minute at 1e5, so it is timed up to here."""


def program(n_gates: int, variant: str, seed: int = 0) -> str:
    """An OpenQASM 3 program of `n_gates` gate statements (see the module docstring)."""
    rng = random.Random(seed)
    lines = ["OPENQASM 3.0;", 'include "stdgates.inc";']
    if variant == "input":
        lines.append("input float theta;")
    lines += [f"qubit[{WIRES}] q;", f"bit[{WIRES}] c;"]
    for _ in range(n_gates):
        kind, a = rng.randrange(4), rng.randrange(WIRES)
        b = (a + 1 + rng.randrange(WIRES - 1)) % WIRES
        angle = f"{rng.uniform(-3, 3):.6f}"
        if variant == "input":
            angle = f"theta * {angle}"
        lines.append([f"h q[{a}];", f"rz({angle}) q[{a}];", f"cx q[{a}], q[{b}];",
                      f"u3(0.1, pi/2, -pi/4) q[{a}];"][kind])
    lines.append("c = measure q;")
    return "\n".join(lines) + "\n"


def timed(fn, repeats: int = 1) -> float:
    """The best of `repeats` wall times of `fn()` (the machine may be shared: best is the least
    disturbed)."""
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def trace_seconds(qfn: QasmFunction) -> float:
    @kt.qjit(wires=qfn.num_wires)
    def circuit(*inputs):
        qfn(*inputs)
        return kt.probs(wires=[0])

    args = [0.3] * len(qfn.inputs)
    return timed(lambda: circuit.lower(*args), REPEATS)


def measure(n: int, variant: str) -> str:
    """One markdown table row: the stages for an `n`-gate program of `variant`."""
    text = program(n, variant)
    antlr = f"{timed(lambda: openqasm3.parse(text)):.2f} s" if n <= ANTLR_UP_TO else "-"
    imported: list[QasmFunction] = []
    seconds = timed(lambda: imported.append(kt.from_qasm(text)), REPEATS)
    slow = f"{timed(lambda: import_qasm(text, fast=False)):.2f} s" if n <= ANTLR_UP_TO else "-"
    trace = trace_seconds(imported[0])
    return (f"| {variant} | {n} | {antlr} | {seconds:.2f} s | {seconds / n * 1e6:.1f} | {slow} | "
            f"{trace:.2f} s | {trace / n * 1e6:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1e3,1e4,1e5", help="gate counts, comma-separated")
    parser.add_argument("--record", action="store_true", help="append the table to benchmarks/RESULTS.md")
    args = parser.parse_args()
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    import_qasm(program(10, "constant"))  # kettle's include definitions are parsed once per process
    rows = ["| variant | gates | parse (ANTLR) | from_qasm | us/gate | slow path | trace | us/gate |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for variant in ("constant", "input"):
        for n in sizes:
            rows.append(measure(n, variant))
            print(rows[-1], flush=True)
    note = (f"{WIRES} qubits; from_qasm and trace: best of {REPEATS}; parse and slow path once "
            f"(only up to {ANTLR_UP_TO} gates).")
    report("OpenQASM import by program size (bench_qasm_import.py)", "\n".join(rows) + "\n\n" + note,
           args.record)

if __name__ == "__main__":
    main()
