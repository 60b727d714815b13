"""OpenQASM 3: export kernels for QPUs (named targets, basis, routing) and import OpenQASM 2/3.

Export builds an `openqasm3` AST and prints it with `openqasm3.dumps`; import parses with
`openqasm3.parse` and interprets the program into gate applications.
"""
