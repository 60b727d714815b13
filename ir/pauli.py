"""Pauli words, the attribute form of observables: `"Z0 Z1"`, `"X2"`, `""` (identity).

The integers index the observable op's qubit operands (not wires), so a word stays valid
when passes rename qubit values.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"([XYZ])(\d+)")

PauliWord = tuple[tuple[str, int], ...]


def parse_word(word: str) -> PauliWord:
    """`"Z0 X2"` -> `(("Z", 0), ("X", 2))`.

    Raises:
        ValueError: a token that is not X/Y/Z followed by an index, or a repeated index.
    """
    factors = []
    for token in word.split():
        m = _TOKEN.fullmatch(token)
        if m is None:
            raise ValueError(f"bad Pauli factor {token!r} in {word!r}: write e.g. 'Z0 X1'")
        factors.append((m.group(1), int(m.group(2))))
    indices = [i for _, i in factors]
    if len(set(indices)) != len(indices):
        raise ValueError(f"Pauli word {word!r} names an index twice")
    return tuple(factors)


def format_word(factors: PauliWord) -> str:
    return " ".join(f"{p}{i}" for p, i in factors)
