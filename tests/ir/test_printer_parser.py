"""The textual IR: printing and parsing round-trip exactly, and bad text fails with a position.

Round trips are checked two ways: the reprinted text equals the printed text, and the
parsed module has the same structure (ops, attributes bit for bit, operand wiring) as
the module that was printed.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from strategies import host_modules, kernels

import kettle
from kettle.ir import (
    C128,
    F64,
    QUBIT,
    Alloc,
    Constant,
    Function,
    Gate,
    IRParseError,
    Module,
    Return,
    Value,
    parse_module,
    print_module,
    tensor,
    verify,
)
from kettle.ir.builder import KernelBuilder


def _canonical(value: Any) -> Any:
    """A comparable form of an attribute that tells -0.0 from 0.0 and matches nan with nan."""
    if isinstance(value, np.ndarray):
        return ("array", str(value.dtype), value.shape, _canonical(value.tolist()))
    if isinstance(value, (list, tuple)):
        return tuple(_canonical(v) for v in value)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, float):
        return ("float", value.hex())
    if isinstance(value, complex):
        return ("complex", value.real.hex(), value.imag.hex())
    return (type(value).__name__, value)


def _structure(module: Module) -> tuple:
    """Everything that defines a module except value names; values become def positions."""
    functions = []
    for fn in module.functions:
        where: dict[Value, tuple] = {a: ("arg", i) for i, a in enumerate(fn.args)}
        ops = []
        for k, o in enumerate(fn.body):
            groups = tuple(tuple(where[v] for v in g) for g in o.operand_groups())
            attrs = {name: _canonical(v) for name, v in o.attributes().items()}
            ops.append((o.name, attrs, groups, tuple(str(v.type) for v in o.results)))
            where.update({v: (k, j) for j, v in enumerate(o.results)})
        functions.append((fn.kind, fn.name, tuple(str(a.type) for a in fn.args),
                          tuple(map(str, fn.result_types)), _canonical(fn.attrs), tuple(ops)))
    return module.name, tuple(functions)


def _kernel_text(*body: str, args: str = "%params: tensor<1xf64>", results: str = "f64") -> str:
    lines = "\n".join("    " + line for line in body)
    return f"module @m {{\n  kernel @m({args}) -> ({results}) {{\n{lines}\n  }}\n}}\n"


GOOD_BODY = (
    "%q0 = q.alloc {wires = 1} : !q.qubit",
    "%p0 = tensor.extract {index = [0]} (%params) : f64",
    '%q1 = q.gate {gate = "RX"} (%p0), (%q0) : !q.qubit',
    '%obs = q.obs {words = ["Z0"]} (), (%q1) : !q.obs',
    "%e = q.expval (%obs) : f64",
    "return (%e)",
)
GOOD = _kernel_text(*GOOD_BODY)


def _with_line(index: int, line: str) -> str:
    """GOOD with body line `index` replaced; body line i is text line i + 3."""
    body = list(GOOD_BODY)
    body[index] = line
    return _kernel_text(*body)


def _constant_module(value: Any, type_) -> Module:
    out = Value(type_, "c")
    fn = Function("func", "m", (), (type_,), (Constant(value=value, out=out), Return(values=(out,))))
    return Module("m", (fn,))


def _round_trip(module: Module) -> Module:
    return parse_module(print_module(module))


# --- round trips -------------------------------------------------------------------------


def test_printer_writes_the_generic_op_syntax():
    assert print_module(parse_module(GOOD)) == GOOD


@given(kernels())
def test_printer_parser_round_trip_text_of_random_kernels(drawn):
    text = print_module(drawn[0])
    assert print_module(parse_module(text)) == text


@given(host_modules())
def test_printer_parser_round_trip_text_of_random_host_modules(drawn):
    text = print_module(drawn[0])
    assert print_module(parse_module(text)) == text


@given(kernels())
def test_parser_rebuilds_the_structure_of_random_kernels(drawn):
    assert _structure(_round_trip(drawn[0])) == _structure(drawn[0])


@given(host_modules())
def test_parser_rebuilds_the_structure_of_random_host_modules(drawn):
    assert _structure(_round_trip(drawn[0])) == _structure(drawn[0])


@given(host_modules())
def test_parser_output_of_a_verified_module_verifies(drawn):
    verify(_round_trip(drawn[0]))


@given(st.floats(allow_nan=True, allow_infinity=True))
@example(-0.0)
@example(1e-300)
@example(5e-324)
@example(math.inf)
@example(-math.inf)
@example(math.nan)
@example(0.1 + 0.2)
@example(1.7976931348623157e308)
def test_printer_parser_round_trip_f64_constant_exactly(x):
    value = _round_trip(_constant_module(x, F64)).functions[0].body[0].value
    assert type(value) is float
    if math.isnan(x):
        assert math.isnan(value)
    else:
        assert value.hex() == x.hex()


@given(st.complex_numbers(allow_nan=True, allow_infinity=True))
@example(complex(-0.0, -0.0))
@example(complex(1e-05, -2e-05))
@example(complex(-math.inf, math.nan))
@example(complex(1e300, 1e-300))
def test_printer_parser_round_trip_c128_constant_exactly(z):
    value = _round_trip(_constant_module(z, C128)).functions[0].body[0].value
    assert _canonical(value) == _canonical(_constant_module(z, C128).functions[0].body[0].value)


def test_printer_parser_round_trip_complex_tensor_constant_exactly():
    matrix = np.array([[-0.0 + 1e-300j, math.inf - 1j], [complex(math.nan, -0.0), 0.1 + 0.2j]])
    module = _constant_module(matrix, tensor(2, 2, element=C128))
    value = _round_trip(module).functions[0].body[0].value
    assert value.dtype == np.complex128 and value.shape == (2, 2)
    assert _canonical(value) == _canonical(module.functions[0].body[0].value)


def _op_with_string(text: str) -> Module:
    """A module whose only free-form string is a `q.gate`'s name (printed, never verified)."""
    q, out = Value(QUBIT, "a"), Value(QUBIT, "b")
    body = (Alloc(wires=1, out=(q,)), Gate(gate=text, params=(), qubits=(q,), out=(out,)),
            Return(values=()))
    return Module("m", (Function("kernel", "m", (), (), body),))


