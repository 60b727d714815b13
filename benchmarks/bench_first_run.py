"""The first run after install: `python -m kettle demo` with an empty kernel cache, then a warm start.

    python benchmarks/bench_first_run.py            # the demo cold, then warm first results
    python benchmarks/bench_first_run.py --steps 5  # a shorter demo (the cold compile is the same)
    python benchmarks/bench_first_run.py --record   # append the table to benchmarks/RESULTS.md

Each run is a fresh subprocess whose NUMBA_CACHE_DIR and KETTLE_CACHE_DIR point at a new
temporary folder, so nothing compiled before is reused (numba then ignores caches next to
the sources). Measured from the start of the process: the demo's first printed step and
its exit, when the kernel compiles it left running in the background have filled the
cache, the progress lines it printed on stderr; then, with the cache the demo left, a
4-qubit expval's first result (best of 3; timing.py). Targets: first step under 10 s
cold, first result under 0.5 s warm.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from timing import first_call, report  # noqa: E402

PACKAGE = Path(__file__).resolve().parents[1]
STEP = re.compile(r"^\s*(\d+)\s+\d+\.\d+\s")


def environment(cache: str, tiered: bool = True) -> dict[str, str]:
    """A user's environment with an own kernel cache and this checkout's kettle."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(NUMBA_CACHE_DIR=cache, KETTLE_CACHE_DIR=cache, KETTLE_TIERED="1" if tiered else "0")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE.parent), env.get("PYTHONPATH")]))
    return env


def demo(cache: str, steps: int, tiered: bool = True) -> dict[str, float | int]:
    """One `python -m kettle demo` process: seconds to its first and last step and to its exit."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "kettle", "demo", "--steps", str(steps)],
                            env=environment(cache, tiered), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    times = {}
    for line in proc.stdout:
        match = STEP.match(line)
        if match:
            times.setdefault("first step", time.perf_counter() - start)
            times["last step"] = time.perf_counter() - start
    stderr = proc.stderr.read()
    if proc.wait() != 0:
        raise SystemExit(f"the demo failed:\n{stderr}")
    times["exit"] = time.perf_counter() - start
    wait_for_background_compiles()  # a program that ends first leaves them to fill the cache
    times["cache filled"] = time.perf_counter() - start
    times["progress lines"] = stderr.count("kettle:")
    return times


def wait_for_background_compiles() -> None:
    """Wait until no kernel-compiling child (runtime/tiers.py) is left running."""
    while _compiling():
        time.sleep(0.2)


def _compiling() -> bool:
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if b"kettle.backends.statevector.compiling" in cmdline.read_bytes():
                return True
        except OSError:  # the process ended meanwhile
            pass
    return False


def stale_caches() -> list[Path]:
    """numba caches next to the sources (unused while NUMBA_CACHE_DIR is set, but a sign that
    a cold number elsewhere may not have been cold)."""
    return sorted(p for pattern in ("*.nbi", "*.nbc") for p in PACKAGE.rglob(pattern))


def measure(steps: int) -> list[tuple[str, str]]:
    rows = []
    for tiered in (True, False):
        label = "" if tiered else ", KETTLE_TIERED=0"
        with tempfile.TemporaryDirectory() as cache:
            cold = demo(cache, steps, tiered)
            rows += [(f"demo, empty cache{label}: first step", f"{cold['first step']:.2f} s"),
                     (f"demo, empty cache{label}: last step / exit / cache filled",
                      f"{cold['last step']:.2f} s / {cold['exit']:.2f} s / {cold['cache filled']:.2f} s"),
                     (f"demo, empty cache{label}: progress lines on stderr", str(cold["progress lines"]))]
            if not tiered:
                continue
            warm = demo(cache, steps, tiered)
            rows.append(("demo, warm cache: first step / exit",
                         f"{warm['first step']:.2f} s / {warm['exit']:.2f} s"))
            os.environ["KETTLE_CACHE_DIR"] = cache  # first_call sets only NUMBA_CACHE_DIR
            first, second = min((first_call(cache) for _ in range(3)), key=lambda t: t[0])
            rows.append(("fresh process, warm cache: 4-qubit expval first result (second call)",
                         f"{first:.3f} s ({second:.3f} s)"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=40, help="Adam steps of the demo (its default: 40)")
    parser.add_argument("--record", action="store_true", help="append to benchmarks/RESULTS.md")
    args = parser.parse_args()
    for path in stale_caches():
        print(f"note: stale numba cache next to the sources (ignored here): {path}", file=sys.stderr)
    rows = measure(args.steps)
    text = "\n".join([f"| first run (demo --steps {args.steps}) | time |", "| --- | --- |"]
                     + [f"| {name} | {value} |" for name, value in rows])
    report(f"load average {os.getloadavg()[0]:.1f}", text, args.record)


if __name__ == "__main__":
    main()
