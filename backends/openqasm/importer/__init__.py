"""Import OpenQASM 2 and 3 into a flat, replayable program (entry point: `load.import_qasm`).

Pipeline: `scan` (straight-line statements read directly, the rest by openqasm3's ANTLR
parser through `parse`) -> `interpreter` (classical control flow, subroutines and gate
definitions run at import; `statements`, `quantum`, `expressions`, `modifiers`,
`pragmas`) -> `program.QasmProgram`, which `frontend/from_qasm.py` replays as gates.

Conventions, where implementations differ:
- `U(θ, φ, λ)` and `u3` are exactly kettle's U3 (Qiskit's and Braket's U; the current
  spec's U carries an extra e^{iθ/2}, which only `ctrl @ U` could observe).
- An uncontrolled `gphase` is summed in `QasmProgram.global_phase` and applied once, exactly,
  at the end (it matters under kt.ctrl); under `ctrl @` it is a phase gate on the controls.
- Bit i of an integer (`n[i]`) and of a bit register's value is the i-th least
  significant; a bitstring literal's last character is bit 0 (Braket's simulator reads
  integers' bits from the most significant end instead).
- `angle` values are plain floats (no wrapping to 2π, no n-bit rounding).
- Declared but uninitialised classical values are zero; `int / int` stays an int when
  the division is exact and is a float otherwise (so `pow(1/2) @ z` is S).
"""
