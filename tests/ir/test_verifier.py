"""The verifier rejects each broken invariant with a message naming the function, op index and mistake.

Every bad module is a one-line edit of a good one (in text, or with `dataclasses.replace`
where the parser would already refuse the text), so each test breaks exactly one rule.
"""

from __future__ import annotations

import dataclasses

import pytest

from kettle.ir import F64, Module, Return, Value, VerifyError, parse_module, verify
from kettle.ir.builder import KernelBuilder

GOOD = """\
module @m {
  kernel @k(%params: tensor<2xf64>) -> (f64, tensor<4xf64>) {
    %q0, %q1 = q.alloc {wires = 2} : !q.qubit, !q.qubit
    %p0 = tensor.extract {index = [0]} (%params) : f64
    %p1 = tensor.extract {index = [1]} (%params) : f64
    %q2 = q.gate {gate = "RX"} (%p0), (%q0) : !q.qubit
    %q3, %q4 = q.gate {gate = "CNOT"} (), (%q2, %q1) : !q.qubit, !q.qubit
    %obs = q.obs {words = ["Z0 Z1"]} (%p1), (%q3, %q4) : !q.obs
    %e = q.expval (%obs) : f64
    %pr = q.probs (%q3, %q4) : tensor<4xf64>
    return (%e, %pr)
  }
  func @m(%x: f64, %y: f64) -> (f64) {
    %c = arith.constant {value = 2.0} : f64
    %a = arith.mulf (%x, %c) : f64
    %p = tensor.from_elements (%a, %y) : tensor<2xf64>
    %e, %pr = q.call {callee = @k} (%p) : f64, tensor<4xf64>
    return (%e)
  }
}
"""
# Op indices in @k: 0 alloc, 1-2 extract, 3 RX, 4 CNOT, 5 obs, 6 expval, 7 probs, 8 return.
# Op indices in @m: 0 constant, 1 mulf, 2 from_elements, 3 call, 4 return.


def _edit(old: str, new: str) -> Module:
    assert GOOD.count(old) == 1, old
    return parse_module(GOOD.replace(old, new))


def _insert_before(anchor: str, line: str) -> Module:
    """GOOD with `line` inserted as a new op before the (unique) line starting with `anchor`."""
    return _edit("    " + anchor, f"    {line}\n    {anchor}")


def _rejects(module: Module, where: str, mistake: str) -> str:
    """Assert verify(module) fails at `where` (`@fn, op #i`) with `mistake` in the message."""
    with pytest.raises(VerifyError) as info:
        verify(module)
    message = str(info.value)
    assert message.startswith(where + " (`"), message
    assert mistake in message, message
    return message


def test_verifier_accepts_the_good_module():
    module = parse_module(GOOD)
    assert verify(module) is module


def test_verifier_message_quotes_the_op():
    message = _rejects(_edit("(%q2, %q1)", "(%q0, %q1)"), "@k, op #4", "consumed twice")
    assert '(`%q3, %q4 = q.gate {gate = "CNOT"} (), (%q0, %q1) : !q.qubit, !q.qubit`)' in message


def test_verifier_rejects_qubit_consumed_twice():
    _rejects(_edit("(%q2, %q1)", "(%q0, %q1)"), "@k, op #4",
             "qubit %q0 is consumed twice (qubits are linear)")


def test_verifier_rejects_qubit_twice_in_one_gate():
    _rejects(_edit("(%q2, %q1)", "(%q2, %q2)"), "@k, op #4", "qubit %q2 is consumed twice")


def test_verifier_rejects_qubit_consumed_after_a_measurement_read_it():
    module = _insert_before("return (%e, %pr)", '%q5 = q.gate {gate = "PauliX"} (), (%q3) : !q.qubit')
    _rejects(module, "@k, op #8", "qubit %q3 is consumed after a measurement read it")


