"""The category list: the current question's categories with shortcuts and this coder's marks."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from qca.codebook import Category

__all__ = ["CategoryList", "category_prompt"]

MARK = "✔"


def category_prompt(cat: Category, depth: int, assigned: bool) -> Text:
    """One row: colour bar, shortcut, mark and name; a group is a bold heading."""
    indent = "  " * max(depth - 1, 0)
    if not cat.is_codable:
        return Text.assemble(indent, (cat.name, "bold underline"))
    shortcut = f"[{cat.shortcut}]" if cat.shortcut else "   "
    bar = ("▌", cat.color) if cat.color else (" ", "")
    mark = (f" {MARK} ", "bold") if assigned else ("   ", "")
    name_style = "bold reverse" if assigned else ""
    return Text.assemble(indent, bar, (shortcut, "bold"), mark, (cat.name, name_style))


class CategoryList(OptionList):
    """Categories offered for one question; groups are disabled headings.

    It never takes focus: the coding screen moves its highlight, so every key keeps one
    meaning on the screen. Option ids are category keys.
    """

    can_focus = False

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._rows: list[tuple[Category, int]] = []
        self._assigned: frozenset[str] = frozenset()

    def show_categories(self, rows: Iterable[tuple[Category, int]], assigned: frozenset[str]) -> None:
        """Replace the list by ``rows`` (category, depth) with ``assigned`` marked."""
        self._rows = list(rows)
        self._assigned = assigned
        self.set_options(
            Option(category_prompt(cat, depth, cat.key in assigned), id=cat.key,
                   disabled=not cat.is_codable)
            for cat, depth in self._rows
        )
        first = next((i for i, (cat, _) in enumerate(self._rows) if cat.is_codable), None)
        self.highlighted = first

    def mark(self, assigned: frozenset[str]) -> None:
        """Update only the rows whose mark changed."""
        changed = assigned ^ self._assigned
        self._assigned = assigned
        if not changed:
            return
        for i, (cat, depth) in enumerate(self._rows):
            if cat.key in changed:
                self.replace_option_prompt_at_index(i, category_prompt(cat, depth, cat.key in assigned))

    @property
    def highlighted_category(self) -> Category | None:
        if self.highlighted is None or not self._rows:
            return None
        cat = self._rows[self.highlighted][0]
        return cat if cat.is_codable else None
