"""`kt.draw` and `kt.specs`: look at what a qjit function compiles to, for given arguments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..backends.drawer import draw_kernel
from ..backends.reference import kernel_arguments
from ..ir import TraceError
from ..passes.resources import resources


def draw(qfn: Any, decimals: int = 2) -> Callable[..., str]:
    """`kt.draw(circuit)(*args)`: a text drawing of each kernel the call runs.

    Parameters show the values this call feeds them.
    """

    _check_compiled(qfn, "draw")

    def drawer(*args: Any, **kwargs: Any) -> str:
        traced = qfn.trace(*args, **kwargs)
        module = traced.module
        values = kernel_arguments(module, *traced.entry_args)
        parts = []
        for kernel in module.kernels:
            call_args = values.get(kernel.name)
            params = call_args[0] if call_args else None
            title = f"@{kernel.name}:\n" if len(module.kernels) > 1 else ""
            parts.append(title + draw_kernel(kernel, params, decimals))
        return "\n\n".join(parts)

    return drawer


def specs(qfn: Any) -> Callable[..., dict[str, Any]]:
    """`kt.specs(circuit)(*args)`: gate counts, depth, parameters and measurements."""

    _check_compiled(qfn, "specs")

    def counter(*args: Any, **kwargs: Any) -> dict[str, Any]:
        module = qfn.lower(*args, **kwargs)
        found = [resources(k) for k in module.kernels]
        return found[0] if len(found) == 1 else {k.name: r for k, r in zip(module.kernels, found)}

    return counter


def _check_compiled(qfn: Any, what: str) -> None:
    if not (hasattr(qfn, "trace") and hasattr(qfn, "lower")):
        raise TraceError(f"kt.{what} takes a qjit function (or kt.grad/kt.jacobian of one), got "
                         f"{type(qfn).__name__} {qfn!r:.50}; decorate the circuit with @kt.qjit(wires=...)")
