"""numba's disk cache for kettle's kernels: in kettle's own directory, checked before unpickling.

Each kernel module imports this before its `@njit(cache=cache.enabled())`. For functions
defined in this folder (and only those), numba's `Dispatcher.enable_caching` then builds
a `KernelCache`: located in `cache_dir.location()` (never numba's own locations, so
NUMBA_CACHE_DIR does not apply to kettle's kernels), stamped with the hash of every kernel
source (numba stamps only the function's own file), and stored as sealed files (below).
An entry that fails its check or cannot be rebuilt is discarded with a warning and the
kernel is compiled again, so one bad file never breaks later processes.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import os
import pickle
import warnings
from pathlib import Path

from numba.core import caching
from numba.core.dispatcher import Dispatcher

from .cache_dir import KernelCacheWarning, enabled, ensure_private_dir, kernel_sources_hash, location

__all__ = ["enabled", "install", "kernel_sources_hash"]

_HERE = Path(__file__).resolve().parent
MAGIC = b"kettle-numba-cache-1\n"
"""Starts every sealed file, then the SHA-256 of the rest, then numba's pickle."""


class CorruptEntry(Exception):
    """A cache file that is not a well-formed entry written by this kettle and numba."""


def seal(payload: bytes) -> bytes:
    return MAGIC + hashlib.sha256(payload).digest() + payload


def unseal(blob: bytes, path: str) -> object:
    """Check the header and checksum of a sealed file's bytes, then unpickle it.

    Raises:
        CorruptEntry: wrong header, truncated, checksum mismatch, or unpicklable.
    """
    head = len(MAGIC) + 32
    if not blob.startswith(MAGIC) or len(blob) < head:
        raise CorruptEntry(f"{path} is not a kettle cache file ({len(blob)} bytes)")
    if hashlib.sha256(blob[head:]).digest() != blob[len(MAGIC):head]:
        raise CorruptEntry(f"{path} fails its checksum (truncated or modified)")
    try:
        return pickle.loads(blob[head:])
    except Exception as exc:  # a checksummed file that still fails: whatever pickle raises
        raise CorruptEntry(f"{path} cannot be unpickled ({exc!r})") from exc


class SealedCacheFile(caching.IndexDataCacheFile):
    """numba's index + data files, sealed; each data file also records its index key.

    Index: (numba version, source stamp, {key: data file name}). Data: (key, payload), so
    a data file that another process numbered for a different key reads as a miss.
    Writes stay numba's (temp file + os.replace): a reader sees an old or a new file whole.
    """

    def load(self, key):
        name = self._read_index().get(key)
        if name is None:
            return None
        path = self._data_path(name)
        try:
            with open(path, "rb") as f:
                blob = f.read()
        except FileNotFoundError:  # removed by `kettle cache clear` or a discard meanwhile
            return None
        entry = unseal(blob, path)
        if not (isinstance(entry, tuple) and len(entry) == 2):
            raise CorruptEntry(f"{path} holds a {type(entry).__name__}, not a cache entry")
        return entry[1] if entry[0] == key else None

    def save(self, key, data):
        try:
            overloads = self._read_index()
        except CorruptEntry:
            overloads = {}
        name = overloads.get(key)
        if name is None:
            taken = set(overloads.values())
            name = next(n for n in map(self._data_name, range(1, len(taken) + 2)) if n not in taken)
        with self._open_for_write(self._data_path(name)) as f:
            f.write(seal(self._dump((key, data))))
        if overloads.get(key) != name:
            self._save_index({**overloads, key: name})

    def _load_index(self):  # numba's name; kept total for any caller but ours
        try:
            return self._read_index()
        except CorruptEntry:
            return {}

    def _read_index(self) -> dict:
        try:
            with open(self._index_path, "rb") as f:
                blob = f.read()
        except FileNotFoundError:
            return {}
        index = unseal(blob, self._index_path)
        if not (isinstance(index, tuple) and len(index) == 3 and isinstance(index[2], dict)):
            raise CorruptEntry(f"{self._index_path} does not hold a cache index")
        version, stamp, overloads = index
        if version != self._version:
            raise CorruptEntry(f"{self._index_path} was written by numba {version}")
        return overloads if stamp == self._source_stamp else {}

    def _save_index(self, overloads):
        with self._open_for_write(self._index_path) as f:
            f.write(seal(self._dump((self._version, self._source_stamp, overloads))))

    def discard(self) -> None:
        """Remove this function's index and data files (missing ones are fine)."""
        stem = os.path.basename(self._index_path)[: -len(".nbi")]
        for entry in os.scandir(self._cache_path):
            if entry.name == stem + ".nbi" or (entry.name.startswith(stem + ".")
                                                and entry.name.endswith(".nbc")):
                try:
                    os.unlink(entry.path)
                except FileNotFoundError:
                    pass


