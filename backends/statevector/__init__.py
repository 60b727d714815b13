"""The statevector backend: kernels lowered to instruction tables run by disk-cached numba kernels.

    program = compile_kernel(fn)                # pure-Python lowering, milliseconds
    results = program.run(params, rng)          # one numba dispatch for small states
    grad = program.vjp(params, cotangents)      # adjoint VJP: lowered on first use, one dispatch

Compiling one numba function per circuit costs seconds, so nothing is generated per
circuit: `lowering` maps the kernel to gate actions (`gate_actions`, from the gate table
only) and measurement steps (`measurements`, `sampling` for shots); `fusion` merges gates
where that saves work; `blocking` groups gates into cache-sized chunks for large states
(run by `threads`); `encode` assembles the int64 program and constant pools that the
`kernels_*` modules interpret (`kernels_run.run_program` is the one hot entry point,
`kernels_extra` the lazily compiled rare measurements). `adjoint`/`adjoint_program` lower
the adjoint VJP (one forward and one backward sweep, for every parameter and every
observable term at once) for `kernels_adjoint`, compiled only when a kernel is
differentiated. `cache` keeps the compiled kernels in kettle's own private, checksummed
disk cache (`cache_dir` says where and whether it is safe, `cache_files` lists and clears
it); `compiling` compiles an entry point and says so on stderr; `warm` fills the cache
ahead of time. numba is imported on the first compile, never at `import kettle`
time.
"""

from __future__ import annotations

from .program import Program, compile_kernel

__all__ = ["Program", "compile_kernel"]
