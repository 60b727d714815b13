"""A fast path to the AST for straight-line OpenQASM, with openqasm3's parser for the rest.

The ANTLR parser costs about 0.6 ms per gate statement, a minute for 1e5 gates. Most
statements of large programs are simple: declarations, `name(params) q[i], q[j];`,
`measure`, `barrier`, `include`. Each of those is read with a regular expression into the
AST node the parser would build (a gate call into a lighter `FastGate`, which turns into
that node when needed); every other statement (and any run of them) goes to `parse_chunk`,
which places its nodes at their line and column in the file. A statement the expressions
do not fully recognise simply takes the slow path, so the program is the same either way
(the tests compare the imported programs on the whole corpus).
"""

from __future__ import annotations

import re

from openqasm3 import ast

from ....ir import QasmError
from .parse import Source, parse_chunk
from .scan_parameters import KEYWORDS, at, parameters

_SKIP = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/)*", re.S)
_ID = r"[A-Za-z_][A-Za-z_0-9]*"
_QARG = rf"(?:\$\d+|{_ID}(?:\s*\[\s*\d+\s*\])?)"
_QARGS = rf"{_QARG}(?:\s*,\s*{_QARG})*"
_WORD = re.compile(_ID)
_GATE = re.compile(rf"(?P<name>{_ID})\s*(?:\((?P<params>[^;{{}}\[\]]*)\)\s*|\s+)(?P<args>{_QARGS})\s*;")
_QUBITS = re.compile(rf"(?:qreg\s+(?P<reg>{_ID})\s*\[\s*(?P<regsize>\d+)\s*\]"
                     rf"|qubit\s*(?:\[\s*(?P<size>\d+)\s*\])?\s+(?P<name>{_ID}))\s*;")
_BITS = re.compile(rf"(?:creg\s+(?P<reg>{_ID})\s*\[\s*(?P<regsize>\d+)\s*\]"
                   rf"|bit\s*(?:\[\s*(?P<size>\d+)\s*\])?\s+(?P<name>{_ID}))\s*;")
_MEASURE_ARROW = re.compile(rf"measure\s+(?P<q>{_QARG})\s*->\s*(?P<c>{_QARG})\s*;")
_MEASURE_ASSIGN = re.compile(rf"(?P<c>{_QARG})\s*=\s*measure\s+(?P<q>{_QARG})\s*;")
_BARRIER = re.compile(rf"barrier\s+(?P<args>{_QARGS})\s*;")
_INCLUDE = re.compile(r"""include\s+(?:"(?P<a>[^"\n]*)"|'(?P<b>[^'\n]*)')\s*;""")
_VERSION = re.compile(r"OPENQASM\s+(?P<v>[0-9]+(?:\.[0-9]+)?)\s*;")
_QARG_PARTS = re.compile(r"(?P<name>\$\d+|[A-Za-z_][A-Za-z_0-9]*)(?:\s*\[\s*(?P<index>\d+)\s*\])?")
_SCAN = re.compile(r"""//[^\n]*|/\*.*?\*/|"[^"\n]*"|'[^'\n]*'|[;{}]""", re.S)
_ELSE = re.compile(r"else\b")


def parse_program(source: Source, fast: bool = True) -> ast.Program:
    """The AST of a whole file: straight-line statements read directly when `fast`.

    Raises:
        QasmError: a syntax error (with line and column), or an `opaque` declaration.
    """
    try:
        if not fast:
            return parse_chunk(source)
        return _Scanner(source).program()
    except QasmError as exc:
        raise _opaque(source, exc) or exc from None


def _opaque(source: Source, exc: QasmError) -> QasmError | None:
    """An `opaque` declaration (OpenQASM 2), which the OpenQASM 3 grammar cannot read."""
    for number, line in enumerate(source.lines[:exc.line or len(source.lines)], 1):
        if re.match(r"\s*opaque\b", line):
            name = re.match(r"\s*opaque\s+(\w*)", line)
            return source.error(
                f"opaque gate '{name[1] if name else ''}' is not supported: an opaque gate has no "
                f"definition kettle could simulate; define it with a `gate` body instead",
                number, len(line) - len(line.lstrip()))
    return None


