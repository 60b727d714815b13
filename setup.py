"""Package discovery for the repository-root-is-the-package layout.

pyproject.toml cannot express "every package below the root, prefixed with `kettle.`":
a hand-written list forgot `kettle.passes.autodiff` once and `import kettle` failed for
every non-editable install. So the list is computed: every folder with an `__init__.py`,
except the ones that are not part of the installed package.
"""

from setuptools import find_packages, setup

NOT_INSTALLED = ["tests", "tests.*", "benchmarks", "benchmarks.*", "examples", "examples.*",
                 "build", "build.*", "dist", "dist.*"]

setup(
    package_dir={"kettle": "."},
    packages=["kettle"] + [f"kettle.{name}" for name in find_packages(".", exclude=NOT_INSTALLED)],
)
