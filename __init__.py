"""kettle: a compiler toolchain for differentiable quantum programs."""
