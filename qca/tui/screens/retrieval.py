"""The retrieval view: every segment of a category (or code expression), one per row.

Enter opens the highlighted segment on the coding screen for recoding; Esc there brings the
list back, re-read, with the same row highlighted. The rows come from
:func:`qca.retrieval.retrieve`: a coder sees their own codings only (blind coding); a lead
(``qca code --lead``) sees every coder's, one row per coder.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from qca.i18n import N_, _, ngettext
from qca.retrieval import Retrieved
from qca.tui.bindings import localise_bindings
from qca.tui.screens.dialog import Dialog

__all__ = ["RetrievalScreen", "RetrieveDialog", "retrieval_prompt"]


def retrieval_prompt(row: Retrieved, *, lead: bool) -> Text:
    """One row: segment id, (coder,) all the coder's codes, then the text on one line."""
    head = Text.assemble((row.segment_id, "bold"), "  ")
    if lead:
        head.append(f"{row.coder}: ", "italic")
    head.append(" ".join(row.codes), "dim")
    if row.flagged:
        head.append("  ⚑", "bold")
    head.append("\n")
    head.append(" ".join(row.text.split()))
    return head


class RetrievalScreen(Screen[str | None]):
    """The segments of one code expression; dismisses with the chosen segment id."""

    BINDINGS = [
        Binding("enter", "open", N_("Open segment"), key_display="⏎",
                tooltip=N_("Open the segment to recode it.")),
        Binding("escape,L", "close", N_("Back"), key_display="Esc",
                tooltip=N_("Back to the coding screen.")),
        Binding("Q", "app.quit", N_("Quit")),
    ]

    def __init__(self, code: str, rows: Sequence[Retrieved], *, lead: bool = False,
                 highlight: str | None = None) -> None:
        super().__init__()
        localise_bindings(self)
        self.code = code
        self.rows = list(rows)
        self.lead = lead
        self._highlight = highlight

    def compose(self) -> ComposeResult:
        yield Static(id="retrieval-title")
        yield OptionList(*(Option(retrieval_prompt(r, lead=self.lead), id=f"{i}")
                           for i, r in enumerate(self.rows)), id="retrieval-list")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        coders = sorted({r.coder for r in self.rows})
        whose = f" · {', '.join(coders)}" if coders else ""
        n = len(self.rows)
        count = ngettext("{n} segment", "{n} segments", n).format(n=n)
        self.query_one("#retrieval-title", Static).update(Text.assemble(
            (f" {self.code}", "bold"), f" · {count}{whose}",
            ("  " + _("(none)") if not n else "", "italic")))
        options = self.query_one(OptionList)
        options.focus()
        if self._highlight is not None:
            for i, row in enumerate(self.rows):
                if row.segment_id == self._highlight:
                    options.highlighted = i
                    break

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.rows[int(event.option.id or 0)].segment_id)

    def action_open(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None and self.rows:
            self.dismiss(self.rows[options.highlighted].segment_id)

    def action_close(self) -> None:
        self.dismiss(None)


class RetrieveDialog(Dialog[str | None]):
    """Which category to list: a key or a code expression, prefilled with the highlighted one."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, code: str = "") -> None:
        super().__init__()
        self.code = code

    def compose(self) -> ComposeResult:
        with Vertical(id="retrieve", classes="dialog") as box:
            box.border_title = _("List segments of (Enter lists, Esc cancels)")
            yield Input(value=self.code, placeholder=_("KEY, A+B (both), A,B (either), A-B"))

    @on(Input.Submitted)
    def _go(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
