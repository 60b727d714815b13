"""Templates with PennyLane's names, parameter shapes and gate order, so the same weights
give the same numbers: AngleEmbedding, BasicEntanglerLayers, StronglyEntanglingLayers."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..ir import ShapeError, TraceError
from .circuit import normalize_wires
from .operations import CNOT, RX, RY, RZ, Rot

_ROTATIONS = {"X": RX, "Y": RY, "Z": RZ}


def _rotation_gate(rotation: Any) -> Any:
    """BasicEntanglerLayers' rotation: a gate class (PennyLane's `rotation=qml.RY`) or its name."""
    if rotation is None:
        return RX
    if isinstance(rotation, str):
        name = rotation.upper().removeprefix("R")
        if name in _ROTATIONS:
            return _ROTATIONS[name]
    elif rotation in (RX, RY, RZ):
        return rotation
    raise TraceError(f"BasicEntanglerLayers: rotation must be kt.RX, kt.RY or kt.RZ (or 'X', 'Y', 'Z'), "
                     f"got {rotation!r}")


def _weights(x: Any, name: str) -> np.ndarray:
    if isinstance(x, np.ndarray):
        return x
    try:
        return np.asarray(x, dtype=object if _has_tracer(x) else float)
    except (TypeError, ValueError):
        raise ShapeError(f"{name}: weights must be an array of numbers, got {x!r}") from None


def _has_tracer(x: Any) -> bool:
    from .tracing import Tracer

    return any(isinstance(e, Tracer) for e in np.asarray(x, dtype=object).flat)


class AngleEmbedding:
    """Encode features as rotation angles: R{rotation}(features[i]) on wires[i]."""

    def __init__(self, features: Any, wires: Any, rotation: str = "X", id: str | None = None):
        wires = normalize_wires(wires, "AngleEmbedding")
        features = _weights(features, "AngleEmbedding")
        if rotation not in _ROTATIONS:
            raise TraceError(f"AngleEmbedding: rotation must be 'X', 'Y' or 'Z', got {rotation!r}")
        if features.ndim != 1 or len(features) > len(wires):
            raise ShapeError(f"AngleEmbedding: features must be a vector of length {len(wires)} or "
                             f"less (one per wire), got shape {features.shape}")
        gate = _ROTATIONS[rotation]
        for i in range(len(features)):
            gate(features[i], wires=wires[i])


class BasicEntanglerLayers:
    """Layers of one-parameter rotations on every wire followed by a ring of CNOTs."""

    def __init__(self, weights: Any, wires: Any = None, rotation: Any = None, id: str | None = None):
        weights = _weights(weights, "BasicEntanglerLayers")
        wires = normalize_wires(wires, "BasicEntanglerLayers")
        rotation = _rotation_gate(rotation)
        if weights.ndim != 2 or weights.shape[1] != len(wires):
            raise ShapeError(f"BasicEntanglerLayers: weights must have shape (n_layers, {len(wires)}) "
                             f"for {len(wires)} wires, got {weights.shape}; see "
                             f"BasicEntanglerLayers.shape(n_layers, n_wires)")
        for layer in weights:
            for i, w in enumerate(wires):
                rotation(layer[i], wires=w)
            if len(wires) == 2:
                CNOT(wires=wires)
            elif len(wires) > 2:
                for i in range(len(wires)):
                    CNOT(wires=[wires[i], wires[(i + 1) % len(wires)]])

    @staticmethod
    def shape(n_layers: int, n_wires: int) -> tuple[int, int]:
        return n_layers, n_wires


class StronglyEntanglingLayers:
    """Layers of Rot on every wire followed by imprimitive gates wire i -> i + range (mod n)."""

    def __init__(self, weights: Any, wires: Any, ranges: Any = None, imprimitive: Any = None,
                 id: str | None = None):
        weights = _weights(weights, "StronglyEntanglingLayers")
        wires = normalize_wires(wires, "StronglyEntanglingLayers")
        n = len(wires)
        if weights.ndim != 3 or weights.shape[1:] != (n, 3):
            raise ShapeError(f"StronglyEntanglingLayers: weights must have shape (n_layers, {n}, 3) "
                             f"for {n} wires, got {weights.shape}; see "
                             f"StronglyEntanglingLayers.shape(n_layers, n_wires)")
        layers = weights.shape[0]
        ranges = self._ranges(ranges, layers, n)
        imprimitive = imprimitive or CNOT
        for layer in range(layers):
            for i in range(n):
                Rot(weights[layer, i, 0], weights[layer, i, 1], weights[layer, i, 2], wires=wires[i])
            if n > 1:
                for i in range(n):
                    imprimitive(wires=[wires[i], wires[(i + ranges[layer]) % n]])

    @staticmethod
    def _ranges(ranges: Any, layers: int, n: int) -> tuple[int, ...]:
        if ranges is None:
            return tuple((layer % (n - 1)) + 1 for layer in range(layers)) if n > 1 else (0,) * layers
        ranges = tuple(int(r) for r in ranges)
        if len(ranges) != layers:
            raise ShapeError(f"StronglyEntanglingLayers: ranges must have one entry per layer "
                             f"({layers}), got {len(ranges)}")
        if n > 1 and any(r >= n or r % n == 0 for r in ranges):
            raise ShapeError(f"StronglyEntanglingLayers: each range must be nonzero and smaller than "
                             f"the number of wires ({n}), as in PennyLane; got {list(ranges)}")
        return ranges

    @staticmethod
    def shape(n_layers: int, n_wires: int) -> tuple[int, int, int]:
        return n_layers, n_wires, 3
