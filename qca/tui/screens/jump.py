"""The go-to dialog: a segment id, an id prefix or a list number."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input

from qca.i18n import N_, _
from qca.tui.screens.dialog import Dialog

__all__ = ["JumpScreen"]


class JumpScreen(Dialog[str | None]):
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def compose(self) -> ComposeResult:
        with Vertical(id="jump", classes="dialog") as box:
            box.border_title = _("Go to segment (Enter goes, Esc cancels)")
            yield Input(placeholder=_("id (R0012#chancen), id prefix (R0012) or number (120)"))

    @on(Input.Submitted)
    def _go(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
