"""Exports: the formats a qca project is handed on in, and the one function that picks one.

``csv``
    The long (one row per coding) and wide (one row per segment) CSV files.
``notes``
    Memos, flags, reconciliation reasons and split notes (``--format notes``).
``names``
    Column names R, Stata and SPSS accept (``--names safe``) and their mapping file.
``labelled``
    The wide table with types and labels that the SPSS and Stata files share.
``xlsx``
    The Excel workbook: codebook, segments, codings, one wide sheet per coder, notes.
``spss``
    The wide CSV of one coder with the SPSS syntax that reads it, or an SPSS ``.sav``.
``stata``
    The wide table of one coder as a Stata ``.dta``.
``figures``
    Print-ready bar charts of category shares per group.
``writers``
    :func:`export`, what ``qca export`` runs: it picks the writer by ``--format`` or by the
    target's extension and checks every target before writing.

The REFI-QDA project export lives in :mod:`qca.refi`; :func:`export` reaches it too.
"""

from __future__ import annotations

from qca.exporting.writers import FORMATS, ExportResult, export, format_for

__all__ = ["FORMATS", "ExportResult", "export", "format_for"]
