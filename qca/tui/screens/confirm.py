"""A yes/no question in a small box at the bottom: Enter (or y) says yes, Esc (or n) no."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from qca.i18n import N_, _
from qca.tui.screens.dialog import Dialog

__all__ = ["ConfirmScreen"]


class ConfirmScreen(Dialog[bool]):
    """Ask ``question``; dismisses with True for yes."""

    BINDINGS = [
        Binding("enter,y", "answer(True)", N_("Yes")),
        Binding("escape,n", "answer(False)", N_("No")),
    ]

    def __init__(self, title: str, question: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm", classes="dialog") as box:
            box.border_title = self.title_text
            yield Static(self.question, id="confirm-question", markup=False)
            yield Static(_("Enter: yes · Esc: no"), classes="hint")

    def type_ahead(self, text: str) -> None:
        if text in ("y", "n"):
            self.dismiss(text == "y")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
