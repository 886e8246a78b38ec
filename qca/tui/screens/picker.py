"""The fuzzy category picker: find any category of the question by typing a few letters."""

from __future__ import annotations

from rapidfuzz import fuzz, process, utils
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from qca.codebook import Category
from qca.i18n import N_, _

from qca.tui.screens.dialog import Dialog

__all__ = ["PickerScreen", "search_text"]


def search_text(cat: Category) -> str:
    """What the picker matches against: key, name, definition and anchor examples."""
    return " ".join([cat.key, cat.name, cat.definition, *cat.anchors])


class PickerScreen(Dialog[str | None]):
    """Type to search, ↑/↓ to choose, Enter toggles the chosen category, Esc cancels."""

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("down", "move(1)", N_("Down"), show=False),
        Binding("up", "move(-1)", N_("Up"), show=False),
    ]

    def __init__(self, categories: list[Category], assigned: frozenset[str]) -> None:
        super().__init__()
        self.categories = categories
        self.assigned = assigned
        self._names = [c.name.casefold() for c in categories]
        self._texts = [utils.default_process(search_text(c)) for c in categories]

    def compose(self) -> ComposeResult:
        with Vertical(id="picker", classes="dialog") as box:
            box.border_title = _("Find a category (Enter toggles, Esc cancels)")
            yield Input(placeholder=_("name, key, definition or anchor …"), id="picker-input")
            yield OptionList(id="picker-results")

    def on_mount(self) -> None:
        self.query_one("#picker-results", OptionList).can_focus = False
        self._show(self.categories)

    def matches(self, query: str) -> list[Category]:
        """Categories best first; a name or key that starts with the query comes first."""
        query = query.strip()
        if not query:
            return list(self.categories)
        folded = query.casefold()
        scored = process.extract(utils.default_process(query), self._texts, scorer=fuzz.WRatio,
                                 processor=None, limit=None, score_cutoff=50)
        best = {i: score for _, score, i in scored}
        for i, cat in enumerate(self.categories):
            if self._names[i].startswith(folded) or cat.key.casefold().startswith(folded):
                best[i] = 200
        order = sorted(best, key=lambda i: (-best[i], i))
        return [self.categories[i] for i in order]

    def _show(self, cats: list[Category]) -> None:
        results = self.query_one("#picker-results", OptionList)
        results.set_options(
            Option(Text.assemble(
                (f"[{c.shortcut}] " if c.shortcut else "    ", "bold"),
                ("✔ " if c.key in self.assigned else "  ", "bold"),
                c.name, (f"  {c.key}", "dim")), id=c.key)
            for c in cats)
        results.highlighted = 0 if cats else None

    @on(Input.Changed)
    def _search(self, event: Input.Changed) -> None:
        self._show(self.matches(event.value))

    @on(Input.Submitted)
    def _submit(self) -> None:
        option = self.query_one("#picker-results", OptionList).highlighted_option
        self.dismiss(option.id if option else None)

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        results = self.query_one("#picker-results", OptionList)
        (results.action_cursor_down if step > 0 else results.action_cursor_up)()

    def action_cancel(self) -> None:
        self.dismiss(None)
