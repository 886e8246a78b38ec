"""Folded text for search: case, umlauts and accents out, with a map back to the original.

The search index (migration ``0004_search`` in :mod:`qca.store`) holds every segment's text
folded by :func:`fold_text`, and every query is folded the same way, so ``Baume`` finds
``Bäume``, ``Aemter`` finds ``Ämter`` and ``STRASSE`` finds ``Straße``. The rules are those of
:func:`qca.nlp.fold` (for single words), applied to a whole text:

- case folded (``str.casefold``, which also turns ``ß`` into ``ss``);
- ä → a, ö → o, ü → u, and other accents dropped (``é`` → ``e``);
- the spelled-out umlauts ae → a, oe → o, ue → u, and OCR's ii → u, scanning left to right.

:func:`fold_with_offsets` also says, for every folded character, which character of the
original it came from, so a hit found in the folded text is shown in the original spelling.
"""

from __future__ import annotations

import unicodedata

__all__ = ["fold_text", "fold_with_offsets"]

_UMLAUTS = {"ä": "a", "ö": "o", "ü": "u"}
_PAIRS = {"ae": "a", "oe": "o", "ue": "u", "ii": "u"}


def _fold_char(ch: str) -> str:
    out = ch.casefold()
    out = "".join(_UMLAUTS.get(c, c) for c in out)
    if not out.isascii():
        out = "".join(c for c in unicodedata.normalize("NFKD", out)
                      if not unicodedata.combining(c))
    return out


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """The folded text and, per folded character, its index in ``text``.

    The offsets list has one more entry than the folded text: ``len(text)``, so the end of
    a hit maps back as well (``text[offsets[i]:offsets[j]]`` is the original of
    ``folded[i:j]``).
    """
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii() and not ch.isupper():
            chars.append(ch)
            origin.append(i)
            continue
        for c in _fold_char(ch):
            chars.append(c)
            origin.append(i)
    folded: list[str] = []
    offsets: list[int] = []
    i, n = 0, len(chars)
    while i < n:
        pair = _PAIRS.get(chars[i] + chars[i + 1]) if i + 1 < n else None
        if pair is not None:
            folded.append(pair)
            offsets.append(origin[i])
            i += 2
        else:
            folded.append(chars[i])
            offsets.append(origin[i])
            i += 1
    offsets.append(len(text))
    return "".join(folded), offsets


def fold_text(text: str) -> str:
    """``text`` folded for searching (rules: module docstring)."""
    return fold_with_offsets(text)[0]
