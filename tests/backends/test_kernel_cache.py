"""The kernel disk cache: a private directory, bad entries rebuilt, unsafe places refused.

Whole-process behaviour is tested in subprocesses with KETTLE_CACHE_DIR in tmp_path. A cold
compile of `run_program` costs 10-40 s, so one module fixture compiles into an empty
directory (two processes at once: the concurrency test) and other tests copy it; the
corruption tests damage `measure_extra`, the smaller entry point, so only it recompiles.
The sealed file format itself is tested in process, without compiling.
"""

from __future__ import annotations

import json
import math
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import numba
import pytest

from kettle.backends.statevector.cache import CorruptEntry, KernelCache, SealedCacheFile, seal, unseal
from kettle.backends.statevector.cache_dir import KernelCacheWarning

ROOT = Path(__file__).resolve().parents[3]
THETA = 0.7
SCRIPT = f"""
import json, sys
import numpy as np
from kettle.backends.statevector import kernels_extra, kernels_run
from kettle.backends.statevector.program import compile_kernel
from kettle.ir.builder import KernelBuilder

b = KernelBuilder("k", 2, 1)
b.gate("RX", [0], [b.param(0)])
b.gate("CNOT", [0, 1])
outputs = [b.expval(b.obs(["Z1"], [0, 1]))]  # run_program
if "extra" in sys.argv:
    outputs.append(b.var(b.obs(["Z0"], [0, 1])))  # measure_extra
values = compile_kernel(b.build(outputs)).run(np.array([{THETA}]))
stats = {{f.__name__: [sum(f.stats.cache_hits.values()), sum(f.stats.cache_misses.values()),
                      f.stats.cache_path] for f in (kernels_run.run_program, kernels_extra.measure_extra)}}
print(json.dumps({{"values": list(values), "stats": stats}}))
"""
EXPECTED = {"": [math.cos(THETA)], "extra": [math.cos(THETA), math.sin(THETA) ** 2]}
"""RX(t) then CNOT: <Z1> = cos t, Var(Z0) = 1 - cos^2 t."""


