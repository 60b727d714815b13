"""How much memory a kettle program may still allocate, and who says so.

The limit is the least of: the kernel's MemAvailable (/proc/meminfo), the process's
address-space limit (RLIMIT_AS, `ulimit -v`) minus its current size, its cgroup's limit
minus its usage (v2 memory.max / v1 memory.limit_in_bytes, for the cgroup and each
ancestor), and a user limit: `kt.qjit(max_memory=...)`, else the KETTLE_MAX_MEMORY
environment variable. Each reader ignores a source it cannot read, so a machine that says
nothing gives no limit. Everything is read afresh at each check (nothing cached can go
stale): checks run when a kernel compiles, never per call, and programs too small to
matter skip the file reads (memory.MACHINE_CHECK_FROM).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..ir import BackendError, KettleError

ENV = "KETTLE_MAX_MEMORY"
SIZE_FORMAT = ('a number of bytes, optionally with a binary unit: "1073741824", "512M", '
               '"512MiB", "1.5G", "2GB", "1T" (K/M/G/T are 1024-based, with or without "B" or "iB")')
_UNITS = {"": 0, "K": 1, "M": 2, "G": 3, "T": 4, "P": 5}
_SIZE = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([KMGTP]?)(?:I?B)?\s*", re.IGNORECASE)
_UNLIMITED = 1 << 60
"""cgroup v1 writes 'no limit' as a huge page-aligned number (2^63 - 4096): ignore such values."""


@dataclass(frozen=True)
class Limit:
    """Bytes that may still be allocated (None: no source set a limit) and where that comes from."""

    bytes: int | None
    source: str


def parse_size(value: object, what: str, error: type[KettleError] = BackendError) -> int:
    """`value` (an int, an integral float or a size string such as "1.5G") as a positive byte count.

    Args:
        value: the size; see SIZE_FORMAT.
        what: how to name it in the error (the option or the environment variable).
        error: the KettleError subclass to raise.

    Raises:
        error: a value that is not a positive size, naming `what` and the accepted format.
    """
    size: float | None = None
    if isinstance(value, str):
        match = _SIZE.fullmatch(value)
        if match is not None:
            size = float(match.group(1)) * 1024 ** _UNITS[match.group(2).upper()]
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        size = float(value)
    else:
        try:  # numpy integers and floats
            size = float(value) if hasattr(value, "dtype") and getattr(value, "ndim", 1) == 0 else None
        except (TypeError, ValueError):
            size = None
    if size is None or not 1 <= size < float("inf"):
        raise error(f"{what} must be a positive memory size, got {value!r}; use {SIZE_FORMAT}")
    return int(size)


def meminfo_available(root: Path) -> int | None:
    """MemAvailable from `root`/proc/meminfo in bytes, or None."""
    for line in _read(root / "proc/meminfo").splitlines():
        if line.startswith("MemAvailable:"):
            return _kilobytes(line)
    return None


def rlimit_headroom(root: Path, soft_limit: int | None) -> int | None:
    """The address-space limit `soft_limit` minus the process's VmSize (`root`/proc/self/status)."""
    if soft_limit is None or soft_limit < 0 or soft_limit >= _UNLIMITED:
        return None
    for line in _read(root / "proc/self/status").splitlines():
        if line.startswith("VmSize:"):
            size = _kilobytes(line)
            return None if size is None else max(soft_limit - size, 0)
    return soft_limit


def cgroup_headroom(root: Path) -> tuple[int, str] | None:
    """The least (limit - usage) over the process's memory cgroup and its ancestors, and which
    file set it; None without a limited cgroup. v2 (memory.max) and v1 (memory.limit_in_bytes)."""
    best: tuple[int, str] | None = None
    for line in _read(root / "proc/self/cgroup").splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        if parts[0] == "0" and parts[1] == "":
            base, limit_file, usage_file = root / "sys/fs/cgroup", "memory.max", "memory.current"
        elif "memory" in parts[1].split(","):
            base, limit_file, usage_file = root / "sys/fs/cgroup/memory", "memory.limit_in_bytes", \
                "memory.usage_in_bytes"
        else:
            continue
        for directory in _ancestors(base, parts[2]):
            limit, usage = _integer(directory / limit_file), _integer(directory / usage_file)
            if limit is None or limit >= _UNLIMITED:
                continue
            room = max(limit - (usage or 0), 0)
            if best is None or room < best[0]:
                best = (room, f"the cgroup limit ({directory / limit_file} minus {usage_file})")
    return best


def available(max_memory: int | None = None, *, user: bool = True, machine: bool = True,
              root: Path = Path("/"),
              env: Mapping[str, str] | None = None,
              rlimit: Callable[[], int | None] | None = None) -> Limit:
    """The memory a program may still allocate: the least of every source that sets a limit.

    Args:
        max_memory: the kt.qjit(max_memory=...) bytes; it replaces KETTLE_MAX_MEMORY.
        user: False to consult only the machine (what a backend checks on its own).
        machine: False to consult only the user's limit (cheap: no file is read).
        root, env, rlimit: where to read /proc and /sys, the environment, and the RLIMIT_AS
            soft limit (tests pass fakes).

    Raises:
        BackendError: KETTLE_MAX_MEMORY is set but is not a size.
    """
    env = os.environ if env is None else env
    limits: list[tuple[int, str]] = []
    if user and max_memory is not None:
        limits.append((max_memory, f"kt.qjit(max_memory={max_memory})"))
    elif user and env.get(ENV, "").strip():
        limits.append((parse_size(env[ENV], f"the environment variable {ENV}"), f"{ENV}={env[ENV]}"))
    if not machine:
        return Limit(*min(limits, key=lambda x: x[0])) if limits else Limit(None, "no limit set")
    meminfo = meminfo_available(root)
    if meminfo is not None:
        limits.append((meminfo, "MemAvailable in /proc/meminfo (free RAM)"))
    rlim = rlimit_headroom(root, (rlimit or _rlimit_as)())
    if rlim is not None:
        limits.append((rlim, "the address-space limit RLIMIT_AS (ulimit -v) minus the process's VmSize"))
    cgroup = cgroup_headroom(root)
    if cgroup is not None:
        limits.append(cgroup)
    if not limits:
        return Limit(None, "no limit found")
    return Limit(*min(limits, key=lambda x: x[0]))


def _rlimit_as() -> int | None:
    try:
        import resource
    except ImportError:  # not on Windows
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return None if soft == resource.RLIM_INFINITY else soft


def _ancestors(base: Path, path: str) -> list[Path]:
    """base/path and each parent up to base: limits of enclosing cgroups apply too."""
    parts = [p for p in path.strip().split("/") if p and p != ".."]
    return [base.joinpath(*parts[:i]) for i in range(len(parts), -1, -1)]


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except (OSError, UnicodeDecodeError):
        return ""


def _integer(path: Path) -> int | None:
    text = _read(path).strip()
    return int(text) if text.isdigit() else None  # "max" (v2 unlimited) and junk: no limit


def _kilobytes(line: str) -> int | None:
    fields = line.split()
    return int(fields[1]) * 1024 if len(fields) >= 2 and fields[1].isdigit() else None
