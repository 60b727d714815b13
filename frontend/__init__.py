"""Tracing: the decorator, tracers, gates, observables, measurements, templates, transforms."""

from .measurements import counts, expval, probs, sample, state, var
from .observables import Hamiltonian, Hermitian, Observable
from .operations import (
    CNOT,
    CRX,
    CRY,
    CRZ,
    CSWAP,
    CY,
    CZ,
    ISWAP,
    RX,
    RY,
    RZ,
    SWAP,
    SX,
    U3,
    ControlledPhaseShift,
    CRot,
    H,
    Hadamard,
    I,
    Identity,
    IsingXX,
    IsingYY,
    IsingZZ,
    MultiRZ,
    Operation,
    PauliX,
    PauliY,
    PauliZ,
    PhaseShift,
    QubitUnitary,
    Rot,
    S,
    T,
    Toffoli,
    X,
    Y,
    Z,
)
from .qjit import QJIT, qjit
from .templates import AngleEmbedding, BasicEntanglerLayers, StronglyEntanglingLayers
from .transforms import adjoint, ctrl

__all__ = [
    "CNOT", "CRX", "CRY", "CRZ", "CSWAP", "CY", "CZ", "ISWAP", "RX", "RY", "RZ", "SWAP", "SX", "U3",
    "AngleEmbedding", "BasicEntanglerLayers", "ControlledPhaseShift", "CRot", "H", "Hadamard",
    "Hamiltonian", "Hermitian", "I", "Identity", "IsingXX", "IsingYY", "IsingZZ", "MultiRZ",
    "Observable", "Operation", "PauliX", "PauliY", "PauliZ", "PhaseShift", "QJIT", "QubitUnitary",
    "Rot", "S", "StronglyEntanglingLayers", "T", "Toffoli", "X", "Y", "Z", "adjoint", "counts",
    "ctrl", "expval", "probs", "qjit", "sample", "state", "var",
]