@given(st.text())
@example('say "hi"')
@example("back\\slash \\n \\\" end\\")
@example("ünïcødé ψ 😀 \u2028")
@example("line\nbreak\ttab\x00nul")
@example("a // not a comment")
def test_printer_parser_round_trip_string_attribute(note):
    assert _round_trip(_op_with_string(note)).functions[0].body[1].gate == note


def test_printer_parser_round_trip_sampling_kernel():
    b = KernelBuilder("k", 2, 1, shots=25)
    b.gate("RY", [1], [b.param(0)])
    outputs = [b.bits([1, 0]), b.sample(b.hermitian(np.diag([1.5, -0.5]), [0]))]
    text = print_module(Module("k", (b.build(outputs),)))
    assert "attributes {shots = 25}" in text and "tensor<25x2xi64>" in text
    assert print_module(parse_module(text)) == text


def test_printer_keeps_string_attribute_on_one_line():
    text = print_module(_op_with_string('a "b"\nc\\'))
    assert text.splitlines()[3] == '    %b = q.gate {gate = "a \\"b\\"\\nc\\\\"} (), (%a) : !q.qubit'


# --- default attributes ------------------------------------------------------------------


def _gate_module(gate: str = "CNOT", **gate_fields: Any) -> Module:
    q = [Value(QUBIT, "a"), Value(QUBIT, "b")]
    out = [Value(QUBIT, "c"), Value(QUBIT, "d")]
    body = (Alloc(wires=2, out=tuple(q)),
            Gate(gate=gate, params=(), qubits=tuple(q), out=tuple(out), **gate_fields),
            Return(values=()))
    return Module("m", (Function("kernel", "m", (), (), body),))


def test_printer_omits_attributes_equal_to_their_default():
    line = print_module(_gate_module()).splitlines()[3]
    assert line == '    %c, %d = q.gate {gate = "CNOT"} (), (%a, %b) : !q.qubit, !q.qubit'


