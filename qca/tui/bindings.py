"""Key bindings in the interface language.

Textual reads ``BINDINGS`` when a class is created, before ``--lang`` is known, so their
descriptions and tooltips are English msgids (marked with :func:`qca.i18n.N_`).
:func:`localise_bindings` gives a screen or widget its bindings translated, once, as it is
built; keys and actions stay the same in every language.
"""

from __future__ import annotations

import dataclasses

from textual.binding import Binding
from textual.dom import DOMNode

from qca.i18n import _

__all__ = ["localise_bindings", "translated"]


def translated(binding: Binding) -> Binding:
    """``binding`` with its description and tooltip in the interface language."""
    return dataclasses.replace(binding, description=_(binding.description),
                               tooltip=_(binding.tooltip) if binding.tooltip else "")


def localise_bindings(node: DOMNode) -> None:
    """Translate the bindings ``node`` got from its class (call in ``__init__``)."""
    bindings = node._bindings  # Textual keeps a node's own copy of its class bindings here
    bindings.key_to_bindings = {
        key: [translated(b) for b in group] for key, group in bindings.key_to_bindings.items()
    }
