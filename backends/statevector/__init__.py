"""The statevector backend: kernels lowered to instruction tables run by disk-cached numba kernels.

`compile_kernel(fn).run(params, rng)`. numba is imported on the first compile, never at
`import kettle` time.
"""

from __future__ import annotations

from .program import Program, compile_kernel

__all__ = ["Program", "compile_kernel"]
