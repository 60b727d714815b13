"""`kettle cache info` and `kettle cache clear`: report on and remove kettle's compiled kernels.

Only files numba's cache writes (`*.nbi` indexes, `*.nbc` data, their `*.tmp.*` partial
writes) inside kettle's own subdirectories (`kettle-*`) of the cache root are counted or
removed; anything else there is left alone. Symlinks are never followed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ...ir import BackendError
from . import cache_dir
from .cache_dir import ENV, SUBDIR_PREFIX, Location, cache_root, locate, private_dir_problem


def is_cache_file(name: str) -> bool:
    """Whether `name` is a file numba's cache writes (index, data, or a partial write)."""
    return name.endswith((".nbi", ".nbc")) or ".nbi.tmp." in name or ".nbc.tmp." in name


@dataclass
class Usage:
    """Cache files in one directory: how many, how many compiled entries, how many bytes."""

    files: int = 0
    entries: int = 0
    size: int = 0
    dirs: list[Path] = field(default_factory=list)

    def add(self, directory: Path) -> None:
        self.dirs.append(directory)
        for entry in _cache_files(directory):
            self.files += 1
            self.entries += entry.name.endswith(".nbc")
            self.size += entry.stat(follow_symlinks=False).st_size


def _cache_files(directory: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(directory) as entries:
            return [e for e in entries if is_cache_file(e.name) and not e.is_dir(follow_symlinks=False)]
    except (FileNotFoundError, NotADirectoryError):
        return []


def _subdirs(root: Path) -> list[Path]:
    """kettle's cache subdirectories under `root` (real directories, not symlinks)."""
    try:
        with os.scandir(root) as entries:
            return sorted(Path(e.path) for e in entries
                          if e.name.startswith(SUBDIR_PREFIX) and e.is_dir(follow_symlinks=False))
    except (FileNotFoundError, NotADirectoryError):
        return []


def info() -> tuple[Location, Usage, Usage]:
    """This install's cache location, its usage, and the usage of other installs' subdirectories."""
    here = locate(create=False)
    current, others = Usage(), Usage()
    for directory in _subdirs(here.path.parent):
        (current if directory == here.path else others).add(directory)
    return here, current, others


def describe() -> str:
    """The text of `kettle cache info`."""
    here, current, others = info()
    if not here.usable:
        status = f"disabled: {here.problem} (kernels compile in memory in every process)"
    elif not os.path.isdir(here.path):
        status = "in use (empty: created on the first compile)"
    else:
        status = "in use"
    origin = f"from {ENV}" if os.environ.get(ENV) else f"default; set {ENV} to move it"
    lines = [f"location:       {here.path}",
             f"status:         {status}",
             f"entries:        {current.entries} compiled kernels, {current.files} files, "
             f"{_mb(current.size)}",
             f"kernel sources: sha256 {cache_dir.kernel_sources_hash()}",
             f"root:           {here.path.parent} ({origin}; NUMBA_CACHE_DIR does not apply)"]
    if others.dirs:
        lines.append(f"other installs: {len(others.dirs)} directories, {_mb(others.size)} "
                     f"(`kettle cache clear` removes them too)")
    return "\n".join(lines)


def clear() -> tuple[int, int]:
    """Remove the cache files of every kettle install under the cache root.

    Returns:
        (files removed, bytes freed).

    Raises:
        BackendError: the root or one of its kettle subdirectories is not private to this
            user (another user's files are not ours to delete).
    """
    root = cache_root()
    if not os.path.lexists(root):
        return 0, 0
    removed = freed = 0
    for directory in [root, *_subdirs(root)]:
        problem = private_dir_problem(directory)
        if problem is not None:
            raise BackendError(f"refusing to clear {directory}: {problem}")
    for directory in _subdirs(root):
        for entry in _cache_files(directory):
            size = entry.stat(follow_symlinks=False).st_size
            try:
                os.unlink(entry.path)  # a symlink itself, never its target
            except FileNotFoundError:  # another process got there first
                continue
            removed, freed = removed + 1, freed + size
        try:
            directory.rmdir()
        except OSError:  # not empty: files that are not ours, or a process writing right now
            pass
    return removed, freed


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"
