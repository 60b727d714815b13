"""Mutated IR text: the parser and the verifier answer with a KettleError or a valid module, fast.

Printed modules (random kernels and host modules from tests/strategies.py, and a few
modules traced from real circuits) are mutated the way hand-edited or damaged text is:
tokens and lines deleted, duplicated or swapped, characters flipped, random bytes and
unicode inserted, text truncated, brackets nested deeply, numbers made huge, SSA names
renamed, types changed, lines of other modules spliced in. Whatever comes out,
`parse_module` then `verify` may only raise a KettleError, never another exception and
never hang (each example is bounded by a 2 s alarm); a module that verifies also prints
and reparses to the same text.
"""

from __future__ import annotations

import functools
import re
import signal
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import host_modules, kernels

import kettle as kt
from kettle.ir import KettleError, parse_module, print_module, verify

TIME_LIMIT_S = 2.0
SEED_KERNELS = 30
TOKEN = re.compile(r"\s+|[A-Za-z_0-9.%@!<>+-]+|\"(?:\\.|[^\"\\])*\"|.", re.DOTALL)
NUMBER = re.compile(r"(?<![%@\w.])[-+]?[0-9]+(?:\.[0-9]*)?(?:e[-+]?[0-9]+)?")
VALUE = re.compile(r"%[A-Za-z0-9_.]+")
TYPE = re.compile(r"tensor<[0-9x]+(?:f64|i64|i1|c128)>|!q\.qubit|!q\.obs|\b(?:f64|i64|i1|c128)\b")
TYPES = ["f64", "i64", "i1", "c128", "!q.qubit", "!q.obs", "tensor<2xf64>", "tensor<2x2xc128>",
         "tensor<0xf64>", "tensor<4xi64>", "tensor<3x1xi64>", "tensor<99999999999999999999xf64>",
         "tensor<1x1x1x1x1x1x1x1x1x1xf64>", "tensor<f64>", "tensor<2xq.qubit>"]
SYNTAX = "{}[]()%@,:=<>x\"\\-+.0123456789ejn \n"


@functools.cache
def traced_modules() -> tuple[str, ...]:
    """Printed modules of real circuits: templates, observables, shots, matrices, a gradient."""
    w = np.linspace(0.1, 0.9, 12).reshape(2, 2, 3)

    def layers(weights, x):
        kt.AngleEmbedding(x, wires=range(2))
        kt.StronglyEntanglingLayers(weights, wires=range(2))
        return kt.expval(0.5 * kt.Z(0) @ kt.Z(1) + x[0] * kt.X(1)), kt.probs(wires=[1])

    def matrices(x):
        kt.QubitUnitary(np.array([[0, 1j], [1j, 0]]), wires=1)
        kt.ctrl(kt.RY, control=0)(x, wires=1)
        return kt.expval(kt.Hermitian(np.diag([1.0, -2.0]), wires=0)), kt.state()

    def sampled(x):
        kt.RX(x, wires=0)
        return kt.sample(wires=[0, 1]), kt.counts(kt.Z(1)), kt.var(kt.Y(0))

    cost = kt.qjit(layers, wires=2)
    return (
        str(cost.lower(w, np.array([0.3, 0.4]))),
        str(kt.qjit(matrices, wires=2).lower(0.7)),
        str(kt.qjit(sampled, wires=2, shots=5).lower(0.2)),
        str(kt.grad(lambda x: kt.qjit(matrices, wires=2)(x)[0] ** 2).lower(0.3)),
    )


@functools.cache
def seed_pool() -> tuple[str, ...]:
    """Printed random kernels and host modules (drawn once, derandomized) and the traced ones.

    Drawing a fresh random module per example would cost most of this test's time; a fixed
    pool of varied modules leaves the time to the mutations, which are what is tested.
    """
    pool: list[str] = []

    @settings(max_examples=SEED_KERNELS, derandomize=True, database=None)
    @given(kernels(max_wires=3, max_gates=6), host_modules(max_ops=5))
    def collect(kernel, host):
        pool.extend((print_module(kernel[0]), print_module(host[0])))

    collect()
    return tuple(dict.fromkeys((*pool, *traced_modules())))  # the first draws repeat


