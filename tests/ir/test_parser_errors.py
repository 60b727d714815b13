"""Hostile IR text: each mistake is an IRParseError (or VerifyError) naming it, never a traceback.

These inputs used to end in RecursionError, ValueError (int conversion limit), TypeError
(bytes, None) or were accepted silently (unknown function attributes).
"""

from __future__ import annotations

import pytest

from kettle.ir import IRParseError, VerifyError, parse_module, verify
from kettle.ir.function import Function, Module, Return

ALLOC = """\
module @m {{
  kernel @m() -> () {{
    %q = q.alloc {{wires = {wires}}} : !q.qubit
    return ()
  }}
}}
"""
CONSTANT = """\
module @m {{
  func @m() -> ({type}) {{
    %c = arith.constant {{value = {value}}} : {type}
    return (%c)
  }}
}}
"""


@pytest.mark.parametrize("depth", [33, 10_000, 200_000])
def test_parser_rejects_attribute_arrays_nested_too_deep(depth):
    with pytest.raises(IRParseError, match="attribute 'wires': arrays nest more than 32 levels") as info:
        parse_module(ALLOC.format(wires="[" * depth + "]" * depth))
    assert (info.value.line, info.value.column) == (3, 19)  # the attribute name


def test_parser_accepts_attribute_arrays_nested_32_deep():
    module = parse_module(ALLOC.format(wires="[" * 32 + "]" * 32))
    with pytest.raises(VerifyError, match="'wires' expects int >= 1"):
        verify(module)


@pytest.mark.parametrize("literal", ["9223372036854775808", "-9223372036854775809",
                                     "1" + "0" * 400, "1" * 10_000, "[1, 2, " + "9" * 5000 + "]"])
def test_parser_rejects_integers_beyond_i64(literal):
    with pytest.raises(IRParseError, match="does not fit in 64 bits") as info:
        parse_module(ALLOC.format(wires=literal))
    assert len(str(info.value)) < 300  # the literal is abbreviated, not echoed


@pytest.mark.parametrize("literal", ["9223372036854775807", "-9223372036854775808",
                                     "000000000000000000000042"])
def test_parser_reads_integers_within_i64(literal):
    module = verify(parse_module(CONSTANT.format(type="i64", value=literal)))
    assert module.functions[0].body[0].value == int(literal)


def test_parser_reads_huge_float_literals_as_inf():
    module = verify(parse_module(CONSTANT.format(type="f64", value="1" + "0" * 400 + ".0")))
    assert module.functions[0].body[0].value == float("inf")


@pytest.mark.parametrize("text, fix", [(b"module @m {}", "decode it first"), (None, ""), (3, ""),
                                       (["module @m {}"], "")])
def test_parser_rejects_text_that_is_not_a_str(text, fix):
    expected = f"parse_module takes IR text \\(a str\\), got {type(text).__name__}.*{fix}"
    with pytest.raises(IRParseError, match=expected):
        parse_module(text)


def test_parser_rejects_unknown_function_attribute():
    text = ALLOC.format(wires=1).replace("() -> () {", "() -> () attributes {shots = 3, foo = 1} {")
    expected = "@m has no attribute 'foo'; a function's attributes are: shots"
    with pytest.raises(IRParseError, match=expected) as info:
        parse_module(text)
    assert (info.value.line, info.value.column) == (2, 44)


def test_verifier_rejects_unknown_function_attribute():
    module = Module("m", (Function("func", "m", (), (), (Return(values=()),), {"foo": 1}),))
    with pytest.raises(VerifyError, match="@m: unknown function attribute 'foo'; .* are: shots"):
        verify(module)
