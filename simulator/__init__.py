"""Tabletop joint-operations training simulator.

The engine is headless and deterministic: commands in, events out. See
docs/architecture.md for the layers.
"""

__version__ = "0.1.0"
