"""The example scripts run as a user would run them (each checks nothing itself: they must not crash)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.py"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(path, capsys):
    runpy.run_path(str(path), run_name="__main__")
    assert capsys.readouterr().out  # every example prints its results


def test_readme_code_runs_and_its_hessian_is_right(capsys):
    """The README's Python blocks, run in order in one namespace as a reader would paste them;
    its Hessian of the small circuit against central differences of its gradient."""
    import re
    import textwrap

    import numpy as np

    import kettle as kt

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    namespace: dict = {}
    for block in re.findall(r"```python\n(.*?)```", readme, re.S):
        exec(compile(textwrap.dedent(block), "README.md", "exec"), namespace)  # blocks in lists are indented
    assert "q.call {callee = @small_kernel}" in capsys.readouterr().out
    grad, w, h = kt.grad(namespace["small"]), namespace["w"], 1e-5
    fd = np.array([(grad(w + h * e) - grad(w - h * e)) / (2 * h) for e in np.eye(2)])
    np.testing.assert_allclose(namespace["hessian"], fd, atol=1e-8)