class KernelLocator(caching._CacheLocator):
    """Puts a kernel's cache files in kettle's cache directory, stamped by all kernel sources."""

    def __init__(self, py_func, py_file):
        self._py_file = py_file
        self._lineno = py_func.__code__.co_firstlineno

    def ensure_cache_path(self):
        ensure_private_dir(location().path)  # again: `kettle cache clear` may have removed it

    def get_cache_path(self):
        return str(location().path)

    def get_source_stamp(self):
        return kernel_sources_hash()

    def get_disambiguator(self):
        return str(self._lineno)

    @classmethod
    def from_function(cls, py_func, py_file):
        return cls(py_func, py_file)


class KernelCacheImpl(caching.CompileResultCacheImpl):
    _locator_classes = [KernelLocator]


class KernelCache(caching.FunctionCache):
    """numba's per-function cache with sealed files; a bad entry is rebuilt, never fatal."""

    _impl_class = KernelCacheImpl

    def __init__(self, py_func):
        super().__init__(py_func)
        old = self._cache_file
        self._cache_file = SealedCacheFile(old._cache_path, self._impl.filename_base, old._source_stamp)

    def _load_overload(self, sig, target_context):  # numba's step that reads the files
        try:
            return super()._load_overload(sig, target_context)
        except Exception as exc:  # garbage can fail anywhere in unpickling or LLVM: rebuild
            problem = str(exc) if isinstance(exc, CorruptEntry) else f"{exc!r} while loading it"
            warnings.warn(f"kettle: discarded a bad kernel cache entry for {self._py_func.__name__}: "
                          f"{problem}. Compiling it again (several seconds); if this repeats, "
                          f"run `kettle cache clear`.", KernelCacheWarning, stacklevel=2)
            try:
                self._cache_file.discard()
            except OSError:
                pass
            return None

    def save_overload(self, sig, data):
        try:
            super().save_overload(sig, data)
        except OSError as exc:  # the compiled kernel is fine; only the disk copy is lost
            _warn_save_failed(str(exc))


@functools.cache
def _warn_save_failed(problem: str) -> None:
    warnings.warn(f"kettle: could not write the kernel disk cache ({problem}); the kernels work "
                  f"but will compile again in the next process.", KernelCacheWarning, stacklevel=3)


def is_kernel(py_func) -> bool:
    """Whether `py_func` is defined in this folder (one of kettle's kernels)."""
    try:
        return Path(inspect.getfile(py_func)).resolve().parent == _HERE
    except (TypeError, OSError):
        return False


@functools.cache
def install() -> None:
    """Make `@njit(cache=True)` give kettle's kernels a KernelCache (others keep numba's)."""
    numba_enable_caching = Dispatcher.enable_caching

    def enable_caching(self):
        if is_kernel(self.py_func):
            self._cache = KernelCache(self.py_func)
        else:
            numba_enable_caching(self)

    Dispatcher.enable_caching = enable_caching


install()
