"""The search dialog (ctrl+f): a word or phrase to find in the current question.

Matching is :mod:`qca.search`'s plain mode: case- and umlaut-insensitive, also inside
compounds. Enter on the same text again goes to the next hit.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input

from qca.i18n import N_, _
from qca.tui.screens.dialog import Dialog

__all__ = ["SearchScreen"]


class SearchScreen(Dialog[str | None]):
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, pattern: str = "", question: str | None = None) -> None:
        super().__init__()
        self.pattern = pattern
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="search", classes="dialog") as box:
            if self.question:
                box.border_title = _("Search {question} (Enter: search / next hit, Esc "
                                     "cancels)").format(question=self.question)
            else:
                box.border_title = _("Search all questions (Enter: search / next hit, Esc "
                                     "cancels)")
            yield Input(value=self.pattern, placeholder=_("a word or phrase, e.g. Personal"))

    @on(Input.Submitted)
    def _go(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
