"""Backends: what turns verified IR into something that runs (or is shown).

A kernel backend has one entry point, `compile_kernel(fn)`, taking a kernel Function and
returning an object whose `run(params, rng)` evaluates it (params: the kernel's f64
parameter vector or None; rng: a numpy Generator, needed with shots) and returns its
results in `return` order:

- `reference.py`: the slow NumPy interpreter that defines what the IR means; every pass
  and backend is tested against it.
- `statevector/`: the fast simulator, kernels lowered to programs for disk-cached numba
  kernels.

Two more read the IR without simulating it: `host.py` compiles a host function to Python
(`compile_host(fn, callees)`, calling the compiled kernels), and `drawer.py` draws a kernel
as text (`draw_kernel(fn)`). The runtime picks and combines them; backends import only `ir/`.
"""
