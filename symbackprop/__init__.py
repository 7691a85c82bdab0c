"""symbackprop: exact verification and grading of backprop derivations written in course LaTeX."""

__version__ = "0.2.0"
