"""The filter dialog: question, source variables, and coded / uncoded / flagged."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, RadioButton, RadioSet, Static

from qca.errors import QcaError
from qca.i18n import N_, _
from qca.session import STATUS_LABELS, STATUSES, SegmentFilter, parse_where

from qca.tui.screens.dialog import Dialog

__all__ = ["FilterScreen"]

_ALL = N_("(all questions)")


class FilterScreen(Dialog[SegmentFilter | None]):
    """Tab moves between the parts; ctrl+s or Enter in the variables field applies."""

    BINDINGS = [
        Binding("ctrl+s", "apply", N_("Apply"), priority=True),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    def __init__(self, current: SegmentFilter, questions: list[str], variables: list[str]) -> None:
        super().__init__()
        self.current = current
        self.questions = questions
        self.variables = variables

    def compose(self) -> ComposeResult:
        with Vertical(id="filter", classes="dialog") as box:
            box.border_title = _("Filter (ctrl+s or Enter applies, Esc cancels)")
            with Horizontal(id="filter-choices"):
                with RadioSet(id="filter-question") as qs:
                    qs.border_title = _("Question")
                    yield RadioButton(_(_ALL), value=self.current.question is None)
                    for q in self.questions:
                        yield RadioButton(q, value=self.current.question == q)
                with RadioSet(id="filter-status") as st:
                    st.border_title = _("Show")
                    for s in STATUSES:
                        yield RadioButton(_(STATUS_LABELS[s]), value=self.current.status == s)
            where = "; ".join(f"{k}={v}" for k, v in self.current.where)
            yield Input(where, placeholder=_("VAR=VALUE; VAR=VALUE"), id="filter-where")
            names = ", ".join(self.variables) or _("none")
            yield Static(_("variables: {names}").format(names=names), classes="hint")
            yield Checkbox(_("count k.A. answers as codable"), self.current.include_nonsubstantive,
                           id="filter-nonsubstantive")

    def on_mount(self) -> None:
        self.query_one("#filter-question", RadioSet).focus()

    def chosen(self) -> SegmentFilter:
        """The filter as entered; raises :class:`QcaError` for a malformed VAR=VALUE."""
        q_set = self.query_one("#filter-question", RadioSet)
        q_index = q_set.pressed_index
        question = None if q_index <= 0 else self.questions[q_index - 1]
        s_index = self.query_one("#filter-status", RadioSet).pressed_index
        status = STATUSES[s_index] if s_index >= 0 else "all"
        raw = self.query_one("#filter-where", Input).value
        where = parse_where(p for p in raw.split(";") if p.strip())
        keep = self.query_one("#filter-nonsubstantive", Checkbox).value
        return SegmentFilter(question=question, where=where, status=status,
                             include_nonsubstantive=keep)

    @on(Input.Submitted)
    def action_apply(self) -> None:
        try:
            self.dismiss(self.chosen())
        except QcaError as exc:
            self.notify(str(exc), severity="error")

    def action_cancel(self) -> None:
        self.dismiss(None)
