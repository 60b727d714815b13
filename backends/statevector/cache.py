"""Make numba's disk cache of our kernels notice edits to *any* kernel file.

numba stamps a cached function with its own source file only, so a caller cached in
kernels_run.py would keep stale code inlined from an edited kernels_gates.py. This wraps
numba's own locator for our files and adds a hash of every `kernels_*.py` to the stamp.
It touches numba's caching internals, so any failure leaves numba's default behaviour.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

_HERE = Path(__file__).resolve().parent


@functools.cache
def kernel_sources_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(_HERE.glob("kernels_*.py")) + [_HERE / "opcodes.py"]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def install() -> None:
    """Register the locator (once, before the kernels are decorated)."""
    try:
        from numba.core import caching
    except ImportError:  # pragma: no cover
        return
    base = getattr(caching, "CacheImpl", None) or getattr(caching, "_CacheImpl", None)
    if base is None or not hasattr(base, "_locator_classes"):  # pragma: no cover
        return

    class KernelLocator(caching._CacheLocator):
        def __init__(self, inner):
            self._inner = inner

        def ensure_cache_path(self):
            self._inner.ensure_cache_path()

        def get_cache_path(self):
            return self._inner.get_cache_path()

        def get_source_stamp(self):
            return self._inner.get_source_stamp(), kernel_sources_hash()

        def get_disambiguator(self):
            return self._inner.get_disambiguator()

        @classmethod
        def from_function(cls, py_func, py_file):
            if Path(py_file).resolve().parent != _HERE:
                return None
            for other in base._locator_classes:
                if other is not cls:
                    inner = other.from_function(py_func, py_file)
                    if inner is not None:
                        return cls(inner)
            return None

    base._locator_classes = [KernelLocator, *base._locator_classes]


install()
