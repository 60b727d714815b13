"""The `kettle` command line: `kettle demo`, `kettle opt`, `kettle qasm`, `kettle run` and
`kettle cache` (also `python -m kettle ...`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

METHODS = ("auto", "adjoint", "parameter-shift", "finite-diff")
"""kt.grad's methods (repeated so that `kettle --help` does not import the package)."""
TARGETS = ("generic", "braket", "ibm")
"""The built-in OpenQASM export targets (repeated for the same reason)."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kettle", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="train a variational classifier on two half-moons")
    demo.add_argument("--show-ir", action="store_true",
                      help="print the IR of the trained circuit and of its gradient program")
    demo.add_argument("--steps", type=_positive_int, default=40, help="number of Adam steps")
    demo.add_argument("--points", type=_positive_int, default=60, help="size of the data set")
    demo.add_argument("--method", choices=METHODS, default="auto", help="differentiation method")

    opt = commands.add_parser("opt", help="run IR passes on a .kir file, like mlir-opt")
    opt.add_argument("file", help="IR text file ('-' for stdin)")
    opt.add_argument("--passes", default="", help="comma-separated pass names, e.g. dce")
    opt.add_argument("--print-after-all", action="store_true", help="print the IR after each pass")

    qasm = commands.add_parser("qasm", help="export a kernel of a .kir file as OpenQASM 3")
    qasm.add_argument("file", help="IR text file ('-' for stdin)")
    qasm.add_argument("--target", choices=TARGETS, default="generic", help="where the program runs")
    qasm.add_argument("--kernel", default=None, help="the kernel to export (needed if there are several)")
    qasm.add_argument("-o", "--output", default=None, help="write the program here instead of stdout")

    run = commands.add_parser("run", help="simulate an OpenQASM 2/3 program; print the probabilities "
                                          "(or counts) of its measured bits")
    run.add_argument("program", help="OpenQASM file ('-' for stdin)")
    run.add_argument("--shots", type=_positive_int, default=None,
                     help="sample this many shots and print counts (default: exact probabilities)")
    run.add_argument("--seed", type=_seed, default=None, help="seed of the sampler (with --shots)")
    run.add_argument("--input", action="append", default=[], metavar="NAME=VALUE",
                     help="the value of an `input` of the program (repeat for several)")
    run.add_argument("-I", "--include-path", action="append", default=[], metavar="DIR",
                     help="a folder to search for include files (repeat for several)")

    cache = commands.add_parser("cache", help="the disk cache of compiled numba kernels")
    cache.add_argument("action", choices=("info", "clear"),
                       help="info: where it is, whether it is used, its size; clear: delete its files")

    args = parser.parse_args(argv)
    from .ir import KettleError

    try:
        if args.command == "demo":
            from .demo import run_demo

            run_demo(steps=args.steps, points=args.points, method=args.method, show_ir=args.show_ir)
        elif args.command == "cache":
            run_cache(args.action)
        elif args.command == "qasm":
            run_qasm(args.file, args.target, args.kernel, args.output)
        elif args.command == "run":
            run_program(args.program, args.shots, args.seed, args.input, args.include_path)
        else:
            run_opt(args.file, args.passes, args.print_after_all)
    except KettleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value


def _seed(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {value}")
    return value


def run_opt(path: str, pipeline: str, print_after_all: bool) -> None:
    """Parse the IR in `path`, run the `pipeline` passes on it and print the result.

    Raises:
        KettleError: an unknown pass, an unreadable file, bad IR text or invalid IR.
    """
    from .ir import parse_module
    from .passes import PassManager, parse_pipeline

    passes = parse_pipeline(pipeline)
    text = read_source(path)
    result = PassManager(passes, print_after_all=print_after_all).run(parse_module(text))
    print(result, end="")


def run_qasm(path: str, target: str, kernel: str | None, output: str | None) -> None:
    """Export one kernel of the IR in `path` for `target`; its parameters become `input float[64]`.

    Raises:
        KettleError: bad IR, no such kernel (or several and none chosen), something the target
            cannot express, or an unwritable output file.
    """
    from .backends.openqasm.emit import emit_kernel
    from .backends.openqasm.targets import get_target
    from .ir import KettleError, parse_module

    module = parse_module(read_source(path))
    names = [k.name for k in module.kernels]
    if kernel is None and len(names) != 1:
        raise KettleError(f"{path} has {len(names)} kernels ({', '.join(names) or 'none'}); "
                          f"choose one with --kernel NAME" if names else f"{path} has no kernel to export")
    if kernel is not None and kernel not in names:
        raise KettleError(f"{path} has no kernel @{kernel}; its kernels: {', '.join(names) or 'none'}")
    chosen = get_target(target)
    module = chosen.prepare(module)
    text = emit_kernel(module[kernel or names[0]], chosen, parametric=True).text
    if output is None:
        print(text, end="")
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise KettleError(f"cannot write {output}: {exc.strerror or exc}") from None


def run_program(path: str, shots: int | None, seed: int | None, inputs: list[str],
                include_path: list[str]) -> None:
    """Import the OpenQASM program in `path`, simulate it and print a `bitstring value` table:
    the probabilities (or, with `shots`, the counts) of its measured bits in bit order, first
    bit leftmost; of all its wires when it measures none. Only nonzero rows, sorted.

    Raises:
        KettleError: an unreadable file, a program kettle cannot import (QasmError, with
            its line and column), a missing or malformed --input.
    """
    from .frontend import counts, from_qasm, probs, qjit
    from .ir import KettleError

    text = read_source(path)
    qfn = from_qasm(text, include_path) if path == "-" else from_qasm(Path(path), include_path)
    if qfn.num_wires == 0:
        raise KettleError(f"{path} declares no qubits: there is nothing to simulate")
    args = _qasm_inputs(qfn, inputs)
    bits = qfn.measured or tuple(range(qfn.num_wires))
    wires = sorted(set(bits))

    @qjit(wires=qfn.num_wires, shots=shots, seed=seed)
    def circuit(*values):
        qfn(*values, results=False)  # the table is of the measured bits, not of result pragmas
        return counts(wires=wires) if shots else probs(wires=wires)

    result = circuit(*args)
    table: dict[str, float] = {}
    outcomes = result.items() if shots else ((format(i, f"0{len(wires)}b"), p) for i, p in enumerate(result))
    for outcome, value in outcomes:
        key = "".join(outcome[wires.index(w)] for w in bits)
        table[key] = table.get(key, 0) + value
    print(f"bitstring {'counts' if shots else 'probability'}")
    for key in sorted(table):
        if table[key] > 1e-12:
            print(f"{key} {table[key] if shots else format(float(table[key]), '.12g')}")


def _qasm_inputs(qfn, assignments: list[str]) -> list:
    """The program's input values, in declaration order, from NAME=VALUE strings."""
    from .ir import KettleError

    values: dict[str, object] = {}
    static = qfn.program.static_inputs
    for item in assignments:
        name, sep, text = item.partition("=")
        if not sep or name not in qfn.inputs:
            raise KettleError(f"--input {item!r}: write NAME=VALUE with NAME one of the program's "
                              f"inputs {list(qfn.inputs)}")
        if name in values:
            raise KettleError(f"--input {name} is given twice; give each input once")
        try:
            if name in static:
                values[name] = {"true": 1, "false": 0}.get(text.lower(), None)
                values[name] = int(text, 0) if values[name] is None else values[name]
            else:
                values[name] = _real(text)
        except ValueError:
            kind = static.get(name, "float")
            raise KettleError(f"--input {item!r}: {text!r} is not a valid {kind}") from None
    missing = [n for n in qfn.inputs if n not in values]
    if missing:
        raise KettleError(f"the program needs --input {missing[0]}=VALUE (its inputs: "
                          f"{', '.join(qfn.inputs)})")
    return [values[n] for n in qfn.inputs]


