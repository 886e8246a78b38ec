"""REFI-QDA codebooks (``.qdc``): reading what MAXQDA, ATLAS.ti, QualCoder, Taguette and
NVivo write, and writing files they read.

Reading (:func:`read_qdc`, :func:`load_qdc`)
    The root may be ``<CodeBook>`` in the codebook namespace ``urn:QDA-XML:codebook:1.0``,
    in the project namespace (as QualCoder writes it) or in none; a ``<Project>`` file
    (``.qde``, or a ``.qdpx`` archive) is read for its ``<CodeBook>``. Elements are matched
    by local name, ``xsi:schemaLocation`` is ignored. DTDs and entities are refused.

    Each ``<Code>`` becomes a :class:`~qca.codebook.Category`; nested codes become
    subcategories. ``isCodable`` is kept where it differs from qca's default (leaves
    codable, groups not). Colours are normalised to ``#RRGGBB`` (``#` added where missing,
    ``#abc`` expanded); a colour that is none of these is dropped with a note.

Description format
    A code's ``<Description>`` is split into labelled parts. A part starts with a line
    ``Label: text`` (label case-insensitive) and runs to the next label line::

        Definition: ...                 (text before any label is definition, too)
        Anchor example: ...             one anchor per label (also: Ankerbeispiel,
                                        Anchor, Beispiel, Example)
        Anchor examples: / Ankerbeispiele:
                                        one anchor per line, "- " bullets removed
        Coding rule: ...                (also: Kodierregel(n), Codierregel(n), Coding rules)
        qca key: CH_REFLEXION           the category key
        qca question: chancen_vielfalt  one line per question the group is bound to
        qca shortcut: 1                 the coding-screen shortcut

    :func:`write_qdc` writes exactly this (English labels, or German with
    ``language="de"``); a continuation line that would read as a label is written with a
    backslash in front (``\\Definition: ...``), and one backslash is removed on reading,
    so every text comes back unchanged (line ends are normalised to ``\\n``).

Key rule
    A valid, unused ``qca key`` line gives the key; otherwise the key is derived from the
    code name with :func:`qca.codebook.slug_key`, unique in the codebook. Files qca wrote
    therefore keep their keys; GUIDs qca writes are uuid5 of the key, so re-exports are
    stable.

Question binding rule
    A ``.qdc`` has no questions. A top-level code is bound to questions by its ``qca
    question`` lines; without such lines, when the caller passes the question names known
    in the project (``questions=[...]``), a top-level code whose name equals one of them
    (ignoring case and surrounding blanks) is bound to that question. No other guessing.

Sets
    qca has no code sets. Sets (``<Sets><Set name><MemberCode targetGUID|guid/>``) are
    returned by :func:`load_qdc` as :class:`CodeSet` (members as category keys) and
    recorded in the codebook description as one paragraph, so they stay visible; they are
    not written back.

Codebook name and description
    REFI-QDA codebooks have neither. qca writes them into an XML comment at the top of
    ``<CodeBook>`` (ignored by other programs and by the schema) and reads them back from
    there; otherwise the name is the file name without extension.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

from qca import __version__
from qca.codebook import KEY_PATTERN, Category, Codebook, slug_key
from qca.errors import CodebookError, ExportError
from qca.fileio import read_input, write_bytes
from qca.i18n import _, ngettext
from qca.limits import check_archive, note_input
from qca.refi._xml import (
    CODEBOOK_NS,
    XmlProblem,
    child,
    child_text,
    children,
    code_guid,
    illegal_char,
    local,
    norm_guid,
    parse_stream,
    serialize,
)

__all__ = [
    "CodeSet",
    "QdcResult",
    "codebook_from_element",
    "codes_element",
    "format_description",
    "load_qdc",
    "parse_description",
    "qdc_bytes",
    "read_qdc",
    "write_qdc",
]

# --- the description format ---------------------------------------------------------------

_LABELS: dict[str, str] = {}
for _field, _names in {
    "definition": ["definition"],
    "anchor": ["anchor example", "ankerbeispiel", "anchor", "beispiel", "example"],
    "anchors": ["anchor examples", "ankerbeispiele", "anchors", "beispiele", "examples"],
    "rule": ["coding rule", "coding rules", "kodierregel", "kodierregeln", "codierregel",
             "codierregeln"],
    "key": ["qca key"],
    "question": ["qca question"],
    "shortcut": ["qca shortcut"],
}.items():
    for _name in _names:
        _LABELS[_name] = _field

_LABEL_RE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<escape>\\*)(?P<label>"
    + "|".join(r"[ \t]+".join(map(re.escape, n.split()))
               for n in sorted(_LABELS, key=len, reverse=True))
    + r")[ \t]*:(?P<rest>.*)$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[-*•–]|\d{1,3}[.)])\s+")

_WRITE_LABELS = {
    "en": {"definition": "Definition", "anchor": "Anchor example", "rule": "Coding rule"},
    "de": {"definition": "Definition", "anchor": "Ankerbeispiel", "rule": "Kodierregel"},
}


@dataclass
class DescriptionParts:
    definition: str = ""
    anchors: list[str] = field(default_factory=list)
    rule: str = ""
    key: str | None = None
    questions: list[str] = field(default_factory=list)
    shortcut: str | None = None


def _label_field(label: str) -> str:
    return _LABELS[" ".join(label.lower().split())]


def parse_description(text: str) -> DescriptionParts:
    """Split a code description into definition, anchors, rule and qca's own lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    sections: list[tuple[str, list[str]]] = [("definition", [])]
    for line in text.split("\n"):
        m = _LABEL_RE.match(line)
        if m and not m.group("escape"):
            sections.append((_label_field(m.group("label")), [m.group("rest")]))
            continue
        if m:  # an escaped label line: drop one backslash
            line = line[: m.start("escape")] + line[m.start("escape") + 1 :]
        sections[-1][1].append(line)
    parts = DescriptionParts()
    definitions, rules = [], []
    for name, lines in sections:
        body = "\n".join(lines).strip()
        if name == "definition":
            if body:
                definitions.append(body)
        elif name == "anchor":
            if body:
                parts.anchors.append(body)
        elif name == "anchors":
            parts.anchors.extend(
                a for a in (_BULLET.sub("", ln).strip() for ln in lines) if a
            )
        elif name == "rule":
            if body:
                rules.append(body)
        elif name == "key":
            parts.key = body or None
        elif name == "question":
            if body:
                parts.questions.append(body)
        elif name == "shortcut":
            parts.shortcut = body or None
    parts.definition = "\n\n".join(definitions)
    parts.rule = "\n\n".join(rules)
    return parts


