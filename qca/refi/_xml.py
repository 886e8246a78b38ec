"""XML plumbing shared by the REFI-QDA codebook and project code.

Parsing goes through defusedxml with DTDs forbidden: REFI-QDA files never carry a DTD, so a
file that does is refused before any entity could be expanded (no XXE, no billion laughs).
Elements are matched by local name, whatever namespace a tool put them in. Files inside an
archive are parsed incrementally (:func:`iterparse`, :func:`parse_stream`), so a large
``project.qde`` is never held as bytes and tree at once, and what a reader has used is let go.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from typing import IO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from defusedxml.ElementTree import iterparse as _defused_iterparse

from qca.i18n import _

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"

# Every GUID qca writes is a uuid5 in this namespace, so re-exports are stable.
QCA_GUID_NAMESPACE = uuid.UUID("5b0f6c1e-8f0a-5d3c-9e55-3a9b1c2d4e6f")

_GUID = re.compile(
    r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$"
)
# Characters XML 1.0 cannot hold at all (not even as character references).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class XmlProblem(Exception):
    """A file is not usable XML; the caller turns it into its own one-line error."""


def _parser() -> DefusedXMLParser:
    return DefusedXMLParser(
        target=ET.TreeBuilder(insert_comments=True),
        forbid_dtd=True, forbid_entities=True, forbid_external=True,
    )


def _problem(exc: BaseException) -> XmlProblem:
    if isinstance(exc, DefusedXmlException):
        return XmlProblem(
            _("it declares a DTD or entities, which qca refuses for safety (REFI-QDA files "
              "have none); export it again from the original program")
        )
    line, col = getattr(exc, "position", (0, 0))
    reason = str(exc).split(":")[0]
    return XmlProblem(
        _("not well-formed XML ({reason}, line {line}, column {column}); export it again or "
          "check that it is a REFI-QDA file").format(reason=reason, line=line, column=col + 1)
    )


def parse(data: bytes) -> ET.Element:
    """Parse ``data`` safely, keeping comments (qca stores codebook metadata in one)."""
    parser = _parser()
    try:
        parser.feed(data)
        return parser.close()
    except (DefusedXmlException, SyntaxError) as exc:  # ParseError is a SyntaxError
        raise _problem(exc) from None


def iterparse(stream: IO[bytes]) -> Iterator[tuple[str, ET.Element, ET.Element | None]]:
    """Parse the document in ``stream`` incrementally, as :func:`parse` does (safely, with
    comments), reading it in blocks: ``("start" | "end", element, its parent)`` events.

    A caller that removes an element from its parent once it has used it (at its end)
    keeps only what it still needs in memory, whatever the size of the document.
    """
    stack: list[ET.Element] = []
    try:
        for event, elem in _defused_iterparse(stream, events=("start", "end"), parser=_parser()):
            if event == "start":
                yield "start", elem, stack[-1] if stack else None
                stack.append(elem)
            else:
                stack.pop()
                yield "end", elem, stack[-1] if stack else None
    except (DefusedXmlException, SyntaxError) as exc:
        raise _problem(exc) from None


def parse_stream(stream: IO[bytes],
                 drop: Callable[[ET.Element, ET.Element], bool] | None = None) -> ET.Element:
    """The root of the document in ``stream``, parsed incrementally (see :func:`iterparse`);
    an element for which ``drop(element, parent)`` is true at its end is left out of the
    tree, so it never holds what the caller does not need."""
    root: ET.Element | None = None
    for event, elem, parent in iterparse(stream):
        if root is None:
            root = elem
        if event == "end" and parent is not None and drop is not None and drop(elem, parent):
            parent.remove(elem)
    if root is None:
        raise XmlProblem(_("not well-formed XML (no element found); export it again"))
    return root


def local(tag: object) -> str:
    """The local name of an element tag ('' for comments)."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def children(elem: ET.Element, name: str) -> Iterator[ET.Element]:
    for child in elem:
        if local(child.tag) == name:
            yield child


def child(elem: ET.Element, name: str) -> ET.Element | None:
    return next(children(elem, name), None)


def child_text(elem: ET.Element, name: str) -> str:
    found = child(elem, name)
    return (found.text or "") if found is not None else ""


def norm_guid(value: str | None) -> str | None:
    """A GUID in canonical lower-case form without braces; None if it is not one."""
    if value is None:
        return None
    m = _GUID.match(value.strip())
    return m.group(1).lower() if m else None


def make_guid(*parts: str) -> str:
    """A deterministic GUID for a qca object (kind, id, ...)."""
    return str(uuid.uuid5(QCA_GUID_NAMESPACE, "\x1f".join(parts)))


def code_guid(key: str) -> str:
    return make_guid("code", key)


def illegal_char(text: str) -> str | None:
    m = _XML_ILLEGAL.search(text)
    return m.group(0) if m else None


def xml_safe(text: str) -> str:
    """``text`` with characters XML cannot hold replaced by U+FFFD."""
    return _XML_ILLEGAL.sub("\ufffd", text)


def serialize(root: ET.Element, namespace: str) -> bytes:
    """The document for ``root`` with ``namespace`` as the default namespace.

    Tags may be given with or without ``{namespace}``; they are written unprefixed.
    """
    for elem in root.iter():
        if isinstance(elem.tag, str):
            elem.tag = local(elem.tag)
    root.set("xmlns", namespace)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")
