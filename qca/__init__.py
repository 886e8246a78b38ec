"""qca: qualitative content analysis of open survey answers and dialogue protocols."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
