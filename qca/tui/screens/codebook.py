"""The codebook browser: the category tree with definitions, anchors, rules and usage."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from qca.codebook import Category, Codebook
from qca.i18n import N_, _

from qca.tui.screens.dialog import Dialog

__all__ = ["CodebookScreen"]


class CodebookScreen(Dialog[None]):
    """↑/↓ move, Enter or Space opens a node, Esc or B closes.

    Each codable category starts with its usage: the number of segments this coder gave
    it, and for the lead (``qca code --lead``) also all coders' number, ``3/12``. A blind
    coder sees only their own counts. Counts come first so that a narrow terminal cuts a
    long name, never a number.
    """

    BINDINGS = [Binding("escape,B,Q", "close", N_("Close")), Binding("space", "toggle_node", show=False)]

    def __init__(self, book: Codebook, version: int, mine: dict[str, int],
                 everyone: dict[str, int] | None = None, *, coder: str = "you") -> None:
        super().__init__()
        self.book = book
        self.version = version
        self.mine = mine
        self.everyone = everyone
        self.coder = coder
        width = max([len(str(n)) for n in mine.values()] + [1])
        if everyone is not None:
            width += 1 + max([len(str(n)) for n in everyone.values()] + [1])
        self._count_width = width

    def compose(self) -> ComposeResult:
        tree: Tree[str] = Tree(_("{codebook} (version {version})").format(codebook=self.book.name,
                                                                        version=self.version), id="codebook-tree",
                               classes="dialog")
        if self.everyone is not None:
            title = _("Codebook · segments: {coder}/all coders · Esc closes")
        else:
            title = _("Codebook · segments coded by {coder} · Esc closes")
        tree.border_title = escape(title.format(coder=self.coder))
        tree.root.expand()
        for cat in self.book.categories:
            self._add(tree.root, cat, expand=True)
        yield tree

    def _count(self, key: str) -> str:
        count = str(self.mine.get(key, 0))
        if self.everyone is not None:
            count += f"/{self.everyone.get(key, 0)}"
        return count.rjust(self._count_width)

    def _label(self, cat: Category) -> Text:
        label = Text(no_wrap=True, overflow="ellipsis")
        if cat.is_codable:
            label.append(self._count(cat.key) + " ", "bold")
        if cat.shortcut:
            label.append(f"[{cat.shortcut}] ", "bold")
        label.append(cat.name, "bold" if not cat.is_codable else "")
        label.append(f"  {cat.key}", "dim")
        if cat.questions:
            label.append(f"  ({', '.join(cat.questions)})", "italic")
        return label

    def _add(self, parent: TreeNode[str], cat: Category, *, expand: bool = False) -> None:
        node = parent.add(self._label(cat), data=cat.key, expand=expand)
        if cat.definition:
            node.add_leaf(Text.assemble((_("Definition: "), "bold"), cat.definition))
        for anchor in cat.anchors:
            node.add_leaf(Text.assemble((_("Anchor: "), "bold"), (f"„{anchor}“", "italic")))
        if cat.rule:
            node.add_leaf(Text.assemble((_("Rule: "), "bold"), cat.rule))
        for child in cat.children:
            self._add(node, child)

    def action_toggle_node(self) -> None:
        tree = self.query_one(Tree)
        if tree.cursor_node is not None:
            tree.cursor_node.toggle()

    def action_close(self) -> None:
        self.dismiss(None)