def _escape_lines(text: str) -> str:
    first, *rest = text.split("\n")
    out = [first]
    for line in rest:
        m = _LABEL_RE.match(line)
        if m:
            line = line[: m.start("escape")] + "\\" + line[m.start("escape") :]
        out.append(line)
    return "\n".join(out)


def format_description(cat: Category, language: str = "en") -> str:
    """The labelled description qca writes for ``cat`` (see the module docstring)."""
    labels = _WRITE_LABELS.get(language)
    if labels is None:
        raise ExportError(_("language {language!r} for codebook labels: use 'en' or 'de'")
                          .format(language=language))
    lines = []

    def add(label: str, value: str) -> None:
        value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        lines.append(f"{label}: {_escape_lines(value)}")

    if cat.definition.strip():
        add(labels["definition"], cat.definition)
    for anchor in cat.anchors:
        if anchor.strip():
            add(labels["anchor"], anchor)
    if cat.rule.strip():
        add(labels["rule"], cat.rule)
    add("qca key", cat.key)
    for question in cat.questions:
        add("qca question", question)
    if cat.shortcut:
        add("qca shortcut", cat.shortcut)
    return "\n".join(lines)


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeSet:
    """A REFI-QDA set of codes; qca keeps it only in the codebook description."""

    name: str
    description: str
    members: list[str]  # category keys


@dataclass
class QdcResult:
    """What :func:`load_qdc` found: the codebook and what qca could not keep as it was."""

    codebook: Codebook
    guids: dict[str, str]  # normalised code GUID -> category key
    sets: list[CodeSet] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    origin: str | None = None
    explicit_keys: set[str] = field(default_factory=set)  # keys given by "qca key" lines

    def summary(self) -> str:
        n = len(list(self.codebook.walk()))
        if self.origin:
            text = ngettext("{n} category from {origin}", "{n} categories from {origin}",
                            n).format(n=n, origin=self.origin)
        else:
            text = ngettext("{n} category", "{n} categories", n).format(n=n)
        if self.sets:
            text += ", " + ngettext("{n} code set kept in the description",
                                    "{n} code sets kept in the description",
                                    len(self.sets)).format(n=len(self.sets))
        if self.notes:
            text += "; " + "; ".join(self.notes)
        return text


