"""The engine: the function registry and the network built from a problem's equations."""
