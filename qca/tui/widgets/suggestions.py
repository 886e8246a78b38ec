"""The suggestion strip: the top three categories the model proposes for the segment.

It only shows what the coding screen hands it; the screen computes suggestions in a worker
after the segment is on screen, so a keypress never waits for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from qca.suggest import Suggestion

__all__ = ["SuggestionPanel"]


class SuggestionPanel(Static):
    """Up to three lines ``★1 name 0.82 [shortcut]``; the selected one is bold."""

    can_focus = False

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._content: Text | None = None

    def show_note(self, note: str) -> None:
        """One dim line instead of suggestions (e.g. "suggestions: learning…")."""
        self._set(Text(note, "dim italic"))

    def show_suggestions(self, suggestions: Sequence[Suggestion], selected: int,
                         shortcuts: dict[str, str], assigned: frozenset[str]) -> None:
        """The ranked suggestions; ``shortcuts`` maps category key -> shortcut."""
        if not suggestions:
            self.show_note("suggestions: none for this segment")
            return
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, s in enumerate(suggestions):
            if i:
                text.append("\n")
            chosen = i == selected
            text.append("›" if chosen else " ", "bold")
            text.append(f"★{i + 1} ", "bold" if chosen else "dim")
            text.append(s.name, "bold" if chosen else "")
            text.append(f" {s.score:.2f}", "bold" if chosen else "dim")
            shortcut = shortcuts.get(s.code)
            if shortcut:
                text.append(f" [{shortcut}]", "dim")
            if s.code in assigned:
                text.append(" ✔", "bold")
            if chosen:
                text.append("  S accepts · X next", "dim italic")
        self._set(text)

    def _set(self, content: Text) -> None:
        if content != self._content:
            self._content = content
            self.update(content)