_HEX = re.compile(r"^#?([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")
_TRUE = {"true", "1"}
_FALSE = {"false", "0"}
_META_PREFIX = "qca codebook "


def _normalise_color(value: str | None) -> str | Literal[False] | None:
    """``#RRGGBB``, None for no colour, False for a colour that cannot be read."""
    if value is None or not value.strip():
        return None
    m = _HEX.match(value.strip())
    if not m:
        return False
    digits = m.group(1)
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return "#" + digits


@dataclass
class _Raw:
    elem: ET.Element
    guid: str | None
    name: str
    parts: DescriptionParts
    codable: bool | None
    color: str | None
    children: list[_Raw]


def codebook_from_element(
    root: ET.Element,
    where: str,
    *,
    questions: list[str] | None = None,
    default_name: str = "Codebook",
) -> QdcResult:
    """Build a codebook from a ``<CodeBook>`` or ``<Project>`` element (any namespace)."""
    kind = local(root.tag)
    if kind == "Project":
        book_elem = child(root, "CodeBook")
        if book_elem is None:
            raise CodebookError(
                _("{where}: the project holds no <CodeBook>; export the codebook with its codes")
                .format(where=where)
            )
        origin = root.get("origin")
    elif kind == "CodeBook":
        book_elem, origin = root, root.get("origin")
    else:
        raise CodebookError(
            _("{where}: root element <{kind}> is not a REFI-QDA <CodeBook> or <Project>; "
              "choose a .qdc codebook or a .qdpx/.qde project").format(where=where, kind=kind)
        )
    codes_elem = child(book_elem, "Codes")
    container = codes_elem if codes_elem is not None else book_elem
    notes: list[str] = []
    guids_seen: dict[str, str] = {}
    counter = [0]

    def read_code(elem: ET.Element, depth: int) -> _Raw:
        name = (elem.get("name") or "").strip()
        raw_guid = elem.get("guid")
        if not name:
            label = (_("with GUID {guid}").format(guid=raw_guid) if raw_guid
                     else _("number {n}").format(n=counter[0] + 1))
            raise CodebookError(
                _("{where}: code {label} has no name; give every code a name in the original "
                  "program and export again").format(where=where, label=label)
            )
        counter[0] += 1
        guid = norm_guid(raw_guid)
        if raw_guid is not None and guid is None:
            notes.append(_("code {name!r} has an unreadable GUID {guid!r}").format(
                name=name, guid=raw_guid))
        if guid is not None:
            if guid in guids_seen:
                raise CodebookError(
                    _("{where}: GUID {raw_guid} is used by both {guids_seen!r} and "
                      "{name!r}; each code needs its own GUID, export again from the original "
                      "program")
                    .format(where=where, raw_guid=raw_guid, guids_seen=guids_seen[guid], name=name)
                )
            guids_seen[guid] = name
        description = ""
        desc_elem = child(elem, "Description")
        if desc_elem is not None:
            description = desc_elem.text or ""
        flag = (elem.get("isCodable") or "").strip().lower()
        codable = True if flag in _TRUE else False if flag in _FALSE else None
        if flag and codable is None:
            notes.append(_("code {name!r}: isCodable={value!r} ignored").format(
                name=name, value=elem.get("isCodable")))
        color = _normalise_color(elem.get("color"))
        if color is False:
            notes.append(_("code {name!r}: colour {color!r} dropped (not #RRGGBB)").format(
                name=name, color=elem.get("color")))
            color = None
        kids = [read_code(c, depth + 1) for c in children(elem, "Code")]
        return _Raw(elem, guid, name, parse_description(description), codable, color, kids)

    raws = [read_code(c, 0) for c in children(container, "Code")]
    if not raws:
        raise CodebookError(
            _("{where}: the codebook holds no codes; export it again with its codes")
            .format(where=where)
        )

    # Keys: valid, unused "qca key" lines first (in document order), then slugs.
    keys: dict[int, str] = {}
    taken: set[str] = set()

    def walk(items: list[_Raw]):
        for raw in items:
            yield raw
            yield from walk(raw.children)

    for raw in walk(raws):
        key = raw.parts.key
        if key is None:
            continue
        if not KEY_PATTERN.match(key):
            notes.append(_("code {name!r}: key {key!r} is not valid, derived one from the name")
                         .format(name=raw.name, key=key))
        elif key.casefold() in taken:
            notes.append(_("code {name!r}: key {key!r} is used twice, derived one from the name")
                         .format(name=raw.name, key=key))
        else:
            keys[id(raw)] = key
            taken.add(key.casefold())
    for raw in walk(raws):
        if id(raw) not in keys:
            keys[id(raw)] = key = slug_key(raw.name, taken)
            taken.add(key.casefold())

    known_questions = {q.strip().casefold(): q for q in (questions or [])}

    def build(raw: _Raw, parent: str | None) -> Category:
        key = keys[id(raw)]
        bound = list(dict.fromkeys(raw.parts.questions))
        if parent is not None and bound:
            notes.append(_("code {name!r}: question lines ignored (not a top-level code)")
                         .format(name=raw.name))
            bound = []
        if parent is None and not bound and raw.name.casefold() in known_questions:
            bound = [known_questions[raw.name.casefold()]]
        shortcut = raw.parts.shortcut
        if shortcut is not None and not re.fullmatch(r"[0-9a-z]", shortcut):
            notes.append(_("code {name!r}: shortcut {shortcut!r} dropped (one digit or letter)")
                         .format(name=raw.name, shortcut=shortcut))
            shortcut = None
        kids = [build(k, key) for k in raw.children]
        default = not kids
        cat = Category(
            key=key,
            name=raw.name,
            definition=raw.parts.definition,
            anchors=list(raw.parts.anchors),
            rule=raw.parts.rule,
            shortcut=shortcut,
            color=raw.color,  # type: ignore[arg-type]
            questions=bound,
            children=kids,
            codable=None if raw.codable is None or raw.codable == default else raw.codable,
            parent=parent,
        )
        return cat

    categories = [build(raw, None) for raw in raws]
    guid_map = {raw.guid: keys[id(raw)] for raw in walk(raws) if raw.guid is not None}

    name, description = default_name, ""
    meta = _read_meta(book_elem)
    if meta is not None:
        name = str(meta.get("name") or name)
        description = str(meta.get("description") or "")

    sets: list[CodeSet] = []
    sets_elem = child(book_elem, "Sets")
    if sets_elem is None and kind == "Project":
        sets_elem = child(root, "Sets")
    if sets_elem is not None:
        for set_elem in children(sets_elem, "Set"):
            members = []
            for member in children(set_elem, "MemberCode"):
                ref = norm_guid(member.get("targetGUID") or member.get("guid"))
                if ref in guid_map:
                    members.append(guid_map[ref])
            if members or child(set_elem, "MemberSource") is None:
                set_name = (set_elem.get("name") or "").strip() or "(unnamed set)"
                set_description = (child_text(set_elem, "Description") or "").strip()
                sets.append(CodeSet(set_name, set_description, members))
    book = Codebook(name=name, description=description, categories=categories)
    if sets:
        by_key = {c.key: c.name for c in book.walk()}
        listed = "; ".join(
            f"{s.name}: {', '.join(by_key[k] for k in s.members) or '(no codes)'}" for s in sets
        )
        paragraph = f"Code sets in {Path(where).name} (qca does not use sets): {listed}"
        book.description = f"{description}\n\n{paragraph}" if description else paragraph
    book.validate(where)
    explicit = {keys[id(raw)] for raw in walk(raws) if raw.parts.key == keys[id(raw)]}
    return QdcResult(book, guid_map, sets, notes, origin, explicit)


