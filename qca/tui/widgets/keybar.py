"""The footer of the coding screen: as many keys as fit the width, none cut in half.

Textual's footer cuts the last label at 80 columns ("S") and shows no more keys at 200
columns than at 120. This bar takes the keys in order of importance until the width is
used up and shows them in the screen's order, so every label it shows is whole and a wide
terminal shows more of them. No key drops out silently: when some do not fit, the
catch-all key (``?``, the help that lists every key) says how many: ``? Help +12``.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

__all__ = ["KeyBar", "fit_keys"]


def _choose(keys: Sequence[tuple[str, str, int]], width: int) -> set[int]:
    """Indexes of the keys that fit ``width``, taken by rank (a lower rank first)."""
    order = sorted(range(len(keys)), key=lambda i: keys[i][2])
    used, chosen = 0, set()
    for i in order:
        key, label, _ = keys[i]
        need = cell_len(key) + 1 + cell_len(label) + 1
        if used + need <= width:
            used += need
            chosen.add(i)
    return chosen


def fit_keys(keys: Sequence[tuple[str, str, int]], width: int,
             more: str | None = None) -> list[tuple[str, str]]:
    """The ``(key, label)`` pairs that fit ``width``, in their given order.

    ``keys`` are ``(key, label, rank)``; a lower rank is kept first. When some keys do not
    fit and ``more`` names a key (the catch-all that lists them all), its label ends in
    `` +N``, the number of keys left out; room for that is kept.
    """
    chosen = _choose(keys, width)
    catch_all = next((i for i, k in enumerate(keys) if k[0] == more), None)
    if len(chosen) < len(keys) and catch_all is not None:
        chosen = _choose(keys, width - cell_len(f" +{len(keys)}"))
        if catch_all in chosen:
            label = keys[catch_all][1]
            left_out = len(keys) - len(chosen)
            return [(keys[i][0], keys[i][1] if i != catch_all else f"{label} +{left_out}")
                    for i in range(len(keys)) if i in chosen]
    return [(keys[i][0], keys[i][1]) for i in range(len(keys)) if i in chosen]


class KeyBar(Widget):
    """One row of ``key label`` pairs."""

    COMPONENT_CLASSES = {"keybar--key", "keybar--label"}
    can_focus = False

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._keys: list[tuple[str, str, int]] = []
        self._more: str | None = None

    def show(self, keys: Sequence[tuple[str, str, int]], more: str | None = None) -> None:
        """Offer ``keys`` as ``(key, label, rank)``; the bar picks what fits.

        ``more`` is the key that lists every key (help); it counts the keys left out.
        """
        if list(keys) != self._keys or more != self._more:
            self._keys, self._more = list(keys), more
            self.refresh()

    @property
    def shown(self) -> list[tuple[str, str]]:
        return fit_keys(self._keys, self.content_region.width - 1, self._more)

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key")
        label_style = self.get_component_rich_style("keybar--label")
        text = Text(" ", no_wrap=True, overflow="crop")
        for i, (key, label) in enumerate(self.shown):
            if i:
                text.append(" ")
            text.append(key, key_style)
            text.append(" " + label, label_style)
        return text
