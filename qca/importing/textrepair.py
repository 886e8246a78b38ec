"""Repair text extracted from PDFs before it is coded.

PDF text extraction (and OCR) hard-wraps paragraphs, hyphenates words at line ends and
leaves typographic debris. :func:`repair_text` undoes exactly that and nothing else: it
never restores lost umlauts or fixes OCR misreadings, because that would change the data.

Rules of :func:`repair_text`, in order:

1. **Characters.** Line breaks ``\\r\\n``, ``\\r``, U+2028, U+0085, vertical tab and form
   feed become ``\\n`` (a page break continues the paragraph); U+2029 becomes a blank
   line. Ligatures are expanded (``ﬁ`` -> ``fi``, ``ﬂ`` -> ``fl``, ``ﬀ``, ``ﬃ``, ``ﬄ``,
   ``ﬅ``/``ﬆ`` -> ``st``); the typographic hyphens U+2010/U+2011 become ``-``; zero-width
   spaces and stray BOMs are removed. Every run of other whitespace (tabs, no-break and
   thin spaces ...) becomes one space; lines are stripped.
2. **Paragraphs** are separated by blank lines; within a paragraph the lines are joined
   into one line. Only a line that starts a list item (``•``, ``▪``, ``◦``, ``‣``, ``●``,
   or ``-``/``–``/``*`` followed by a space) keeps its own line, and so does every line of
   a **header block**: a paragraph of two or more lines, each at most 100 characters and
   each either a field (``Datum: 12. Februar 2025``, ``**Ort:** digital``: a label of up
   to three words starting with a letter, then ``:``) or an agenda item (``TOP 1
   Begrüßung``). Prose whose lines merely start with ``Fazit:`` is no header block,
   because its other lines are not fields.
3. **Joining a line that ends in a hyphen** (``-`` directly after a letter) to the next:

   a. next line starts with ``und``, ``oder``, ``bzw.``, ``sowie``, ``als``, ``wie``,
      ``bis``, ``noch``, ``u.``, ``o.``, ``&``, ... -> suspended hyphen, keep hyphen and
      space: ``Klimaschutz- und Klimaanpassung``; next line starts with ``,`` ``;`` ``/``
      or ``)`` -> keep the hyphen, no space: ``Integrations-, Klima-``;
   b. next line starts with a capital or a digit -> keep the hyphen, no space:
      ``Klima-Check``, ``E-Mail``, ``Leibniz-Institut``, ``2015-2020``;
   c. next line starts with a lowercase letter -> line-break hyphenation, join without
      the hyphen (``Verwal-``/``tungen`` -> ``Verwaltungen``, ``Bürger-``/``innen`` ->
      ``Bürgerinnen``), **unless** the hyphenated form is a known German word that is
      more common than the joined form (see below): ``deutsch-``/``französische`` ->
      ``deutsch-französische``, ``schwarz-``/``weiß`` -> ``schwarz-weiß``;
   d. anything else (a quote, a bracket) -> keep the hyphen, no space.

   A hyphen after a space or digit, or a dash (``–``, ``—``), is not hyphenation: the
   lines are joined with a space, except ``2015-`` + ``2020`` (digit before, nothing
   removed). A line ending in a soft hyphen (U+00AD) or ``¬`` (OCR's hyphenation mark)
   is always joined without it. A line starting with a hyphen (``Stadtplanung und`` /
   ``-entwicklung``) is joined with a space as any other line.
4. All other soft hyphens are removed.

"Known German words" come from spaCy's German frequency table ``de_lexeme_prob`` in the
``spacy-lookups-data`` package (log probabilities of ~1,000,000 word forms, including
hyphenated ones), loaded lazily, once (about a second). Rule 3c keeps the hyphen iff
``first-second`` is in that table and more probable than ``firstsecond`` (an absent
joined form counts as less probable). The lemma table ``de_lemma_lookup`` was tried
first but lacks every uninflected word (``innerhalb``, ``bislang``), so "both halves
known, joined word unknown" wrongly kept ``inner-halb``. Without the package every
lowercase continuation is simply joined.

The result has one line per paragraph (list items: one line per item), paragraphs
separated by one blank line, no leading/trailing whitespace; ``repair_text`` is
idempotent.
"""

from __future__ import annotations

import functools
import gzip
import json
import re

__all__ = ["is_hyphenated_compound", "repair_text", "split_paragraphs"]

_LINE_BREAKS = str.maketrans(
    {
        "\r": "\n",
        "\u2028": "\n",
        "\x85": "\n",
        "\x0b": "\n",
        "\x0c": "\n",
        "\u2029": "\n\n",
    }
)
_CHARACTERS = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
        "\u2010": "-",
        "\u2011": "-",
        "\u200b": None,
        "\ufeff": None,
    }
)
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n[^\S\n]*(?:\n[^\S\n]*)+")
_BULLET = re.compile(r"(?:[•▪◦‣●]|[-–*] )")
_FIELD = re.compile(r"(?:\*\*|__)?[^\W\d_][\w.()/-]*(?: [\w.()/-]+){0,2}(?:\*\*|__)?:(?:\*\*|__)?(?: |$)")
_AGENDA = re.compile(r"TOP\s?\d+[a-z]?(?:[.:)]|\s|$)", re.IGNORECASE)
_HEADER_LINE = 100
_LAST_WORD = re.compile(r"([^\W\d_]+)-$")
_FIRST_WORD = re.compile(r"[^\W\d_]+")
_DASH_END = re.compile(r"(?:^|\s)[-–—]$|[–—]$")
_SUSPENDING = frozenset(
    {
        "und", "oder", "bzw.", "bzw", "beziehungsweise", "sowie", "als", "wie", "bis",
        "noch", "respektive", "resp.", "u.", "o.", "&", "versus", "vs.", "statt", "anstatt",
    }
)  # fmt: skip
_PUNCTUATION_AFTER_HYPHEN = ",;/)"


