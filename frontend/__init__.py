"""Tracing: the decorator, tracers, gates, observables, measurements, templates, transforms.

The gate classes (RX, CNOT, ..., and the aliases H, X, Y, Z, I) are generated from the
gate table, so they are re-exported from `GATE_CLASSES` rather than listed here.
"""

from .autodiff import grad, jacobian, value_and_grad
from .from_qasm import QasmFunction, from_qasm
from .measurements import counts, expval, probs, sample, state, var
from .observables import Hamiltonian, Hermitian, Observable
from .operations import GATE_CLASSES, Operation, QubitUnitary
from .optimizers import AdamOptimizer, GradientDescentOptimizer
from .qjit import QJIT, qjit
from .templates import AngleEmbedding, BasicEntanglerLayers, StronglyEntanglingLayers
from .transforms import adjoint, ctrl

globals().update(GATE_CLASSES)

__all__ = [
    *GATE_CLASSES, "AdamOptimizer", "AngleEmbedding", "BasicEntanglerLayers", "GATE_CLASSES",
    "GradientDescentOptimizer", "Hamiltonian", "Hermitian", "Observable", "Operation", "QJIT",
    "QubitUnitary", "StronglyEntanglingLayers",
    "adjoint", "counts", "ctrl", "expval", "grad", "jacobian", "probs", "qjit", "sample", "state",
    "value_and_grad", "var", "QasmFunction", "from_qasm",
]
