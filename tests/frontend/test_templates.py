"""Templates against the gate sequences PennyLane documents, built here as dense matrices.

AngleEmbedding: R(features[i]) on wires[i]. BasicEntanglerLayers: per layer, the rotation
on every wire, then CNOT(wires[0], wires[1]) for two wires or a CNOT ring for more.
StronglyEntanglingLayers: per layer, Rot(*weights[l, i]) on every wire, then
imprimitive(wires[i], wires[(i + r_l) % n]) for every i, with r_l = l % (n - 1) + 1 by
default.
"""

from __future__ import annotations

import numpy as np
import pytest
from dense_reference import apply, gate, random_unitary, rot, rx, ry, rz

import kettle as kt

ROTATIONS = {"X": rx, "Y": ry, "Z": rz}
CNOT = gate("CNOT")
CZ = gate("CZ")


def _state(n: int) -> np.ndarray:
    psi = np.zeros(2**n, dtype=complex)
    psi[0] = 1.0
    return psi


def _start(n: int) -> np.ndarray:
    """A random unitary whose first column is the random state every template acts on.

    A generic state, so that no gate of the template can leave it unchanged (|+> is
    invariant under RX and CNOT, |0> under RZ and CNOT).
    """
    return random_unitary(2**n, np.random.default_rng(100 + n))


def _prepared(n: int) -> np.ndarray:
    return _start(n)[:, 0]


def _run(backend: str, n: int, body, *args) -> np.ndarray:
    u = _start(n)

    @kt.qjit(wires=n, backend=backend)
    def circuit(*a):
        kt.QubitUnitary(u, wires=range(n))
        body(*a)
        return kt.state()

    return circuit(*args)


def angle_embedding(psi, features, wires, rotation="X"):
    for f, w in zip(features, wires):
        psi = apply(psi, ROTATIONS[rotation](f), [w])
    return psi


def basic_entangler(psi, weights, wires, rotation=rx):
    n = len(wires)
    for layer in weights:
        for i, w in enumerate(wires):
            psi = apply(psi, rotation(layer[i]), [w])
        if n == 2:
            psi = apply(psi, CNOT, [wires[0], wires[1]])
        elif n > 2:
            for i in range(n):
                psi = apply(psi, CNOT, [wires[i], wires[(i + 1) % n]])
    return psi


def strongly_entangling(psi, weights, wires, ranges=None, imprimitive=CNOT):
    n = len(wires)
    if ranges is None:
        ranges = [layer % (n - 1) + 1 for layer in range(len(weights))] if n > 1 else [0] * len(weights)
    for layer, r in zip(weights, ranges):
        for i, w in enumerate(wires):
            psi = apply(psi, rot(*layer[i]), [w])
        if n > 1:
            for i in range(n):
                psi = apply(psi, imprimitive, [wires[i], wires[(i + r) % n]])
    return psi


@pytest.mark.parametrize("rotation", "XYZ")
def test_angle_embedding_rotation_matches_sequence(backend, rotation):
    x = np.array([0.4, -1.1, 2.3])
    out = _run(backend, 3, lambda f: kt.AngleEmbedding(f, wires=range(3), rotation=rotation), x)
    np.testing.assert_allclose(out, angle_embedding(_prepared(3), x, [0, 1, 2], rotation), atol=1e-12)


def test_angle_embedding_default_rotation_is_x(backend):
    x = np.array([0.4, -1.1])
    out = _run(backend, 2, lambda f: kt.AngleEmbedding(f, wires=[0, 1]), x)
    np.testing.assert_allclose(out, angle_embedding(_prepared(2), x, [0, 1], "X"), atol=1e-12)


def test_angle_embedding_fewer_features_than_wires(backend):
    x = np.array([0.7, -0.3])
    out = _run(backend, 4, lambda f: kt.AngleEmbedding(f, wires=range(4), rotation="Y"), x)
    np.testing.assert_allclose(out, angle_embedding(_prepared(4), x, [0, 1], "Y"), atol=1e-12)


def test_angle_embedding_on_custom_wire_order(backend):
    x = np.array([0.7, -0.3, 1.9])
    out = _run(backend, 3, lambda f: kt.AngleEmbedding(f, wires=[2, 0, 1], rotation="Y"), x)
    np.testing.assert_allclose(out, angle_embedding(_prepared(3), x, [2, 0, 1], "Y"), atol=1e-12)


def test_angle_embedding_constant_features(backend):
    x = np.array([0.5, 1.5])
    out = _run(backend, 2, lambda: kt.AngleEmbedding(x, wires=[0, 1], rotation="Y"))
    np.testing.assert_allclose(out, angle_embedding(_prepared(2), x, [0, 1], "Y"), atol=1e-12)


@pytest.mark.parametrize("n_wires", [1, 2, 3, 4])
def test_basic_entangler_layers_matches_sequence(backend, n_wires):
    w = np.random.default_rng(n_wires).uniform(-np.pi, np.pi, size=(2, n_wires))
    out = _run(backend, n_wires, lambda w: kt.BasicEntanglerLayers(w, wires=range(n_wires)), w)
    np.testing.assert_allclose(out, basic_entangler(_prepared(n_wires), w, list(range(n_wires))), atol=1e-12)


