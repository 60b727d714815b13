"""`kettle demo` trains: the loss falls and the classifier beats chance on held-out points."""

from __future__ import annotations

import re

import numpy as np
import pytest

from kettle.cli import main
from kettle.demo import run_demo


@pytest.fixture(scope="module")
def trained():
    return run_demo(steps=20)  # method "auto": adjoint


def test_demo_loss_falls(trained):
    losses = np.array(trained.losses)
    assert len(losses) == 20
    assert losses[-1] < 0.4 * losses[0]
    assert np.all(np.diff(losses[:8]) < 0)  # the first steps descend steadily


def test_demo_classifier_learns(trained):
    assert trained.train_accuracy >= 0.9
    assert trained.test_accuracy >= 0.85


def test_demo_command_prints_the_loss_per_step_and_the_accuracy(capsys):
    assert main(["demo", "--steps", "2", "--points", "6", "--method", "parameter-shift"]) == 0
    out = capsys.readouterr().out
    assert "data: 6 points (seed 0), 4 to train, 2 to test" in out
    assert re.search(r"^   1 +\d\.\d{4} +\d+\.\d ms .*compile", out, re.M)
    assert re.search(r"^   2 +\d\.\d{4} +\d+\.\d ms", out, re.M)
    assert re.search(r"accuracy: train \d+\.\d%, test \d+\.\d%", out)


def test_demo_show_ir_prints_the_circuit_and_its_gradient_program(capsys):
    assert main(["demo", "--steps", "1", "--points", "6", "--method", "parameter-shift", "--show-ir"]) == 0
    out = capsys.readouterr().out
    circuit, gradient = out.split("the gradient program's IR")
    assert "module @classifier {" in circuit and 'q.gate {gate = "Rot"}' in circuit
    assert "module @grad_cost_grad {" in gradient
    assert gradient.count("q.call") > 2 * 36 and "q.vjp" not in gradient  # shifted calls


def test_demo_show_ir_by_default_shows_the_adjoint_vjps(capsys):
    assert main(["demo", "--steps", "1", "--points", "6", "--show-ir"]) == 0
    gradient = capsys.readouterr().out.split("the gradient program's IR")[1]
    assert gradient.count('q.vjp {callee = @classifier_kernel') == 2  # one per training point shown
    assert 'method = "adjoint"' in gradient