def _real(text: str) -> float:
    """A float input: a number or arithmetic of numbers and pi (`pi/2`, `-0.5*pi`, `3e-2`).

    Raises:
        ValueError: anything else (names, calls, ...).
    """
    import ast
    import math
    import operator

    binary = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}

    def value(node: ast.AST) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            return float(node.value)
        if isinstance(node, ast.Name) and node.id in ("pi", "π"):
            return math.pi
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return -value(node.operand) if isinstance(node.op, ast.USub) else value(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in binary:
            return binary[type(node.op)](value(node.left), value(node.right))
        raise ValueError(text)

    try:
        return value(ast.parse(text.strip(), mode="eval").body)
    except (SyntaxError, ZeroDivisionError):
        raise ValueError(text) from None


def run_cache(action: str) -> None:
    """Print where the kernel cache lives and what it holds (`info`), or empty it (`clear`).

    Raises:
        KettleError: `clear` found a cache directory that is not private to this user.
    """
    from .backends.statevector import cache_files

    if action == "info":
        print(cache_files.describe())
    else:
        removed, freed = cache_files.clear()
        print(f"removed {removed} files ({freed / 1e6:.1f} MB) from {cache_files.cache_root()}")


def read_source(path: str) -> str:
    """The UTF-8 text of the file `path`, or of stdin for `-`.

    Raises:
        KettleError: the file is missing, a directory, unreadable, or not UTF-8 text.
    """
    from .ir import KettleError

    name = "<stdin>" if path == "-" else path
    try:
        return sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise KettleError(f"cannot read {name}: not UTF-8 text "
                          f"(byte 0x{exc.object[exc.start]:02x} at offset {exc.start})") from None
    except OSError as exc:
        raise KettleError(f"cannot read {name}: {exc.strerror or exc}") from None
