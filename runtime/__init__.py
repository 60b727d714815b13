"""Running compiled programs: backends glued to the user's call.

`compile_traced` turns a traced module into an `Executable`: each kernel compiled by the
chosen backend, the host function compiled to Python, the static arguments dropped and
the user's output structure rebuilt around the results.
"""

from .executable import Executable, compile_traced

__all__ = ["Executable", "compile_traced"]
