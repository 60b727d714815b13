"""SSA values: the edges of the IR.

A `Value` is compared by identity: two values are the same only if they are the same
object. `name` is a hint for the printer (it keeps user names like `%weights` readable);
it carries no meaning.
"""

from __future__ import annotations

from .types import Type


class Value:
    """One SSA value: defined once (by an op or as a function argument), used anywhere after."""

    __slots__ = ("type", "name")

    def __init__(self, type: Type, name: str | None = None):
        self.type = type
        self.name = name

    def __repr__(self) -> str:
        return f"Value({self.name or hex(id(self))}: {self.type})"


def display_name(v: Value) -> str:
    """`%name` for error messages, or the repr of a value without a name hint."""
    return f"%{v.name}" if v.name else repr(v)
