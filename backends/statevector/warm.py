"""Fill the kernel disk cache with each statevector entry point: `python -m kettle.backends.statevector.warm`.

There are three: `kernels_run.run_program` (every kernel; large states run slices of it on
threads, with the same signature, so they compile nothing more), `kernels_extra.measure_extra`
(the rarer measurements) and `kernels_adjoint.adjoint_run` (adjoint gradients, likewise
also for the slices of large states). They compile once per machine, and again after a
kernel file changes: about 12 s for the first two and 13 s for the third on the
project's 2-core machine. Running this at install or CI-setup time moves that one-off
cost out of the first user call. The cache is kettle's own directory (`kettle cache info`
says where; KETTLE_CACHE_DIR moves it).
"""

from __future__ import annotations

import time

from .cache_dir import location
from .compiling import ENTRY_POINTS, ensure_compiled


def warm() -> float:
    """Compile (or load) every entry point in compiling.ENTRY_POINTS; returns the seconds it took."""
    start = time.perf_counter()
    for name in ENTRY_POINTS:
        ensure_compiled(name)
    return time.perf_counter() - start


if __name__ == "__main__":
    seconds = warm()
    where = location()
    cached = f"cached in {where.path}" if where.usable else f"not cached: {where.problem}"
    print(f"statevector kernels ready in {seconds:.2f} s ({cached})")
