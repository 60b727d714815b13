"""Every source folder of the package is a package, so setup.py's discovery installs it.

setup.py installs each folder with an `__init__.py`; a folder of modules without one would
work from the checkout (and in an editable install) and be missing from the wheel.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_INSTALLED = {"tests", "benchmarks", "examples", "build", "dist", ".git", ".ci"}


def test_packaging_every_source_folder_has_an_init() -> None:
    folders = {p.parent for p in ROOT.rglob("*.py")
               if not NOT_INSTALLED & set(p.relative_to(ROOT).parts) and "egg-info" not in str(p)}
    missing = sorted(str(f.relative_to(ROOT)) for f in folders if not (f / "__init__.py").exists())
    assert missing == []


def test_packaging_grammar_is_package_data() -> None:
    text = (ROOT / "pyproject.toml").read_text()
    data = sorted(p.name for p in (ROOT / "ir").iterdir() if p.suffix not in {".py", ".pyc"} and p.is_file())
    assert data == ["grammar.lark"]
    assert '"kettle.ir" = ["*.lark"]' in text