def _read_meta(book_elem: ET.Element) -> dict | None:
    for node in book_elem:
        text = node.text or ""
        if node.tag is ET.Comment and text.startswith(_META_PREFIX):
            try:
                data = json.loads(text[len(_META_PREFIX):])
            except ValueError:
                return None
            return data if isinstance(data, dict) else None
    return None


def _open_xml(path: Path) -> IO[bytes]:
    """The XML of a ``.qdc``/``.qde`` file, or the ``project.qde`` inside a ``.qdpx``, as a
    stream (never read whole)."""
    if not path.is_file():
        read_input(path, CodebookError, folder_hint=_("choose a .qdc file"))  # its one line
    note_input(path.name)
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    if head[:4] != b"PK\x03\x04":
        if len(head) < (1 << 16) and not head.strip():
            raise CodebookError(_("{name}: the file is empty; export the codebook again")
                                .format(name=path.name))
        return path.open("rb")
    try:
        archive = zipfile.ZipFile(path)
        try:
            check_archive(archive, path.name, CodebookError)
            names = [n for n in archive.namelist() if n.lower().endswith(".qde")
                     and "/" not in n.strip("/")]
            if not names:
                raise CodebookError(
                    _("{name}: a zip archive without project.qde; choose a .qdc "
                      "codebook or a .qdpx project").format(name=path.name)
                )
            return archive.open(names[0])  # keeps the archive's file open until closed
        finally:
            archive.close()
    except zipfile.BadZipFile:
        raise CodebookError(_("{name}: a damaged zip archive; export it again")
                            .format(name=path.name)) from None


