"""Timing helpers: medians of repeated calls after warm-up, and fresh-process latency."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable


def per_call(fn: Callable[[], object], budget_s: float = 1.0, repeats: int = 7) -> float:
    """Median over `repeats` batches of the mean time of one call, in seconds (after warm-up)."""
    for _ in range(3):  # first calls trace, compile and load: not what is measured here
        fn()
    number, elapsed = 1, 0.0
    while elapsed < 0.02:  # calibrate the batch size like timeit.autorange
        start = time.perf_counter()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter() - start
        number *= 2
    once = elapsed / (number // 2)
    number = max(1, int(budget_s / repeats / once))
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


FIRST_CALL_SCRIPT = """
import time
t0 = time.perf_counter()
import numpy as np
import kettle as kt

@kt.qjit(wires=4)
def circuit(weights):
    kt.StronglyEntanglingLayers(weights, wires=range(4))
    return kt.expval(kt.Z(0))

w = np.full((2, 4, 3), 0.3)
circuit(w)
t1 = time.perf_counter()
circuit(w)
print(t1 - t0, time.perf_counter() - t0)
"""


def first_call(cache_dir: str | None = None, tiered: bool = True) -> tuple[float, float]:
    """A fresh process: (first result, second result) in seconds since before `import kettle`.

    The first result includes import + trace + compile + run; with tiered start-up it may
    come from the reference interpreter, and the second call is the first on the Numba
    program. The process runs as a user's Python would, writing bytecode caches.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["KETTLE_TIERED"] = "1" if tiered else "0"
    if cache_dir is not None:
        env["KETTLE_CACHE_DIR"] = cache_dir  # kettle's kernels ignore NUMBA_CACHE_DIR
    out = subprocess.run([sys.executable, "-c", FIRST_CALL_SCRIPT], env=env, check=True,
                         capture_output=True, text=True).stdout
    first, second = (float(x) for x in out.split())
    return first, second


def first_call_cold_and_warm() -> dict[str, tuple[float, float]]:
    """First-call latency with an empty numba cache, then warm (best of 3), tiered or not."""
    with tempfile.TemporaryDirectory() as cache:
        cold = first_call(cache)
        warm = min((first_call(cache) for _ in range(3)), key=lambda t: t[0])
        untiered = min((first_call(cache, tiered=False) for _ in range(3)), key=lambda t: t[0])
    return {"empty": cold, "warm": warm, "warm, KETTLE_TIERED=0": untiered}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        cpu = f"{names[0]} x{len(names)}" if names else cpu
    except OSError:
        pass
    return f"{cpu}, Python {platform.python_version()}, {platform.system()}"


def thread_settings() -> str:
    """The thread counts both sides ran with: a ratio means little without them.

    kettle's large-state runs use one thread per core this process may run on;
    lightning.qubit uses OpenMP, whose default is also one thread per core unless
    OMP_NUM_THREADS says otherwise.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    omp = os.environ.get("OMP_NUM_THREADS")
    lightning = f"OMP_NUM_THREADS={omp}" if omp else f"OMP_NUM_THREADS unset: {cores} threads"
    return f"threads: kettle {cores}, lightning.qubit {lightning}"


def report(title: str, text: str, record: bool) -> None:
    """Print `text` under a heading of the date, the machine and `title`; with `record`, also
    append it to benchmarks/RESULTS.md (every script records the same way)."""
    import datetime
    from pathlib import Path

    stamp = f"{datetime.date.today().isoformat()}, {machine()}" + (f", {title}" if title else "")
    print(f"{stamp}\n\n{text}")
    if record:
        with (Path(__file__).parent / "RESULTS.md").open("a") as f:
            f.write(f"\n## {stamp}\n\n{text}\n")
