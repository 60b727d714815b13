"""The available-memory readers, on fake /proc and /sys trees, and the size format."""

from __future__ import annotations

from pathlib import Path

import pytest

from kettle.backends.memory_limits import ENV, available, cgroup_headroom, meminfo_available, parse_size
from kettle.ir import BackendError, TraceError

GiB = 1 << 30


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _limit(root: Path, env: dict | None = None, rlimit: int | None = None, max_memory: int | None = None):
    return available(max_memory, root=root, env=env or {}, rlimit=lambda: rlimit)


MEMINFO = "MemTotal:       32000000 kB\nMemFree:         1000 kB\nMemAvailable:    8388608 kB\n"


@pytest.mark.parametrize("text, size", [
    ("1024", 1024), ("1K", 1024), ("1k", 1024), ("512M", 512 << 20), ("512MiB", 512 << 20),
    ("512mb", 512 << 20), ("1.5G", 3 << 29), (" 2 GB ", 2 * GiB), ("1T", 1 << 40), (".5K", 512),
    ("100B", 100)])
def test_parse_size_reads_bytes_and_binary_units(text, size):
    assert parse_size(text, "x") == size


def test_parse_size_takes_ints_and_integral_floats():
    assert parse_size(4096, "x") == 4096
    assert parse_size(2e9, "x") == 2_000_000_000


@pytest.mark.parametrize("bad", ["", "lots", "-1G", "0", "1.5X", "G", "1e9", True, None, [1], 0, -5,
                                 float("inf")])
def test_parse_size_refuses_what_is_not_a_positive_size(bad):
    with pytest.raises(TraceError, match=r"max_memory=\.\.\.\) must be a positive memory size.*512M"):
        parse_size(bad, "kt.qjit(max_memory=...)", TraceError)


def test_meminfo_available_reads_kilobytes(tmp_path):
    assert meminfo_available(_write(tmp_path, {"proc/meminfo": MEMINFO})) == 8 * GiB


@pytest.mark.parametrize("text", ["", "MemTotal: 5 kB\n", "MemAvailable: lots kB\n", "MemAvailable:\n"])
def test_meminfo_without_a_readable_value_sets_no_limit(tmp_path, text):
    assert meminfo_available(_write(tmp_path, {"proc/meminfo": text})) is None


def test_no_source_gives_no_limit(tmp_path):
    limit = _limit(tmp_path)
    assert limit.bytes is None


def test_available_is_the_least_source_and_names_it(tmp_path):
    _write(tmp_path, {"proc/meminfo": MEMINFO, "proc/self/status": "Name: x\nVmSize:  1048576 kB\n"})
    assert _limit(tmp_path).bytes == 8 * GiB and "MemAvailable" in _limit(tmp_path).source
    limit = _limit(tmp_path, rlimit=4 * GiB)  # address space: 4 GiB minus the 1 GiB in use
    assert limit.bytes == 3 * GiB and "RLIMIT_AS" in limit.source


def test_the_user_limit_applies_when_it_is_the_least(tmp_path):
    _write(tmp_path, {"proc/meminfo": MEMINFO})
    limit = _limit(tmp_path, env={ENV: "1M"})
    assert limit.bytes == 1 << 20 and limit.source == f"{ENV}=1M"
    assert _limit(tmp_path, env={ENV: "1T"}).bytes == 8 * GiB  # never above what the machine has


def test_max_memory_replaces_the_environment_variable(tmp_path):
    _write(tmp_path, {"proc/meminfo": MEMINFO})
    limit = _limit(tmp_path, env={ENV: "1M"}, max_memory=64 << 20)
    assert limit.bytes == 64 << 20 and "max_memory" in limit.source


def test_machine_only_checks_ignore_the_user_limits(tmp_path):
    _write(tmp_path, {"proc/meminfo": MEMINFO})
    limit = available(1 << 20, user=False, root=tmp_path, env={ENV: "1M"}, rlimit=lambda: None)
    assert limit.bytes == 8 * GiB


def test_a_bad_environment_value_names_the_variable_and_the_format(tmp_path):
    message = f"environment variable {ENV} must be a positive memory size.*1.5G"
    with pytest.raises(BackendError, match=message):
        _limit(tmp_path, env={ENV: "plenty"})


def test_cgroup_v2_limit_minus_usage_over_the_tightest_ancestor(tmp_path):
    _write(tmp_path, {
        "proc/self/cgroup": "0::/outer/inner\n",
        "sys/fs/cgroup/outer/memory.max": str(2 * GiB), "sys/fs/cgroup/outer/memory.current": str(GiB),
        "sys/fs/cgroup/outer/inner/memory.max": "max", "sys/fs/cgroup/outer/inner/memory.current": "5",
    })
    room, source = cgroup_headroom(tmp_path)
    assert room == GiB and "outer/memory.max" in source
    assert _limit(tmp_path).bytes == GiB


def test_cgroup_v1_limit_and_its_unlimited_sentinel(tmp_path):
    _write(tmp_path, {
        "proc/self/cgroup": "5:cpu:/x\n4:memory:/job\n",
        "sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712",
        "sys/fs/cgroup/memory/memory.usage_in_bytes": "100",
        "sys/fs/cgroup/memory/job/memory.limit_in_bytes": str(3 * GiB),
        "sys/fs/cgroup/memory/job/memory.usage_in_bytes": str(GiB),
    })
    room, source = cgroup_headroom(tmp_path)
    assert room == 2 * GiB and "memory.limit_in_bytes" in source


@pytest.mark.parametrize("files", [
    {},
    {"proc/self/cgroup": "0::/a\n"},
    {"proc/self/cgroup": "garbage\n", "sys/fs/cgroup/memory.max": "100"},
    {"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/memory.max": "max"},
    {"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/memory.max": "12abc"},
])
def test_cgroup_sources_that_say_nothing_set_no_limit(tmp_path, files):
    assert cgroup_headroom(_write(tmp_path, files)) is None


def test_a_full_cgroup_leaves_zero(tmp_path):
    _write(tmp_path, {"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/memory.max": "100",
                      "sys/fs/cgroup/memory.current": "200"})
    assert cgroup_headroom(tmp_path)[0] == 0



def test_a_user_only_check_reads_no_file(tmp_path):
    _write(tmp_path, {"proc/meminfo": "MemAvailable: 1 kB\n"})
    assert available(machine=False, root=tmp_path, env={}).bytes is None
    assert available(machine=False, root=tmp_path, env={ENV: "2K"}).bytes == 2048
