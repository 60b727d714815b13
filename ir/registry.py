"""Import every op module so that all ops are registered before parsing or verifying."""

from . import arith, function, quantum, tensors  # noqa: F401
