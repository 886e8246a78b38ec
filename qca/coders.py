"""Coder names with a meaning of their own.

A coder is a name a person types (``--coder anna``). A few names are reserved because qca
itself writes codings under them:

- ``consensus``: the reconciled code sets a lead writes in ``qca reconcile``.
- ``machine:<coder>``: the cross-validated predictions of the suggestion model for one human
  coder, as ``qca agreement --machine`` compares them.

No other module spells these names; they import them from here.
"""

from __future__ import annotations

__all__ = ["CONSENSUS", "MACHINE_PREFIX", "is_reserved", "machine_coder"]

CONSENSUS = "consensus"
MACHINE_PREFIX = "machine:"


def machine_coder(coder: str) -> str:
    """The reserved name of the machine coder that imitates ``coder``."""
    return f"{MACHINE_PREFIX}{coder}"


def is_reserved(name: str) -> bool:
    """Whether ``name`` is a coder name that qca writes itself (never a person's)."""
    return name == CONSENSUS or name.startswith(MACHINE_PREFIX)
