"""derivlab: make derivatives visible.

Interactive scenes for the calculus under machine learning: the derivative as a
limit, differentiability and its failures, the rules, the chain rule and
backpropagation, numerical differentiation, gradient descent and loss surfaces.
"""

from __future__ import annotations

__version__ = "0.1.0"