def test_verifier_rejects_measurement_of_a_consumed_qubit():
    _rejects(_edit("q.probs (%q3, %q4)", "q.probs (%q2, %q4)"), "@k, op #7",
             "qubit %q2 was already consumed by a gate")


def test_verifier_rejects_wrong_parameter_count():
    _rejects(_edit('{gate = "RX"} (%p0), (%q0)', '{gate = "RX"} (), (%q0)'), "@k, op #3",
             "RX takes 1 parameter(s), got 0")


def test_verifier_rejects_wrong_wire_count():
    module = _edit('%q3, %q4 = q.gate {gate = "CNOT"} (), (%q2, %q1) : !q.qubit, !q.qubit',
                   '%q3, %q4 = q.gate {gate = "RY"} (%p1), (%q2, %q1) : !q.qubit, !q.qubit')
    _rejects(module, "@k, op #4", "RY acts on 1 wire(s), got 2")


def test_verifier_rejects_controls_leaving_no_target():
    module = _edit('{gate = "CNOT"} (), (%q2, %q1)', '{gate = "PauliX", ctrl = [true, true]} (), (%q2, %q1)')
    _rejects(module, "@k, op #4", "PauliX acts on 1 wire(s), got 0")


def test_verifier_rejects_unknown_gate():
    _rejects(_edit('{gate = "RX"}', '{gate = "Frobnicate"}'), "@k, op #3", "unknown gate 'Frobnicate'")


def test_verifier_rejects_alias_as_gate_name():
    # Aliases are resolved by the frontend; the IR only knows canonical names.
    _rejects(_edit('{gate = "CNOT"} (), (%q2, %q1)', '{gate = "X", ctrl = [true]} (), (%q2, %q1)'),
             "@k, op #4", "unknown gate 'X'")


def test_verifier_rejects_value_used_before_definition():
    module = parse_module(GOOD)
    kernel = module["k"]
    body = list(kernel.body)
    body[1], body[3] = body[3], body[1]  # RX(%p0) now comes before %p0 = tensor.extract
    bad = module.with_function(dataclasses.replace(kernel, body=tuple(body)))
    _rejects(bad, "@k, op #1", "uses %p0 before it is defined")


def test_verifier_rejects_value_defined_twice():
    module = parse_module(GOOD)
    host = module["m"]
    body = list(host.body)
    body[1] = dataclasses.replace(body[1], out=body[0].out)  # %a's op now redefines %c
    _rejects(module.with_function(dataclasses.replace(host, body=tuple(body))), "@m, op #1",
             "redefines %c")


def test_verifier_rejects_operand_type_mismatch():
    _rejects(_edit("{value = 2.0} : f64", "{value = 2} : i64"), "@m, op #1",
             "operand 'rhs' must be f64, got i64")


def test_verifier_rejects_result_type_mismatch():
    _rejects(_edit("%a = arith.mulf (%x, %c) : f64", "%a = arith.mulf (%x, %c) : i64"), "@m, op #1",
             "result 'out' must be f64, got i64")


def test_verifier_rejects_return_types_that_differ_from_the_signature():
    _rejects(_edit("func @m(%x: f64, %y: f64) -> (f64)", "func @m(%x: f64, %y: f64) -> (f64, f64)"),
             "@m, op #4", "returns (f64) but the signature says (f64, f64)")


def test_verifier_rejects_call_of_unknown_function():
    _rejects(_edit("callee = @k", "callee = @nope"), "@m, op #3", "calls unknown function @nope")


def test_verifier_rejects_call_of_a_host_function():
    _rejects(_edit("callee = @k", "callee = @m"), "@m, op #3", "q.call targets kernels; @m is a func")


def test_verifier_rejects_call_with_wrong_argument_types():
    _rejects(_edit("@k} (%p)", "@k} (%x)"), "@m, op #3", "argument types do not match @k's signature")


def test_verifier_rejects_call_with_wrong_result_types():
    _rejects(_edit("(%p) : f64, tensor<4xf64>", "(%p) : f64, tensor<2xf64>"), "@m, op #3",
             "result types do not match @k's signature")


