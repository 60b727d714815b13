"""Compile (or load from numba's disk cache) one statevector entry point, saying so on stderr
when it takes a while.

Every entry point is compiled for one signature (the array types Program and AdjointProgram
pass), so representative empty arrays stand for any call. A cold compile takes tens of
seconds once per machine; a timer prints what is compiling if a load has not finished
after PROGRESS_AFTER seconds (never on a warm load, ~0.1 s), and how long it took. Set
KETTLE_QUIET=1 to silence it. `python -m kettle.backends.statevector.compiling NAME...`
compiles entry points in a separate process (runtime/tiers.py uses that: a compile in
another process does not compete with the caller for the GIL).
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
import time

import numpy as np

PROGRESS_AFTER = 1.0
"""Seconds a load may take before the user is told that kernels are compiling."""

_I64 = np.zeros(0, dtype=np.int64)
_F64 = np.zeros(0)
_C128 = np.zeros(0, dtype=complex)
_SPLIT = np.zeros((2, 0))

ENTRY_POINTS: dict[str, tuple[str, tuple]] = {
    "run_program": ("kernels_run", (_I64, _F64, _F64, _C128, _C128, _I64)),
    "measure_extra": ("kernels_extra", (_I64, _C128, _F64, _C128, _F64)),
    "adjoint_run": ("kernels_adjoint", (_I64, _F64, _F64, _C128, _SPLIT, _SPLIT, _F64, _F64, _I64)),
}
"""Each entry point: its module and example arguments of the types it is always called with."""

_LOCK = threading.Lock()


def _dispatcher_and_signature(name: str):
    from numba import typeof

    module, args = ENTRY_POINTS[name]
    dispatcher = getattr(importlib.import_module(f"{__package__}.{module}"), name)
    return dispatcher, tuple(typeof(a) for a in args)


def is_cached(name: str) -> bool | None:
    """Whether numba's disk cache holds entry point `name` for this machine and these sources
    (None: cannot tell, numba's caching internals differ from what this reads)."""
    dispatcher, sig = _dispatcher_and_signature(name)
    if sig in dispatcher.overloads:
        return True
    try:
        cache = dispatcher._cache
        key = cache._index_key(sig, dispatcher.targetctx.codegen())
        return key in cache._cache_file._load_index()
    except Exception:  # noqa: BLE001 (a numba version without these internals)
        return None


def ensure_compiled(name: str) -> None:
    """Load entry point `name` from the disk cache, or compile it (once per machine).

    Prints a progress line on stderr if a compile takes more than PROGRESS_AFTER seconds (a
    load from a warm cache, about a second on a busy machine, is not a compile: no message).
    """
    dispatcher, sig = _dispatcher_and_signature(name)
    if sig in dispatcher.overloads:
        return
    if is_cached(name):
        dispatcher.compile(sig)
        return
    with progress(name):
        dispatcher.compile(sig)


def quiet() -> bool:
    return os.environ.get("KETTLE_QUIET", "0") not in ("", "0")


class progress:
    """A context manager: `kettle: compiling NAME ...` on stderr if its body is still running
    after PROGRESS_AFTER seconds, then how long it took."""

    def __init__(self, name: str, after: float | None = None):
        self.name = name
        self.after = PROGRESS_AFTER if after is None else after
        self.shown = False

    def _show(self) -> None:
        with _LOCK:
            self.shown = True
            print(f"kettle: compiling simulator kernels for this machine (once, cached afterwards): "
                  f"{self.name} ...", file=sys.stderr, flush=True)

    def __enter__(self) -> progress:
        self.start = time.perf_counter()
        self.timer = threading.Timer(self.after, self._show)
        self.timer.daemon = True
        if not quiet():
            self.timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self.timer.cancel()
        with _LOCK:
            if self.shown:
                state = "failed after" if exc[0] is not None else "ready in"
                print(f"kettle: {self.name} {state} {time.perf_counter() - self.start:.1f} s",
                      file=sys.stderr, flush=True)


if __name__ == "__main__":
    for entry in sys.argv[1:]:
        ensure_compiled(entry)
