"""Fill numba's disk cache with every statevector entry point: `python -m kettle.backends.statevector.warm`.

The kernels compile once per machine (and again after a kernel file changes): about
10 s for the core interpreter and 20 s more for the threaded large-state entry on the
project's 2-core machine. Running this at install or CI-setup time moves that one-off
cost out of the first user call.
"""

from __future__ import annotations

import time

import numpy as np

from ...ir.builder import KernelBuilder
from .program import compile_kernel


def warm(threaded: bool = True) -> float:
    """Compile (or load) the entry points by running tiny kernels; returns the seconds it took.

    Args:
        threaded: also the large-state entry point (the slowest to compile).
    """
    start = time.perf_counter()
    b = KernelBuilder("warm", 3, 1)
    b.gate("RX", [0], [b.param(0)])
    b.gate("CNOT", [0, 1])
    h = np.diag([1.0, -1.0])
    outputs = [b.expval(b.obs(["Z0"], [0, 1, 2])), b.var(b.obs(["X1"], [0, 1, 2])),
               b.expval(b.hermitian(h, [2])), b.probs([1])]
    fn = b.build(outputs)
    compile_kernel(fn).run(np.zeros(1))
    if threaded:
        compile_kernel(fn, block_from=2, chunk_qubits=1).run(np.zeros(1))
    return time.perf_counter() - start


if __name__ == "__main__":
    print(f"statevector kernels ready in {warm():.2f} s")
