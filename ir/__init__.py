"""The typed SSA IR: types, values, ops, functions, modules, verifier, printer, parser.

`ir/` imports nothing else of kettle: it is the contract between the frontend, the passes
and the backends.
"""

from . import registry  # noqa: F401  (registers every op)
from .arith import BINARY_OPS, UNARY_OPS, Constant
from .attributes import SymbolRef
from .errors import (
    BackendError,
    IRParseError,
    KettleError,
    MeasurementError,
    QasmError,
    ResourceError,
    ShapeError,
    TraceError,
    VerifyError,
    WireError,
)
from .function import Function, Module, Return
from .gate_spec import GateSpec
from .gates import ALIASES, GATES
from .op import REGISTRY, Op
from .parser import parse_module, parse_type
from .printer import print_function, print_module
from .quantum import (
    VJP,
    Alloc,
    Bits,
    Call,
    Expval,
    Gate,
    Hermitian,
    PauliSum,
    Probs,
    Sample,
    State,
    Unitary,
    Var,
)
from .tensors import Extract, FromElements, Insert
from .types import C128, F64, I1, I64, OBS, QUBIT, ScalarType, TensorType, Type, tensor
from .values import Value
from .verifier import verify

__all__ = [
    "ALIASES", "BINARY_OPS", "GATES", "REGISTRY", "UNARY_OPS",
    "Alloc", "BackendError", "Bits", "C128", "Call", "Constant", "Expval", "Extract", "F64",
    "FromElements", "Function", "Gate", "GateSpec", "Hermitian", "I1", "I64", "IRParseError", "QasmError",
    "KettleError", "MeasurementError", "Module", "OBS", "Op", "PauliSum", "Probs", "QUBIT",
    "ResourceError", "Return", "Sample", "ScalarType", "ShapeError", "State", "SymbolRef", "TensorType",
    "TraceError", "Type", "Unitary", "VJP", "Value", "Var", "Insert", "VerifyError", "WireError",
    "parse_module", "parse_type", "print_function", "print_module", "tensor", "verify",
]
