"""`kettle demo`: train a variational quantum classifier on two interleaved half-moons.

It shows what kettle is for: a circuit written as a plain Python function, a cost
written as plain NumPy code over a data set, and exact gradients of the whole hybrid
program from one compiled `kt.value_and_grad` program (traced and compiled on the first
Adam step, microseconds to milliseconds per step after), with the IR of the circuit and
of its gradient program printable.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

import kettle as kt

N_WIRES = 4
N_LAYERS = 3
SEED = 0


@kt.qjit(wires=N_WIRES)
def classifier(weights, x):
    """Data re-uploading: each layer angle-encodes x (features repeated over the wires), then
    entangles. One encoding would only give boundaries of frequency 1 in each feature;
    re-uploading it before every layer lets the model bend around the moons."""
    for layer in range(weights.shape[0]):
        kt.AngleEmbedding(np.resize(x, N_WIRES), wires=range(N_WIRES), rotation="Y")
        kt.StronglyEntanglingLayers(weights[layer:layer + 1], wires=range(N_WIRES))
    return kt.expval(kt.Z(0))


def cost(weights, bias, X=None, Y=None):
    """Mean square loss of the prediction classifier(x) + bias against labels +-1."""
    loss = 0.0
    for x, y in zip(X, Y):
        loss = loss + (classifier(weights, x) + bias - y) ** 2
    return loss / len(X)


def half_moons(points: int, rng: np.random.Generator, noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles with Gaussian noise, standardised; labels +1 / -1."""
    upper = points // 2
    t = rng.uniform(0, np.pi, points)
    X = np.where(np.arange(points)[:, None] < upper,
                 np.stack([np.cos(t), np.sin(t)], axis=1),
                 np.stack([1 - np.cos(t), 0.5 - np.sin(t)], axis=1))
    X = X + rng.normal(scale=noise, size=X.shape)
    y = np.where(np.arange(points) < upper, 1.0, -1.0)
    order = rng.permutation(points)
    return (X[order] - X.mean(axis=0)) / X.std(axis=0), y[order]


def accuracy(weights: np.ndarray, bias: float, X: np.ndarray, y: np.ndarray) -> float:
    predictions = np.array([np.sign(classifier(weights, x) + bias) for x in X])
    return float(np.mean(predictions == y))


@dataclass
class Result:
    """What a demo run produced: the loss before each step, and the final accuracies."""

    losses: list[float]
    train_accuracy: float
    test_accuracy: float


def run_demo(steps: int = 40, points: int = 60, method: str = "auto", show_ir: bool = False,
             stepsize: float = 0.1) -> Result:
    """Train the classifier with Adam and print the loss per step and the final accuracy.

    Args:
        steps: Adam steps (full batch).
        points: size of the data set; two thirds train, one third test.
        method: kt.grad's differentiation method.
        show_ir: also print the IR of the trained circuit and of the gradient program.

    Raises:
        KettleError: fewer than 4 points (each moon and each split needs one).
    """
    if points < 4:
        raise kt.KettleError(f"the demo needs at least 4 data points (two per moon), got {points}")
    rng = np.random.default_rng(SEED)
    X, y = half_moons(points, rng)
    n_train = max(1, 2 * points // 3)
    X_train, y_train, X_test, y_test = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
    weights = 0.1 * rng.normal(size=kt.StronglyEntanglingLayers.shape(N_LAYERS, N_WIRES))
    bias = 0.0

    print(f"kettle {kt.__version__}: a variational classifier on two interleaved half-moons")
    print(f"data: {points} points (seed {SEED}), {len(X_train)} to train, {len(X_test)} to test")
    print(f"model: {N_WIRES} qubits, {N_LAYERS} layers of AngleEmbedding + StronglyEntanglingLayers, "
          f"{weights.size} weights and a bias; square loss")
    print(f"training: Adam(stepsize={stepsize}), full batch, gradients by method={method!r}\n")
    print(f"{'step':>4}  {'loss':>7}  {'time':>9}")
    opt = kt.AdamOptimizer(stepsize, method=method)
    losses = []
    for step in range(1, steps + 1):
        start = time.perf_counter()
        (weights, bias), loss = opt.step_and_cost(cost, weights, bias, X=X_train, Y=y_train)
        elapsed = time.perf_counter() - start
        losses.append(loss)
        note = "  (trace + differentiate + compile)" if step == 1 else ""
        print(f"{step:4d}  {loss:7.4f}  {elapsed * 1e3:6.1f} ms  {'#' * round(loss * 25)}{note}")

    result = Result(losses, accuracy(weights, bias, X_train, y_train),
                    accuracy(weights, bias, X_test, y_test) if len(X_test) else float("nan"))
    print(f"\nfinal loss {cost(weights, bias, X=X_train, Y=y_train):.4f}; accuracy: "
          f"train {result.train_accuracy:.1%}, test {result.test_accuracy:.1%}")
    if show_ir:
        print("\nthe trained circuit's IR (one data point):\n")
        print(classifier.lower(weights, X_train[0]))
        batch = min(2, len(X_train))
        print(f"\nthe gradient program's IR (the cost over {batch} training points; training runs "
              f"the same program over all {len(X_train)}):\n")
        gradient = kt.grad(cost, argnums=(0, 1), method=method)
        print(gradient.lower(weights, bias, X=X_train[:batch], Y=y_train[:batch]))
    return result
