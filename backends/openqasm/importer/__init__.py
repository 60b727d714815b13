"""Import OpenQASM 2 and 3 into a flat, replayable program (see `load.import_qasm`)."""
