"""The definition panel: definition, anchor examples and coding rule of one category."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from qca.codebook import Category
from qca.i18n import _

__all__ = ["DefinitionPanel", "category_details"]


def category_details(cat: Category) -> Text:
    text = Text()
    text.append(cat.name, "bold")
    text.append(f"  {cat.key}", "dim")
    if cat.shortcut:
        text.append(f"  [{cat.shortcut}]", "bold")
    if cat.definition:
        text.append("\n" + cat.definition)
    for anchor in cat.anchors:
        text.append("\n• ", "bold")
        text.append(f"„{anchor}“", "italic")
    if cat.rule:
        text.append("\n" + _("Rule: "), "bold")
        text.append(cat.rule)
    return text


class DefinitionPanel(VerticalScroll):
    """Shows the highlighted category; hidden at 80 columns until D is pressed."""

    can_focus = False

    def compose(self):
        yield Static(id="definition-text")

    def show(self, cat: Category | None) -> None:
        body = self.query_one("#definition-text", Static)
        if cat is None:
            body.update(Text(_("No category highlighted."), "dim"))
        else:
            body.update(category_details(cat))
        self.scroll_home(animate=False)