def _sampling_kernel(shots: int | None, result_shots: int, op: str) -> Module:
    """A kernel whose measurement `op` ("bits" or "sample") yields `result_shots` samples."""
    b = KernelBuilder("k", 1, shots=result_shots)
    out = b.bits([0]) if op == "bits" else b.sample(b.obs(["Z0"], [0]))
    fn = b.build([out])
    attrs = {} if shots is None else {"shots": shots}
    return Module("k", (dataclasses.replace(fn, attrs=attrs),))


def test_verifier_accepts_sampling_with_matching_shots():
    verify(_sampling_kernel(10, 10, "bits"))
    verify(_sampling_kernel(10, 10, "sample"))


def test_verifier_rejects_bits_without_shots():
    _rejects(_sampling_kernel(None, 10, "bits"), "@k, op #1", "shots = None")


def test_verifier_rejects_bits_with_other_shots():
    _rejects(_sampling_kernel(5, 10, "bits"), "@k, op #1", "sampling needs the kernel's `shots` "
             "attribute to match the result (tensor<10x1xi64>); shots = 5")


def test_verifier_rejects_sample_without_shots():
    _rejects(_sampling_kernel(None, 10, "sample"), "@k, op #2", "shots = None")


def test_verifier_rejects_sample_with_other_shots():
    _rejects(_sampling_kernel(7, 10, "sample"), "@k, op #2",
             "match the result (tensor<10xf64>); shots = 7")


def test_verifier_rejects_quantum_op_in_a_host_function():
    module = _insert_before("%c = arith.constant", "%q = q.alloc {wires = 1} : !q.qubit")
    _rejects(module, "@m, op #0", "`q.alloc` is not allowed in a func")


def test_verifier_rejects_tensor_building_in_a_kernel():
    module = _insert_before("%q2 = q.gate", "%z = tensor.from_elements (%p0, %p1) : tensor<2xf64>")
    _rejects(module, "@k, op #3", "`tensor.from_elements` is not allowed in a kernel")


def test_verifier_accepts_scalar_arithmetic_of_gate_angles_in_a_kernel():
    """Decomposition passes compute angles (p / 2, p + q) in the kernel: the parameters stay
    the kernel's, and every backend runs the arith ops."""
    module = _edit('%q2 = q.gate {gate = "RX"} (%p0), (%q0) : !q.qubit',
                   '%z = arith.addf (%p0, %p1) : f64\n    %s = math.sin (%z) : f64\n'
                   '    %q2 = q.gate {gate = "RX"} (%s), (%q0) : !q.qubit')
    assert verify(module) is module


def test_verifier_rejects_call_inside_a_kernel():
    module = _insert_before("%q2 = q.gate", "%z, %zz = q.call {callee = @k} (%params) : f64, tensor<4xf64>")
    _rejects(module, "@k, op #3", "`q.call` is not allowed in a kernel")


def test_verifier_rejects_missing_return():
    _rejects(_edit("    return (%e)\n", ""), "@m, op #3",
             "a function ends with exactly one `return`, as its last op")


def test_verifier_rejects_return_before_the_end():
    _rejects(_insert_before("%p = tensor.from_elements", "return (%a)"), "@m, op #2",
             "a function ends with exactly one `return`, as its last op")


def test_verifier_rejects_empty_function_body():
    module = parse_module(GOOD)
    host = dataclasses.replace(module["m"], body=(), result_types=())
    with pytest.raises(VerifyError, match="@m: .*`return`"):
        verify(module.with_function(host))


def test_verifier_rejects_second_alloc():
    module = _insert_before("%p0 = tensor.extract", "%q9 = q.alloc {wires = 1} : !q.qubit")
    _rejects(module, "@k, op #1", "a kernel allocates its qubits once")


