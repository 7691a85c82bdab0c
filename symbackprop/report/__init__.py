"""Proof reports and feedback: data (`model`), templates (`render`), PDF (`pdf`)."""
