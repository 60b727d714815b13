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
    """Median over `repeats` batches of the mean time of one call, in seconds."""
    fn()
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-7)
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

circuit(np.full((2, 4, 3), 0.3))
print(time.perf_counter() - t0)
"""


def first_call(cache_dir: str | None = None) -> tuple[float, float]:
    """(in-process import+trace+compile+run, whole process wall time) of a fresh process."""
    env = dict(os.environ)
    if cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = cache_dir
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", FIRST_CALL_SCRIPT], env=env, check=True,
                         capture_output=True, text=True).stdout
    wall = time.perf_counter() - start
    return float(out.strip().splitlines()[-1]), wall


def first_call_cold_and_warm() -> dict[str, tuple[float, float]]:
    """First-call latency with an empty numba cache, then with the cache it left behind."""
    with tempfile.TemporaryDirectory() as cache:
        cold = first_call(cache)
        warm = min((first_call(cache) for _ in range(3)), key=lambda t: t[0])
    return {"cold": cold, "warm": warm}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        cpu = f"{names[0]} x{len(names)}" if names else cpu
    except OSError:
        pass
    return f"{cpu}, Python {platform.python_version()}, {platform.system()}"
