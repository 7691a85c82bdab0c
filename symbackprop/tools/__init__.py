"""Tools around the engine: the benchmark and the PyTorch cross-check."""
