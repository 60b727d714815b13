"""Parse IR text (see `printer.py` for the syntax) back into a Module.

The lark grammar (`grammar.lark`) is generic: it reads op names, attribute dicts,
operand groups and result types, and this module builds each op through its class's
declared fields. Every syntax or name error becomes an IRParseError with line and column.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import lark

from . import registry  # noqa: F401  (registers every op)
from .attributes import SymbolRef
from .errors import IRParseError
from .fast_syntax import fast_tree
from .function import FUNCTION_ATTRS, KINDS, Function, Module
from .gc_pause import gc_paused
from .op import REGISTRY
from .types import OPAQUES, SCALARS, TensorType, Type
from .values import Value

_TENSOR = re.compile(r"tensor<((?:[0-9]+x)+)(f64|i64|i1|c128)>")


@functools.lru_cache(maxsize=1)
def _lark():
    import lark  # imported on first parse: keeps `import kettle` fast

    grammar = (Path(__file__).parent / "grammar.lark").read_text()
    return lark.Lark(grammar, parser="lalr", maybe_placeholders=True)


def parse_type(text: str) -> Type:
    """`"tensor<2x3xf64>"` -> TensorType((2, 3), F64), and the scalar/opaque names."""
    if text in SCALARS:
        return SCALARS[text]
    if text in OPAQUES:
        return OPAQUES[text]
    m = _TENSOR.fullmatch(text)
    if m is None:
        raise ValueError(f"unknown type {text!r}")
    shape = tuple(int(d) for d in m.group(1).split("x") if d)
    return TensorType(shape, SCALARS[m.group(2)])


def parse_module(text: str) -> Module:
    """Parse a module printed by `print_module` (or written by hand).

    Raises:
        IRParseError: text that is not a str, a syntax error, an unknown op or attribute,
            a value used before its definition or defined twice, an integer beyond i64, or
            operands that do not fit the op; with the line and column of the offending token.
    """
    import lark

    if not isinstance(text, str):
        raise IRParseError(f"parse_module takes IR text (a str), got {type(text).__name__}"
                           f"{_TEXT_FIXES.get(type(text).__name__, '')}")
    try:
        with gc_paused():
            tree = fast_tree(text, _lark()) or _lark().parse(text)
    except lark.exceptions.UnexpectedInput as exc:
        raise IRParseError(_describe(exc, text), exc.line, exc.column) from None
    name_token, *fn_trees = tree.children
    with gc_paused():
        return Module(name_token[1:], tuple(_function(t) for t in fn_trees))


_TEXT_FIXES = {"bytes": "; decode it first: parse_module(data.decode())",
               "PosixPath": "; read the file first: parse_module(path.read_text())",
               "WindowsPath": "; read the file first: parse_module(path.read_text())",
               "Module": "; it is parsed already"}


def _describe(exc, text: str) -> str:
    import lark

    if isinstance(exc, lark.exceptions.UnexpectedToken):
        found = "end of input" if exc.token.type == "$END" else repr(str(exc.token))
        expected = sorted(_friendly(t) for t in exc.expected)[:8]
        return f"unexpected {found}; expected one of: {', '.join(expected)}"
    if isinstance(exc, lark.exceptions.UnexpectedCharacters):
        return f"unexpected character {text[exc.pos_in_stream]!r}"
    return "unexpected end of input"


_FRIENDLY = {"VALUE": "%value", "SYMBOL": "@symbol", "TYPE": "a type", "OPNAME": "an op name",
             "NAME": "a name", "NUMBER": "a number", "STRING": "a string", "KIND": "kernel/func"}


def _friendly(terminal: str) -> str:
    if terminal in _FRIENDLY:
        return _FRIENDLY[terminal]
    try:
        return repr(_lark().get_terminal(terminal).pattern.value)
    except Exception:
        return terminal


class _Scope:
    """Value names of one function -> Values, with positioned errors."""

    def __init__(self) -> None:
        self.values: dict[str, Value] = {}

    def define(self, token: lark.Token, type_: Type) -> Value:
        name = token[1:]
        if name in self.values:
            raise IRParseError(f"value %{name} is defined twice", token.line, token.column)
        v = self.values[name] = Value(type_, name)
        return v

    def use(self, token: lark.Token) -> Value:
        try:
            return self.values[token[1:]]
        except KeyError:
            raise IRParseError(
                f"value {token} is used before it is defined", token.line, token.column
            ) from None


def _type(token: lark.Token) -> Type:
    try:
        return parse_type(str(token))
    except ValueError as exc:
        raise IRParseError(str(exc), token.line, token.column) from None


def _children(tree: lark.Tree) -> list[Any]:
    return [c for c in tree.children if c is not None]


def _function(tree: lark.Tree) -> Function:
    kind, symbol, arglist, typelist, fattrs, *ops = tree.children
    assert kind in KINDS
    scope = _Scope()
    args = tuple(scope.define(a.children[0], _type(a.children[1])) for a in _children(arglist))
    result_types = tuple(_type(t) for t in _children(typelist))
    attrs = {}
    if fattrs.children[0] is not None:
        for key in (entry.children[0] for entry in _children(fattrs.children[0])):
            if str(key) not in FUNCTION_ATTRS:
                raise IRParseError(f"@{symbol[1:]} has no attribute {str(key)!r}; a function's "
                                   f"attributes are: {', '.join(FUNCTION_ATTRS)}", key.line, key.column)
        attrs = _attr_dict(fattrs.children[0])
    body = tuple(_operation(o, scope) for o in ops)
    return Function(str(kind), symbol[1:], args, result_types, body, attrs)


def _operation(tree: lark.Tree, scope: _Scope):
    results_tree, name, attrs_tree, groups_tree, types_tree = tree.children
    cls = REGISTRY.get(str(name))
    if cls is None:
        raise IRParseError(f"unknown op `{name}`", name.line, name.column)
    attrs_node = attrs_tree.children[0]
    if attrs_node is not None:  # report an unknown attribute at its own name, not at the op
        known = {spec.name for spec in cls.ATTRS}
        for key in (entry.children[0] for entry in _children(attrs_node)):
            if str(key) not in known:
                raise IRParseError(f"`{name}` has no attribute {str(key)!r}", key.line, key.column)
    attrs = _attr_dict(attrs_node) if attrs_node is not None else {}
    groups = [tuple(scope.use(v) for v in _children(g)) for g in _children(groups_tree)]
    result_tokens = _children(results_tree)
    types = [_type(t) for t in _children(types_tree)]
    if len(types) != len(result_tokens):
        raise IRParseError(
            f"`{name}` names {len(result_tokens)} result(s) but gives {len(types)} type(s)",
            name.line, name.column)
    results = [scope.define(tok, t) for tok, t in zip(result_tokens, types)]
    try:
        return cls.from_groups(attrs, groups, results)
    except (ValueError, TypeError, OverflowError) as exc:  # `inf : i64` overflows
        raise IRParseError(str(exc), name.line, name.column) from None


def _attr_dict(tree: lark.Tree) -> dict[str, Any]:
    out = {}
    for entry in _children(tree):
        key, value = entry.children
        if str(key) in out:
            raise IRParseError(f"attribute {str(key)!r} is given twice", key.line, key.column)
        out[str(key)] = _attr_value(value, key)
    return out


MAX_ATTR_DEPTH = 32
"""How deep attribute arrays may nest: a tensor constant nests once per dimension."""


def _attr_value(node: Any, key: lark.Token, depth: int = 0) -> Any:
    kind = node.data
    if kind == "array":
        if depth == MAX_ATTR_DEPTH:
            raise IRParseError(f"attribute {str(key)!r}: arrays nest more than {MAX_ATTR_DEPTH} "
                               f"levels deep; write a tensor of at most {MAX_ATTR_DEPTH} dimensions",
                               key.line, key.column)
        return tuple(_attr_value(c, key, depth + 1) for c in _children(node))
    if kind == "true":
        return True
    if kind == "false":
        return False
    token = node.children[0]
    if kind == "string":
        try:
            return json.loads(token)
        except ValueError as exc:  # raw control characters, bad escapes: JSON's string rules
            reason = getattr(exc, "msg", str(exc)).removesuffix(" at").lower()
            raise IRParseError(f"invalid string {str(token)[:40]!r} ({reason}); "
                               "write strings as JSON does: escape control characters (\\n, "
                               "\\u0000) and backslashes", token.line, token.column) from None
    if kind == "symbol":
        return SymbolRef(token[1:])
    try:
        return _number(str(token))
    except ValueError as exc:
        raise IRParseError(str(exc), token.line, token.column) from None


def _number(text: str) -> int | float | complex:
    if text.endswith("j"):
        split = max(text.rfind("+", 1), text.rfind("-", 1))
        while text[split - 1] in "eE":  # the sign belongs to an exponent: look further left
            split = max(text.rfind("+", 1, split - 1), text.rfind("-", 1, split - 1))
        return complex(float(text[:split]), float(text[split:-1]))
    if any(c in text for c in ".eEn"):  # '.', exponent, inf or nan
        return float(text)
    digits = text.lstrip("+-").lstrip("0")
    # Checked on the text: int() refuses over 4300 digits, and a huge literal is a mistake.
    if len(digits) > 19 or not I64_MIN <= int(text) <= I64_MAX:
        shown = text if len(text) <= 24 else f"{text[:12]}...{text[-4:]} ({len(digits)} digits)"
        raise ValueError(f"integer {shown} does not fit in 64 bits (i64); write a float with "
                         f"a '.' or an exponent (1e30) if you meant a real number")
    return int(text)


I64_MIN, I64_MAX = -(2 ** 63), 2 ** 63 - 1
