"""Scalar arithmetic ops of host (classical) code: `arith.*` and `math.*`.

The frontend traces NumPy arrays element by element, so host arithmetic is scalar `f64`;
tensors only appear at function boundaries (`tensor.extract`, `tensor.from_elements`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import VerifyError
from .op import Op, attr, op, operand, result
from .types import ANY, F64, ScalarType, TensorType
from .values import Value


@op("arith.constant")
class Constant(Op):
    """A compile-time constant: a scalar, or a tensor stored as a read-only ndarray."""

    value: Any = attr()
    out: Value = result(ANY)

    def __post_init__(self) -> None:
        t = self.out.type
        if isinstance(t, TensorType):
            array = np.array(self.value, dtype=_NUMPY_DTYPES[t.element.name])
            array.setflags(write=False)
            object.__setattr__(self, "value", array)
        elif isinstance(t, ScalarType):
            object.__setattr__(self, "value", _SCALAR_CASTS[t.name](self.value))

    def verify(self) -> None:
        t = self.out.type
        if not isinstance(t, (ScalarType, TensorType)):
            raise VerifyError("a constant must be a scalar or tensor")
        if isinstance(t, TensorType):
            if self.value.shape != t.shape:
                raise VerifyError(f"value of shape {self.value.shape} for {t}")


_NUMPY_DTYPES = {"f64": np.float64, "i64": np.int64, "i1": np.bool_, "c128": np.complex128}
_SCALAR_CASTS = {"f64": float, "i64": int, "i1": bool, "c128": complex}


class BinaryOp(Op):
    """`out = lhs <op> rhs` on f64 scalars."""

    __slots__ = ()


class UnaryOp(Op):
    """`out = f(x)` on an f64 scalar."""

    __slots__ = ()


def _binary(name: str, doc: str) -> type[Op]:
    cls = type(name.split(".")[1].capitalize(), (BinaryOp,), {
        "__doc__": doc,
        "__annotations__": {"lhs": "Value", "rhs": "Value", "out": "Value"},
        "lhs": operand(F64), "rhs": operand(F64), "out": result(F64),
    })
    return op(name)(cls)


def _unary(name: str, doc: str) -> type[Op]:
    cls = type(name.replace(".", "_").title().replace("_", ""), (UnaryOp,), {
        "__doc__": doc,
        "__annotations__": {"x": "Value", "out": "Value"},
        "x": operand(F64), "out": result(F64),
    })
    return op(name)(cls)


# name -> NumPy function: the single table host backends and the reference read.
BINARY_FUNCTIONS = {
    "arith.addf": np.add,
    "arith.subf": np.subtract,
    "arith.mulf": np.multiply,
    "arith.divf": np.divide,
    "arith.powf": np.power,
}
UNARY_FUNCTIONS = {
    "arith.negf": np.negative,
    "math.sin": np.sin,
    "math.cos": np.cos,
    "math.tan": np.tan,
    "math.exp": np.exp,
    "math.log": np.log,
    "math.sqrt": np.sqrt,
    "math.atan": np.arctan,
    "math.acos": np.arccos,
    "math.asin": np.arcsin,
    "math.tanh": np.tanh,
    "math.absf": np.abs,
    "math.sign": np.sign,
}
BINARY_OPS = {name: _binary(name, f"`{name}`: elementwise {fn.__name__}.")
              for name, fn in BINARY_FUNCTIONS.items()}
UNARY_OPS = {name: _unary(name, f"`{name}`: {fn.__name__}.")
             for name, fn in UNARY_FUNCTIONS.items()}
