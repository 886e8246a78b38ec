"""How long work reports how far it has come: one callback type for the whole package.

Work that takes seconds (computing lemmas, training the suggestion model, replaying a
coder's codings) takes a ``progress`` argument and calls it as ``progress(done, total)``:
first with ``done == 0`` once the amount of work is known, then as it goes on, last with
``done == total``. The CLI turns it into a bar on stderr (``qca suggest``, ``qca code``);
a TUI worker posts it to its screen. Where a coder stands in a session is something else:
:class:`qca.session.SessionProgress` and :class:`qca.status.CoderProgress`.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["Progress"]


class Progress(Protocol):
    """Called as ``progress(done, total)`` while long work runs."""

    def __call__(self, done: int, total: int) -> None: ...
