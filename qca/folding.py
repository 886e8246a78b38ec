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

import bisect
import re
import unicodedata

__all__ = ["FoldedText", "fold_text", "fold_with_offsets"]

_UMLAUTS = {"ä": "a", "ö": "o", "ü": "u"}
_PAIRS = {"ae": "a", "oe": "o", "ue": "u", "ii": "u"}
_PAIR_RE = re.compile("ae|oe|ue|ii")
_QUICK = (("ä", "a"), ("ö", "o"), ("ü", "u"), ("Ä", "a"), ("Ö", "o"), ("Ü", "u"),
          ("ß", "ss"), ("ẞ", "ss"))
_SHARP_S = re.compile("[ßẞ]")


def _fold_char(ch: str) -> str:
    out = ch.casefold()
    out = "".join(_UMLAUTS.get(c, c) for c in out)
    if not out.isascii():
        out = "".join(c for c in unicodedata.normalize("NFKD", out)
                      if not unicodedata.combining(c))
    return out


def _stage_one(text: str) -> tuple[str, list[int] | None]:
    """Case, umlauts and accents folded, with the origin of each character (None: 1:1)."""
    if text.isascii():
        return text.lower(), None
    quick = text
    for old, new in _QUICK:
        if old in quick:
            quick = quick.replace(old, new)
    quick = quick.lower()
    if quick.isascii():
        if len(quick) == len(text):
            return quick, None
        origin: list[int] = []  # only ß grew, into ss
        last = 0
        for m in _SHARP_S.finditer(text):
            i = m.start()
            origin.extend(range(last, i))
            origin.extend((i, i))
            last = i + 1
        origin.extend(range(last, len(text)))
        if len(origin) == len(quick):
            return quick, origin
    chars: list[str] = []
    origin = []
    for i, ch in enumerate(text):
        folded = ch.lower() if ch.isascii() else _fold_char(ch)
        chars.append(folded)
        origin.extend([i] * len(folded))
    return "".join(chars), origin


class FoldedText:
    """A text folded for searching, able to say where a folded position came from.

    Cheaper than a full offset list (:func:`fold_with_offsets`) when only a few positions
    are mapped back, as for the hits of a search.
    """

    __slots__ = ("folded", "one_to_one", "_origin", "_pairs", "_length")

    def __init__(self, text: str) -> None:
        stage, self._origin = _stage_one(text)
        self._length = len(text)
        pairs: list[int] = []
        pieces: list[str] = []
        last = 0
        for m in _PAIR_RE.finditer(stage):
            pieces.append(stage[last:m.start()])
            pieces.append(_PAIRS[m.group()])
            pairs.append(m.start() - len(pairs))  # the pair's position in the folded text
            last = m.end()
        if pairs:
            pieces.append(stage[last:])
            self.folded = "".join(pieces)
        else:
            self.folded = stage
        self._pairs = pairs
        #: Whether every folded character sits where its original does (no map needed).
        self.one_to_one = not pairs and self._origin is None

    def original(self, position: int) -> int:
        """The index in the original text of folded character ``position`` (or its end)."""
        stage = position + bisect.bisect_left(self._pairs, position) if self._pairs else position
        if self._origin is None:
            return stage
        return self._origin[stage] if stage < len(self._origin) else self._length


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """The folded text and, per folded character, its index in ``text``.

    The offsets list has one more entry than the folded text: ``len(text)``, so the end of
    a hit maps back as well (``text[offsets[i]:offsets[j]]`` is the original of
    ``folded[i:j]``).
    """
    folded = FoldedText(text)
    return folded.folded, [folded.original(i) for i in range(len(folded.folded) + 1)]


def fold_text(text: str) -> str:
    """``text`` folded for searching (rules: module docstring)."""
    stage, _ = _stage_one(text)
    return _PAIR_RE.sub(lambda m: _PAIRS[m.group()], stage)
