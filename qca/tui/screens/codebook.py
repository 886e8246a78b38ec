"""The codebook browser: the category tree with definitions, anchors, rules and usage."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from qca.codebook import Category, Codebook

from qca.tui.screens.dialog import Dialog

__all__ = ["CodebookScreen"]


class CodebookScreen(Dialog[None]):
    """↑/↓ move, Enter or Space opens a node, Esc or B closes.

    Usage counts show this coder's segments and all coders' segments per category; they
    are totals only, so blind coding is kept (no other coder's decision on a segment shows).
    """

    BINDINGS = [Binding("escape,B,Q", "close", "Close"), Binding("space", "toggle_node", show=False)]

    def __init__(self, book: Codebook, version: int, mine: dict[str, int],
                 everyone: dict[str, int]) -> None:
        super().__init__()
        self.book = book
        self.version = version
        self.mine = mine
        self.everyone = everyone

    def compose(self) -> ComposeResult:
        tree: Tree[str] = Tree(f"{self.book.name} (version {self.version})", id="codebook-tree",
                               classes="dialog")
        tree.border_title = "Codebook · usage: yours / all coders · Esc closes"
        tree.root.expand()
        for cat in self.book.categories:
            self._add(tree.root, cat, expand=True)
        yield tree

    def _label(self, cat: Category) -> Text:
        label = Text()
        if cat.shortcut:
            label.append(f"[{cat.shortcut}] ", "bold")
        label.append(cat.name, "bold" if not cat.is_codable else "")
        label.append(f"  {cat.key}", "dim")
        if cat.questions:
            label.append(f"  ({', '.join(cat.questions)})", "italic")
        if cat.is_codable:
            label.append(f"  {self.mine.get(cat.key, 0)} / {self.everyone.get(cat.key, 0)}",
                         "bold")
        return label

    def _add(self, parent: TreeNode[str], cat: Category, *, expand: bool = False) -> None:
        node = parent.add(self._label(cat), data=cat.key, expand=expand)
        if cat.definition:
            node.add_leaf(Text.assemble(("Definition: ", "bold"), cat.definition))
        for anchor in cat.anchors:
            node.add_leaf(Text.assemble(("Anchor: ", "bold"), (f"„{anchor}“", "italic")))
        if cat.rule:
            node.add_leaf(Text.assemble(("Rule: ", "bold"), cat.rule))
        for child in cat.children:
            self._add(node, child)

    def action_toggle_node(self) -> None:
        tree = self.query_one(Tree)
        if tree.cursor_node is not None:
            tree.cursor_node.toggle()

    def action_close(self) -> None:
        self.dismiss(None)