@functools.lru_cache(maxsize=1)
def _hyphenated_words() -> frozenset[str]:
    """Load, once, the hyphenated word forms that are more frequent than their joined form.

    Source: ``de_lexeme_prob`` of spacy-lookups-data (log probabilities of about a
    million German word forms from a web corpus). Kept are forms ``a-b`` with a
    lowercase ``b`` whose probability beats that of ``ab`` (an absent ``ab`` loses).
    Returns an empty set if the package or its table is unavailable.
    """
    try:
        from importlib.resources import files

        data = files("spacy_lookups_data").joinpath("data")
        table: dict[str, float] | None = None
        for name, opener in (("de_lexeme_prob.json.gz", gzip.open), ("de_lexeme_prob.json", open)):
            resource = data.joinpath(name)
            if resource.is_file():
                with opener(str(resource), "rt", encoding="utf-8") as handle:  # type: ignore[operator]
                    table = json.load(handle)
                break
    except (ImportError, OSError, ValueError):
        table = None
    if not table:
        return frozenset()
    preferred = set()
    for word, probability in table.items():
        first, hyphen, second = word.partition("-")
        if hyphen and first and second[:1].islower() and "-" not in second:
            joined = table.get(first + second)
            if joined is None or probability > joined:
                preferred.add(word)
    return frozenset(preferred)


def is_hyphenated_compound(first: str, second: str) -> bool:
    """Tell whether ``first-second`` (lowercase ``second``) is a real hyphenated word.

    Args:
        first: The letters before a line-end hyphen, e.g. ``"deutsch"``.
        second: The letters starting the next line, e.g. ``"französische"``.

    Returns:
        True if ``first-second`` is attested in spaCy's German frequency table and is
        more frequent there than ``firstsecond``, e.g. for ``deutsch``/``französische``,
        ``schwarz``/``weiß``; False for hyphenation such as ``Verwal``/``tungen``,
        ``Bürger``/``innen``, ``inner``/``halb``.
    """
    return f"{first}-{second}" in _hyphenated_words()


def _join(current: str, following: str) -> str:
    """Join two stripped, non-empty lines of one paragraph."""
    last = current[-1]
    if last in "\u00ad¬":
        return current[:-1] + following
    if last == "-" and len(current) >= 2 and current[-2].isalpha():
        token = following.split(" ", 1)[0]
        if token in _SUSPENDING:
            return current + " " + following
        head = following[0]
        if head in _PUNCTUATION_AFTER_HYPHEN or head.isupper() or head.isdigit():
            return current + following
        if head.islower():
            before = _LAST_WORD.search(current)
            after = _FIRST_WORD.match(following)
            if before and after and is_hyphenated_compound(before.group(1), after.group(0)):
                return current + following
            return current[:-1] + following
        return current + following
    if last == "-" and len(current) >= 2 and current[-2].isdigit():
        return current + following
    return current + " " + following


def _is_header_block(lines: list[str]) -> bool:
    """Whether ``lines`` (stripped, non-empty) are fields or agenda items, one per line."""
    return len(lines) >= 2 and all(
        len(line) <= _HEADER_LINE and (_FIELD.match(line) or _AGENDA.match(line))
        for line in lines)


def _repair_paragraph(paragraph: str) -> str:
    out: list[str] = []
    raws = [raw for raw in paragraph.split("\n") if raw.strip()]
    header = _is_header_block([_SPACES.sub(" ", raw.replace("\u00ad", "")).strip()
                               for raw in raws])
    for raw in raws:
        line = _SPACES.sub(" ", raw.replace("\u00ad", "")).strip()
        if not line:
            continue
        if raw.rstrip().endswith("\u00ad"):
            line += "\u00ad"  # marks a soft line-break hyphen for _join
        if not out or header or _BULLET.match(line):
            out.append(line)
        else:
            out[-1] = _join(out[-1], line)
    return "\n".join(line.replace("\u00ad", "") for line in out).strip()


def repair_text(text: str) -> str:
    """Repair PDF-extracted text: join wrapped lines, undo hyphenation, normalise spaces.

    See the module docstring for the complete, ordered rules.

    Args:
        text: Raw extracted text, paragraphs separated by blank lines.

    Returns:
        The repaired text: one line per paragraph (one per list item), paragraphs
        separated by a single blank line, no trailing whitespace.
    """
    text = text.replace("\r\n", "\n").translate(_LINE_BREAKS).translate(_CHARACTERS)
    paragraphs = (_repair_paragraph(p) for p in _BLANK_LINES.split(text))
    return "\n\n".join(p for p in paragraphs if p)


def split_paragraphs(text: str) -> list[str]:
    """Split text into paragraphs on blank lines.

    Args:
        text: Any text; lines holding only whitespace count as blank. ``\\r\\n`` and
            ``\\r`` line breaks are accepted.

    Returns:
        The non-empty paragraphs, stripped, in order; line breaks inside a paragraph
        are kept as ``\\n``.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [p.strip() for p in _BLANK_LINES.split(text) if p.strip()]
