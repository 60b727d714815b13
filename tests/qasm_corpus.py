"""Where the shared OpenQASM corpus lives: `shared/qasm` beside the checkout (or above it).

Tests read the corpus in place and skip when it is absent; `KETTLE_QASM_CORPUS` overrides.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest


def corpus_dir() -> Path | None:
    """The corpus folder, or None: `$KETTLE_QASM_CORPUS`, else the nearest `shared/qasm` upward."""
    env = os.environ.get("KETTLE_QASM_CORPUS")
    if env:
        return Path(env) if Path(env).is_dir() else None
    for parent in Path(__file__).resolve().parents[1:]:
        candidate = parent / "shared" / "qasm"
        if (candidate / "MANIFEST.tsv").is_file():
            return candidate
    return None


def require_corpus() -> Path:
    """The corpus folder; skips the calling test when it is absent."""
    found = corpus_dir()
    if found is None:
        pytest.skip("the shared OpenQASM corpus (../shared/qasm) is not present")
    return found


def manifest() -> list[dict[str, str]]:
    """MANIFEST.tsv rows (empty when the corpus is absent); `path` is relative to the corpus."""
    found = corpus_dir()
    if found is None:
        return []
    with open(found / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))