class _Scanner:
    def __init__(self, source: Source):
        self.source = source
        self.text = source.text
        self.line = 1
        self.line_pos = 0  # offset where the current line starts (for columns)
        self.counted = 0  # offset up to which newlines are counted

    def program(self) -> ast.Program:
        text, n = self.text, len(self.text)
        statements: list = []
        version = None
        pos = _SKIP.match(text, 0).end()
        header = _VERSION.match(text, pos)
        if header:
            version = header["v"]
            pos = _SKIP.match(text, header.end()).end()
        slow_start = slow_end = -1
        while pos < n:
            node, end = self.fast_statement(pos)
            if node is None:
                end = self.statement_end(pos)
                slow_start = pos if slow_start < 0 else slow_start
                slow_end = end
            else:
                if slow_start >= 0:
                    version = self.flush(statements, version, slow_start, slow_end)
                    slow_start = -1
                statements.append(node)
            pos = _SKIP.match(text, end).end()
        if slow_start >= 0:
            version = self.flush(statements, version, slow_start, slow_end)
        return ast.Program(statements=statements, version=version)

    def flush(self, statements: list, version: str | None, start: int, end: int) -> str | None:
        """Parse the run of statements in `text[start:end]` onto `statements`; the version."""
        chunk = parse_chunk(self.source, start, end)
        if chunk.version is not None and (version is not None or statements):
            # a chunk may open with `OPENQASM`, but the file only may: report what the parser would
            line = self.text.count("\n", 0, start) + 1
            raise self.source.error("syntax error: unexpected 'OPENQASM' (expected <EOF>)", line,
                                    start - (self.text.rfind("\n", 0, start) + 1))
        statements.extend(chunk.statements)
        return version or chunk.version

    def statement_end(self, pos: int) -> int:
        """Where the statement starting at `pos` ends (after its `;` or closing brace, and
        after any `else` branch); the end of the text if it never does."""
        text = self.text
        if text.startswith("#pragma", pos) or text.startswith("@", pos):
            newline = text.find("\n", pos)
            end = len(text) if newline < 0 else newline
            if text[pos] == "@":  # an annotation belongs to the statement that follows it
                return self.statement_end(_SKIP.match(text, end).end())
            return end
        depth = 0
        for match in _SCAN.finditer(text, pos):
            token = match.group()
            if token == "{":
                depth += 1
            elif token == "}":
                depth -= 1
                if depth <= 0:
                    return self._after_else(match.end())
            elif token == ";" and depth == 0:
                return self._after_else(match.end())
        return len(text)

    def _after_else(self, end: int) -> int:
        following = _SKIP.match(self.text, end).end()
        if _ELSE.match(self.text, following):
            return self.statement_end(following + 4)
        return end

    def span(self, start: int, end: int) -> ast.Span:
        line, column = self.where(start)
        return ast.Span(line, column, line, end - 1 - self.line_pos)

    def where(self, start: int) -> tuple[int, int]:
        """The line and column of offset `start` (statements are read in order)."""
        self.line += self.text.count("\n", self.counted, start)
        self.counted = start
        self.line_pos = self.text.rfind("\n", 0, start) + 1
        return self.line, start - self.line_pos

    def fast_statement(self, pos: int) -> tuple[ast.Statement | FastGate | None, int]:
        gate = _GATE.match(self.text, pos)  # most statements of a large program are gate calls
        if gate is not None and gate["name"] not in KEYWORDS:
            return self.gate(gate, pos)
        word = _WORD.match(self.text, pos)
        if word is None:
            return None, pos
        reader = _READERS.get(word.group())
        if reader is not None:
            return reader(self, pos)
        return (None, pos) if word.group() in KEYWORDS else self.measure_assign(pos)

    def gate(self, m: re.Match, pos: int) -> tuple[FastGate | None, int]:
        line, column = self.where(pos)
        params = m["params"]
        arguments = () if params is None else parameters(params, line, m.start("params") - self.line_pos)
        if arguments is None:
            return None, pos
        args = m["args"]
        qubits = tuple((name, int(index) if index else None) for name, index in _QARG_PARTS.findall(args))
        return FastGate(m["name"], arguments, qubits, line, column, args, m.start("args") - self.line_pos), \
            m.end()

    def qubit_args(self, text: str, offset: int, span: ast.Span) -> list:
        out = []
        for part in _QARG_PARTS.finditer(text):
            column = offset + part.start() - self.line_pos
            here = ast.Span(span.start_line, column, span.start_line, column)
            out.append(_operand(part["name"], part["index"], here))
        return out

    def qubits(self, pos: int) -> tuple[ast.Statement | None, int]:
        m = _QUBITS.match(self.text, pos)
        if m is None:
            return None, pos
        span = self.span(pos, m.end())
        node = ast.QubitDeclaration(qubit=at(ast.Identifier(m["reg"] or m["name"]), span),
                                    size=self.size_literal(m, span))
        return at(node, span), m.end()

    def size_literal(self, m: re.Match, span: ast.Span) -> ast.IntegerLiteral | None:
        """The `[n]` of a declaration, placed at its `[` (as the parser places it)."""
        group = "regsize" if m["regsize"] else "size"
        if m[group] is None:
            return None
        column = self.text.rfind("[", m.start(), m.start(group)) - self.line_pos
        where = ast.Span(span.start_line, column, span.start_line, column)
        return at(ast.IntegerLiteral(int(m[group])), where)

    def bits(self, pos: int) -> tuple[ast.Statement | None, int]:
        m = _BITS.match(self.text, pos)
        if m is None:
            return None, pos
        span = self.span(pos, m.end())
        kind = at(ast.BitType(size=self.size_literal(m, span)), span)
        name = at(ast.Identifier(m["reg"] or m["name"]), span)
        node = ast.ClassicalDeclaration(type=kind, identifier=name, init_expression=None)
        return at(node, span), m.end()

    def measure(self, pos: int) -> tuple[ast.Statement | None, int]:
        return self._measure(_MEASURE_ARROW.match(self.text, pos), pos)

    def measure_assign(self, pos: int) -> tuple[ast.Statement | None, int]:
        return self._measure(_MEASURE_ASSIGN.match(self.text, pos), pos)

    def _measure(self, m: re.Match | None, pos: int) -> tuple[ast.Statement | None, int]:
        if m is None:
            return None, pos
        span = self.span(pos, m.end())
        qubit = self.qubit_args(m["q"], m.start("q"), span)[0]
        target = self.qubit_args(m["c"], m.start("c"), span)[0]
        node = ast.QuantumMeasurementStatement(measure=at(ast.QuantumMeasurement(qubit=qubit), span),
                                               target=target)
        return at(node, span), m.end()

    def barrier(self, pos: int) -> tuple[ast.Statement | None, int]:
        m = _BARRIER.match(self.text, pos)
        if m is None:
            return None, pos
        span = self.span(pos, m.end())
        qubits = self.qubit_args(m["args"], m.start("args"), span)
        return at(ast.QuantumBarrier(qubits=qubits), span), m.end()

    def include(self, pos: int) -> tuple[ast.Statement | None, int]:
        m = _INCLUDE.match(self.text, pos)
        if m is None:
            return None, pos
        filename = m["a"] if m["a"] is not None else m["b"]
        return at(ast.Include(filename=filename), self.span(pos, m.end())), m.end()