def _env(cache: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "KETTLE_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT), **extra}
    env.pop("NUMBA_CACHE_DIR", None)
    return env


def _start(cache: Path, *args: str, **extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", SCRIPT, *args], env=_env(cache, **extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen) -> tuple[dict, str]:
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    return json.loads(out), err


def _run(cache: Path, *args: str, **extra: str) -> tuple[dict, str]:
    """Run SCRIPT: its results, {entry point: [loaded, compiled, cache dir]} and stderr."""
    return _finish(_start(cache, *args, **extra))


def _check_values(result: dict, *args: str) -> None:
    assert result["values"] == pytest.approx(EXPECTED[" ".join(args)], abs=1e-12)


def _subdir(cache: Path) -> Path:
    (subdir,) = [p for p in cache.iterdir() if p.name.startswith("kettle-")]
    return subdir


@pytest.fixture(scope="module")
def warm(tmp_path_factory) -> tuple[Path, list[tuple[dict, str]], Path]:
    """Two processes compile both entry points into one empty dir at once (numba's own
    NUMBA_CACHE_DIR set elsewhere); returns the dir, their outputs and numba's dir."""
    cache, numba_dir = tmp_path_factory.mktemp("kernels"), tmp_path_factory.mktemp("numba")
    procs = [_start(cache, "extra", NUMBA_CACHE_DIR=str(numba_dir)) for _ in range(2)]
    return cache, [_finish(p) for p in procs], numba_dir


@pytest.fixture
def warm_copy(warm, tmp_path) -> Path:
    copy = tmp_path / "cache"
    shutil.copytree(warm[0], copy)
    return copy


def test_kernel_cache_concurrent_compiles_leave_a_cache_that_loads(warm):
    cache, outputs, _ = warm
    for result, err in outputs:
        _check_values(result, "extra")
        assert "KernelCacheWarning" not in err
    result, err = _run(cache, "extra")
    _check_values(result, "extra")
    assert {name: s[:2] for name, s in result["stats"].items()} == {
        "run_program": [1, 0], "measure_extra": [1, 0]}, "the third process loads, compiles nothing"
    assert err == ""


def test_kernel_cache_is_private_and_ignores_numba_cache_dir(warm):
    cache, outputs, numba_dir = warm
    subdir = _subdir(cache)
    assert {p.name for p in cache.iterdir()} == {subdir.name}
    assert (cache.stat().st_mode & 0o777, subdir.stat().st_mode & 0o777) == (0o700, 0o700)
    assert numba.__version__ in subdir.name
    assert all(s[2] == str(subdir) for s in outputs[0][0]["stats"].values())
    assert sorted(p.suffix for p in subdir.iterdir()) == [".nbc", ".nbc", ".nbi", ".nbi"]
    assert list(numba_dir.iterdir()) == []


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(path.stat().st_size))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


@pytest.mark.parametrize("suffix, damage", [(".1.nbc", _garbage), (".nbi", _truncate)],
                         ids=["data-random-bytes", "index-truncated"])
def test_kernel_cache_rebuilds_a_corrupt_entry(warm_copy, suffix, damage):
    subdir = _subdir(warm_copy)
    base = next(p.name for p in subdir.glob("kernels_extra.measure_extra-*.nbi"))[: -len(".nbi")]
    damage(subdir / (base + suffix))
    result, err = _run(warm_copy, "extra")
    _check_values(result, "extra")
    assert "KernelCacheWarning" in err and "discarded a bad kernel cache entry for measure_extra" in err
    assert result["stats"]["measure_extra"][:2] == [0, 1]  # recompiled...
    assert result["stats"]["run_program"][:2] == [1, 0]  # ...and nothing else
    _, _, overloads = unseal((subdir / (base + ".nbi")).read_bytes(), "index")
    (name,) = overloads.values()
    key, _ = unseal((subdir / name).read_bytes(), "data")  # rebuilt: both files check out
    assert list(overloads) == [key]


def test_kernel_cache_refuses_a_world_writable_dir_and_runs_in_memory(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o777)
    result, err = _run(cache)
    _check_values(result)
    assert f"refusing to use {cache}" in err and f"chmod 700 {cache}" in err
    assert err.count("KernelCacheWarning") == 1
    assert result["stats"]["run_program"] == [0, 1, None]  # numba's NullCache: no disk at all
    assert list(cache.iterdir()) == []


def _other_user(path: Path) -> None:
    path.mkdir(mode=0o700)
    os.chown(path, 65534, 65534)


def _group_writable_subdir(path: Path) -> None:
    path.mkdir(mode=0o700)
    (path / _subdir_name()).mkdir(mode=0o700)
    (path / _subdir_name()).chmod(0o770)


def _symlink(path: Path) -> None:
    (path.parent / "real").mkdir(mode=0o700)
    path.symlink_to(path.parent / "real")


def _under_a_file(path: Path) -> None:
    path.write_text("a regular file")


def _subdir_name() -> str:
    from kettle.backends.statevector.cache_dir import subdir_name

    return subdir_name()


@pytest.mark.parametrize("make, problem", [
    (_other_user, "is owned by uid 65534"),
    (_group_writable_subdir, "chmod 700"),
    (_symlink, "is a symlink"),
    (_under_a_file, "cannot write"),
], ids=["other-owner", "group-writable-subdir", "symlink", "under-a-regular-file"])
def test_kernel_cache_disabled_with_one_warning_where_unsafe_or_unwritable(tmp_path, make, problem):
    """Root writes anywhere, so "no writable location" is a path under a regular file. Only
    the decision is checked here (no compile): the world-writable test runs a kernel."""
    make(tmp_path / "cache")
    cache = tmp_path / "cache" / "sub" if make is _under_a_file else tmp_path / "cache"
    script = ("from kettle.backends.statevector import kernels_adjoint, kernels_extra, kernels_run\n"
              "print(type(kernels_run.run_program._cache).__name__)")
    proc = subprocess.run([sys.executable, "-c", script], env=_env(cache), capture_output=True,
                          text=True, check=True)
    assert proc.stdout.strip() == "NullCache"
    assert proc.stderr.count("KernelCacheWarning") == 1 and problem in proc.stderr
    assert "KETTLE_CACHE_DIR" in proc.stderr


@pytest.fixture
def sealed(tmp_path) -> SealedCacheFile:
    return SealedCacheFile(str(tmp_path), "kernels_x.f-10.py311", "stamp")


def _numba_format_index(path: Path) -> None:
    """What numba itself writes (here as if by another numba version)."""
    path.write_bytes(pickle.dumps("0.50.0") + pickle.dumps(("stamp", {})))


def _sealed_wrong_type(path: Path) -> None:
    path.write_bytes(seal(pickle.dumps(["not", "an", "entry"])))


def _sealed_other_numba(path: Path) -> None:
    path.write_bytes(seal(pickle.dumps(("0.50.0", "stamp", {"key": "kernels_x.f-10.py311.1.nbc"}))))


DAMAGE = {"random-bytes": _garbage, "truncated": _truncate, "empty": lambda p: p.write_bytes(b""),
          "raw-pickle-of-wrong-type": lambda p: p.write_bytes(pickle.dumps({"a": 1})),
          "sealed-wrong-type": _sealed_wrong_type, "flipped-byte": lambda p: p.write_bytes(
              p.read_bytes()[:-1] + bytes([p.read_bytes()[-1] ^ 1]))}


@pytest.mark.parametrize("kind", list(DAMAGE))
@pytest.mark.parametrize("which", ["index", "data"])
def test_sealed_cache_file_rejects_damage_before_unpickling(sealed, tmp_path, which, kind):
    sealed.save("key", ("payload", 1))
    assert sealed.load("key") == ("payload", 1)
    path = tmp_path / ("kernels_x.f-10.py311" + (".nbi" if which == "index" else ".1.nbc"))
    DAMAGE[kind](path)
    with pytest.raises(CorruptEntry):
        sealed.load("key")
    sealed.save("key", ("payload", 2))  # a damaged index reads as empty when saving
    assert sealed.load("key") == ("payload", 2)


@pytest.mark.parametrize("write", [_numba_format_index, _sealed_other_numba])
def test_sealed_cache_file_rejects_an_index_from_another_numba(sealed, tmp_path, write):
    write(tmp_path / "kernels_x.f-10.py311.nbi")
    with pytest.raises(CorruptEntry):
        sealed.load("key")


def test_sealed_cache_file_reads_a_data_file_written_for_another_key_as_a_miss(sealed, tmp_path):
    sealed.save("a", "for a")
    sealed.save("b", "for b")
    (tmp_path / "kernels_x.f-10.py311.2.nbc").replace(tmp_path / "kernels_x.f-10.py311.1.nbc")
    assert sealed.load("a") is None
    assert sealed.load("missing") is None


def test_sealed_cache_file_discard_removes_only_its_own_files(sealed, tmp_path):
    sealed.save("a", 1)
    other = SealedCacheFile(str(tmp_path), "kernels_x.g-20.py311", "stamp")
    other.save("a", 2)
    sealed.discard()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "kernels_x.g-20.py311.1.nbc", "kernels_x.g-20.py311.nbi"]
    assert sealed.load("a") is None and other.load("a") == 2


def test_kernel_cache_discards_an_entry_numba_cannot_rebuild(tmp_path):
    """A well-sealed entry whose payload is not a compile result: warned, discarded, a miss."""
    from numba.core import types
    from numba.core.registry import cpu_target

    from kettle.backends.statevector import kernels_extra

    cache = KernelCache(kernels_extra.measure_extra.py_func)
    cache._cache_file = SealedCacheFile(str(tmp_path), cache._impl.filename_base, "stamp")
    sig, context = (types.int64,), cpu_target.target_context
    cache._cache_file.save(cache._index_key(sig, context.codegen()), ("not", "a", "compile result"))
    with pytest.warns(KernelCacheWarning, match="bad kernel cache entry for measure_extra: TypeError"):
        assert cache.load_overload(sig, context) is None
    assert list(tmp_path.iterdir()) == []
