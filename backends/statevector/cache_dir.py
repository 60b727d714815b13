"""Where kettle keeps its compiled numba kernels, and whether that place can be trusted.

numba's cache files are pickles: whoever can write them runs code in every kettle
process. So the cache lives in kettle's own directory (`KETTLE_CACHE_DIR`, default the
user's cache directory), in one subdirectory per kettle version, kernel-source hash and
numba version, and is used only if both directories are private to this user (owned by
us, not group- or world-writable, not symlinks). Otherwise kettle warns once and compiles
in memory. Nothing here imports numba's caching: `kettle cache info` stays cheap.
"""

from __future__ import annotations

import functools
import hashlib
import os
import stat
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

_HERE = Path(__file__).resolve().parent
ENV = "KETTLE_CACHE_DIR"
SUBDIR_PREFIX = "kettle-"
"""Every cache subdirectory's name starts with this (what `kettle cache clear` removes)."""


class KernelCacheWarning(UserWarning):
    """kettle could not use (or had to repair) its disk cache of compiled kernels."""


@functools.cache
def kernel_sources_hash() -> str:
    """SHA-256 of every kernel source file: an edit to any of them invalidates the cache."""
    digest = hashlib.sha256()
    for path in sorted(_HERE.glob("kernels_*.py")) + [_HERE / "opcodes.py"]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def default_root() -> Path:
    """The per-user cache directory for kettle on this platform."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "kettle" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "kettle"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache") / "kettle"


def cache_root() -> Path:
    """`$KETTLE_CACHE_DIR` if set (and not empty), else `default_root()`; made absolute."""
    return Path(os.path.abspath(os.environ.get(ENV) or default_root()))


def subdir_name() -> str:
    """One subdirectory per kettle version, kernel sources and numba version."""
    import numba

    from ... import __version__

    return f"{SUBDIR_PREFIX}{__version__}-src{kernel_sources_hash()[:16]}-numba{numba.__version__}"


def private_dir_problem(path: Path) -> str | None:
    """Why `path` must not hold pickles run by this user, or None if it may.

    Looks at the final component itself (lstat): a symlink is refused rather than
    followed. Windows has no POSIX owner or mode bits, so only the type is checked there.
    """
    try:
        st = os.lstat(path)
    except OSError as exc:
        return f"cannot inspect it ({exc.strerror or exc})"
    if stat.S_ISLNK(st.st_mode):
        return "it is a symlink (point KETTLE_CACHE_DIR at the real directory)"
    if not stat.S_ISDIR(st.st_mode):
        return "it is not a directory"
    if os.name != "posix":
        return None
    if st.st_uid != os.geteuid():
        return f"it is owned by uid {st.st_uid}, not by you (uid {os.geteuid()})"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"it is group- or world-writable (mode {stat.S_IMODE(st.st_mode):o}); fix: chmod 700 {path}"
    return None


@dataclass(frozen=True)
class Location:
    """The cache directory, and why it is not used (`problem`), if it is not."""

    path: Path
    problem: str | None = None

    @property
    def usable(self) -> bool:
        return self.problem is None


class UnsafeDirError(OSError):
    """A cache directory that exists but is not private to this user."""


def check_private_dir(path: Path) -> None:
    """Raises UnsafeDirError (saying why and how to fix it) unless `path` is private to us."""
    problem = private_dir_problem(path)
    if problem is not None:
        raise UnsafeDirError(f"refusing to use {path}: {problem}")


def ensure_private_dir(path: Path) -> None:
    """Create `path` (mode 0700) if missing and check it is private to this user.

    Raises:
        OSError: it cannot be created; UnsafeDirError if it is not private.
    """
    os.makedirs(path, mode=0o700, exist_ok=True)
    check_private_dir(path)


def locate(create: bool = True) -> Location:
    """Find the cache subdirectory; with `create`, make it (0700) and check it is writable.

    Without `create` (for `kettle cache info`), directories that do not exist yet are
    fine: they would be created on the first compile.
    """
    root = cache_root()
    path = root / subdir_name()
    try:
        for directory in (root, path):
            if create:
                ensure_private_dir(directory)
            elif os.path.lexists(directory):
                check_private_dir(directory)
        if create:  # a real write: root ignores mode bits, but not a read-only filesystem
            tempfile.TemporaryFile(dir=path).close()
    except UnsafeDirError as exc:
        return Location(path, str(exc))
    except OSError as exc:
        return Location(path, f"cannot write {path}: {exc}")
    return Location(path)


@functools.cache
def location() -> Location:
    """The cache directory for this process: decided once, with one warning if unusable."""
    found = locate()
    if not found.usable:
        warnings.warn(f"kettle: kernel disk cache disabled, {found.problem}. Kernels are compiled "
                      f"in memory in every process (slow start). Fix the directory or set "
                      f"{ENV} to a private directory.", KernelCacheWarning, stacklevel=3)
    return found


def enabled() -> bool:
    """Whether the numba kernels may cache to disk (the `cache=` of their `@njit`)."""
    return location().usable
