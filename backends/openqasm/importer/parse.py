"""`openqasm3`'s ANTLR parser, with every syntax error turned into a located QasmError.

`openqasm3.parse` prints lexer errors to stderr and raises bare ANTLR exceptions; this
module runs the same lexer, parser and AST visitor with listeners that capture the
position and the message instead. It also repairs the AST's spans: identifiers carry a
character offset where a column belongs, and a chunk of a larger file (see
`scan.py`) is shifted to its place in the file.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from antlr4 import CommonTokenStream, InputStream, ParserRuleContext
from antlr4.error.ErrorListener import ErrorListener
from antlr4.error.Errors import ParseCancellationException, RecognitionException
from antlr4.error.ErrorStrategy import BailErrorStrategy
from antlr4.Token import Token
from openqasm3 import ast
from openqasm3._antlr.qasm3Lexer import qasm3Lexer
from openqasm3._antlr.qasm3Parser import qasm3Parser
from openqasm3.parser import QASM3ParsingError, QASMNodeVisitor

from ....ir import QasmError


class Source:
    """The text of one file (or string) and its name, for locating error messages."""

    def __init__(self, text: str, path: str | None = None):
        self.text = text
        self.path = path
        self.lines = text.split("\n")

    def error(self, message: str, line: int | None = None, column: int | None = None) -> QasmError:
        """A QasmError at 1-based `line` and 0-based `column` (as ANTLR counts)."""
        source_line = self.lines[line - 1] if line is not None and 0 < line <= len(self.lines) else None
        return QasmError(message, path=self.path, line=line,
                         column=None if column is None else column + 1, source_line=source_line)

    def error_at(self, message: str, node: ast.QASMNode | None) -> QasmError:
        span = getattr(node, "span", None)
        if span is None:
            return self.error(message)
        return self.error(message, span.start_line, span.start_column)


class _SyntaxError(Exception):
    def __init__(self, line: int, column: int, message: str):
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


class _Raise(ErrorListener):
    def syntaxError(self, recognizer, offendingSymbol, line, column, msg, e):  # noqa: N802 (ANTLR's name)
        raise _SyntaxError(line, column, msg)


def parse_chunk(source: Source, start: int = 0, end: int | None = None) -> ast.Program:
    """The AST of `source.text[start:end]` (whole statements), spans placed in the file.

    Raises:
        QasmError: a syntax error, with its line and column in the file.
    """
    end = len(source.text) if end is None else end
    line0 = source.text.count("\n", 0, start)
    column0 = start - (source.text.rfind("\n", 0, start) + 1)
    text = " " * column0 + source.text[start:end]  # padding keeps columns of the first line
    lexer = qasm3Lexer(InputStream(text))
    lexer.removeErrorListeners()
    lexer.addErrorListener(_Raise())
    stream = CommonTokenStream(lexer)
    parser = qasm3Parser(stream)
    parser.removeErrorListeners()
    parser._errHandler = BailErrorStrategy()  # the attribute openqasm3.parse sets, too
    try:
        tree = parser.program()
        if tree.stop is None:  # only whitespace and comments (the AST builder fails on it)
            return ast.Program(statements=[], version=None)
        program = QASMNodeVisitor().visitProgram(tree)
    except _SyntaxError as exc:
        raise source.error(f"syntax error: {exc.message}", exc.line + line0, exc.column) from None
    except (ParseCancellationException, RecognitionException) as exc:
        cause = exc.args[0] if isinstance(exc, ParseCancellationException) and exc.args else exc
        line, column, message = _describe(cause, stream, parser)
        raise source.error(message, line + line0, column) from None
    except QASM3ParsingError as exc:
        match = re.match(r"L(\d+):C(\d+): (.*)", str(exc), re.S)
        if match is None:
            raise source.error(f"syntax error: {exc}") from None
        raise source.error(match[3], int(match[1]) + line0, int(match[2])) from None
    except Exception as exc:  # noqa: BLE001 -- openqasm3's AST builder fails on some valid input
        line, column = _innermost_context(exc.__traceback__)
        raise source.error(f"openqasm3 cannot build this statement ({type(exc).__name__}: {exc}); "
                           f"rewrite it in a simpler form", line + line0, column) from None
    _place_spans(program, text, line0)
    return program


def _innermost_context(traceback: Any) -> tuple[int, int]:
    """The position of the innermost parse-tree node the failing AST builder was visiting."""
    where = (1, 0)
    while traceback is not None:
        ctx = traceback.tb_frame.f_locals.get("ctx")
        if isinstance(ctx, ParserRuleContext) and ctx.start is not None:
            where = (ctx.start.line, ctx.start.column)
        traceback = traceback.tb_next
    return where


def _describe(exc: object, stream: CommonTokenStream, parser: qasm3Parser) -> tuple[int, int, str]:
    """(line, column, message) for an ANTLR recognition error."""
    token = getattr(exc, "offendingToken", None)
    if token is None:
        return 1, 0, "syntax error"
    expected = _expected(exc, parser)
    previous = _previous_token(stream, token)
    if "';'" in expected and previous is not None and previous.line < token.line:
        end_column = previous.column + len(previous.text or "")
        return previous.line, end_column, f"syntax error: expected ';' after '{previous.text}'"
    if token.type == Token.EOF:
        return token.line, token.column, ("syntax error: unexpected end of input (an unclosed '{' or "
                                          "a missing ';'?)")
    hint = f" (expected {expected})" if expected and len(expected) < 80 else ""
    return token.line, token.column, f"syntax error: unexpected '{token.text}'{hint}"


def _expected(exc: object, parser: qasm3Parser) -> str:
    try:
        tokens = exc.getExpectedTokens()  # type: ignore[attr-defined]
        return tokens.toString(parser.literalNames, parser.symbolicNames) if tokens else ""
    except Exception:  # noqa: BLE001 -- only a hint; the error itself is already known
        return ""


def _previous_token(stream: CommonTokenStream, token: Token) -> Token | None:
    for index in range(token.tokenIndex - 1, -1, -1):
        candidate = stream.tokens[index]
        if candidate.channel == Token.DEFAULT_CHANNEL:
            return candidate
    return None


def _place_spans(program: ast.Program, text: str, line0: int) -> None:
    """Most identifier spans hold a character offset where the column belongs (an openqasm3
    quirk): make them columns; then move every span down by `line0` lines."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    seen: set[int] = set()
    for node in _walk(program):
        span = node.span
        if span is None or id(span) in seen:
            continue
        seen.add(id(span))
        if isinstance(node, ast.Identifier) and span.start_line > 1:
            _offset_to_column(node.name, span, text, starts)
        span.start_line += line0
        span.end_line += line0


def _offset_to_column(name: str, span: ast.Span, text: str, starts: list[int]) -> None:
    """Make `span`'s columns columns if they are character offsets into `text`."""
    line_start = starts[span.start_line - 1]
    line_end = starts[span.start_line] if span.start_line < len(starts) else len(text)
    offset = span.start_column
    if line_start <= offset < line_end and text.startswith(name, offset):
        span.start_column -= line_start
        span.end_column -= line_start


def _walk(node: object):
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, ast.QASMNode):
            yield item
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item) if f.name != "span")
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