class FastGate:
    """A gate call `name(params) q[i], r[j];` as the fast path reads it: `params` are floats
    (a plain number) or AST expressions, `qubits` are (register, index or None).

    The interpreter applies a table gate on indexed qubits straight from this; anything else
    (a definition, a broadcast, an error to report) goes through `to_ast()`, the node the
    parser would have built.
    """

    __slots__ = ("name", "params", "qubits", "line", "column", "constant", "_args", "_args_column")

    def __init__(self, name: str, params: tuple, qubits: tuple, line: int, column: int, args: str,
                 args_column: int):
        self.name, self.params, self.qubits, self.line, self.column = name, params, qubits, line, column
        self.constant = all(type(p) is float for p in params)  # parameters known: no evaluation
        self._args, self._args_column = args, args_column  # the operands' text and its column

    @property
    def span(self) -> ast.Span:
        return ast.Span(self.line, self.column, self.line, self.column)

    def to_ast(self) -> ast.QuantumGate:
        span = self.span
        arguments = [at(ast.FloatLiteral(p), span) if isinstance(p, float) else p for p in self.params]
        qubits = []
        for part in _QARG_PARTS.finditer(self._args):
            column = self._args_column + part.start()
            here = ast.Span(span.start_line, column, span.start_line, column)
            qubits.append(_operand(part["name"], part["index"], here))
        node = ast.QuantumGate(modifiers=[], name=at(ast.Identifier(self.name), span),
                               arguments=arguments, qubits=qubits)
        return at(node, span)


_READERS = {"qreg": _Scanner.qubits, "qubit": _Scanner.qubits, "creg": _Scanner.bits,
            "bit": _Scanner.bits, "measure": _Scanner.measure, "barrier": _Scanner.barrier,
            "include": _Scanner.include}


def as_operand(node: ast.Expression) -> ast.Identifier | ast.IndexedIdentifier | None:
    """`q[1:3]` read as an expression (a subroutine argument, a `let` value), turned back
    into the qubit or bit operand it names; None if it is not one."""
    indices = []
    while isinstance(node, ast.IndexExpression):
        indices.insert(0, node.index)
        node = node.collection
    if not isinstance(node, ast.Identifier):
        return None
    if not indices:
        return node
    return at(ast.IndexedIdentifier(name=node, indices=indices), node.span)


def _operand(name: str, index: str | None, span: ast.Span) -> ast.Identifier | ast.IndexedIdentifier:
    identifier = at(ast.Identifier(name), span)
    if index is None:
        return identifier
    return at(ast.IndexedIdentifier(name=identifier, indices=[[at(ast.IntegerLiteral(int(index)), span)]]),
               span)
