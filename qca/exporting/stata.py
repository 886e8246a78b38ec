"""The Stata export: the wide table of one coder as a ``.dta`` file (Stata 14+, UTF-8).

Written with ``pyreadstat`` (ReadStat) from :class:`qca.exporting.labelled.LabelledTable`, so
the names, types and labels are those of the SPSS export: 0/1 columns and numeric
survey variables are numbers (an empty cell is Stata's missing ``.``), everything else is a
string (texts longer than Stata's 2,045 bytes become ``strL``). Variable labels are cut to
Stata's 80 characters; value labels are attached to the 0/1 columns (``genannt``,
``kodiert``, ...).

The table goes to ``pyreadstat`` as a polars frame, imported only here: pandas, which
``sqlite-utils`` would import at every start of qca once it is installed, is not needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qca.errors import ExportError
from qca.exporting.labelled import LabelledTable
from qca.fileio import atomic_path
from qca.i18n import _

__all__ = ["MAX_LABEL", "frame", "write_stata"]

MAX_LABEL = 80
_STATA_VERSION = 14  # pyreadstat's name for format 118, which Stata 14 and later read


def frame(table: LabelledTable) -> Any:
    """``table`` as a polars frame: numeric columns as floats (None for empty), the rest as
    strings (empty for empty)."""
    import polars as pl

    data: dict[str, list[Any]] = {}
    schema: dict[str, Any] = {}
    for i, name in enumerate(table.names):
        column = [row[i] for row in table.rows]
        if table.is_numeric(i):
            data[name] = [table.number(v) for v in column]
            schema[name] = pl.Float64
        else:
            data[name] = ["" if v is None else str(v) for v in column]
            schema[name] = pl.String
    return pl.DataFrame(data, schema=schema)


def write_stata(table: LabelledTable, path: Path | str) -> None:
    """Write ``table`` as a Stata ``.dta`` (atomically), with variable and value labels."""
    import pyreadstat

    labels: dict[str, str | None] = {
        n: (table.variable_labels.get(n) or "")[:MAX_LABEL] for n in table.names}
    value_labels: dict[str, dict[int | float, str]] = {
        n: dict(pairs) for n, pairs in table.value_labels.items()}
    with atomic_path(path, "codings.dta") as tmp:
        try:
            pyreadstat.write_dta(frame(table), str(tmp), version=_STATA_VERSION,
                                 column_labels=labels, variable_value_labels=value_labels)
        except pyreadstat.ReadstatError as exc:
            raise ExportError(_("{path}: cannot write the Stata file ({exc})")
                              .format(path=path, exc=exc)) from None
