"""The message line: one message at a time on a row of its own, above the footer.

It replaces Textual's toasts on the coding screen, which covered the categories and stacked
up. A message stays until the coder's next key (the screen calls :meth:`MessageLine.clear`
before it handles a key); an information message also goes after ``timeout`` seconds, an
error (busy project, full disk) only with the next key.
"""

from __future__ import annotations

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

__all__ = ["MessageLine"]

_STYLES = {"information": ("", ""), "warning": ("! ", "bold"), "error": ("✗ ", "bold")}


class MessageLine(Static):
    """A single row; empty when there is nothing to say."""

    can_focus = False

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.message: tuple[str, str] | None = None
        """The message shown, as (text, severity), or None."""
        self._timer: Timer | None = None

    def say(self, text: str, severity: str = "information", timeout: float | None = 5.0) -> None:
        """Show ``text`` instead of whatever was shown."""
        self._stop_timer()
        self.message = (text, severity)
        mark, style = _STYLES.get(severity, ("", ""))
        self.update(Text.assemble((mark, style), (text, style), no_wrap=True,
                                  overflow="ellipsis"))
        self.set_classes(f"-{severity}")
        if severity != "error" and timeout:
            self._timer = self.set_timer(timeout, self.clear)

    def clear(self) -> None:
        """Remove the message (nothing happens when none is shown)."""
        self._stop_timer()
        if self.message is not None:
            self.message = None
            self.update("")
            self.set_classes("")

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
