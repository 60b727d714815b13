"""`import_qasm`: OpenQASM 2/3 text to a `QasmProgram` (parse, then interpret).

The single entry point of the importer. kettle's own include definitions are parsed
once per process and shared.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from openqasm3 import ast

from ....ir.gc_pause import gc_paused
from .interpreter import Interpreter
from .parse import Source, parse_chunk
from .program import QasmProgram
from .scan import parse_program


def import_qasm(text: str, path: str | None = None, include_path: Iterable[str | Path] = (),
                static_values: Mapping[str, Any] | None = None, fast: bool = True) -> QasmProgram:
    """Import an OpenQASM 2 or 3 program.

    Args:
        text: the program.
        path: its file name, for error messages and to find its includes (None for a string).
        include_path: further folders to search for `include` files.
        static_values: values of the program's non-float `input`s (default 0 / false).
        fast: read straight-line statements without the ANTLR parser (same result, faster).

    Returns:
        The program: its gates on `num_wires` wires, inputs, measured wires and results.

    Raises:
        QasmError: a syntax error, an unknown gate, a wrong arity, an unsupported construct,
            each with the file, line and column.
    """
    source = Source(text, path)
    with gc_paused():  # a large program's AST and gates are millions of live objects
        program = parse_source(source, fast)
        version = _version(program, text)
        interp = Interpreter(source, version, [Path(p) for p in include_path],
                             dict(static_values or {}), _definitions, fast)
        interp.run(program)
    return QasmProgram(
        num_wires=interp.num_wires, ops=interp.ops, inputs=tuple(interp.inputs),
        static_inputs=dict(interp.static_inputs), measured=interp.measured_wires(),
        results=tuple(interp.results), global_phase=interp.global_phase, version=version,
        notes=tuple(interp.notes))


def parse_source(source: Source, fast: bool = True) -> ast.Program:
    """The AST of a file (see `scan.parse_program`)."""
    return parse_program(source, fast)


def read_text(path: Path, including: Source, node: ast.QASMNode) -> str:
    """The text of an include file; a QasmError at the include statement if unreadable."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise including.error_at(f"cannot read include file {path}: {exc}", node) from None


def _version(program: ast.Program, text: str) -> str:
    """"2" or "3": the header's major version; a header-less file that includes qelib1.inc is 2."""
    if program.version is not None:
        return program.version.split(".")[0]
    return "2" if re.search(r"""include\s+["']qelib1\.inc["']""", text) else "3"


@functools.cache
def _definitions(text: str, name: str) -> tuple[Source, ast.Program]:
    source = Source(text, name)
    return source, parse_chunk(source)
