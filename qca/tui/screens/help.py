"""The help screen: every key of the coding screen, built from its bindings."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from qca.i18n import N_, _
from qca.tui.screens.dialog import Dialog

__all__ = ["HelpScreen"]


class HelpScreen(Dialog[None]):
    """A table of keys; Esc, ? or Q closes it."""

    BINDINGS = [Binding("escape,question_mark,Q,q", "dismiss", N_("Close"))]

    NOTE = N_("Changes are saved the moment you press the key. Toggling a category keeps you "
              "on the segment (several categories per segment are normal); Enter moves on. "
              "Esc closes this help.")

    def __init__(self, rows: list[tuple[str, str]], note: str | None = None, *,
                 body_id: str = "help-body", body_classes: str = "dialog") -> None:
        super().__init__()
        self.rows = rows
        self.note = _(self.NOTE) if note is None else note
        self.body_id = body_id
        self.body_classes = body_classes

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for keys, text in self.rows:
            table.add_row(keys, text)
        table.add_row("", "")
        table.add_row("", self.note)
        with VerticalScroll(id=self.body_id, classes=self.body_classes) as body:
            body.border_title = _("Keys")
            yield Static(table)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
