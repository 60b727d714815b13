"""`kettle opt`: run passes on an IR file and print the result; every mistake is one `error:` line."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kettle.backends.statevector.cache_dir import kernel_sources_hash, subdir_name
from kettle.cli import main

SOURCE = """\
module @m {
  func @m(%x: f64) -> (f64) {
    %c = arith.constant {value = 2.0} : f64
    %unused = arith.mulf (%x, %c) : f64
    %y = arith.addf (%x, %x) : f64
    return (%y)
  }
}
"""
AFTER_DCE = """\
module @m {
  func @m(%x: f64) -> (f64) {
    %y = arith.addf (%x, %x) : f64
    return (%y)
  }
}
"""


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "in.kir"
    path.write_text(SOURCE, encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["opt", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_opt_without_passes_prints_the_module_unchanged(source, capsys):
    assert _run(capsys, str(source)) == (0, SOURCE, "")


def test_opt_runs_the_passes(source, capsys):
    assert _run(capsys, str(source), "--passes", "dce") == (0, AFTER_DCE, "")


def test_opt_reads_stdin_for_dash(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(SOURCE))
    assert _run(capsys, "-", "--passes", "dce") == (0, AFTER_DCE, "")


def test_opt_print_after_all_prints_the_module_after_each_pass(source, capsys):
    status, out, err = _run(capsys, str(source), "--passes", "dce,dce", "--print-after-all")
    stage = f"// ----- IR after dce -----\n{AFTER_DCE}\n"
    assert (status, out, err) == (0, stage + stage + AFTER_DCE, "")


def test_opt_rejects_an_unknown_pass(source, capsys):
    status, out, err = _run(capsys, str(source), "--passes", "dce,nope")
    assert (status, out) == (1, "")
    assert err.startswith("error: unknown pass 'nope'; known passes: ") and "dce" in err


def test_opt_reports_a_parse_error_with_line_and_column(tmp_path, capsys):
    path = tmp_path / "bad.kir"
    path.write_text(SOURCE.replace("arith.addf (%x, %x)", "arith.addf (%x, %z)"), encoding="utf-8")
    assert _run(capsys, str(path)) == (
        1, "", "error: line 5, column 26: value %z is used before it is defined\n")


def test_opt_reports_invalid_ir(tmp_path, capsys):
    path = tmp_path / "bad.kir"
    path.write_text(SOURCE.replace("-> (f64) {", "-> (f64) attributes {shots = 0} {"), encoding="utf-8")
    status, out, err = _run(capsys, str(path))
    assert (status, out, err) == (1, "", "error: @m: attribute 'shots' expects int >= 1, got 0\n")


def test_opt_reports_a_missing_file(tmp_path, capsys):
    path = tmp_path / "missing.kir"
    assert _run(capsys, str(path)) == (1, "", f"error: cannot read {path}: No such file or directory\n")


def test_opt_reports_a_directory(tmp_path, capsys):
    assert _run(capsys, str(tmp_path)) == (1, "", f"error: cannot read {tmp_path}: Is a directory\n")


def test_opt_reports_a_file_that_is_not_utf8(tmp_path, capsys):
    path = tmp_path / "latin1.kir"
    path.write_bytes(SOURCE.replace("@m(", "@m\xe9(").encode("latin-1"))
    offset = SOURCE.index("@m(") + 2
    assert _run(capsys, str(path)) == (
        1, "", f"error: cannot read {path}: not UTF-8 text (byte 0xe9 at offset {offset})\n")


def test_demo_rejects_a_non_positive_number_of_points(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--points", "-3"])
    assert exit_info.value.code == 2
    assert "must be a positive integer" in capsys.readouterr().err


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """KETTLE_CACHE_DIR with this install's subdirectory (2 entries) and another install's (1)."""
    root = tmp_path / "cache"
    monkeypatch.setenv("KETTLE_CACHE_DIR", str(root))
    for name, files in [(subdir_name(), ["f-1.py311.nbi", "f-1.py311.1.nbc", "g-2.py311.1.nbc"]),
                        ("kettle-0.0.1-srcold-numba0.60.0", ["f-1.py311.nbi", "f-1.py311.1.nbc.tmp.ab"])]:
        (root / name).mkdir(mode=0o700, parents=True)
        for file in files:
            (root / name / file).write_bytes(b"x" * 500_000)
    root.chmod(0o700)
    return root


def test_cache_info_reports_location_status_size_and_source_hash(cache, capsys):
    assert main(["cache", "info"]) == 0
    out = capsys.readouterr().out
    assert f"location:       {cache / subdir_name()}\n" in out
    assert "status:         in use\n" in out
    assert "entries:        2 compiled kernels, 3 files, 1.5 MB\n" in out
    assert f"sha256 {kernel_sources_hash()}" in out
    assert "other installs: 1 directories, 1.0 MB" in out


def test_cache_info_creates_nothing_before_the_first_compile(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KETTLE_CACHE_DIR", str(tmp_path / "new"))
    assert main(["cache", "info"]) == 0
    assert "in use (empty: created on the first compile)" in capsys.readouterr().out
    assert not (tmp_path / "new").exists()


def test_cache_info_says_why_a_world_writable_cache_is_disabled(cache, capsys):
    cache.chmod(0o777)
    assert main(["cache", "info"]) == 0
    assert f"disabled: refusing to use {cache}: it is group- or world-writable" in capsys.readouterr().out


def test_cache_clear_removes_kettles_cache_files_only(cache, tmp_path, capsys):
    (cache / subdir_name() / "notes.txt").write_text("not ours")
    (cache / "other-tool").mkdir()
    (cache / "other-tool" / "x.nbi").write_text("not kettle's")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "y.nbi").write_text("behind a symlink")
    (cache / "kettle-link").symlink_to(tmp_path / "elsewhere")
    assert main(["cache", "clear"]) == 0
    assert capsys.readouterr().out == f"removed 5 files (2.5 MB) from {cache}\n"
    assert sorted(str(p.relative_to(cache)) for p in cache.rglob("*")) == sorted(
        ["kettle-link", "other-tool", "other-tool/x.nbi", subdir_name(), f"{subdir_name()}/notes.txt"])
    assert (tmp_path / "elsewhere" / "y.nbi").exists()
    assert main(["cache", "clear"]) == 0
    assert capsys.readouterr().out == f"removed 0 files (0.0 MB) from {cache}\n"


def test_cache_clear_refuses_a_directory_owned_by_another_user(cache, capsys):
    os.chown(cache / subdir_name(), 65534, 65534)
    assert main(["cache", "clear"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: refusing to clear {cache / subdir_name()}: it is owned by uid 65534")
    assert len(list((cache / subdir_name()).iterdir())) == 3


def test_cache_command_runs_as_a_module(cache):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.run([sys.executable, "-m", "kettle", "cache", "info"], env=env,
                          capture_output=True, text=True, check=True)
    assert f"location:       {cache / subdir_name()}" in proc.stdout and proc.stderr == ""
