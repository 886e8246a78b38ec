"""Split protocol documents (.txt, .md, .docx) into passages for coding.

:func:`read_protocol` returns the document's passages in order, each with the heading
path in force and its text repaired by :func:`qca.importing.textrepair.repair_text`.

Rules per format:

**.txt** (typically text extracted from a PDF; decoded by :mod:`qca.importing.decode`
like CSV files: UTF-16 with BOM, UTF-8 with or without BOM, then Windows-1252, strictly):

* Page furniture is dropped first:

  - a line that is only a page number: ``12``, ``- 12 -``, ``Seite 3``,
    ``Seite 3 von 10``, ``S. 3``, ``Page 3 of 10``, ``3 / 10`` (up to 3 digits);
  - with form feeds (``\\f``, one per page as ``pdftotext`` writes them): the first and
    last line of a page if the same line, digits ignored, opens or closes 3 or more
    pages; a page that does not end a sentence (``.!?:`` or a closing quote) continues
    its paragraph on the next page;
  - a line that stands alone (blank lines around it) and occurs alone identically
    3 or more times in the document (running headers like a report title), unless it
    ends with ``:`` (a speaker label such as ``Moderatorin:``).

* Paragraphs are separated by blank lines. A paragraph of one line, at most 80
  characters, not ending with ``.``, is a heading if it is numbered (``2.``, ``2.1``,
  ``2.1.``, ``II.`` followed by a word; the level is the number's depth, Roman
  numerals level 1), ALL CAPS (at least 4 letters; level 1) or a markdown heading
  (``#`` to ``######``, level = number of ``#``; such a line is a heading even when
  text follows it without a blank line). Every other paragraph is one passage.

**.md**: ATX headings ``#``..``######`` (closing ``#`` removed) and setext headings
(a line underlined with ``===`` or ``---``) build the heading path by level; other
blocks separated by blank lines are passages. A list (consecutive items starting with
``-``, ``*``, ``+``, ``1.``, ``1)``, even if separated by blank lines, with their
indented continuation lines) is one passage, one item per line, markers kept. Fenced
code blocks are one passage, kept verbatim; thematic breaks (``---``) are dropped. Text is kept as written (emphasis markers
stay); only heading markers are removed.

**.docx** (python-docx): paragraphs with the style ``Title``/``Titel`` (level 0),
``Heading n``/``Überschrift n`` (level n) are headings; every other non-empty
paragraph is a passage, except that consecutive list paragraphs (list styles such as
``List Paragraph``/``Listenabsatz``/``List Bullet`` or Word numbering) form one passage,
one item per line. Tables are not ignored: every table row with text becomes one
passage, the texts of its cells joined with `` | `` (merged cells once), in document
order.

Heading paths join the levels in force with `` > ``, e.g. ``Protokoll > Barrieren``;
passages before the first heading have ``heading=None``. Positions count passages only,
from 1. Unsupported extensions, unreadable or undecodable files, corrupt .docx files and
documents without any passage raise :class:`~qca.errors.InputError` with one line.

:func:`read_protocol_document` also returns the document's text as qca reads it, the text
the passages are cut from: every heading (its text, without markup) and every passage, in
order, separated by blank lines, with each passage's offsets in it. Only what the rules
above drop is missing: page furniture, thematic breaks, heading and fence markers, empty
paragraphs.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from qca.errors import InputError
from qca.fileio import not_found
from qca.i18n import N_, _
from qca.importing.decode import decode_text
from qca.importing.textrepair import repair_text, split_paragraphs
from qca.limits import check_archive

__all__ = [
    "PROTOCOL_EXTENSIONS",
    "Passage",
    "ProtocolDocument",
    "read_protocol",
    "read_protocol_document",
]

PROTOCOL_EXTENSIONS = frozenset({".txt", ".md", ".markdown", ".docx"})

_MAX_HEADING = 80
_REPEATS = 3
_ADVICE = N_("save the document as UTF-8 text")

_PAGE_NUMBER = re.compile(
    r"(?:[-–—]\s*)?\d{1,3}(?:\s*[-–—])?"
    r"|(?:seite|s\.|page|p\.)\s*\d{1,3}(?:\s*(?:von|/|of|aus)\s*\d{1,3})?"
    r"|\d{1,3}\s*/\s*\d{1,3}",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"(\d{1,2}(?:\.\d{1,2})*\.|\d{1,2}(?:\.\d{1,2})+)\s+[^\W\d_]")
_ROMAN = re.compile(r"[IVXLC]{1,6}\.\s+[^\W\d_]")
_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*$")
_LIST_ITEM = re.compile(r" {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
_THEMATIC_BREAK = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_FENCE = re.compile(r" {0,3}(```|~~~)")
_SENTENCE_END = tuple(".!?:\"”“»«'")
_DOCX_HEADING = re.compile(r"(?:heading|überschrift)\s*(\d)", re.IGNORECASE)
_DOCX_TITLES = frozenset({"title", "titel"})
_DOCX_LIST = re.compile(r"list|liste|aufzählung", re.IGNORECASE)


@dataclass(frozen=True)
class Passage:
    """One codable passage of a protocol.

    Attributes:
        position: 1-based order of the passage in the document (headings do not count).
        heading: The heading path in force, levels joined with ``" > "``, or ``None``
            before the first heading.
        text: The repaired passage text (list passages: one item per line).
    """

    position: int
    heading: str | None
    text: str


@dataclass(frozen=True)
class ProtocolDocument:
    """A protocol as qca reads it: its whole text and the passages cut from it.

    Attributes:
        text: Headings and passages in document order, separated by blank lines.
        passages: The passages, as :func:`read_protocol` returns them.
        spans: Per passage, ``(start, end)`` in ``text`` (code points, end exclusive):
            ``text[start:end] == passage.text``.
    """

    text: str
    passages: list[Passage]
    spans: list[tuple[int, int]]


# A block is (level, text) for a heading or (None, text) for a passage.
_Block = tuple[int | None, str]


def read_protocol(path: Path | str) -> list[Passage]:
    """Read a protocol document and split it into passages.

    Args:
        path: A ``.txt``, ``.md``/``.markdown`` or ``.docx`` file.

    Returns:
        The passages in document order, numbered from 1, each with its heading path.

    Raises:
        InputError: Unsupported extension, missing/unreadable/undecodable file, corrupt
            .docx, or a document without any passage. One line, naming file and fix.
    """
    return read_protocol_document(path).passages


def read_protocol_document(path: Path | str) -> ProtocolDocument:
    """Read a protocol document: its passages, and its whole text with their offsets.

    Args:
        path: A ``.txt``, ``.md``/``.markdown`` or ``.docx`` file.

    Raises:
        InputError: As :func:`read_protocol`.
    """
    path = Path(path)
    name = path.name
    ext = path.suffix.lower()
    if ext not in PROTOCOL_EXTENSIONS:
        hint = " " + _("(old Word format)") if ext == ".doc" else ""
        raise InputError(
            _("{name}: '{value}' files{hint} cannot be read as protocols; save "
              "the document as .docx, .md or UTF-8 .txt and import that file")
            .format(name=name, value=ext or _('no extension'), hint=hint)
        )
    if not path.exists():
        raise not_found(path, InputError)
    if not path.is_file():
        raise InputError(_("{name}: is a directory, not a file, at {path}; check the path and "
                           "spelling").format(name=name, path=path))
    if ext == ".docx":
        blocks = _docx_blocks(path)
    else:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(
                _("{name}: cannot be read ({value}); check that you may read it")
                .format(name=name, value=exc.strerror or exc)
            ) from None
        text, _encoding = decode_text(data, name, _ADVICE)
        blocks = _markdown_blocks(text) if ext in (".md", ".markdown") else _text_blocks(text)
    document = _assemble(blocks)
    if not document.passages:
        raise InputError(
            _("{name}: the document contains no text passages (empty, or headings only); "
              "check that you chose the right file").format(name=name)
        )
    return document


def _assemble(blocks: list[_Block]) -> ProtocolDocument:
    stack: list[tuple[int, str]] = []
    passages: list[Passage] = []
    spans: list[tuple[int, int]] = []
    parts: list[str] = []
    length = 0
    for level, text in blocks:
        text = text.strip()
        if not text:
            continue
        if parts:
            parts.append("\n\n")
            length += 2
        start = length
        parts.append(text)
        length += len(text)
        if level is not None:
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, text))
            continue
        heading = " > ".join(title for _, title in stack) if stack else None
        passages.append(Passage(position=len(passages) + 1, heading=heading, text=text))
        spans.append((start, length))
    return ProtocolDocument(text="".join(parts), passages=passages, spans=spans)


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- .txt


def _is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.fullmatch(line.strip()))


def _drop_page_furniture(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\f" in text:
        text = _drop_running_lines(text.split("\f"))
    lines = [line for line in text.split("\n") if not _is_page_number(line)]
    # Standalone lines repeated 3+ times: running headers without page breaks.
    standalone: list[int] = []
    for i, line in enumerate(lines):
        if (
            line.strip()
            and (i == 0 or not lines[i - 1].strip())
            and (i == len(lines) - 1 or not lines[i + 1].strip())
        ):
            standalone.append(i)
    counts = Counter(lines[i].strip() for i in standalone)
    drop = {
        i
        for i in standalone
        if counts[lines[i].strip()] >= _REPEATS
        and len(lines[i].strip()) <= _MAX_HEADING
        and not lines[i].strip().endswith(":")
    }
    return "\n".join(line for i, line in enumerate(lines) if i not in drop)


def _drop_running_lines(pages: list[str]) -> str:
    """Remove running headers/footers of form-feed separated pages and rejoin them."""
    split = [page.split("\n") for page in pages]

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", " ".join(line.split()))

    def edge(lines: list[str], last: bool) -> int | None:
        order = range(len(lines) - 1, -1, -1) if last else range(len(lines))
        return next((i for i in order if lines[i].strip()), None)

    counts: Counter[str] = Counter()
    for lines in split:
        seen = {key(lines[i]) for i in (edge(lines, False), edge(lines, True)) if i is not None}
        counts.update(seen)
    running = {k for k, n in counts.items() if n >= _REPEATS}
    result = ""
    for lines in split:
        for last in (False, True):
            index = edge(lines, last)
            if index is not None and key(lines[index]) in running:
                del lines[index]
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        if not lines:
            continue
        page = "\n".join(lines)
        if result:
            ends_sentence = result.rstrip().endswith(_SENTENCE_END)
            result += "\n\n" if ends_sentence else "\n"
        result += page
    return result


def _heading_level(line: str) -> int | None:
    """Return the heading level of a one-line paragraph, or None if it is no heading."""
    atx = _ATX.match(line)
    if atx and atx.group(2):
        return len(atx.group(1))
    line = line.strip()
    if len(line) > _MAX_HEADING or line.endswith("."):
        return None
    numbered = _NUMBERED.match(line)
    if numbered:
        return numbered.group(1).rstrip(".").count(".") + 1
    if _ROMAN.match(line):
        return 1
    letters = [c for c in line if c.isalpha()]
    if len(letters) >= 4 and all(c.isupper() for c in letters):
        return 1
    return None


def _heading_text(line: str) -> str:
    atx = _ATX.match(line)
    if atx and atx.group(2):
        return _one_line(atx.group(2))
    return _one_line(line)


def _text_blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    for paragraph in split_paragraphs(_drop_page_furniture(text)):
        lines = paragraph.split("\n")
        first = lines[0]
        atx = _ATX.match(first)
        if atx and atx.group(2) and len(lines) > 1:
            blocks.append((len(atx.group(1)), _heading_text(first)))
            paragraph = "\n".join(lines[1:])
        elif len(lines) == 1:
            level = _heading_level(first)
            if level is not None:
                blocks.append((level, repair_text(_heading_text(first))))
                continue
        blocks.append((None, repair_text(paragraph)))
    return blocks


# --------------------------------------------------------------------------- .md


def _markdown_blocks(text: str) -> list[_Block]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[_Block] = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if _THEMATIC_BREAK.match(line):
            i += 1
            continue
        fence = _FENCE.match(line)
        if fence:
            j = i + 1
            while j < n and not lines[j].lstrip().startswith(fence.group(1)):
                j += 1
            body = "\n".join(lines[i + 1 : j]).strip("\n")
            blocks.append((None, body))
            i = j + 1
            continue
        atx = _ATX.match(line)
        if atx:
            if atx.group(2):
                blocks.append((len(atx.group(1)), _one_line(atx.group(2))))
            i += 1
            continue
        if _LIST_ITEM.match(line):
            items: list[list[str]] = []
            while i < n:
                current = lines[i]
                if _LIST_ITEM.match(current):
                    items.append([current.strip()])
                elif current.strip() and (current[:1] in " \t" or items and lines[i - 1].strip()):
                    if _ATX.match(current) or _FENCE.match(current):
                        break
                    items[-1].append(current.strip())
                elif not current.strip():
                    next_filled = next((k for k in range(i + 1, n) if lines[k].strip()), None)
                    if next_filled is None or not (
                        _LIST_ITEM.match(lines[next_filled]) or lines[next_filled][:1] in " \t"
                    ):
                        break
                else:
                    break
                i += 1
            text_items = [_one_line(repair_text("\n".join(item))) for item in items]
            blocks.append((None, "\n".join(t for t in text_items if t)))
            continue
        # A paragraph: up to a blank line, a heading, a fence or a list item.
        paragraph = [line]
        i += 1
        while i < n and lines[i].strip():
            following = lines[i]
            if _SETEXT.match(following) and len(paragraph) == 1:
                level = 1 if following.strip().startswith("=") else 2
                blocks.append((level, _one_line(paragraph[0])))
                paragraph = []
                i += 1
                break
            if _ATX.match(following) or _FENCE.match(following) or _LIST_ITEM.match(following):
                break
            paragraph.append(following)
            i += 1
        if paragraph:
            blocks.append((None, repair_text("\n".join(paragraph))))
    return blocks


# --------------------------------------------------------------------------- .docx


def _docx_blocks(path: Path) -> list[_Block]:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table as DocxTable

    name = path.name
    check_archive(path, name)
    try:
        document = docx.Document(str(path))
        blocks: list[_Block] = []
        list_items: list[str] = []

        def flush() -> None:
            if list_items:
                blocks.append((None, "\n".join(list_items)))
                list_items.clear()

        for item in document.iter_inner_content():
            if isinstance(item, DocxTable):
                flush()
                blocks.extend(_docx_table_rows(item))
                continue
            text = _one_line(repair_text(item.text))
            style = item.style.name if item.style is not None else ""
            level = _docx_heading_level(style)
            if level is not None:
                flush()
                if text:
                    blocks.append((level, text))
                continue
            if not text:
                flush()
                continue
            if _docx_is_list(item, style):
                list_items.append(text)
            else:
                flush()
                blocks.append((None, text))
        flush()
    except (
        PackageNotFoundError,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        TypeError,
        AttributeError,
        IndexError,
        OSError,
        EOFError,
        SyntaxError,  # lxml's XMLSyntaxError
    ) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(
            _("{name}: not a readable Word document ({detail}); open it in Word or LibreOffice "
              "and save it again as .docx").format(name=name, detail=detail)
        ) from None
    return blocks


def _docx_heading_level(style: str) -> int | None:
    if style.strip().lower() in _DOCX_TITLES:
        return 0
    match = _DOCX_HEADING.fullmatch(style.strip())
    return int(match.group(1)) if match else None


def _docx_is_list(paragraph: object, style: str) -> bool:
    if _DOCX_LIST.search(style):
        return True
    ppr = getattr(paragraph, "_p", None)
    ppr = ppr.pPr if ppr is not None else None
    return ppr is not None and ppr.numPr is not None


def _docx_table_rows(table: object) -> list[_Block]:
    blocks: list[_Block] = []
    for row in table.rows:  # type: ignore[attr-defined]
        seen: list[object] = []  # cell elements; a merged cell is returned once per grid column
        cells: list[str] = []
        for cell in row.cells:
            if any(cell._tc is element for element in seen):
                continue
            seen.append(cell._tc)
            text = _one_line(repair_text(cell.text))
            if text:
                cells.append(text)
        if cells:
            blocks.append((None, " | ".join(cells)))
    return blocks
