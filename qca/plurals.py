"""Counted nouns in summaries: ``1 source``, ``2 sources``, ``0 protocols``.

Every summary line that puts a number before a noun builds it here, so no output says
"1 sources added".
"""

from __future__ import annotations

__all__ = ["count_noun"]


def count_noun(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun``, plural unless ``n`` is 1 (``plural`` for irregular nouns)."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"
