"""kettle: a compiler toolchain for differentiable quantum programs.

Write a circuit as a plain Python function, decorate it with `kt.qjit(wires=...)`, and
call it: it is traced to a typed IR, compiled for a Numba statevector simulator, and
cached. This module only re-exports the public API.
"""

from .frontend import (
    CNOT,
    CRX,
    CRY,
    CRZ,
    CSWAP,
    CY,
    CZ,
    ISWAP,
    QJIT,
    RX,
    RY,
    RZ,
    SWAP,
    SX,
    U3,
    AngleEmbedding,
    BasicEntanglerLayers,
    ControlledPhaseShift,
    CRot,
    H,
    Hadamard,
    Hamiltonian,
    Hermitian,
    I,
    Identity,
    IsingXX,
    IsingYY,
    IsingZZ,
    MultiRZ,
    Observable,
    Operation,
    PauliX,
    PauliY,
    PauliZ,
    PhaseShift,
    QubitUnitary,
    Rot,
    S,
    StronglyEntanglingLayers,
    T,
    Toffoli,
    X,
    Y,
    Z,
    adjoint,
    counts,
    ctrl,
    expval,
    probs,
    qjit,
    sample,
    state,
    var,
)
from .ir import (
    BackendError,
    IRParseError,
    KettleError,
    MeasurementError,
    Module,
    ShapeError,
    TraceError,
    VerifyError,
    WireError,
    parse_module,
    verify,
)
from .runtime.inspection import draw, specs

__version__ = "0.1.0"

__all__ = [
    "CNOT", "CRX", "CRY", "CRZ", "CSWAP", "CY", "CZ", "ISWAP", "QJIT", "RX", "RY", "RZ", "SWAP",
    "SX", "U3", "AngleEmbedding", "BackendError", "BasicEntanglerLayers", "ControlledPhaseShift",
    "CRot", "H", "Hadamard", "Hamiltonian", "Hermitian", "I", "IRParseError", "Identity",
    "IsingXX", "IsingYY", "IsingZZ", "KettleError", "MeasurementError", "Module", "MultiRZ",
    "Observable", "Operation", "PauliX", "PauliY", "PauliZ", "PhaseShift", "QubitUnitary", "Rot",
    "S", "ShapeError", "StronglyEntanglingLayers", "T", "Toffoli", "TraceError", "VerifyError",
    "WireError", "X", "Y", "Z", "__version__", "adjoint", "counts", "ctrl", "draw", "expval",
    "parse_module", "probs", "qjit", "sample", "specs", "state", "var", "verify",
]
