"""Gradient-descent optimisers for training loops, with PennyLane's names and semantics.

`opt.step(cost, *args)` returns the updated trainable arguments; `opt.step_and_cost`
also returns the cost before the step. Floats and arrays are trained; Python ints (and
bools) are static settings and pass through unchanged; keyword arguments are data, passed
to `cost` but never trained (PennyLane's idiom: `opt.step(cost, w, X=X, Y=Y)`). Cost and
gradient come from one compiled `kt.value_and_grad` program, built once per cost function
and set of trainable positions, so a training loop traces and compiles only on its first
step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..ir import TraceError
from .autodiff import METHODS, Derivative, value_and_grad


class GradientDescentOptimizer:
    """Plain gradient descent: x <- x - stepsize * grad f(x).

    Args:
        stepsize: the learning rate eta.
        method: how gradients are computed (kt.grad's `method`; a kettle extension).
    """

    def __init__(self, stepsize: float = 0.01, *, method: str = "auto"):
        if method not in METHODS:
            raise TraceError(f"unknown differentiation method {method!r}; use one of {', '.join(METHODS)}")
        _check_real("stepsize", stepsize)
        self.stepsize = stepsize
        self.method = method
        self._derivatives: dict[tuple, Derivative] = {}

    def step(self, cost: Callable, *args: Any, grad_fn: Callable | None = None, **kwargs: Any) -> Any:
        """One optimisation step.

        Args:
            cost: a scalar-valued qjit function or Python/NumPy code calling qjit functions.
            *args: its positional arguments; the floats and arrays among them are trained.
            grad_fn: optional gradient of `cost` with respect to the trainable arguments
                (one array if one is trainable, else a tuple), replacing kettle's.
            **kwargs: keyword arguments of `cost` (data): passed through, never trained.

        Returns:
            The new arguments: a single value if `cost` takes one argument, else a tuple.

        Raises:
            TraceError: no trainable argument, or a gradient of the wrong structure.
        """
        return self.step_and_cost(cost, *args, grad_fn=grad_fn, **kwargs)[0]

    def step_and_cost(self, cost: Callable, *args: Any, grad_fn: Callable | None = None,
                      **kwargs: Any) -> tuple[Any, float]:
        """Like `step`, also returning the cost at the arguments before the step."""
        trainable = trainable_positions(args)
        if grad_fn is None:
            value, grads = self._value_and_grad(cost, trainable)(*args, **kwargs)
        else:
            grads = grad_fn(*args, **kwargs)
            value = cost(*args, **kwargs)
            if len(trainable) == 1:
                grads = (grads,)
        if not isinstance(grads, tuple) or len(grads) != len(trainable):
            raise TraceError(f"grad_fn returned {type(grads).__name__}; it must return one gradient per "
                             f"trainable argument ({len(trainable)}), as a tuple if there are several")
        new = list(args)
        self._start_step(len(args))
        for i, g in zip(trainable, grads):
            new[i] = _like(args[i], self.apply(i, _as_float(args[i]), g))
        return (new[0] if len(new) == 1 else tuple(new)), value

    def _value_and_grad(self, cost: Callable, trainable: tuple[int, ...]) -> Derivative:
        """The compiled `value_and_grad` of `cost`, built once per cost and trainable positions."""
        key = (cost, trainable)
        derivative = self._derivatives.get(key)
        if derivative is None:
            derivative = value_and_grad(cost, argnums=trainable, method=self.method)
            self._derivatives[key] = derivative
        return derivative

    def _start_step(self, n_args: int) -> None:
        """Called before the arguments of a step are updated (Adam counts steps)."""

    def apply(self, position: int, x: Any, g: Any) -> Any:
        """The new value of the argument at `position` (value `x`, gradient `g`)."""
        return x - self.stepsize * g


class AdamOptimizer(GradientDescentOptimizer):
    """Adam (Kingma and Ba, arXiv:1412.6980), exactly as PennyLane's AdamOptimizer:

        a <- beta1 a + (1 - beta1) g,   b <- beta2 b + (1 - beta2) g**2,
        x <- x - stepsize * sqrt(1 - beta2**t) / (1 - beta1**t) * a / (sqrt(b) + eps),

    with moments a, b per argument starting at zero and t the step number (counted from
    1). `fm`, `sm` (lists over the arguments) and `t` are None before the first step;
    `reset()` forgets them.
    """

    def __init__(self, stepsize: float = 0.01, beta1: float = 0.9, beta2: float = 0.99,
                 eps: float = 1e-8, *, method: str = "auto"):
        super().__init__(stepsize, method=method)
        for name, value in (("beta1", beta1), ("beta2", beta2), ("eps", eps)):
            _check_real(name, value)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.reset()

    def reset(self) -> None:
        """Forget the moments and the step count."""
        self.fm: list[Any] | None = None
        self.sm: list[Any] | None = None
        self.t: int | None = None

    def _start_step(self, n_args: int) -> None:
        if self.t is None:
            self.fm, self.sm, self.t = [0.0] * n_args, [0.0] * n_args, 0
        self.t += 1

    def apply(self, position: int, x: Any, g: Any) -> Any:
        fm = self.fm[position] = self.beta1 * self.fm[position] + (1 - self.beta1) * g
        sm = self.sm[position] = self.beta2 * self.sm[position] + (1 - self.beta2) * g**2
        rate = self.stepsize * np.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
        return x - rate * fm / (np.sqrt(sm) + self.eps)


def trainable_positions(args: tuple) -> tuple[int, ...]:
    """Positions of the trainable arguments: all but the static ones (ints, bools, strings, None).

    Raises:
        TraceError: nothing to train.
    """
    positions = tuple(i for i, a in enumerate(args)
                      if a is not None and not isinstance(a, (bool, int, str, np.integer, np.bool_, np.str_)))
    if not positions:
        raise TraceError("the optimiser has nothing to train: every argument is a static setting "
                         "(an int, bool, string or None); pass the parameters as floats or float arrays")
    return positions


def _check_real(name: str, value: Any) -> None:
    """An optimiser setting is a real number (a string or None would fail at the first step)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TraceError(f"the optimiser's {name} must be a real number, got {value!r:.40}")


def _like(x: Any, new: Any) -> Any:
    """`new` as a Python float when the argument `x` was a scalar, else as an array."""
    return float(new) if np.ndim(x) == 0 else np.asarray(new, dtype=float)


def _as_float(x: Any) -> Any:
    """A trainable argument as a float or a float array (lists and int arrays included)."""
    if isinstance(x, (float, np.floating)):
        return float(x)
    return np.asarray(x, dtype=float)


__all__ = ["AdamOptimizer", "GradientDescentOptimizer"]