def test_printer_writes_attributes_that_differ_from_their_default():
    line = print_module(_gate_module("S", adjoint=True, ctrl=(False,))).splitlines()[3]
    assert '{gate = "S", adjoint = true, ctrl = [false]}' in line


def test_parser_fills_in_omitted_default_attributes():
    gate = parse_module(GOOD).functions[0].body[2]
    assert gate.adjoint is False and gate.ctrl == ()


def test_parser_normalises_explicit_default_attributes_away():
    text = _with_line(2, '%q1 = q.gate {gate = "RX", adjoint = false, ctrl = []} (%p0), (%q0) : !q.qubit')
    assert print_module(parse_module(text)) == GOOD


# --- value names ---------------------------------------------------------------------------


def _printed_names(hints: list[str | None]) -> list[str]:
    values = [Value(F64, h) for h in hints]
    body = tuple(Constant(value=1.0, out=v) for v in values) + (Return(values=()),)
    text = print_module(Module("m", (Function("func", "m", (), (), body),)))
    return [line.split(" = ")[0].strip() for line in text.splitlines()[2:-3]]


def test_printer_makes_repeated_name_hints_unique():
    assert _printed_names(["x", "x", "x", "x_1"]) == ["%x", "%x_1", "%x_2", "%x_1_1"]


def test_printer_numbers_unnamed_values_and_invalid_hints():
    assert _printed_names([None, "a b", "ψ", None]) == ["%0", "%1", "%2", "%3"]


def test_printer_numbers_around_numeric_hints():
    assert _printed_names(["0", None, "2", None]) == ["%0", "%1", "%2", "%3"]
    assert _printed_names([None, "0", "x.y"]) == ["%0", "%0_1", "%x.y"]


def test_printer_names_values_per_function():
    fns = []
    for name in ("f", "m"):
        v = Value(F64, "x")
        fns.append(Function("func", name, (v,), (F64,), (Return(values=(v,)),)))
    text = print_module(Module("m", tuple(fns)))
    assert text.count("(%x: f64)") == 2 and "%x_1" not in text


def test_parser_ignores_comments():
    text = GOOD.replace("return (%e)", "return (%e)  // the result\n    // a whole-line comment")
    assert print_module(parse_module(text)) == GOOD


# --- parse errors --------------------------------------------------------------------------


def _parse_error(text: str) -> IRParseError:
    with pytest.raises(IRParseError) as info:
        parse_module(text)
    return info.value


def test_parse_error_is_a_kettle_error():
    assert kettle.IRParseError is IRParseError
    assert issubclass(kettle.IRParseError, kettle.KettleError)


def test_parse_error_syntax_reports_the_unexpected_token():
    error = _parse_error(_with_line(5, "return (%e"))
    assert (error.line, error.column) == (9, 3)  # the closing brace on the next line
    assert "unexpected '}'" in str(error) and "line 9, column 3" in str(error)


def test_parse_error_unexpected_character():
    error = _parse_error(_with_line(4, "%e = q.expval (%obs) : f64 $"))
    assert (error.line, error.column) == (7, 32)
    assert "unexpected character '$'" in str(error)


def test_parse_error_truncated_input():
    error = _parse_error(GOOD[: GOOD.index("return")])
    assert "end of input" in str(error) and error.line is not None


def test_parse_error_unknown_op():
    error = _parse_error(_with_line(4, "%e = q.expectation (%obs) : f64"))
    assert (error.line, error.column) == (7, 10)
    assert "unknown op `q.expectation`" in str(error)


def test_parse_error_unknown_attribute_points_at_the_attribute():
    error = _parse_error(_with_line(2, '%q1 = q.gate {gate = "RX", bogus = 1} (%p0), (%q0) : !q.qubit'))
    assert (error.line, error.column) == (5, 32)
    assert "no attribute 'bogus'" in str(error)


def test_parse_error_attribute_given_twice():
    error = _parse_error(_with_line(2, '%q1 = q.gate {gate = "RX", gate = "RY"} (%p0), (%q0) : !q.qubit'))
    assert (error.line, error.column) == (5, 32)
    assert "attribute 'gate' is given twice" in str(error)


