"""Column names that R, Stata and SPSS accept unchanged (``--names safe``).

One rule for all three, so a wide file reads the same everywhere:

* only ASCII letters, digits and ``_``; umlauts are spelt out (``ä`` -> ``ae``, ``ß`` ->
  ``ss``), other accents dropped, every other run of characters becomes one ``_``;
* the first character is a letter (else the name gets the prefix ``v_``);
* not a reserved word: SPSS's ``ALL``, ``AND``, ``BY``, ... in any case; R's ``if``,
  ``TRUE``, ``NA``, ... and Stata's ``byte``, ``in``, ``using``, ... as spelt; those get ``v_``;
* at most 32 characters (Stata's limit; SPSS allows 64, R any);
* unique regardless of case (SPSS does not tell ``Amt`` from ``amt``): a repeat gets
  ``_2``, ``_3``, ... . The fixed columns (``segment_id``, ``text``, ...) keep their names;
  a survey variable that would collide with one gives way.

R's ``read.csv`` keeps such a name as it is (``make.names`` changes nothing), Stata's
``import delimited`` and ``use`` take it, and SPSS's ``GET DATA`` declares it.

The mapping from the original names to the exported ones is written beside the export as
``<file>.names.csv`` (``wide.csv.names.csv``, ``anna.dta.names.csv``; columns ``original``,
``exported``; every column, renamed or not).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path

__all__ = [
    "MAX_NAME",
    "R_RESERVED",
    "SPSS_RESERVED",
    "STATA_RESERVED",
    "is_safe",
    "mapping_path",
    "mapping_rows",
    "safe_names",
]

MAX_NAME = 32
SPSS_RESERVED = frozenset({"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR",
                           "TO", "WITH"})
# Reserved in R 4 (?Reserved): make.names appends "." to them.
R_RESERVED = frozenset({"if", "else", "repeat", "while", "function", "for", "next", "break",
                        "TRUE", "FALSE", "NULL", "Inf", "NaN", "NA", "NA_integer_", "NA_real_",
                        "NA_character_", "NA_complex_", "in"})
# Stata's reserved names (its manual, [U] 11.3) and the words pandas' Stata writer refuses.
STATA_RESERVED = frozenset({
    "aggregate", "array", "boolean", "break", "byte", "case", "catch", "class", "colvector",
    "complex", "const", "continue", "default", "delegate", "delete", "do", "double", "else",
    "eltypedef", "end", "enum", "explicit", "export", "external", "float", "for", "friend",
    "function", "global", "goto", "if", "inline", "int", "local", "long", "NULL", "pragma",
    "protected", "quad", "rowvector", "short", "typedef", "typename", "virtual", "in", "strL",
    "using", "with",
})
_STATA_STR = re.compile(r"str[0-9]+")
_SPELL = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
                        "ß": "ss"})
_SAFE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def _reserved(name: str) -> bool:
    return (name.upper() in SPSS_RESERVED or name in R_RESERVED or name in STATA_RESERVED
            or bool(_STATA_STR.fullmatch(name)))


def is_safe(name: str) -> bool:
    """Whether ``name`` follows the rule of the module docstring (uniqueness aside)."""
    return bool(_SAFE.fullmatch(name)) and len(name) <= MAX_NAME and not _reserved(name)


def _base(column: str) -> str:
    text = unicodedata.normalize("NFKD", column.translate(_SPELL))
    text = text.encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9_]+", "_", text)
    text = re.sub(r"_+", "_", text).strip("_")
    if not text:
        return "v"
    if not text[0].isalpha() or _reserved(text):
        text = "v_" + text
    return text[:MAX_NAME].rstrip("_")


def safe_names(columns: Sequence[str], fixed: Collection[str] = ()) -> list[str]:
    """A safe, case-insensitively unique name for each of ``columns``, in order.

    A column that is safe already keeps its name unless an earlier one took it. Columns
    in ``fixed`` are named first, so they keep their names and the others give way.
    """
    order = sorted(range(len(columns)), key=lambda i: (columns[i] not in fixed, i))
    out = [""] * len(columns)
    used: set[str] = set()
    for i in order:
        base = _base(columns[i])
        name, n = base, 2
        while name.upper() in used:
            suffix = f"_{n}"
            name = base[: MAX_NAME - len(suffix)] + suffix
            n += 1
        used.add(name.upper())
        out[i] = name
    return out


def mapping_path(target: Path) -> Path:
    """``exports/wide.csv`` -> ``exports/wide.csv.names.csv``: one per exported file, so the
    ``.sav`` and the ``.dta`` of one coder do not share (and clash over) one mapping."""
    return target.with_name(f"{target.name}.names.csv")


def mapping_rows(original: Sequence[str], exported: Sequence[str]) -> Iterator[list[object]]:
    """The rows of ``<file>.names.csv``: a header, then one row per column."""
    yield ["original", "exported"]
    for before, after in zip(original, exported):
        yield [before, after]