def test_basic_entangler_layers_custom_rotation(backend):
    w = np.random.default_rng(0).uniform(-np.pi, np.pi, size=(2, 3))
    out = _run(backend, 3, lambda w: kt.BasicEntanglerLayers(w, wires=range(3), rotation=kt.RY), w)
    np.testing.assert_allclose(out, basic_entangler(_prepared(3), w, [0, 1, 2], ry), atol=1e-12)


def test_basic_entangler_layers_on_wire_subset(backend):
    w = np.random.default_rng(1).uniform(-np.pi, np.pi, size=(1, 3))
    out = _run(backend, 4, lambda w: kt.BasicEntanglerLayers(w, wires=[3, 1, 2]), w)
    np.testing.assert_allclose(out, basic_entangler(_prepared(4), w, [3, 1, 2]), atol=1e-12)


@pytest.mark.parametrize("n_wires", [1, 2, 3, 4])
def test_strongly_entangling_layers_default_ranges_match_sequence(backend, n_wires):
    w = np.random.default_rng(10 + n_wires).uniform(-np.pi, np.pi, size=(3, n_wires, 3))
    out = _run(backend, n_wires, lambda w: kt.StronglyEntanglingLayers(w, wires=range(n_wires)), w)
    expected = strongly_entangling(_prepared(n_wires), w, list(range(n_wires)))
    np.testing.assert_allclose(out, expected, atol=1e-12)


def test_strongly_entangling_layers_explicit_ranges(backend):
    w = np.random.default_rng(20).uniform(-np.pi, np.pi, size=(3, 4, 3))
    ranges = [3, 2, 1]
    out = _run(backend, 4, lambda w: kt.StronglyEntanglingLayers(w, wires=range(4), ranges=ranges), w)
    expected = strongly_entangling(_prepared(4), w, [0, 1, 2, 3], ranges=ranges)
    np.testing.assert_allclose(out, expected, atol=1e-12)


def test_strongly_entangling_layers_imprimitive_cz(backend):
    w = np.random.default_rng(21).uniform(-np.pi, np.pi, size=(2, 3, 3))
    out = _run(backend, 3, lambda w: kt.StronglyEntanglingLayers(w, wires=range(3), imprimitive=kt.CZ), w)
    expected = strongly_entangling(_prepared(3), w, [0, 1, 2], imprimitive=CZ)
    np.testing.assert_allclose(out, expected, atol=1e-12)


def test_strongly_entangling_layers_on_custom_wire_order(backend):
    w = np.random.default_rng(22).uniform(-np.pi, np.pi, size=(2, 3, 3))
    out = _run(backend, 3, lambda w: kt.StronglyEntanglingLayers(w, wires=[1, 2, 0]), w)
    np.testing.assert_allclose(out, strongly_entangling(_prepared(3), w, [1, 2, 0]), atol=1e-12)


def test_strongly_entangling_layers_constant_weights(backend):
    w = np.random.default_rng(23).uniform(-np.pi, np.pi, size=(1, 2, 3))
    out = _run(backend, 2, lambda: kt.StronglyEntanglingLayers(w, wires=[0, 1]))
    np.testing.assert_allclose(out, strongly_entangling(_prepared(2), w, [0, 1]), atol=1e-12)


def test_embedding_then_layers_expval_matches_dense(backend):
    x = np.array([0.1, 0.5, -0.8])
    w = np.random.default_rng(24).uniform(-np.pi, np.pi, size=(2, 3, 3))

    @kt.qjit(wires=3, backend=backend)
    def circuit(w, x):
        kt.AngleEmbedding(x, wires=range(3))
        kt.StronglyEntanglingLayers(w, wires=range(3))
        return kt.expval(kt.PauliZ(0) @ kt.PauliZ(1))

    psi = strongly_entangling(angle_embedding(_state(3), x, [0, 1, 2]), w, [0, 1, 2])
    zz = np.kron(np.diag([1, -1, -1, 1]), np.eye(2))
    assert circuit(w, x) == pytest.approx(np.vdot(psi, zz @ psi).real, abs=1e-12)


def test_basic_entangler_layers_shape_helper():
    assert kt.BasicEntanglerLayers.shape(n_layers=2, n_wires=5) == (2, 5)


def test_strongly_entangling_layers_shape_helper():
    assert kt.StronglyEntanglingLayers.shape(n_layers=2, n_wires=5) == (2, 5, 3)


def test_shape_helper_gives_accepted_weights(backend):
    shape = kt.StronglyEntanglingLayers.shape(2, 3)
    w = np.random.default_rng(25).normal(size=shape)
    out = _run(backend, 3, lambda w: kt.StronglyEntanglingLayers(w, wires=range(3)), w)
    np.testing.assert_allclose(out, strongly_entangling(_prepared(3), w, [0, 1, 2]), atol=1e-12)
