"""Tensor ops at host/kernel boundaries: take a scalar out of a tensor, build one from scalars."""

from __future__ import annotations

from .errors import VerifyError
from .op import Op, attr, op, operand, operands, result
from .types import ANY_TENSOR, NUMBER, TensorType
from .values import Value


@op("tensor.extract")
class Extract(Op):
    """`out = source[index]`, one element of a tensor."""

    index: tuple[int, ...] = attr()
    source: Value = operand(ANY_TENSOR)
    out: Value = result(NUMBER)

    def verify(self) -> None:
        t = self.source.type
        assert isinstance(t, TensorType)
        if len(self.index) != len(t.shape):
            raise VerifyError(f"index {list(self.index)} has {len(self.index)} entries "
                              f"for a rank-{len(t.shape)} tensor")
        for i, d in zip(self.index, t.shape):
            if not 0 <= i < d:
                raise VerifyError(f"index {list(self.index)} is out of bounds for {t}")
        if self.out.type is not t.element and self.out.type != t.element:
            raise VerifyError(f"extracting from {t} yields {t.element}")


@op("tensor.from_elements")
class FromElements(Op):
    """A tensor built from scalars in row-major order."""

    elements: tuple[Value, ...] = operands(NUMBER)
    out: Value = result(ANY_TENSOR)

    def verify(self) -> None:
        t = self.out.type
        assert isinstance(t, TensorType)
        if len(self.elements) != t.size:
            raise VerifyError(f"{t} needs {t.size} elements, got {len(self.elements)}")
        element = t.element
        if not all(e.type is element or e.type == element for e in self.elements):
            raise VerifyError(f"every element must be {t.element}")


@op("tensor.insert")
class Insert(Op):
    """`dest` with the element at `index` replaced by `scalar` (a new tensor)."""

    index: tuple[int, ...] = attr()
    scalar: Value = operand(NUMBER)
    dest: Value = operand(ANY_TENSOR)
    out: Value = result(ANY_TENSOR)

    def verify(self) -> None:
        t = self.dest.type
        assert isinstance(t, TensorType)
        if not (len(self.index) == len(t.shape) and all(0 <= i < d for i, d in zip(self.index, t.shape))):
            raise VerifyError(f"index {list(self.index)} is out of bounds for {t}")
        if self.scalar.type != t.element:
            raise VerifyError(f"inserting into {t} takes a {t.element}")
        if self.out.type != t:
            raise VerifyError(f"the result is a {t} like the destination")