def test_verifier_rejects_missing_entry_function():
    module = parse_module(GOOD.replace("module @m", "module @main"))
    with pytest.raises(VerifyError, match="^module @main has no entry function @main$"):
        verify(module)


def test_verifier_rejects_duplicate_function():
    module = parse_module(GOOD)
    doubled = dataclasses.replace(module, functions=(*module.functions, module["k"]))
    with pytest.raises(VerifyError, match="^module @m: function @k is defined twice$"):
        verify(doubled)


def test_verifier_rejects_bad_pauli_letter():
    _rejects(_edit('["Z0 Z1"]', '["Z0 W1"]'), "@k, op #5", "bad Pauli factor 'W1' in 'Z0 W1'")


def test_verifier_rejects_pauli_word_naming_an_index_twice():
    _rejects(_edit('["Z0 Z1"]', '["Z0 X0"]'), "@k, op #5", "Pauli word 'Z0 X0' names an index twice")


def test_verifier_rejects_pauli_word_past_its_qubits():
    _rejects(_edit('["Z0 Z1"]', '["Z0 Z2"]'), "@k, op #5", "word 'Z0 Z2' indexes past the 2 qubit operand(s)")


def test_verifier_rejects_coefficient_count_mismatch():
    _rejects(_edit('["Z0 Z1"]} (%p1)', '["Z0 Z1", "X0"]} (%p1)'), "@k, op #5",
             "2 terms but 1 coefficients")


def test_verifier_rejects_probs_of_the_wrong_size():
    _rejects(_edit("%pr = q.probs (%q3, %q4) : tensor<4xf64>", "%pr = q.probs (%q3, %q4) : tensor<8xf64>"),
             "@k, op #7", "probs of 2 qubit(s) is tensor<4xf64>")


def test_verifier_rejects_extract_out_of_bounds():
    _rejects(_edit("{index = [1]}", "{index = [2]}"), "@k, op #2",
             "index [2] is out of bounds for tensor<2xf64>")


def test_verifier_rejects_from_elements_with_the_wrong_count():
    _rejects(_edit("(%a, %y) : tensor<2xf64>", "(%a, %y, %x) : tensor<2xf64>"), "@m, op #2",
             "tensor<2xf64> needs 2 elements, got 3")


def test_verifier_names_unnamed_values():
    # Values without a name hint are still identified (by repr) in messages.
    x = Value(F64)
    fn = dataclasses.replace(parse_module(GOOD)["m"], body=(Return(values=(x,)),))
    with pytest.raises(VerifyError, match=r"@m, op #0 .*uses Value\("):
        verify(parse_module(GOOD).with_function(fn))


KERNEL_HEAD = "kernel @k(%params: tensor<2xf64>) -> (f64, tensor<4xf64>) {"


@pytest.mark.parametrize(("old", "new", "where", "mistake"), [
    ('["Z0 Z1"]', "[1]", "@k, op #5", "attribute 'words' expects [string, ...], got [1]"),
    ("callee = @k", 'callee = "k"', "@m, op #3", "attribute 'callee' expects @symbol, got \"k\""),
    ("{index = [1]}", "{index = 1}", "@k, op #2", "attribute 'index' expects [int, ...], got 1"),
    ("{index = [1]}", "{index = [1.0]}", "@k, op #2", "attribute 'index' expects [int, ...], got [1.0]"),
    ('{gate = "CNOT"}', '{gate = "CNOT", ctrl = 1}', "@k, op #4",
     "attribute 'ctrl' expects [bool, ...], got 1"),
    ('{gate = "CNOT"}', '{gate = "CNOT", ctrl = [1]}', "@k, op #4",
     "attribute 'ctrl' expects [bool, ...], got [1]"),
    ('{gate = "RX"}', '{gate = "RX", adjoint = 3}', "@k, op #3", "attribute 'adjoint' expects bool, got 3"),
    ('{gate = "RX"}', "{gate = 5}", "@k, op #3", "attribute 'gate' expects string, got 5"),
    ("{wires = 2}", "{wires = -1}", "@k, op #0", "attribute 'wires' expects int >= 1, got -1"),
    ("{wires = 2}", "{wires = true}", "@k, op #0", "attribute 'wires' expects int >= 1, got true"),
])
def test_verifier_rejects_attribute_of_the_wrong_type(old: str, new: str, where: str, mistake: str):
    _rejects(_edit(old, new), where, mistake)


