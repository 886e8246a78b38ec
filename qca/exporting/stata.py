"""The Stata export: the wide table of one coder as a ``.dta`` file (Stata 14+, format 118).

Written with pandas' Stata writer from :class:`qca.exporting.labelled.LabelledTable`, so the
names, types and German labels are those of the SPSS export: 0/1 columns and numeric survey
variables are numbers (an empty cell is Stata's missing ``.``), everything else is a string
(texts longer than Stata's 2,045 bytes become ``strL``). Variable labels are cut to Stata's
80 characters; value labels are attached to the 0/1 columns (``genannt``, ``kodiert``, ...).
Format 118 stores UTF-8, so umlauts in texts and labels arrive as they are.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from qca.errors import ExportError
from qca.exporting.labelled import LabelledTable
from qca.fileio import atomic_path

__all__ = ["MAX_LABEL", "write_stata"]

MAX_LABEL = 80
_MAX_STR = 2045


def write_stata(table: LabelledTable, path: Path | str) -> None:
    """Write ``table`` as a Stata ``.dta`` (atomically), with variable and value labels."""
    import pandas as pd
    from pandas.io.stata import InvalidColumnName

    data: dict[str, object] = {}
    long_text: list[str] = []
    for i, name in enumerate(table.names):
        column = [row[i] for row in table.rows]
        if table.is_numeric(i):
            data[name] = pd.Series([table.number(v) for v in column], dtype="float64")
        else:
            values = ["" if v is None else str(v) for v in column]
            if any(len(v.encode("utf-8")) > _MAX_STR for v in values):
                long_text.append(name)
            data[name] = pd.Series(values, dtype="object")
    frame = pd.DataFrame(data, columns=table.names)
    labels = {n: table.variable_labels[n][:MAX_LABEL] for n in table.names
              if table.variable_labels.get(n)}
    value_labels = {n: {float(v): t for v, t in pairs} for n, pairs in table.value_labels.items()}
    with atomic_path(path, "codings.dta") as tmp:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", InvalidColumnName)  # never renamed silently
                frame.to_stata(tmp, write_index=False, version=118, variable_labels=labels,
                               value_labels=value_labels, convert_strl=long_text)
        except (ValueError, InvalidColumnName) as exc:
            raise ExportError(f"{path}: cannot write the Stata file ({exc})") from None
