"""Observables as the kernels see them: Pauli terms as bit masks, Hermitians as matrices on bits.

Wire `w` of an n-qubit state is bit position `n - 1 - w` (wire 0 most significant).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...ir.pauli import parse_word
from .pools import Scalar


def bit(n: int, wire: int) -> int:
    return n - 1 - wire


@dataclass(frozen=True)
class PauliTerm:
    """`coeff * P` with P given by masks: X or Y bits, Y or Z bits, and the number of Y's."""

    coeff: Scalar | None
    xmask: int
    zmask: int
    ny: int

    @property
    def is_identity(self) -> bool:
        return self.xmask == 0 and self.zmask == 0

    @property
    def is_diagonal(self) -> bool:
        return self.xmask == 0

    @property
    def word(self) -> tuple[int, int, int]:
        return self.xmask, self.zmask, self.ny


@dataclass(frozen=True)
class PauliObs:
    terms: tuple[PauliTerm, ...]


@dataclass(frozen=True)
class MatrixObs:
    """A Hermitian `matrix` on bit positions `bits` (first most significant)."""

    matrix: np.ndarray
    bits: tuple[int, ...]


def pauli_obs(n: int, words: tuple[str, ...], coeffs: list[Scalar | None],
              wires: list[int]) -> PauliObs:
    """The masks of each word; word indices refer to `wires` (the obs op's qubit operands)."""
    terms = []
    for word, coeff in zip(words, coeffs):
        xmask = zmask = ny = 0
        for letter, index in parse_word(word):
            b = 1 << bit(n, wires[index])
            xmask |= b if letter in "XY" else 0
            zmask |= b if letter in "YZ" else 0
            ny += letter == "Y"
        terms.append(PauliTerm(coeff, xmask, zmask, ny))
    return PauliObs(tuple(terms))
