"""The suggestion strip: the top three categories the model proposes for the segment.

It only shows what the coding screen hands it; the screen computes suggestions in a worker
after the segment is on screen, so a keypress never waits for them. Each suggestion keeps
one line at any width: a long name ends in an ellipsis, the score and shortcut stay. The
keys (S accepts, X selects the next) are in the footer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

from qca.i18n import _

if TYPE_CHECKING:
    from qca.suggest import Suggestion

__all__ = ["SuggestionPanel", "suggestion_lines"]


def _fit(name: str, room: int) -> str:
    """``name`` cut to ``room`` cells, ending in an ellipsis when cut."""
    if cell_len(name) <= room:
        return name
    if room <= 1:
        return "…"[:max(room, 0)]
    out = ""
    for char in name:
        if cell_len(out + char) > room - 1:
            break
        out += char
    return out.rstrip() + "…"


def suggestion_lines(suggestions: Sequence[Suggestion], selected: int,
                     shortcuts: dict[str, str], assigned: frozenset[str], width: int) -> Text:
    """One line per suggestion, ``›★1 name 0.82 [b] ✔``, each at most ``width`` cells."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for i, s in enumerate(suggestions):
        if i:
            text.append("\n")
        chosen = i == selected
        head = Text.assemble(("›" if chosen else " ", "bold"),
                             (f"★{i + 1} ", "bold" if chosen else "dim"))
        tail = Text(f" {s.score:.2f}", "bold" if chosen else "dim")
        shortcut = shortcuts.get(s.code)
        if shortcut:
            tail.append(f" [{shortcut}]", "dim")
        if s.code in assigned:
            tail.append(" ✔", "bold")
        room = width - head.cell_len - tail.cell_len
        text.append_text(head)
        text.append(_fit(s.name, room), "bold" if chosen else "")
        text.append_text(tail)
    return text


class SuggestionPanel(Widget):
    """Three fixed lines ``›★1 name 0.82 [shortcut]``; the selected one is bold."""

    can_focus = False

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._note: str | None = ""
        self._shown: tuple[list[Suggestion], int, dict[str, str], frozenset[str]] | None = None

    def show_note(self, note: str) -> None:
        """One dim line instead of suggestions (e.g. "suggestions: learning…")."""
        if note != self._note:
            self._note, self._shown = note, None
            self.refresh()

    def show_suggestions(self, suggestions: Sequence[Suggestion], selected: int,
                         shortcuts: dict[str, str], assigned: frozenset[str]) -> None:
        """The ranked suggestions; ``shortcuts`` maps category key -> shortcut."""
        if not suggestions:
            self.show_note(_("suggestions: none for this segment"))
            return
        shown = (list(suggestions), selected, shortcuts, assigned)
        if shown != self._shown:
            self._note, self._shown = None, shown
            self.refresh()

    @property
    def text(self) -> str:
        """What the panel shows, as plain text."""
        return self.render().plain

    def render(self) -> Text:
        if self._shown is None:
            return Text(self._note or "", "dim italic", no_wrap=True, overflow="ellipsis")
        suggestions, selected, shortcuts, assigned = self._shown
        return suggestion_lines(suggestions, selected, shortcuts, assigned,
                                max(self.content_region.width, 20))
