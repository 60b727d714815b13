"""The error hierarchy every user-facing mistake is reported through.

It lives in `ir/` because `ir/` is the bottom of the dependency graph: every other
layer may import it, and the public API re-exports it as `kettle.KettleError` etc.
"""

from __future__ import annotations


class KettleError(Exception):
    """Base class of every error kettle raises for a user's mistake.

    Each message names the mistake and the fix; text input adds a line and column.
    """


class IRParseError(KettleError):
    """IR text that does not parse; carries the 1-based `line` and `column`."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        self.line = line
        self.column = column
        where = f"line {line}, column {column}: " if line is not None else ""
        super().__init__(where + message)


class VerifyError(KettleError):
    """A module that breaks an IR invariant (types, qubit linearity, dominance, arity)."""


class TraceError(KettleError):
    """A mistake in a traced Python function (wrong wire, bad argument, misuse of an API)."""


class WireError(TraceError):
    """A wire that is out of range, repeated in one gate, or of the wrong kind."""


class ShapeError(TraceError):
    """A parameter or weight tensor with the wrong number of entries or the wrong shape."""


class MeasurementError(TraceError):
    """A measurement used where it cannot be (outside a circuit, without shots, ...)."""


class BackendError(KettleError):
    """An op or a request a backend cannot execute; names the backend and the op."""


class ResourceError(BackendError, MemoryError):
    """A program that would need more memory than is available; raised before allocating.

    Also a MemoryError, so code that already catches out-of-memory keeps working.
    """


class QasmError(KettleError, ValueError):
    """OpenQASM text kettle cannot import or a circuit it cannot export.

    For text input it carries the file (`path`, may be None for a string), the 1-based
    `line` and `column`, and prints the offending source line with a caret under the column.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 column: int | None = None, source_line: str | None = None):
        self.path = path
        self.line = line
        self.column = column
        self.reason = message
        where = ":".join(str(p) for p in (path or "<qasm>", line, column) if p is not None)
        text = f"{where}: {message}" if line is not None or path else message
        if source_line is not None and line is not None:
            caret = " " * max((column or 1) - 1, 0) + "^"
            text += f"\n    {source_line.rstrip()}\n    {caret}"
        super().__init__(text)
