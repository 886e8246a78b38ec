"""The segment panel: one answer or protocol passage, its variables, memo and context."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from qca.i18n import _
from qca.session import SegmentView
from qca.store import Segment

__all__ = ["SegmentPanel"]


def _variables_line(view: SegmentView) -> Text:
    seg, src = view.segment, view.source
    parts: list[tuple[str, str]] = list(src.variables.items())
    if seg.question:
        parts.append((_("question"), seg.question))
    if src.kind == "protocol":
        parts.append((_("passage"), str(seg.position)))
    parts.append((_("source"), src.name))
    text = Text()
    for i, (name, value) in enumerate(parts):
        if i:
            text.append(" · ", "dim")
        text.append(f"{name} ", "dim")
        text.append(value)
    return text


WORD_STYLE = "bold underline"
"""How the words that drove a suggestion are shown in the segment text."""


def _emphasise(text: Text, start: int, words: Iterable[str]) -> None:
    """Style every case-insensitive whole-word match of ``words`` from ``start`` on."""
    wanted = sorted({w for w in words if w.strip()}, key=len, reverse=True)
    if not wanted:
        return
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(w) for w in wanted) + r")(?!\w)", re.IGNORECASE)
    for match in pattern.finditer(text.plain, start):
        text.stylize(WORD_STYLE, match.start(), match.end())


MARK_STYLE = "reverse"
"""How search hits (ctrl+f) are shown in the segment text."""


def _passage(seg: Segment, *, current: bool, words: Iterable[str] = (),
             marks: Iterable[tuple[int, int]] = ()) -> Text:
    text = Text()
    if not current:
        text.append(f"── {seg.id} " + (f"({seg.question}) " if seg.question else ""), "dim")
        text.append("──\n", "dim")
    if seg.heading:
        text.append(seg.heading + "\n", "bold" if current else "dim bold")
    start = len(text)
    text.append(seg.text, "" if current else "dim")
    if current:
        _emphasise(text, start, words)
        for begin, end in marks:
            text.stylize(MARK_STYLE, start + begin, start + end)
    return text


class SegmentPanel(VerticalScroll):
    """Shows a :class:`SegmentView`; PageUp/PageDown on the screen scroll it.

    A passage longer than the panel says so in the bottom border ("▼ more below: PgDn"),
    beside its notes (k.A., flagged): the thin scrollbar alone is easy to miss.
    """

    can_focus = False

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._shown: dict[str, Text | None] = {}
        self._segment: Segment | None = None
        self._marks: list[tuple[int, int]] = []
        self._notes: list[str] = []
        self._with_context = False

    def set_notes(self, notes: list[str]) -> None:
        """The notes in the bottom border (e.g. "⚑ flagged"), before the scroll hint."""
        self._notes = notes
        self._update_subtitle()

    @property
    def scroll_hint(self) -> str:
        """"▼ more below: PgDn" while text is out of view below, "▲ more above: PgUp" at
        the end of a scrolled text, else empty."""
        if round(self.scroll_y) < self.max_scroll_y:
            return _("▼ more below: PgDn")
        if round(self.scroll_y) > 0:
            return _("▲ more above: PgUp")
        return ""

    def _update_subtitle(self) -> None:
        subtitle = " · ".join([*self._notes, *filter(None, [self.scroll_hint])])
        if subtitle != self.border_subtitle:
            self.border_subtitle = subtitle

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._update_subtitle()

    def watch_virtual_size(self) -> None:
        self._update_subtitle()

    def on_resize(self) -> None:
        self._update_subtitle()

    def compose(self):
        yield Static(id="segment-vars")
        yield Static(id="segment-before", classes="context")
        yield Static(id="segment-text")
        yield Static(id="segment-after", classes="context")
        yield Static(id="segment-memo")

    def show(self, view: SegmentView | None,
             context: tuple[list[Segment], list[Segment]] | None = None,
             words: Iterable[str] = (), marks: Iterable[tuple[int, int]] = ()) -> None:
        """Display ``view``; with ``context``, the neighbouring segments dimmed around it.

        ``words`` (the words behind the suggestions) are emphasised in the text; ``marks``
        (offsets of search hits in the segment's text) are shown reversed.
        """
        text = self.query_one("#segment-text", Static)
        previous = self._segment.id if self._segment is not None else None
        self._segment = view.segment if view is not None else None
        if view is None:
            self.border_title = _("No segment")
            self.set_notes([])
            self.query_one("#segment-vars", Static).update("")
            self._shown.clear()
            text.update(_("No segment matches this filter. Press W to change the filter."))
            for name in ("#segment-before", "#segment-after", "#segment-memo"):
                self.query_one(name, Static).display = False
            return
        seg = view.segment
        self.border_title = f"{view.index + 1}/{view.count} · {seg.id}"
        notes = []
        if not seg.substantive:
            notes.append(_("not substantive (k.A.)"))
        if view.flagged:
            notes.append(_("⚑ flagged"))
        if view.memo:  # the memo itself follows the text, often below the fold
            notes.append(_("✎ memo"))
        self.set_notes(notes)
        self.set_class(not seg.substantive, "-nonsubstantive")
        self.set_class(view.flagged, "-flagged")
        self._update("#segment-vars", _variables_line(view))
        self._marks = list(marks)
        self._update("#segment-text", _passage(seg, current=True, words=words,
                                               marks=self._marks))
        self._update("#segment-memo", Text.assemble(("✎ memo: ", "bold"), (view.memo, "italic"))
                     if view.memo else None)
        had_context, self._with_context = self._with_context, context is not None
        before, after = context or ([], [])
        self._update("#segment-before", Text("\n\n").join(
            _passage(s, current=False) for s in before) if before else None)
        self._update("#segment-after", Text("\n\n").join(
            _passage(s, current=False) for s in after) if after else None)
        if context is None:
            if seg.id != previous or had_context:
                self.scroll_home(animate=False)  # a new segment starts at its top; a
                # coding on the same one keeps the place the coder scrolled to
        else:
            self.call_after_refresh(self.scroll_to_widget, text, animate=False)

    def emphasise(self, segment_id: str, words: Iterable[str]) -> None:
        """Emphasise ``words`` in the shown text if it is still segment ``segment_id``."""
        if self._segment is not None and self._segment.id == segment_id:
            self._update("#segment-text", _passage(self._segment, current=True, words=words,
                                                   marks=self._marks))

    def _update(self, selector: str, content: Text | None) -> None:
        """Show ``content`` in a child (hide it for None), touching it only if it changed."""
        if selector in self._shown and self._shown[selector] == content:
            return
        self._shown[selector] = content
        child = self.query_one(selector, Static)
        child.display = content is not None
        if content is not None:
            child.update(content)
