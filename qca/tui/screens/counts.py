"""The counts view: this coder's category shares for one question as terminal bars."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from qca.i18n import N_, _, ngettext
from qca.tui.screens.dialog import Dialog

__all__ = ["CountsScreen"]


class CountsScreen(Dialog[None]):
    """Shares of coded segments per category; V or Tab groups by the next variable.

    The table is computed in a thread worker on its own connection, so a large project
    never freezes the screen.
    """

    BINDINGS = [
        Binding("escape,K,Q", "close", N_("Close")),
        Binding("V,tab", "next_variable", N_("Group by"), show=False),
    ]

    def __init__(self, project_path: Path | str, coder: str, question: str | None,
                 variables: list[str]) -> None:
        super().__init__()
        self.project_path = Path(project_path)
        self.coder = coder
        self.question = question
        self.groupings: list[str | None] = [None, *variables]
        self.by_index = 0

    @property
    def by(self) -> str | None:
        return self.groupings[self.by_index]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="counts", classes="dialog"):
            yield Static(_("counting…"), id="counts-bars")
            yield Static(id="counts-hint", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#counts", VerticalScroll).focus()
        self.query_one("#counts-hint", Static).update(
            _("V/Tab: group by the next variable · Esc closes"))
        self.call_after_refresh(self._refresh_counts)  # once the dialog has its size

    def _refresh_counts(self) -> None:
        body = self.query_one("#counts", VerticalScroll)
        question = self.question or _("all questions")
        if self.by:
            title = _("Counts · {question} · {coder} · by {variable}")
        else:
            title = _("Counts · {question} · {coder}")
        body.border_title = title.format(question=question, coder=self.coder, variable=self.by)
        # Leave room for the vertical scrollbar, which appears when the bars are long.
        width = max((body.content_size.width or self.app.size.width - 8) - 2, 30)
        self._count(self.by, width)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _count(self, by: str | None, width: int) -> None:
        from qca.counts import TOTAL, counts_table, text_bars
        from qca.errors import QcaError
        from qca.store import Project

        try:
            with Project.open(self.project_path) as project:
                table = counts_table(project, by=by, question=self.question, coder=self.coder)
        except QcaError as exc:
            self.app.call_from_thread(self._show, Text(str(exc), "bold red"), by)
            return
        if table.n_group(TOTAL) == 0:
            text = Text(_("You have not coded any substantive segment of this question yet."),
                        "italic")
        else:
            # Groups where this coder coded nothing would only add 0/0 lines (a variable
            # such as "kommune" has dozens of them); they are counted instead.
            empty = [g for g in table.groups if g != TOTAL and table.n_group(g) == 0]
            rows = [r for r in table.category_rows() if r.group not in empty]
            text = Text("\n".join(text_bars(rows, width)))
            text.append("\n\n" + _("share of your {n} coded segments (several categories per "
                                     "segment possible)").format(n=table.n_group(TOTAL)), "dim")
            if empty:
                text.append("\n" + ngettext(
                    "{n} group of {variable} without your codings not shown",
                    "{n} groups of {variable} without your codings not shown",
                    len(empty)).format(n=len(empty), variable=by), "dim")
        self.app.call_from_thread(self._show, text, by)

    def _show(self, text: Text, by: str | None) -> None:
        if by == self.by and self.is_mounted:
            self.query_one("#counts-bars", Static).update(text)

    def action_next_variable(self) -> None:
        self.by_index = (self.by_index + 1) % len(self.groupings)
        self.query_one("#counts-bars", Static).update(_("counting…"))
        self._refresh_counts()

    def action_close(self) -> None:
        self.dismiss(None)
