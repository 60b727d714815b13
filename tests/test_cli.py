"""`kettle opt`: run passes on an IR file and print the result; every mistake is one `error:` line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

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
