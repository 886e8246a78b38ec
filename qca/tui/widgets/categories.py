"""The category list: the current question's categories with shortcuts and this coder's marks.

Every option is one line (long names end in an ellipsis), so option ``i`` is line ``i`` and
the list knows exactly which rows are on screen. It scrolls with the highlight, shows the
group heading above the first category of a group, and names the assigned categories that
are scrolled out of view in its border title ("✔ 2 below: [b] [g]").
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.geometry import Region
from textual.markup import escape
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from qca.codebook import Category
from qca.i18n import _

__all__ = ["CategoryList", "category_prompt"]

MARK = "✔"


def category_prompt(cat: Category, depth: int, assigned: bool) -> Text:
    """One row: colour bar, shortcut, mark and name; a group is a bold heading."""
    indent = "  " * max(depth - 1, 0)
    if not cat.is_codable:
        text = Text.assemble(indent, (cat.name, "bold underline"))
    else:
        shortcut = f"[{cat.shortcut}]" if cat.shortcut else "   "
        bar = ("▌", cat.color) if cat.color else (" ", "")
        mark = (f" {MARK} ", "bold") if assigned else ("   ", "")
        name_style = "bold reverse" if assigned else ""
        text = Text.assemble(indent, bar, (shortcut, "bold"), mark, (cat.name, name_style))
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


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
        self._title = _("Categories")

    def set_title(self, title: str) -> None:
        """The border title; the note on scrolled-away assigned categories follows it."""
        self._title = title
        self._update_title()

    def show_categories(self, rows: Iterable[tuple[Category, int]], assigned: frozenset[str]) -> None:
        """Replace the list by ``rows`` (category, depth) with ``assigned`` marked."""
        self._rows = list(rows)
        self._assigned = assigned
        self.set_options(
            Option(category_prompt(cat, depth, cat.key in assigned), id=cat.key,
                   disabled=not cat.is_codable)
            for cat, depth in self._rows
        )
        self.to_top()

    def to_top(self) -> None:
        """Highlight the first category and show the list from its first heading."""
        first = next((i for i, (cat, _) in enumerate(self._rows) if cat.is_codable), None)
        self.highlighted = first
        self.scroll_to(y=0, animate=False, immediate=True)
        self._update_title()

    def show_message(self, text: str) -> None:
        """Show ``text`` instead of categories (a question offered none)."""
        self._rows = []
        self._assigned = frozenset()
        self.set_options([Option(Text(text, "italic"), disabled=True)])
        self.highlighted = None

    def mark(self, assigned: frozenset[str]) -> None:
        """Update only the rows whose mark changed."""
        changed = assigned ^ self._assigned
        self._assigned = assigned
        if not changed:
            return
        for i, (cat, depth) in enumerate(self._rows):
            if cat.key in changed:
                self.replace_option_prompt_at_index(i, category_prompt(cat, depth, cat.key in assigned))
        self._update_title()

    @property
    def highlighted_category(self) -> Category | None:
        if self.highlighted is None or not self._rows:
            return None
        cat = self._rows[self.highlighted][0]
        return cat if cat.is_codable else None

    # --- what is on screen ---------------------------------------------------------------

    @property
    def visible_rows(self) -> range:
        """Indexes of the options inside the visible region (one line per option)."""
        height = self.scrollable_content_region.height
        top = round(self.scroll_y)
        return range(top, min(top + height, len(self._rows)))

    def hidden_assigned(self) -> tuple[list[Category], list[Category]]:
        """Assigned categories scrolled out of view: (above, below)."""
        shown = self.visible_rows
        above: list[Category] = []
        below: list[Category] = []
        for i, (cat, _) in enumerate(self._rows):
            if cat.key in self._assigned and i not in shown:
                (above if i < shown.start else below).append(cat)
        return above, below

    def scroll_to_highlight(self, top: bool = False) -> None:
        """Keep the highlighted row visible, and the heading just above it if it has one."""
        highlighted = self.highlighted
        if highlighted is None or not self.is_mounted or not self._rows:
            return
        start = highlighted
        while start > 0 and not self._rows[start - 1][0].is_codable:
            start -= 1  # the group heading(s) right above belong to the view
        height = self.scrollable_content_region.height
        if height and highlighted - start + 1 > height:
            start = highlighted
        self.scroll_to_region(
            Region(0, start, self.scrollable_content_region.width, highlighted - start + 1),
            force=True, animate=False, top=top, immediate=True)
        self._update_title()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._update_title()

    def on_resize(self) -> None:
        self.call_after_refresh(self.scroll_to_highlight)

    def _update_title(self) -> None:
        above, below = self.hidden_assigned() if self._assigned else ([], [])
        parts = []
        if above:
            parts.append(_("{mark} +{n} assigned above{keys}").format(
                mark=MARK, n=len(above), keys=_keys(above)))
        if below:
            parts.append(_("{mark} +{n} assigned below{keys}").format(
                mark=MARK, n=len(below), keys=_keys(below)))
        title = escape(" · ".join([self._title, *parts]))
        if title != self.border_title:
            self.border_title = title


def _keys(cats: list[Category]) -> str:
    keys = [f"[{c.shortcut}]" for c in cats if c.shortcut]
    return ": " + " ".join(keys) if keys else ""
