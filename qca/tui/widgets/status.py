"""The status line at the top: coder, filter, progress, auto-advance and NLP pipeline."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from qca.i18n import _
from qca.session import SessionProgress

__all__ = ["StatusLine"]


class StatusLine(Horizontal):
    """One row; the right part is free for short notes such as the active NLP pipeline."""

    _left: Text | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="status-left")
        yield Static(id="status-right")

    def show(self, coder: str, where: str, progress: SessionProgress | None, *,
             auto_advance: bool) -> None:
        """``progress`` None: a long list is still being counted."""
        left = Text()
        left.append(f" {coder} ", "reverse bold")
        left.append(f" {where} ")
        left.append("│ ", "dim")
        if progress is None:
            left.append(_("counting…"), "dim")
        else:
            share = 100 * progress.coded // progress.total if progress.total else 100
            left.append(_("{coded}/{total} coded {share}%").format(
                coded=progress.coded, total=progress.total, share=share), "bold")
            if progress.flagged:
                left.append(f" │ ⚑ {progress.flagged}")
            if progress.non_substantive:
                left.append(f" │ {progress.non_substantive} k.A.", "dim")
        if auto_advance:
            left.append(" │ " + _("auto"), "italic")
        if left != self._left:
            self._left = left
            self.query_one("#status-left", Static).update(left, layout=False)

    def set_note(self, note: str) -> None:
        self.query_one("#status-right", Static).update(Text(note, "dim"))
