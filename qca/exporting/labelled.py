"""The wide table of one coder with names, types and labels, for SPSS and Stata.

The SPSS syntax (``.sps``), the SPSS data file (``.sav``) and the Stata file (``.dta``) are
built from one :class:`LabelledTable`, so they agree on every name, type and label:

* **Names**: :func:`qca.exporting.names.safe_names` (the fixed columns keep theirs).
* **Types**: ``F1.0`` (0/1) for the categories, ``flagged``, ``substantive`` and ``coded``;
  ``F<w>.<d>`` for ``position`` and for survey variables whose values are all plain numbers
  (``42``, ``-3.5``; not ``007``, not ``1,5``); text (``A<bytes>``) for the rest.
* **Variable labels**: a category's name (as the codebook has it); a renamed column's
  original name; the fixed columns' descriptions (:data:`FIXED_LABELS`) in the interface
  language.
* **Value labels** in the interface language (German: categories 0 'nicht genannt' / 1
  'genannt', ``substantive`` 0 'nicht inhaltlich' / 1 'inhaltlich', ``coded`` 0 'nicht
  kodiert' / 1 'kodiert', ``flagged`` 0 'nicht markiert' / 1 'unsicher markiert'; English:
  'not mentioned' / 'mentioned', ...).
* **Missing**: an empty numeric cell is missing (a category not offered for the question,
  a segment the coder has not coded); an empty text survey variable is declared missing
  where the format can (SPSS).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from qca.exporting.csv import WIDE_FIXED, WIDE_NOTE, WIDE_TAIL, wide_rows
from qca.exporting.names import safe_names
from qca.i18n import N_, _
from qca.store import Project

__all__ = ["FIXED_LABELS", "VALUE_LABELS", "LabelledTable", "input_formats", "labelled_wide"]

VALUE_LABELS: dict[str, tuple[tuple[int, str], ...]] = {
    "category": ((0, N_("not mentioned")), (1, N_("mentioned"))),
    "substantive": ((0, N_("not substantive")), (1, N_("substantive"))),
    "coded": ((0, N_("not coded")), (1, N_("coded"))),
    "flagged": ((0, N_("not flagged")), (1, N_("flagged"))),
}
"""Value labels by column kind, as message ids: :func:`labelled_wide` translates them."""
FIXED_LABELS = {
    "source_id": N_("Source (respondent or document)"),
    "segment_id": N_("Segment"),
    "question": N_("Question"),
    "position": N_("Position in the source"),
    "text": N_("Text of the segment"),
    "memo": N_("Memo (for consensus: the reason)"),
    "flagged": N_("flagged"),
    "substantive": N_("substantive answer"),
    "coded": N_("coded"),
}
"""Variable labels of the fixed columns, as message ids."""


def _translated(pairs: tuple[tuple[int, str], ...]) -> tuple[tuple[int, str], ...]:
    return tuple((value, _(label)) for value, label in pairs)


_ZERO_ONE = ("flagged", *WIDE_TAIL)
_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")


def input_formats(header: Sequence[str], rows: Iterable[Sequence[object]],
                  numeric01: Collection[str], text_columns: Collection[str] = ()) -> list[str]:
    """One SPSS input format per column: ``F1.0`` for 0/1 columns, ``F<w>.<d>`` for columns
    of plain numbers, else (and always for ``text_columns``, e.g. ids) ``A<bytes of the
    longest value>``."""
    width = [1] * len(header)
    numeric = [True] * len(header)
    seen = [False] * len(header)
    decimals = [0] * len(header)
    for row in rows:
        for i, value in enumerate(row):
            if value is None or value == "":
                continue
            shown = str(value)
            seen[i] = True
            width[i] = max(width[i], len(shown.encode("utf-8")))
            if numeric[i] and not isinstance(value, (int, float)) and not _NUMBER.fullmatch(shown):
                numeric[i] = False
            if numeric[i] and "." in shown:
                decimals[i] = max(decimals[i], len(shown.split(".", 1)[1]))
    formats = []
    for i, column in enumerate(header):
        if column in numeric01:
            formats.append("F1.0")
        elif numeric[i] and seen[i] and column not in text_columns:
            formats.append(f"F{min(width[i], 40)}.{min(decimals[i], 16)}")
        else:
            formats.append(f"A{min(width[i], 32767)}")
    return formats


@dataclass
class LabelledTable:
    """The wide rows of one coder, with everything SPSS and Stata need to label them."""

    coder: str
    columns: list[str]  # the original header
    names: list[str]  # the exported (safe) names, one per column
    rows: list[list[object]]  # the data rows, in the wide export's order
    formats: list[str]  # SPSS input format per column
    variable_labels: dict[str, str]  # exported name -> label
    value_labels: dict[str, tuple[tuple[int, str], ...]]  # exported name -> (value, label)s
    categories: list[str]  # exported names of the category columns
    missing_text: list[str]  # exported names of text survey variables (empty = missing)

    def is_numeric(self, i: int) -> bool:
        return self.formats[i].startswith("F")

    def number(self, value: object) -> float | None:
        """A numeric cell as a float (None for an empty one)."""
        if value is None or value == "":
            return None
        return float(value)  # type: ignore[arg-type]


def labelled_wide(project: Project, coder: str) -> LabelledTable:
    """The :class:`LabelledTable` of ``coder``'s wide export."""
    rows = list(wide_rows(project, coder))
    header = [str(h) for h in rows[0]]
    data = rows[1:]
    book = project.codebook()
    categories = [c for c in book.walk() if c.is_codable]
    keys = [c.key for c in categories]
    fixed = {*WIDE_FIXED, *WIDE_NOTE, *WIDE_TAIL}
    names = safe_names(header, fixed)
    name_of = dict(zip(header, names))
    formats = input_formats(header, data, {*keys, *_ZERO_ONE},
                            {"source_id", "segment_id", "question", "text", "memo"})
    labels: dict[str, str] = {}
    for column, name in zip(header, names):
        if column in FIXED_LABELS:
            labels[name] = _(FIXED_LABELS[column])
        elif column != name:
            labels[name] = column
    for cat in categories:
        labels[name_of[cat.key]] = cat.name
    value_labels: dict[str, tuple[tuple[int, str], ...]] = {
        name_of[k]: _translated(VALUE_LABELS["category"]) for k in keys}
    for column in _ZERO_ONE:
        value_labels[name_of[column]] = _translated(VALUE_LABELS[column])
    survey = [c for c in header if c not in fixed and c not in keys]
    missing_text = [name_of[c] for c in survey if formats[header.index(c)].startswith("A")]
    return LabelledTable(coder, header, names, data, formats, labels, value_labels,
                         [name_of[k] for k in keys], missing_text)
