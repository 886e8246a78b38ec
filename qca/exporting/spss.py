"""The SPSS exports: the wide CSV of one coder with syntax that reads it, or a ``.sav``.

``write_spss`` writes two files, named after the target (``-o anna.sps`` writes ``anna.csv``
and ``anna.sps``) or, given a folder, after the project and the coder:

``<name>.csv``
    The rows of :func:`qca.exporting.csv.wide_rows` (UTF-8, comma separated, header in the
    first line). Line breaks inside a value become spaces, because SPSS reads one case per
    line (``/DELCASE=LINE``); nothing else differs from ``qca export --format wide``.
``<name>.sps``
    ``GET DATA`` with every column in order and a format fitted to the data, then
    ``VARIABLE LABELS``, ``VALUE LABELS``, ``MISSING VALUES``, ``VARIABLE LEVEL`` and
    ``EXECUTE.``: names, formats and labels as :mod:`qca.exporting.labelled` gives
    them.

``write_sav`` writes the same table as an SPSS data file (``.sav``, via ``pyreadstat``)
with the same names, labels, missing values and measurement levels; line breaks stay.

Missing values: an empty numeric field is system-missing; for text survey variables the
empty value is declared user-missing (``MISSING VALUES ... ('')``), so an office left blank
is not counted as a valid answer.

Variable names are always valid SPSS names (:mod:`qca.exporting.names`): the syntax lists
every renamed column in a comment and labels it with its original name. With ``--names
keep`` the CSV's header keeps the original names (the syntax skips the header line). The
syntax file is UTF-8 with a byte-order mark and SPSS's ``* Encoding: UTF-8.`` line;
``/FILE`` holds the CSV's absolute path (edit it if you move the files).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from qca.errors import ExportError
from qca.exporting.labelled import VALUE_LABELS, LabelledTable
from qca.exporting.csv import write_csv
from qca.fileio import atomic_path, write_text
from qca.i18n import _

__all__ = [
    "VALUE_LABELS",
    "csv_rows",
    "spss_string",
    "spss_targets",
    "syntax",
    "write_sav",
    "write_spss",
]

_MAX_LABEL_BYTES = 255
_CHUNK = 60
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _clip_bytes(text: str, limit: int) -> str:
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    return raw[:limit].decode("utf-8", "ignore")


def spss_string(text: str, limit: int = _MAX_LABEL_BYTES, *, squeeze: bool = True) -> str:
    """``text`` as an SPSS string literal: single quotes doubled, cut to ``limit`` UTF-8
    bytes, long texts split into ``'...' + '...'`` pieces (syntax lines stay short). With
    ``squeeze`` (for labels) line breaks and runs of white space become one space."""
    text = _clip_bytes(" ".join(text.split()) if squeeze else text, limit)
    pieces = [text[i:i + _CHUNK] for i in range(0, len(text), _CHUNK)] or [""]
    return "\n    + ".join("'" + p.replace("'", "''") + "'" for p in pieces)


def syntax(csv_path: Path, table: LabelledTable) -> str:
    """The ``.sps`` text that reads ``csv_path``, the CSV of ``table`` (see the module doc)."""
    names = table.names
    out = ["* Encoding: UTF-8.",
           "* Written by qca: the wide codings of one coder, one case per segment.",
           "* Empty fields are read as system-missing: a category not offered for the",
           "* question, or a segment the coder has not coded.",
           "* If you move the files, change the path after /FILE."]
    renamed = [(c, n) for c, n in zip(table.columns, names) if c != n]
    if renamed:
        out.append("* Columns renamed to valid SPSS names:")
        out.extend(f"*   {n} = {' '.join(c.split())}" for c, n in renamed)
    out += ["", "GET DATA", "  /TYPE=TXT",
            f"  /FILE={spss_string(str(csv_path), 32767, squeeze=False)}",
            "  /ENCODING='UTF8'", "  /DELCASE=LINE", '  /DELIMITERS=","', "  /QUALIFIER='\"'",
            "  /ARRANGEMENT=DELIMITED", "  /FIRSTCASE=2", "  /VARIABLES="]
    out.extend(f"    {n} {f}" for n, f in zip(names, table.formats))
    out[-1] += "."
    out += ["CACHE.", "DATASET NAME qca_wide WINDOW=FRONT.", ""]
    label_lines = [f"  {n} {spss_string(table.variable_labels[n])}" for n in names
                   if table.variable_labels.get(n)]
    if label_lines:
        out.append("VARIABLE LABELS")
        out.extend(label_lines[:-1] + [label_lines[-1] + "."])
        out.append("")
    blocks: list[list[str]] = []
    if table.categories:
        blocks.append([f"  {n}" for n in table.categories]
                      + [f"    {v} {spss_string(t)}"
                         for v, t in table.value_labels[table.categories[0]]])
    for name, pairs in table.value_labels.items():
        if name not in table.categories:
            blocks.append([f"  {name}"] + [f"    {v} {spss_string(t)}" for v, t in pairs])
    if blocks:
        out.append("VALUE LABELS")
        for i, block in enumerate(blocks):
            if i:
                block[0] = "  /" + block[0].lstrip()
            out.extend(block)
        out[-1] += "."
        out.append("")
    if table.missing_text:
        out.append("MISSING VALUES")
        out.extend(f"  {n}" for n in table.missing_text)
        out[-1] += " ('')."
        out.append("")
    nominal = list(table.value_labels)
    if nominal:
        out.append("VARIABLE LEVEL")
        out.extend(f"  {n}" for n in nominal)
        out[-1] += " (NOMINAL)."
    if "position" in table.columns:
        out.append(f"VARIABLE LEVEL {names[table.columns.index('position')]} (SCALE).")
    out += ["", "EXECUTE.", ""]
    return "\n".join(out)


def _file_part(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text, flags=re.UNICODE).strip("._") or "qca"


def spss_targets(project_stem: str, out: Path | str, coder: str) -> tuple[Path, Path]:
    """The CSV and syntax files ``write_spss`` writes for ``out``: ``<name>.csv`` and
    ``<name>.sps`` beside each other for a ``.sps`` or ``.csv`` name (``-o anna.sps``);
    for anything else, a folder (created if its parent exists) that gets
    ``<project>_wide_<coder>.csv`` and ``.sps``.

    Raises:
        ExportError: the folder is a file, or a parent folder is missing.
    """
    out = Path(out)
    if out.suffix.lower() in (".sps", ".csv"):
        if not out.parent.is_dir():
            raise ExportError(_("{out}: folder {parent} does not exist; create it first")
                              .format(out=out, parent=out.parent))
        return out.with_suffix(".csv").resolve(), out.with_suffix(".sps").resolve()
    if out.exists() and not out.is_dir():
        raise ExportError(_("{out}: is a file; name a folder, or a .sps file to write "
                            "it and its .csv beside it").format(out=out))
    if not out.exists() and not out.parent.exists():
        raise ExportError(_("{out}: folder {parent} does not exist; create it first")
                          .format(out=out, parent=out.parent))
    stem = f"{_file_part(project_stem)}_wide_{_file_part(coder)}"
    return (out / f"{stem}.csv").resolve(), (out / f"{stem}.sps").resolve()


def csv_rows(table: LabelledTable, *, keep_names: bool = False) -> list[list[object]]:
    """The CSV beside the syntax: the header (safe names, or the original ones with
    ``keep_names``), then the rows with line breaks turned into spaces."""
    header: list[object] = list(table.columns if keep_names else table.names)
    return [header, *([_LINE_BREAK.sub(" ", v) if isinstance(v, str) else v for v in row]
                      for row in table.rows)]


def write_spss(table: LabelledTable, csv_path: Path, sps_path: Path, *,
               keep_names: bool = False, final_csv: Path | None = None) -> None:
    """Write the CSV of ``table`` and the syntax that reads it, each atomically.

    ``final_csv`` is where the CSV will be when it is written to a staging path first
    (:func:`qca.fileio.all_or_none`); the syntax names that path.
    """
    write_csv(iter(csv_rows(table, keep_names=keep_names)), csv_path)
    write_text(sps_path, syntax(final_csv or csv_path, table), encoding="utf-8-sig")


def write_sav(table: LabelledTable, path: Path | str) -> None:
    """Write ``table`` as an SPSS data file (atomically), labelled as the syntax labels it."""
    import pyreadstat

    from qca.exporting.stata import frame

    measure = {n: "nominal" for n in table.value_labels}
    labels: dict[str, str | None] = {n: table.variable_labels.get(n) for n in table.names}
    value_labels: dict[str, dict[int | float, str]] = {
        n: dict(pairs) for n, pairs in table.value_labels.items()}
    missing: dict[str, list[Any]] = {n: [""] for n in table.missing_text}
    if "position" in table.columns:
        measure[table.names[table.columns.index("position")]] = "scale"
    with atomic_path(path, "codings.sav") as tmp:
        try:
            pyreadstat.write_sav(
                frame(table), str(tmp),
                column_labels=labels,
                variable_value_labels=value_labels,
                missing_ranges=missing,
                variable_measure=measure,
            )
        except pyreadstat.ReadstatError as exc:
            raise ExportError(_("{path}: cannot write the SPSS file ({exc})")
                              .format(path=path, exc=exc)) from None
