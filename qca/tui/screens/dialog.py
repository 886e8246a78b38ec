"""A dialog that keeps what the coder typed before it was on screen.

A fast typist presses ``/`` and the first letters of a category in one go. Those keys can
arrive before the dialog is mounted; the coding screen hands them to :meth:`type_ahead`
instead of reading them as shortcuts, so no keypress toggles a category by accident.
"""

from __future__ import annotations

from typing import TypeVar

from textual import events
from textual.screen import ModalScreen
from textual.widgets import Input, TextArea

from qca.tui.bindings import localise_bindings

__all__ = ["Dialog"]

T = TypeVar("T")


class Dialog(ModalScreen[T]):
    """A modal screen whose first text field receives the keys typed ahead."""

    def __init__(self) -> None:
        super().__init__()
        localise_bindings(self)
        self._typed = ""
        self._then: str | None = None

    def type_ahead(self, text: str) -> None:
        if self.is_mounted:
            self._insert(text)
        else:
            self._typed += text

    def type_ahead_key(self, key: str) -> None:
        """Enter or Esc typed ahead: pressed once the dialog has focus and the text."""
        if self._then is None:
            self._then = key
            if self.is_current and self.focused is not None:
                self.call_after_refresh(self._press_then)

    def on_screen_resume(self) -> None:
        if self._then is not None:
            self.call_after_refresh(self._press_then)

    async def _press_then(self) -> None:
        key, self._then = self._then, None
        if key == "escape":
            self.dismiss(None)
        elif key == "enter" and isinstance(self.focused, Input):
            await self.app.run_action("submit", self.focused)

    def on_mount(self) -> None:
        # Textual also runs the subclasses' on_mount, before this one: fields are ready.
        if self._typed:
            self._insert(self._typed)
            self._typed = ""

    def on_key(self, event: events.Key) -> None:
        # Keys that reach the screen itself came before a field had focus.
        if self.focused is None and event.is_printable and event.character:
            event.stop()
            self.type_ahead(event.character)

    def _insert(self, text: str) -> None:
        for area in self.query(TextArea):
            area.insert(text)
            return
        for field in self.query(Input):
            field.insert_text_at_cursor(text)
            return
