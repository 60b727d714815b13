"""Attribute types: each op attribute is typed by its annotation, and values are checked against it."""

from __future__ import annotations

from typing import Any

import pytest

from kettle.ir import REGISTRY, Alloc, Call, Constant, Extract, Gate, Op, PauliSum, SymbolRef
from kettle.ir.attributes import attr_type
from kettle.ir.op import attr, op


def _declared(cls: type[Op]) -> dict[str, str]:
    return {spec.name: str(spec.constraint) for spec in cls.ATTRS}


def test_op_attribute_types_come_from_the_annotations():
    assert _declared(Gate) == {"gate": "string", "adjoint": "bool", "ctrl": "[bool, ...]"}
    assert _declared(PauliSum) == {"words": "[string, ...]"}
    assert _declared(Extract) == {"index": "[int, ...]"}
    assert _declared(Call) == {"callee": "@symbol"}
    assert _declared(Constant) == {"value": "any value"}


def test_op_attribute_minimum_bounds_the_int():
    assert _declared(Alloc) == {"wires": "int >= 1"}
    wires = Alloc.ATTRS[0].constraint
    assert wires.check(1) and not wires.check(0)


@pytest.mark.parametrize(("hint", "good", "bad"), [
    (str, "RX", 5),
    (bool, False, 0),
    (int, 3, True),
    (SymbolRef, SymbolRef("k"), "k"),
    (tuple[bool, ...], (True, False), [True]),
    (tuple[str, ...], ("Z0",), ("Z0", 1)),
])
def test_attr_type_checks_values(hint: object, good: object, bad: object):
    kind = attr_type(hint)
    assert kind.check(good)
    assert not kind.check(bad)


def test_attr_type_minimum_applies_to_each_int_of_a_tuple():
    kind = attr_type(tuple[int, ...], minimum=0)
    assert str(kind) == "[int >= 0, ...]"
    assert kind.check((0, 2)) and not kind.check((0, -1))


def test_attr_type_any_accepts_everything():
    assert attr_type(Any).check(object())


@pytest.mark.parametrize("hint", [dict, tuple[int, str], list[int]])
def test_attr_type_rejects_types_the_text_cannot_write(hint: object):
    with pytest.raises(TypeError, match="attribute type"):
        attr_type(hint)


def test_attr_type_rejects_minimum_on_a_non_int():
    with pytest.raises(TypeError, match="`minimum` bounds an int attribute"):
        attr_type(str, minimum=1)


def test_op_rejects_an_attribute_annotation_it_cannot_check():
    with pytest.raises(TypeError, match="test.bad: attribute 'table'"):
        @op("test.bad")
        class Bad(Op):
            table: dict = attr()
    assert "test.bad" not in REGISTRY