def test_verifier_attribute_message_quotes_the_op():
    message = _rejects(_edit("{index = [1]}", "{index = 1}"), "@k, op #2", "attribute 'index'")
    assert message == ("@k, op #2 (`%p1 = tensor.extract {index = 1} (%params) : f64`): "
                       "attribute 'index' expects [int, ...], got 1")


@pytest.mark.parametrize("shots", ['"x"', "3.0", "-3", "0", "true"])
def test_verifier_rejects_kernel_shots_that_are_not_a_positive_int(shots: str):
    module = _edit(KERNEL_HEAD, KERNEL_HEAD.replace(" {", f" attributes {{shots = {shots}}} {{"))
    with pytest.raises(VerifyError) as info:
        verify(module)
    assert str(info.value) == f"@k: attribute 'shots' expects int >= 1, got {shots}"


def test_verifier_accepts_kernel_shots_on_a_kernel_without_sampling():
    verify(_edit(KERNEL_HEAD, KERNEL_HEAD.replace(" {", " attributes {shots = 3} {")))


_IDENTITY_4 = "[" + ", ".join(
    "[" + ", ".join("1.0" if i == j else "0.0" for j in range(4)) + "]" for i in range(4)) + "]"
_READERS = {  # each reads `{qubits}`, inserted before the kernel's return (after op #7)
    "q.probs": ["%r = q.probs ({qubits}) : tensor<4xf64>"],
    "q.bits": ["%r = q.bits ({qubits}) : tensor<3x2xi64>"],
    "q.state": ["%r = q.state ({qubits}) : tensor<4xc128>"],
    "q.hermitian": [f"%m = arith.constant {{value = {_IDENTITY_4}}} : tensor<4x4xc128>",
                    "%r = q.hermitian (%m), ({qubits}) : !q.obs"],
}


def _with_reader(name: str, qubits: str) -> Module:
    """GOOD with a shots = 3 kernel and one more reader `name` of `qubits`."""
    text = GOOD.replace(KERNEL_HEAD, KERNEL_HEAD.replace(" {", " attributes {shots = 3} {"))
    lines = "".join("    " + line.replace("{qubits}", qubits) + "\n" for line in _READERS[name])
    return parse_module(text.replace("    return (%e, %pr)", lines + "    return (%e, %pr)"))


@pytest.mark.parametrize("name", sorted(_READERS))
def test_verifier_accepts_reader_of_distinct_qubits(name: str):
    verify(_with_reader(name, "%q3, %q4"))


@pytest.mark.parametrize("name", sorted(_READERS))
def test_verifier_rejects_reader_of_one_qubit_twice(name: str):
    where = f"@k, op #{7 + len(_READERS[name])}"
    _rejects(_with_reader(name, "%q3, %q3"), where, "qubit %q3 appears twice")


@pytest.mark.parametrize("returned, type_", [("%params", "tensor<2xf64>"), ("%p0", "f64")])
def test_verifier_rejects_kernel_returning_what_is_not_a_measurement(returned: str, type_: str):
    """A kernel's results are what it measured; the statevector backend raised KeyError here."""
    text = (GOOD.replace("-> (f64, tensor<4xf64>) {", f"-> (f64, {type_}) {{")
            .replace("return (%e, %pr)", f"return (%e, {returned})")
            .replace("(%p) : f64, tensor<4xf64>", f"(%p) : f64, {type_}"))
    _rejects(parse_module(text), "@k, op #8",
             f"a kernel returns measurement results only, and {returned} is not one")
