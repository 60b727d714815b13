"""Mutated OpenQASM: the importer answers with a program or a located QasmError, fast.

Small programs (written here, plus the short programs of the shared corpus when present)
are mutated as damaged or hand-edited text is: tokens and lines deleted, duplicated or
swapped, characters flipped or inserted, text truncated, numbers made huge, brackets
nested deeply. Whatever comes out, importing it may only raise a QasmError that carries a
line (never another exception, never a hang: each example has a 5 s alarm), and the fast
path and the parser's path agree: the same program, or both an error (a syntax error may
be described differently when the parser sees a run of statements rather than the file).
"""

from __future__ import annotations

import functools
import re
import signal

from hypothesis import given
from hypothesis import strategies as st
from qasm_corpus import corpus_dir

from kettle import QasmError
from kettle.backends.openqasm.importer.load import import_qasm

TIME_LIMIT_S = 5.0
TOKEN = re.compile(r"\s+|[A-Za-z_0-9.$]+|\"[^\"]*\"|.", re.DOTALL)
NUMBER = re.compile(r"(?<![\w.$])[0-9]+(?:\.[0-9]*)?")
SYNTAX = "{}[]();,=<>+-*/@$#\"'.0123456789 \nqxhcπ"

PROGRAMS = (
    'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\ncreg c[3];\nh q[0];\ncx q[0], q[1];\n'
    "u3(0.1, pi/2, -pi/4) q[2];\nccx q[0], q[1], q[2];\nbarrier q;\nmeasure q -> c;\n",
    'OPENQASM 3.0;\ninclude "stdgates.inc";\ninput float theta;\nqubit[3] q;\nbit[3] c;\n'
    "gate g(a, b) x, y { rx(a) x; ctrl @ ry(b) x, y; gphase(a / 2); }\n"
    "for int i in [0:1] { g(theta * i, 0.5) q[i], q[i + 1]; }\n"
    "inv @ pow(0.5) @ g(0.1, 0.2) q[2], q[0];\nnegctrl @ x q[0], q[2];\nc = measure q;\n",
    'OPENQASM 3.0;\ninclude "stdgates.inc";\nconst int n = 4;\nqubit[n] q;\nint k = 0;\n'
    "def layer(qubit[2] a, float t) -> int { rz(t) a[0]; cx a[0], a[1]; return 1; }\n"
    "while (k < 3) { k += layer(q[0:1], k * 0.3); if (k == 2) { continue; } h q[k]; }\n"
    "array[int[8], 2] idx = {3, 1};\nlet pair = q[idx[0]] ++ q[idx[1]];\nswap pair[0], pair[1];\n"
    "switch (k) { case 3 { x q[0]; } default { y q[0]; } }\n",
    "OPENQASM 3.0;\nh $0;\ncnot $0, $1;\nxy(0.2) $1, $2;\n#pragma braket result probability $0, $1\n"
    "#pragma braket result expectation z($0) @ x($2)\n#pragma braket unitary([[0, 1], [1, 0]]) $2\n",
)


@functools.cache
def seed_pool() -> tuple[str, ...]:
    """The programs above and the shared corpus's programs of at most 40 lines."""
    pool = list(PROGRAMS)
    root = corpus_dir()
    if root is not None:
        for path in sorted(root.rglob("*.qasm")):
            text = path.read_text(encoding="utf-8")
            if text.count("\n") <= 40 and "while" not in text:
                pool.append(text)
    return tuple(pool)


def _splice(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


@st.composite
def _token_edit(draw, text: str) -> str:
    spans = [m.span() for m in TOKEN.finditer(text) if not m.group().isspace()]
    if not spans:
        return text
    a, b = spans[draw(st.integers(0, len(spans) - 1))]
    how = draw(st.sampled_from(["delete", "duplicate", "replace"]))
    if how == "delete":
        return _splice(text, a, b, "")
    if how == "duplicate":
        return _splice(text, a, a, text[a:b] + " ")
    c, d = spans[draw(st.integers(0, len(spans) - 1))]
    return _splice(text, a, b, text[c:d])


@st.composite
def _line_edit(draw, text: str) -> str:
    lines = text.split("\n")
    i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
    how = draw(st.sampled_from(["delete", "duplicate", "swap"]))
    if how == "delete":
        del lines[i]
    elif how == "duplicate":
        lines.insert(j, lines[i])
    else:
        lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


@st.composite
def _character_edit(draw, text: str) -> str:
    at = draw(st.integers(0, len(text)))
    how = draw(st.sampled_from(["flip", "insert", "truncate"]))
    if how == "flip":
        return _splice(text, at, at + 1, draw(st.one_of(st.sampled_from(SYNTAX), st.characters())))
    if how == "insert":
        return _splice(text, at, at, draw(st.text(min_size=1, max_size=6)))
    return text[:at]


@st.composite
def _huge_number(draw, text: str) -> str:
    spans = [m.span() for m in NUMBER.finditer(text)]
    if not spans:
        return text
    a, b = spans[draw(st.integers(0, len(spans) - 1))]
    new = draw(st.sampled_from(["9" * 400, "1e999", "0", "-1", "4294967296", "0.0", "1" + "0" * 30]))
    return _splice(text, a, b, new)


@st.composite
def _deep_nesting(draw, text: str) -> str:
    depth = draw(st.sampled_from([50, 500, 3000]))
    spans = [m.span() for m in NUMBER.finditer(text)]
    if not spans:
        return text
    a, b = spans[draw(st.integers(0, len(spans) - 1))]
    return _splice(text, a, b, "(" * depth + text[a:b] + ")" * depth)


MUTATIONS = [_token_edit, _line_edit, _character_edit, _huge_number, _deep_nesting]


@st.composite
def mutants(draw) -> str:
    text = draw(st.sampled_from(seed_pool()))
    for _ in range(draw(st.integers(1, 3))):
        text = draw(draw(st.sampled_from(MUTATIONS))(text))
    return text


class _Timeout(Exception):
    pass


def _outcome(text: str, fast: bool) -> object:
    """The imported program's gates and measurements, or "error"."""
    try:
        program = import_qasm(text, "fuzz.qasm", fast=fast)
    except QasmError as error:
        assert error.line is not None or "too deeply" in str(error), str(error)
        if "RecursionError" in str(error) or "too deeply" in str(error):
            return None  # how deep Python's stack may go differs between the two paths
        return "error"
    return program.ops, program.measured, program.num_wires


def _alarm(signum, frame):
    raise _Timeout(f"the import took over {TIME_LIMIT_S} s")


@given(mutants())
def test_import_of_mutated_programs_is_a_program_or_a_located_qasm_error(text):
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT_S)
    try:
        fast, slow = _outcome(text, fast=True), _outcome(text, fast=False)
        assert fast == slow or fast is None or slow is None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
