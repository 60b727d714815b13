"""Automatic differentiation: reverse mode over host IR, with the kernel rule as `q.vjp`.

`differentiate` builds grad / value_and_grad / jacobian programs; `LowerVJP` turns
shift-rule VJPs into shifted kernel calls. Rules live in this package, keyed by op.
"""

from .differentiate import KINDS, differentiate
from .lower_vjp import LowerVJP
from .rules import RULES

__all__ = ["KINDS", "LowerVJP", "RULES", "differentiate"]
