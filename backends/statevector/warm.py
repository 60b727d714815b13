"""Fill numba's disk cache with every statevector entry point: `python -m kettle.backends.statevector.warm`.

There are two: `kernels_run.run_program` (every kernel; large states run slices of it on
threads, with the same signature, so they compile nothing more) and
`kernels_extra.measure_extra` (the rarer measurements). They compile once per machine,
and again after a kernel file changes: about 12 s together on the project's 2-core
machine. Running this at install or CI-setup time moves that one-off cost out of the
first user call.
"""

from __future__ import annotations

import time

import numpy as np

from ...ir.builder import KernelBuilder
from .program import compile_kernel


def warm() -> float:
    """Compile (or load) both entry points by running one tiny kernel; returns the seconds it took."""
    start = time.perf_counter()
    b = KernelBuilder("warm", 3, 1)
    b.gate("RX", [0], [b.param(0)])
    b.gate("CNOT", [0, 1])
    h = np.diag([1.0, -1.0])
    outputs = [b.expval(b.obs(["Z0"], [0, 1, 2])), b.probs([1]),  # run_program
               b.var(b.obs(["X1"], [0, 1, 2])), b.expval(b.hermitian(h, [2]))]  # measure_extra
    compile_kernel(b.build(outputs)).run(np.zeros(1))
    return time.perf_counter() - start


if __name__ == "__main__":
    print(f"statevector kernels ready in {warm():.2f} s")
