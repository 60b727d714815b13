"""The lark parse tree of IR text, built quickly for the op lines the printer writes.

lark costs a few microseconds per token, about a millisecond per gate of printed IR. Each
line in the printer's one-op-per-line form (no comment, flat attribute arrays, strings
without escapes) is read with one regular expression and becomes the same subtree lark
would build; lark parses the rest of the text with each run of such lines replaced by the
bare op `_` (one token), so lark still checks the structure and positions. Anything unusual falls
back to lark: a line the expression does not read stays for lark, and if lark's parse of
the replaced text fails or joins a replaced line with the next, the whole text goes to lark.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import lark

_V = r"%[A-Za-z0-9_.]+"
_T = r"(?:tensor<(?:[0-9]+x)+(?:f64|i64|i1|c128)>|f64|i64|i1|c128|!q\.qubit|!q\.obs)"
_REAL = r"[-+]?(?:inf|nan|[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?)"
_SCALAR = (rf'(?P<string>"[^"\\]*")|(?P<true>true)|(?P<false>false)|(?P<symbol>@[A-Za-z_][A-Za-z0-9_.]*)'
           rf"|(?P<number>{_REAL}(?:[-+](?:inf|nan|[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?)j)?)")
_SCALAR_PLAIN = re.sub(r"\?P<\w+>", "?:", _SCALAR)
_VALUE = rf"(?:{_SCALAR_PLAIN}|\[(?:(?:{_SCALAR_PLAIN})(?:, (?:{_SCALAR_PLAIN}))*)?\])"
_ENTRY = rf"[a-z_][a-z0-9_]* = {_VALUE}"
_GROUP = rf"\((?:{_V}(?:, {_V})*)?\)"
_OP_LINE = re.compile(
    rf"(?P<indent>[ \t]*)(?:(?P<results>{_V}(?:, {_V})*) = )?"
    rf"(?P<name>[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)"
    rf"(?: \{{(?P<attrs>(?:{_ENTRY}(?:, {_ENTRY})*)?)\}})?"
    rf"(?: (?P<groups>{_GROUP}(?:, {_GROUP})*))?"
    rf"(?: : (?P<types>{_T}(?:, {_T})*))?[ \t]*")
_ITEM = re.compile(rf"{_V}|{_T}")
_ENTRY_PARTS = re.compile(rf"(?P<key>[a-z_][a-z0-9_]*) = (?:(?P<array>\[)|{_SCALAR})")
_ARRAY_ITEM = re.compile(_SCALAR)
_GROUP_PARTS = re.compile(_GROUP)
PLACEHOLDER = "_"


def fast_tree(text: str, parser: lark.Lark) -> lark.Tree | None:
    """lark's tree of `text` (as `parser.parse(text)` builds it), or None where this fast
    path cannot vouch for it (then parse `text` with lark)."""
    import lark

    lines = text.split("\n")
    runs: dict[int, list[lark.Tree]] = {}  # first line of a run of op lines -> their subtrees
    run: list[lark.Tree] | None = None
    for number, line in enumerate(lines, 1):
        m = _OP_LINE.fullmatch(line)
        if m is None:
            run = None
            continue
        if run is None:
            run = runs[number] = []
            lines[number - 1] = m["indent"] + PLACEHOLDER
        else:
            lines[number - 1] = ""
        run.append(_Line(number).operation(m))
    if not runs:
        return None
    try:
        tree = parser.parse("\n".join(lines))
    except lark.exceptions.LarkError:
        return None
    for function in tree.children[1:]:
        children = []
        for child in function.children:
            name = child.children[1] if getattr(child, "data", None) == "operation" else None
            if name == PLACEHOLDER and name.line in runs:
                if any(c.children != [None] for j, c in enumerate(child.children) if j != 1):
                    return None  # lark read the placeholder together with the next line
                children += runs.pop(name.line)
            else:
                children.append(child)
        function.children = children
    return tree if not runs else None


class _Line:
    """Builds the subtree of one op line. Tokens carry the line and column (from 1) that
    errors report; their `start_pos` is the column's offset in the line."""

    def __init__(self, number: int):
        self.number = number

    def token(self, kind: str, value: str, column: int) -> lark.Token:
        import lark

        return lark.Token(kind, value, column, self.number, column + 1)

    def items(self, rule: str, kind: str, text: str | None, offset: int) -> lark.Tree:
        import lark

        if not text:
            return lark.Tree(rule, [None])
        tokens = [self.token(kind, t.group(), offset + t.start()) for t in _ITEM.finditer(text)]
        return lark.Tree(rule, tokens)

    def operation(self, m: re.Match) -> lark.Tree:
        import lark

        attrs = [None] if m["attrs"] is None else [self.attr_dict(m["attrs"], m.start("attrs"))]
        if m["groups"] is None:
            groups = [None]
        else:
            offset = m.start("groups")
            groups = [self.items("group", "VALUE", g.group()[1:-1], offset + g.start() + 1)
                      for g in _GROUP_PARTS.finditer(m["groups"])]
        return lark.Tree("operation", [
            self.items("opresults", "VALUE", m["results"], m.start("results")),
            self.token("OPNAME", m["name"], m.start("name")),
            lark.Tree("opattrs", attrs), lark.Tree("groups", groups),
            self.items("optypes", "TYPE", m["types"], m.start("types"))])

    def attr_dict(self, text: str, offset: int) -> lark.Tree:
        import lark

        entries, pos = [], 0
        while pos < len(text):
            e = _ENTRY_PARTS.match(text, pos)
            key = self.token("NAME", e["key"], offset + e.start("key"))
            if e["array"] is None:
                value, pos = self.scalar(e, offset), e.end()
            else:
                items, pos = [], e.end()
                while text[pos] != "]":
                    item = _ARRAY_ITEM.match(text, pos)
                    items.append(self.scalar(item, offset))
                    pos = item.end() + (2 if text.startswith(", ", item.end()) else 0)
                value, pos = lark.Tree("array", items or [None]), pos + 1
            entries.append(lark.Tree("entry", [key, value]))
            pos += 2 if text.startswith(", ", pos) else 0
        return lark.Tree("attr_dict", entries or [None])

    def scalar(self, m: re.Match, offset: int) -> lark.Tree:
        import lark

        kind = m.lastgroup
        if kind in ("true", "false"):
            return lark.Tree(kind, [])
        return lark.Tree(kind, [self.token(kind.upper(), m[kind], offset + m.start(kind))])