def test_parse_error_function_attribute_given_twice():
    text = GOOD.replace("-> (f64) {", "-> (f64) attributes {shots = 1, shots = 2} {")
    error = _parse_error(text)
    assert (error.line, error.column) == (2, 69)
    assert "attribute 'shots' is given twice" in str(error)


def test_parse_error_missing_required_attribute():
    error = _parse_error(_with_line(2, "%q1 = q.gate (%p0), (%q0) : !q.qubit"))
    assert (error.line, error.column) == (5, 11)
    assert "'gate'" in str(error)


def test_parse_error_value_used_before_definition():
    error = _parse_error(_with_line(2, '%q1 = q.gate {gate = "RX"} (%p0), (%q9) : !q.qubit'))
    assert (error.line, error.column) == (5, 40)
    assert "%q9 is used before it is defined" in str(error)


def test_parse_error_value_used_by_its_own_definition():
    error = _parse_error(_with_line(2, '%q1 = q.gate {gate = "RX"} (%p0), (%q1) : !q.qubit'))
    assert (error.line, error.column) == (5, 40)


def test_parse_error_value_defined_twice():
    error = _parse_error(_with_line(2, '%q0 = q.gate {gate = "RX"} (%p0), (%q0) : !q.qubit'))
    assert (error.line, error.column) == (5, 5)
    assert "%q0 is defined twice" in str(error)


def test_parse_error_argument_defined_twice():
    error = _parse_error(_kernel_text("return ()", args="%a: f64, %a: f64", results=""))
    assert (error.line, error.column) == (2, 22)


def test_parse_error_more_types_than_results():
    error = _parse_error(_with_line(2, '%q1 = q.gate {gate = "RX"} (%p0), (%q0) : !q.qubit, !q.qubit'))
    assert (error.line, error.column) == (5, 11)
    assert "names 1 result(s) but gives 2 type(s)" in str(error)


def test_parse_error_fewer_types_than_results():
    error = _parse_error(_with_line(0, "%q0, %q5 = q.alloc {wires = 1} : !q.qubit"))
    assert (error.line, error.column) == (3, 16)
    assert "names 2 result(s) but gives 1 type(s)" in str(error)


def test_parse_error_result_count_does_not_fit_the_op():
    error = _parse_error(_with_line(4, "%e, %f = q.expval (%obs) : f64, f64"))
    assert (error.line, error.column) == (7, 14)
    assert "yields 1 result(s), got 2" in str(error)


def test_parse_error_operands_in_one_group_instead_of_two():
    error = _parse_error(_with_line(2, '%q1 = q.gate {gate = "RX"} (%p0, %q0) : !q.qubit'))
    assert (error.line, error.column) == (5, 11)
    assert "takes 2 operand groups (params, qubits), got 1" in str(error)


def test_parse_error_flat_operands_split_into_groups():
    error = _parse_error(_with_line(4, "%e = q.expval (), (%obs) : f64"))
    assert (error.line, error.column) == (7, 10)
    assert "operand(s) in one group" in str(error)


def test_parse_error_single_operand_group_holding_two_values():
    text = _with_line(1, "%p0 = tensor.extract {index = [0]} (%params, %params) : f64")
    error = _parse_error(text)
    assert (error.line, error.column) == (4, 11)


def test_parse_error_bad_type_text():
    error = _parse_error(_with_line(1, "%p0 = tensor.extract {index = [0]} (%params) : f32"))
    assert (error.line, error.column) == (4, 52)
    assert "a type" in str(error)


def test_parse_error_bad_tensor_element_type():
    error = _parse_error(_kernel_text("return ()", args="%a: tensor<2xf32>", results=""))
    assert (error.line, error.column) == (2, 17)


def test_parse_error_constant_value_that_does_not_fit_its_type():
    error = _parse_error(_with_line(1, "%p0 = arith.constant {value = [1.0, 2.0]} : f64"))
    assert (error.line, error.column) == (4, 11)
    assert "arith.constant" in str(error)
