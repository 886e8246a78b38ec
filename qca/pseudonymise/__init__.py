"""Pseudonymised copies of a project: detection (:mod:`.detect`, word lists in
:mod:`.lexicon`) and the copy, its key and the restore (:mod:`.copies`)."""

from __future__ import annotations

from qca.pseudonymise.copies import (
    Plan,
    Restored,
    default_key_path,
    plan_copy,
    read_names,
    reverse_copy,
    write_copy,
)
from qca.pseudonymise.detect import KINDS, Detector, Finding, Terms

__all__ = [
    "KINDS",
    "Detector",
    "Finding",
    "Plan",
    "Restored",
    "Terms",
    "default_key_path",
    "detector",
    "plan_copy",
    "read_names",
    "reverse_copy",
    "write_copy",
]


def detector(names: list[str | tuple[str, str]] | None = None, keep: tuple[str, ...] = (),
             use_model: bool = True) -> Detector:
    """The detector for this machine: with a genuine spaCy model's NER when one is
    installed (never required, never downloaded), else the offline rules alone."""
    ner = None
    if use_model:
        from qca.nlp import load_pipeline, pipeline_id

        if not pipeline_id().startswith("offline-"):
            nlp = load_pipeline()
            if "ner" in nlp.pipe_names:
                ner = nlp
    return Detector(names or [], keep, ner)