def _not_codebook(elem: ET.Element, parent: ET.Element) -> bool:
    """A project's sources (its bulk) are no part of its codebook: dropped while parsing."""
    return local(parent.tag) == "Sources"


def load_qdc(path: Path | str, *, questions: list[str] | None = None) -> QdcResult:
    """Read a REFI-QDA codebook (``.qdc``, or the codebook of a ``.qde``/``.qdpx``)."""
    path = Path(path)
    try:
        with _open_xml(path) as stream:
            root = parse_stream(stream, drop=_not_codebook)
    except XmlProblem as exc:
        raise CodebookError(f"{path.name}: {exc}") from None
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:
        raise CodebookError(_("{name}: cannot be read ({exc}); export it again")
                            .format(name=path.name, exc=exc)) from None
    default_name = path.stem
    project_name = (root.get("name") or "").strip()
    if local(root.tag) == "Project" and project_name:
        default_name = project_name
    return codebook_from_element(root, path.name, questions=questions, default_name=default_name)


def read_qdc(path: Path | str, *, questions: list[str] | None = None) -> Codebook:
    """Read a REFI-QDA codebook file into a validated :class:`~qca.codebook.Codebook`.

    ``questions``: question names known in the project; a top-level code named like one
    of them is bound to it (see the module docstring for every rule).
    """
    return load_qdc(path, questions=questions).codebook


# --- writing -------------------------------------------------------------------------------


def _check_text(where: str, text: str) -> None:
    bad = illegal_char(text)
    if bad is not None:
        raise ExportError(
            _("{where} holds the control character U+{ord:04X}, which XML cannot store; "
              "remove it from the codebook").format(where=where, ord=ord(bad))
        )


def _code_element(cat: Category, ns: str, language: str) -> ET.Element:
    attrs = {
        "guid": code_guid(cat.key),
        "name": cat.name,
        "isCodable": "true" if cat.is_codable else "false",
    }
    if cat.color:
        attrs["color"] = cat.color
    elem = ET.Element(f"{{{ns}}}Code", attrs)
    description = format_description(cat, language)
    for text in (cat.name, description):
        _check_text(_("category {key!r}").format(key=cat.key), text)
    ET.SubElement(elem, f"{{{ns}}}Description").text = description
    for sub in cat.children:
        elem.append(_code_element(sub, ns, language))
    return elem


def codes_element(book: Codebook, ns: str, language: str = "en") -> ET.Element:
    """``<Codes>`` with every category, in namespace ``ns`` (codebook or project)."""
    codes = ET.Element(f"{{{ns}}}Codes")
    for cat in book.categories:
        codes.append(_code_element(cat, ns, language))
    return codes


def qdc_bytes(book: Codebook, *, language: str = "en") -> bytes:
    """The ``.qdc`` document for ``book`` (valid against Codebook.xsd)."""
    if not book.categories:
        raise ExportError(
            _("codebook {name!r} has no categories; REFI-QDA needs at least one code")
            .format(name=book.name)
        )
    book.validate("codebook")
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": f"qca {__version__}"})
    meta = json.dumps({"name": book.name, "description": book.description}, ensure_ascii=False)
    _check_text(_("the codebook name or description"), meta)
    # "--" may not occur in a comment; \u002d is the JSON escape of "-".
    while "--" in meta:
        meta = meta.replace("--", "-\\u002d")
    if meta.endswith("-"):
        meta += " "
    root.append(ET.Comment(_META_PREFIX + meta))
    root.append(codes_element(book, CODEBOOK_NS, language))
    return serialize(root, CODEBOOK_NS)


def write_qdc(book: Codebook, path: Path | str, *, language: str = "en") -> None:
    """Write ``book`` as a REFI-QDA codebook file (replacing ``path`` atomically)."""
    path = Path(path)
    data = qdc_bytes(book, language=language)
    write_bytes(path, data)


