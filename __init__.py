"""kettle: a compiler toolchain for differentiable quantum programs.

Write a circuit as a plain Python function, decorate it with `kt.qjit(wires=...)`, and
call it: it is traced to a typed IR, compiled for a Numba statevector simulator, and
cached. This module only re-exports the public API; the gate classes (RX, CNOT, ...)
come from the gate table through `frontend.GATE_CLASSES`.
"""

from .backends.openqasm.targets import Target
from .frontend import (
    GATE_CLASSES,
    QJIT,
    AdamOptimizer,
    AngleEmbedding,
    BasicEntanglerLayers,
    GradientDescentOptimizer,
    Hamiltonian,
    Hermitian,
    Observable,
    Operation,
    QubitUnitary,
    StronglyEntanglingLayers,
    adjoint,
    counts,
    ctrl,
    expval,
    from_qasm,
    grad,
    jacobian,
    probs,
    qjit,
    sample,
    state,
    value_and_grad,
    var,
)
from .ir import (
    BackendError,
    IRParseError,
    KettleError,
    MeasurementError,
    Module,
    QasmError,
    ResourceError,
    ShapeError,
    TraceError,
    VerifyError,
    WireError,
    parse_module,
    verify,
)
from .runtime.inspection import draw, specs
from .runtime.qasm_batch import QasmBatch, to_qasm_batch
from .runtime.qasm_export import qasm_inputs, to_qasm

globals().update(GATE_CLASSES)

__version__ = "0.1.0"

__all__ = [
    *GATE_CLASSES, "QJIT", "QasmBatch",
    "AdamOptimizer", "AngleEmbedding", "BackendError", "BasicEntanglerLayers",
    "GradientDescentOptimizer", "Hamiltonian", "Hermitian", "IRParseError", "KettleError",
    "MeasurementError", "Module", "Observable",
    "Operation", "QasmError", "QubitUnitary", "ResourceError", "ShapeError", "StronglyEntanglingLayers",
    "Target", "TraceError",
    "VerifyError", "WireError", "__version__", "adjoint", "counts", "ctrl", "draw", "expval", "grad",
    "jacobian",
    "parse_module", "probs", "qasm_inputs", "qjit", "sample", "specs", "state", "to_qasm",
    "to_qasm_batch", "value_and_grad", "var", "verify", "from_qasm",
]
