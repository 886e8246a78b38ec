"""The SPSS export: the wide CSV of one coder plus a syntax file (``.sps``) that reads it.

``write_spss`` writes two files into a folder, named after the project and the coder:

``<project>_wide_<coder>.csv``
    The rows of :func:`qca.export.wide_rows` (UTF-8, comma separated, header in the first
    line). Line breaks inside a value become spaces, because SPSS reads one case per line
    (``/DELCASE=LINE``); nothing else differs from ``qca export --format wide``.
``<project>_wide_<coder>.sps``
    ``GET DATA`` with every column in order and a format fitted to the data: ``A<width>``
    for text (width = the longest value in UTF-8 bytes), ``F1.0`` for the 0/1 columns
    (categories, ``substantive``, ``coded``), ``F<w>.<d>`` for ``position`` and for survey
    variables whose values are all plain numbers (``42``, ``-3.5``; not ``007``, not ``1,5``);
    then ``VARIABLE LABELS`` (the German category names; for a renamed survey variable, its
    original name), ``VALUE LABELS`` (German, as the reports are: categories 0 'nicht genannt'
    / 1 'genannt', substantive 0 'nicht inhaltlich' / 1 'inhaltlich', coded 0 'nicht kodiert'
    / 1 'kodiert'), ``VARIABLE LEVEL`` and ``EXECUTE.``.

Missing values: an empty numeric field (a category not offered for the question, a segment
the coder has not coded, a survey variable without a value) is read as system-missing; for
text survey variables the empty value is declared user-missing (``MISSING VALUES ... ('')``),
so an office left blank is not counted as a valid answer.

Variable names: category keys are valid SPSS names already; other columns (survey
variables) are made valid: umlauts spelt out, other characters ``_``, a leading non-letter
or a reserved word (``ALL``, ``AND``, ``BY``, ``TO``, ...) prefixed with ``v_``, at most 64
characters (letters, digits, ``_``), unique regardless of case. The syntax lists every
renamed column in a comment, and :func:`spss_names` gives the mapping. The syntax file is
UTF-8 with a byte-order mark and SPSS's ``* Encoding: UTF-8.`` line; ``/FILE`` holds the
CSV's absolute path (edit it if you move the files).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

from qca.errors import ExportError
from qca.export import WIDE_FIXED, WIDE_TAIL, wide_rows, write_csv
from qca.fileio import write_text
from qca.i18n import _
from qca.store import Project

__all__ = [
    "RESERVED",
    "VALUE_LABELS",
    "spss_formats",
    "spss_names",
    "spss_string",
    "syntax",
    "write_spss",
]

RESERVED = frozenset({"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO",
                      "WITH"})
VALUE_LABELS = {
    "category": ((0, "nicht genannt"), (1, "genannt")),
    "substantive": ((0, "nicht inhaltlich"), (1, "inhaltlich")),
    "coded": ((0, "nicht kodiert"), (1, "kodiert")),
}
_MAX_NAME = 64
_MAX_LABEL_BYTES = 255
_CHUNK = 60
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
_SPELL = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
                        "ß": "ss"})


def _name_base(column: str) -> str:
    text = unicodedata.normalize("NFKD", column.translate(_SPELL))
    text = text.encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9_]+", "_", text)
    text = re.sub(r"_+", "_", text).strip("_")
    if not text:
        return "v"
    if not text[0].isalpha() or text.upper() in RESERVED:
        text = "v_" + text
    return text[:_MAX_NAME].rstrip("_")


def spss_names(columns: Sequence[str]) -> list[str]:
    """Valid, case-insensitively unique SPSS variable names for ``columns``, in order."""
    out: list[str] = []
    used: set[str] = set()
    for column in columns:
        base = _name_base(column)
        name, n = base, 2
        while name.upper() in used:
            suffix = f"_{n}"
            name = base[: _MAX_NAME - len(suffix)] + suffix
            n += 1
        used.add(name.upper())
        out.append(name)
    return out


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


def spss_formats(header: Sequence[str], rows: Iterable[Sequence[object]],
                 numeric01: Collection[str], text_columns: Collection[str] = ()) -> list[str]:
    """One input format per column: ``F1.0`` for 0/1 columns, ``F<w>.<d>`` for columns of
    plain numbers, else (and always for ``text_columns``, e.g. ids) ``A<bytes of the longest
    value>``."""
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


def syntax(csv_path: Path, header: Sequence[str], formats: Sequence[str],
           labels: dict[str, str], categories: Sequence[str],
           missing_text: Sequence[str] = ()) -> str:
    """The ``.sps`` text that reads ``csv_path`` (see the module docstring).

    ``missing_text`` names text columns whose empty value is declared user-missing.
    """
    names = spss_names(header)
    name_of = dict(zip(header, names))
    out = ["* Encoding: UTF-8.",
           "* Written by qca: the wide codings of one coder, one case per segment.",
           "* Empty fields are read as system-missing: a category not offered for the",
           "* question, or a segment the coder has not coded.",
           "* If you move the files, change the path after /FILE."]
    renamed = [(c, n) for c, n in zip(header, names) if c != n]
    if renamed:
        out.append("* Columns renamed to valid SPSS names:")
        out.extend(f"*   {n} = {' '.join(c.split())}" for c, n in renamed)
    out += ["", "GET DATA", "  /TYPE=TXT", f"  /FILE={spss_string(str(csv_path), 32767, squeeze=False)}",
            "  /ENCODING='UTF8'", "  /DELCASE=LINE", '  /DELIMITERS=","', "  /QUALIFIER='\"'",
            "  /ARRANGEMENT=DELIMITED", "  /FIRSTCASE=2", "  /VARIABLES="]
    out.extend(f"    {n} {f}" for n, f in zip(names, formats))
    out[-1] += "."
    out += ["CACHE.", "DATASET NAME qca_wide WINDOW=FRONT.", ""]
    label_lines = [f"  {name_of[c]} {spss_string(text)}" for c, text in labels.items() if text]
    if label_lines:
        out.append("VARIABLE LABELS")
        out.extend(label_lines[:-1] + [label_lines[-1] + "."])
        out.append("")
    blocks: list[list[str]] = []
    if categories:
        blocks.append([f"  {name_of[c]}" for c in categories]
                      + [f"    {v} {spss_string(t)}" for v, t in VALUE_LABELS["category"]])
    for column in ("substantive", "coded"):
        if column in name_of:
            blocks.append([f"  {name_of[column]}"]
                          + [f"    {v} {spss_string(t)}" for v, t in VALUE_LABELS[column]])
    if blocks:
        out.append("VALUE LABELS")
        for i, block in enumerate(blocks):
            if i:
                block[0] = "  /" + block[0].lstrip()
            out.extend(block)
        out[-1] += "."
        out.append("")
    if missing_text:
        out.append("MISSING VALUES")
        out.extend(f"  {name_of[c]}" for c in missing_text)
        out[-1] += " ('')."
        out.append("")
    nominal = [name_of[c] for c in [*categories, "substantive", "coded"] if c in name_of]
    if nominal:
        out.append("VARIABLE LEVEL")
        out.extend(f"  {n}" for n in nominal)
        out[-1] += " (NOMINAL)."
    if "position" in name_of:
        out.append(f"VARIABLE LEVEL {name_of['position']} (SCALE).")
    out += ["", "EXECUTE.", ""]
    return "\n".join(out)


def _file_part(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text, flags=re.UNICODE).strip("._") or "qca"


def write_spss(project: Project, out: Path | str, coder: str) -> list[Path]:
    """Write the wide CSV of ``coder`` and the SPSS syntax that reads it.

    ``out`` naming a ``.sps`` or ``.csv`` file writes ``<name>.csv`` and ``<name>.sps`` side
    by side (``-o anna.sps``); anything else is a folder, created if its parent exists, that
    gets ``<project>_wide_<coder>.csv`` and ``.sps``. Returns ``[csv_path, sps_path]``.

    Raises:
        ExportError: the folder is a file, a parent folder is missing, or a file cannot be
            written.
    """
    out = Path(out)
    if out.suffix.lower() in (".sps", ".csv"):
        if not out.parent.is_dir():
            raise ExportError(_("{out}: folder {parent} does not exist; create it first")
                              .format(out=out, parent=out.parent))
        csv_path = out.with_suffix(".csv").resolve()
        sps_path = out.with_suffix(".sps").resolve()
    else:
        if out.exists() and not out.is_dir():
            raise ExportError(_("{out}: is a file; name a folder, or a .sps file to write "
                                "it and its .csv beside it").format(out=out))
        if not out.exists():
            if not out.parent.exists():
                raise ExportError(_("{out}: folder {parent} does not exist; create it first")
                                  .format(out=out, parent=out.parent))
            try:
                out.mkdir()
            except OSError as exc:
                raise ExportError(_("{out}: cannot create the folder ({strerror})")
                                  .format(out=out, strerror=exc.strerror)) from None
        stem = f"{_file_part(project.path.stem)}_wide_{_file_part(coder)}"
        csv_path = (out / f"{stem}.csv").resolve()
        sps_path = (out / f"{stem}.sps").resolve()

    rows = [[_LINE_BREAK.sub(" ", v) if isinstance(v, str) else v for v in row]
            for row in wide_rows(project, coder)]
    header = [str(h) for h in rows[0]]
    book = project.codebook()
    categories = [c.key for c in book.walk() if c.is_codable]
    numeric01 = {*categories, *WIDE_TAIL}
    formats = spss_formats(header, rows[1:], numeric01, {"source_id", "segment_id", "question"})
    names = {c.key: c.name for c in book.walk()}
    fixed = set(WIDE_FIXED) | set(WIDE_TAIL) | set(categories)
    renamed_vars = {c: c for c, n in zip(header, spss_names(header))
                    if c not in fixed and c != n}
    labels = {**renamed_vars, **{k: names[k] for k in categories}}
    missing_text = [c for c, f in zip(header, formats) if c not in fixed and f.startswith("A")]
    text = syntax(csv_path, header, formats, labels, categories, missing_text)

    write_csv(iter(rows), csv_path)
    write_text(sps_path, text, encoding="utf-8-sig")
    return [csv_path, sps_path]
