"""The memo dialog: a note on one segment, for this coder."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from qca.i18n import N_, _
from qca.tui.screens.dialog import Dialog

__all__ = ["MemoScreen"]


class MemoScreen(Dialog[str | None]):
    """Edit a memo; ctrl+s saves, Esc cancels (an empty memo removes it)."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    def __init__(self, segment_id: str, memo: str) -> None:
        super().__init__()
        self.segment_id = segment_id
        self.memo = memo

    def compose(self) -> ComposeResult:
        with Vertical(id="memo", classes="dialog") as box:
            box.border_title = _("Memo on {segment}").format(segment=self.segment_id)
            yield TextArea(self.memo, id="memo-text", soft_wrap=True)
            yield Static(_("ctrl+s save · Esc cancel · empty removes the memo"), classes="hint")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)
