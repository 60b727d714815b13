"""Run the benchmark suite: kettle and, when installed, PennyLane in the same run.

    python benchmarks/run.py            # W1, W3-20 forward and gradient, first-call latency
    python benchmarks/run.py --all      # also W2 (forward, gradient) and W3-22 (forward)
    python benchmarks/run.py --record   # append the table to benchmarks/RESULTS.md

Speed is never asserted in tests; it is measured here, with the competitors in the
same process, and reported as ratios.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from timing import first_call_cold_and_warm, per_call, report, thread_settings  # noqa: E402
from workloads import (  # noqa: E402
    kettle_circuit,
    kettle_gradient,
    pennylane_circuit,
    pennylane_gradient,
    weights_for,
)

COMPETITORS = ("default.qubit", "lightning.qubit")


TOO_SLOW = {("forward", "W3-22", "default.qubit"), ("gradient", "W3-20", "default.qubit"),
            ("gradient", "W3-22", "default.qubit")}
"""Competitor runs of several seconds per call (or of tens of GB for backprop): not repeated."""


def rows_for(kind: str, names: list[str]) -> list[tuple[str, str, float, dict[str, float]]]:
    """Per-call times of `kind` ("forward" or "gradient") for kettle and each competitor."""
    ours_of = kettle_circuit if kind == "forward" else kettle_gradient
    rows = []
    for name in names:
        w = weights_for(name)
        ours_fn = ours_of(name)
        budget = 1.0 if name in ("W1", "W2") else 3.0
        ours = per_call(lambda f=ours_fn, w=w: f(w), budget_s=budget, repeats=5 if budget > 1 else 7)
        theirs = {}
        for device in COMPETITORS:
            if (kind, name, device) in TOO_SLOW:
                continue
            fn = pennylane_circuit(name, device) if kind == "forward" else pennylane_gradient(name, device)
            if fn is not None:
                theirs[device] = per_call(lambda f=fn, w=w: f(w), budget_s=budget * 2, repeats=3)
        rows.append((name, kind, ours, theirs))
    return rows


def fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def table(rows, latency) -> str:
    head = ["workload", "kettle"] + [f"{d} (ratio)" for d in COMPETITORS]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for name, kind, ours, theirs in rows:
        cells = [f"{name} {kind}", fmt(ours)]
        for d in COMPETITORS:
            cells.append(f"{fmt(theirs[d])} ({theirs[d] / ours:.1f}x)" if d in theirs else "-")
        lines.append("| " + " | ".join(cells) + " |")
    for label, (first, second) in latency.items():
        lines.append(f"| fresh process, {label} cache: first result (second call) | "
                     f"{fmt(first)} ({fmt(second)}) |" + " - |" * len(COMPETITORS))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--all", action="store_true", help="also W2 and W3 at 22 qubits")
    parser.add_argument("--record", action="store_true", help="append to benchmarks/RESULTS.md")
    args = parser.parse_args()
    names = ["W1", "W2", "W3-20", "W3-22"] if args.all else ["W1", "W3-20"]
    latency = first_call_cold_and_warm()
    gradients = [n for n in names if n != "W3-22"]
    text = table(rows_for("forward", names) + rows_for("gradient", gradients), latency)
    report(thread_settings(), text, args.record)


if __name__ == "__main__":
    main()