def _splice(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


@st.composite
def _token_edit(draw, text: str) -> str:
    spans = [m.span() for m in TOKEN.finditer(text) if not m.group().isspace()]
    if not spans:
        return text
    i, j = draw(st.integers(0, len(spans) - 1)), draw(st.integers(0, len(spans) - 1))
    (a, b), (c, d) = sorted([spans[i], spans[j]])
    how = draw(st.sampled_from(["delete", "duplicate", "swap"]))
    if how == "delete":
        return _splice(text, a, b, "")
    if how == "duplicate":
        return _splice(text, a, a, text[a:b] + " ")
    return text[:a] + text[c:d] + text[b:c] + text[a:b] + text[d:] if b <= c else text


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
    how = draw(st.sampled_from(["flip", "insert", "bytes", "truncate"]))
    if how == "flip":
        return _splice(text, at, at + 1, draw(st.one_of(st.sampled_from(SYNTAX), st.characters())))
    if how == "insert":
        return _splice(text, at, at, draw(st.text(min_size=1, max_size=8)))
    if how == "bytes":
        return _splice(text, at, at, draw(st.binary(min_size=1, max_size=8)).decode("latin-1"))
    return text[:at]


@st.composite
def _deep_nesting(draw, text: str) -> str:
    depth = draw(st.sampled_from([31, 32, 33, 100, 5000]))
    inner = draw(st.sampled_from(["", "1", "1.5", '"s"', "true", "@k", "[1, 2]"]))
    nested = "[" * depth + inner + "]" * depth
    spots = [m.end() for m in re.finditer(r"= ", text)]
    if not spots:
        return text
    at = spots[draw(st.integers(0, len(spots) - 1))]
    end = re.compile(r"[,}]").search(text, at)
    return _splice(text, at, end.start() if end else at, nested)


def _pick(draw, spans: list[tuple[int, int]]) -> tuple[int, int]:
    return spans[draw(st.integers(0, len(spans) - 1))]


@st.composite
def _huge_number(draw, text: str) -> str:
    spans = [m.span() for m in NUMBER.finditer(text)]
    if not spans:
        return text
    a, b = _pick(draw, spans)
    digits = draw(st.sampled_from([19, 20, 400, 5000]))
    new = draw(st.sampled_from(["9" * digits, "-" + "9" * digits, "1e999", "-1e-999",
                                "9223372036854775807", "-9223372036854775808", "nan", "inf",
                                "1" + "0" * digits + ".5"]))
    return _splice(text, a, b, new)


@st.composite
def _rename_value(draw, text: str) -> str:
    spans = [m.span() for m in VALUE.finditer(text)]
    if not spans:
        return text
    a, b = _pick(draw, spans)
    other = text[slice(*_pick(draw, spans))]
    return _splice(text, a, b, draw(st.sampled_from([other, "%fresh", "%0", "%" + "v" * 300])))


@st.composite
def _change_type(draw, text: str) -> str:
    spans = [m.span() for m in TYPE.finditer(text)]
    if not spans:
        return text
    a, b = _pick(draw, spans)
    return _splice(text, a, b, draw(st.sampled_from(TYPES)))


@st.composite
def _splice_line(draw, text: str, pool: tuple[str, ...]) -> str:
    """A line of another module (an op of another kind, a foreign function head) put in."""
    donor = draw(st.sampled_from(pool)).split("\n")
    lines = text.split("\n")
    lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(donor)))
    return "\n".join(lines)


MUTATIONS: list[Callable[..., st.SearchStrategy[str]]] = [
    _token_edit, _line_edit, _character_edit, _deep_nesting, _huge_number, _rename_value, _change_type,
    _splice_line,
]


@st.composite
def mutants(draw, pool: tuple[str, ...]) -> str:
    text = draw(st.sampled_from(pool))
    for _ in range(draw(st.integers(1, 4))):
        mutation = draw(st.sampled_from(MUTATIONS))
        text = draw(mutation(text, pool) if mutation is _splice_line else mutation(text))
    return text


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout(f"parse + verify took over {TIME_LIMIT_S} s")


def parse_and_verify(text: str) -> None:
    """Parse and verify `text`; a valid module must also print and reparse to the same text.

    Raises:
        KettleError: the only exception the parser and the verifier may raise.
    """
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT_S)
    try:
        module = verify(parse_module(text))
        printed = print_module(module)
        assert print_module(parse_module(printed)) == printed
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def pool() -> tuple[str, ...]:
    return seed_pool()


@settings(max_examples=300)
@given(data=st.data())
def test_parser_fuzz_mutated_modules_raise_only_kettle_errors(pool, data):
    text = data.draw(mutants(pool), label="text")
    try:
        parse_and_verify(text)
    except KettleError:
        pass


# Crashes this test found, kept as regressions.
REGRESSIONS = {
    "inf as i64 (OverflowError)": 'module @m {\n  func @m() -> (i64) {\n'
                                  '    %c = arith.constant {value = inf} : i64\n    return (%c)\n  }\n}\n',
    "control character in a string (JSONDecodeError)":
        'module @m {\n  kernel @m() -> () {\n    %q = q.alloc {wires = 1} : !q.qubit\n'
        '    %r = q.gate {gate = "a\x01b"} (), (%q) : !q.qubit\n    return ()\n  }\n}\n',
}


@pytest.mark.parametrize("name", REGRESSIONS)
def test_parser_fuzz_regressions_raise_kettle_errors(name):
    with pytest.raises(KettleError):
        parse_and_verify(REGRESSIONS[name])


def test_parser_fuzz_seeds_parse_and_verify(pool):
    """The unmutated seeds are valid: mutants start from real modules, not from noise."""
    assert len(pool) > SEED_KERNELS
    for text in pool:
        parse_and_verify(text)
