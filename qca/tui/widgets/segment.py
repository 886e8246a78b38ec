"""The segment panel: one answer or protocol passage, its variables, memo and context."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from qca.session import SegmentView
from qca.store import Segment

__all__ = ["SegmentPanel"]


def _variables_line(view: SegmentView) -> Text:
    seg, src = view.segment, view.source
    parts: list[tuple[str, str]] = list(src.variables.items())
    if seg.question:
        parts.append(("question", seg.question))
    if src.kind == "protocol":
        parts.append(("passage", str(seg.position)))
    parts.append(("source", src.name))
    text = Text()
    for i, (name, value) in enumerate(parts):
        if i:
            text.append(" · ", "dim")
        text.append(f"{name} ", "dim")
        text.append(value)
    return text


def _passage(seg: Segment, *, current: bool) -> Text:
    text = Text()
    if not current:
        text.append(f"── {seg.id} " + (f"({seg.question}) " if seg.question else ""), "dim")
        text.append("──\n", "dim")
    if seg.heading:
        text.append(seg.heading + "\n", "bold" if current else "dim bold")
    text.append(seg.text, "" if current else "dim")
    return text


class SegmentPanel(VerticalScroll):
    """Shows a :class:`SegmentView`; PageUp/PageDown on the screen scroll it."""

    can_focus = False

    def compose(self):
        yield Static(id="segment-vars")
        yield Static(id="segment-before", classes="context")
        yield Static(id="segment-text")
        yield Static(id="segment-after", classes="context")
        yield Static(id="segment-memo")

    def show(self, view: SegmentView | None,
             context: tuple[list[Segment], list[Segment]] | None = None) -> None:
        """Display ``view``; with ``context``, the neighbouring segments dimmed around it."""
        text = self.query_one("#segment-text", Static)
        if view is None:
            self.border_title = "No segment"
            self.border_subtitle = ""
            self.query_one("#segment-vars", Static).update("")
            text.update("No segment matches this filter. Press W to change the filter.")
            for name in ("#segment-before", "#segment-after", "#segment-memo"):
                self.query_one(name, Static).display = False
            return
        seg = view.segment
        self.border_title = f"{view.index + 1}/{view.count} · {seg.id}"
        notes = []
        if not seg.substantive:
            notes.append("not substantive (k.A.)")
        if view.flagged:
            notes.append("⚑ flagged")
        self.border_subtitle = " · ".join(notes)
        self.set_class(not seg.substantive, "-nonsubstantive")
        self.set_class(view.flagged, "-flagged")
        self.query_one("#segment-vars", Static).update(_variables_line(view))
        text.update(_passage(seg, current=True))
        memo = self.query_one("#segment-memo", Static)
        memo.display = bool(view.memo)
        memo.update(Text.assemble(("✎ memo: ", "bold"), (view.memo, "italic")))
        before_w = self.query_one("#segment-before", Static)
        after_w = self.query_one("#segment-after", Static)
        before, after = context or ([], [])
        before_w.display = bool(before)
        after_w.display = bool(after)
        if before:
            before_w.update(Text("\n\n").join(_passage(s, current=False) for s in before))
        if after:
            after_w.update(Text("\n\n").join(_passage(s, current=False) for s in after))
        if context is None:
            self.scroll_home(animate=False)
        else:
            self.call_after_refresh(self.scroll_to_widget, text, animate=False)
