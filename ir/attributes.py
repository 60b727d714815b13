"""Attribute types: which Python values an attribute of an op or a function accepts.

An op's attribute field is typed by its annotation (`gate: str = attr()`); `@op` turns the
annotation into an AttrType here and the verifier checks every attribute against it, so
text such as `ctrl = 1` is rejected with the op's name instead of crashing inside the op.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_args, get_origin


@dataclass(frozen=True)
class SymbolRef:
    """A reference to a function by name, printed `@name`."""

    name: str

    def __str__(self) -> str:
        return "@" + self.name


@dataclass(frozen=True)
class AttrType:
    """What one attribute accepts: a `description` for messages and a `check` on values."""

    description: str
    check: Callable[[object], bool]

    def __str__(self) -> str:
        return self.description


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)  # `true` is not a wire count


# Named as the values are written in IR text; tuples are exact Python tuples (hashable,
# and what the parser yields), never lists.
_SCALARS: dict[object, AttrType] = {
    str: AttrType("string", lambda v: isinstance(v, str)),
    bool: AttrType("bool", lambda v: isinstance(v, bool)),
    int: AttrType("int", _is_int),
    SymbolRef: AttrType("@symbol", lambda v: isinstance(v, SymbolRef)),
    Any: AttrType("any value", lambda v: True),
}


def attr_type(hint: object, minimum: int | None = None) -> AttrType:
    """The AttrType of an attribute annotated `hint`: one of str, bool, int, SymbolRef, Any,
    or `tuple[X, ...]` of one of those (`minimum` bounds an int, or each int of a tuple).

    Raises:
        TypeError: an annotation the textual form has no syntax for, or a `minimum` on a
            type that is not int.
    """
    if get_origin(hint) is tuple:
        args = get_args(hint)
        if len(args) != 2 or args[1] is not Ellipsis:
            raise TypeError(f"attribute type {hint}: write a tuple type as tuple[X, ...]")
        item = attr_type(args[0], minimum)
        return AttrType(f"[{item}, ...]", lambda v: isinstance(v, tuple) and all(map(item.check, v)))
    if hint not in _SCALARS:
        raise TypeError(f"attribute type {hint!r} is not one of str, bool, int, SymbolRef, Any "
                        "or tuple[X, ...]")
    if minimum is None:
        return _SCALARS[hint]
    if hint is not int:
        raise TypeError(f"`minimum` bounds an int attribute, not {hint!r}")
    return AttrType(f"int >= {minimum}", lambda v: _is_int(v) and v >= minimum)
