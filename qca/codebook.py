"""The codebook: a hierarchy of categories in the style of Mayring's content analysis.

Each category has a key (stable, used as a column name in exports), a German name, a
definition, anchor examples, a coding rule, and optionally a shortcut key and a colour.
Top-level groups can be bound to survey questions by name: a segment is offered its
question's groups plus the groups bound to no question.

The YAML format is documented in ``qca/data/codebooks/README.md``; :func:`load_yaml` and
:func:`dump_yaml` read and write it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from qca.errors import CodebookError
from qca.fileio import read_input
from qca.i18n import _

__all__ = [
    "Category",
    "Codebook",
    "KEY_PATTERN",
    "codebook_from_dict",
    "codebook_to_dict",
    "dump_yaml",
    "join_codebooks",
    "load_yaml",
    "yaml_line",
    "yaml_problem",
    "tree_lines",
    "slug_key",
]

KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")
_COLOR_PATTERN = re.compile(r"^#[0-9A-Fa-f]{6}$")
_SHORTCUT_PATTERN = re.compile(r"^[0-9a-z]$")


@dataclass
class Category:
    """One category of the codebook, possibly with subcategories.

    ``codable`` is ``None`` unless set explicitly; :attr:`is_codable` then says that
    leaves are codable and groups with children are not.
    """

    key: str
    name: str
    definition: str = ""
    anchors: list[str] = field(default_factory=list)
    rule: str = ""
    shortcut: str | None = None
    color: str | None = None
    questions: list[str] = field(default_factory=list)
    children: list[Category] = field(default_factory=list)
    codable: bool | None = None
    parent: str | None = None

    @property
    def is_codable(self) -> bool:
        return self.codable if self.codable is not None else not self.children


@dataclass
class Codebook:
    """A named list of top-level categories, in codebook order."""

    name: str = "Codebook"
    description: str = ""
    categories: list[Category] = field(default_factory=list)

    def walk(self) -> Iterator[Category]:
        """Every category, depth first, in codebook order."""

        def _walk(cats: list[Category]) -> Iterator[Category]:
            for cat in cats:
                yield cat
                yield from _walk(cat.children)

        return _walk(self.categories)

    def keys(self) -> list[str]:
        return [c.key for c in self.walk()]

    def get(self, key: str) -> Category | None:
        for cat in self.walk():
            if cat.key == key:
                return cat
        return None

    def lookup(self) -> dict[str, Category]:
        """Categories by key, and by name folded to lower case where the name is unique."""
        table: dict[str, Category] = {}
        names: dict[str, list[Category]] = {}
        for cat in self.walk():
            table[cat.key] = cat
            names.setdefault(cat.name.casefold(), []).append(cat)
        for name, cats in names.items():
            if len(cats) == 1 and name not in table:
                table[name] = cats[0]
        return table

    def top_level_of(self, key: str) -> Category | None:
        for top in self.categories:
            if top.key == key or any(c.key == key for c in _descendants(top)):
                return top
        return None

    def questions(self) -> list[str]:
        """Question names that some group is bound to, in codebook order."""
        seen: dict[str, None] = {}
        for top in self.categories:
            for q in top.questions:
                seen.setdefault(q, None)
        return list(seen)

    def for_question(self, question: str | None) -> list[Category]:
        """Categories offered for a segment of ``question``, depth first.

        Those are the groups bound to that question and the groups bound to no question.
        """
        out: list[Category] = []
        for top in self.categories:
            if not top.questions or (question is not None and question in top.questions):
                out.append(top)
                out.extend(_descendants(top))
        return out

    def codable_for_question(self, question: str | None) -> list[Category]:
        return [c for c in self.for_question(question) if c.is_codable]

    def depth(self, key: str) -> int:
        depth = 0
        cat = self.get(key)
        while cat is not None and cat.parent is not None:
            depth += 1
            cat = self.get(cat.parent)
        return depth

    def descendants(self, key: str) -> list[Category]:
        cat = self.get(key)
        return _descendants(cat) if cat else []

    def validate(self, where: str = "codebook") -> None:
        """Check keys, shortcuts, colours and question bindings; raise on the first problem."""
        seen: dict[str, str] = {}
        for cat in self.walk():
            if not KEY_PATTERN.match(cat.key):
                raise CodebookError(
                    _("{where}: category key {key!r} is not valid; use a letter followed by "
                      "up to 31 letters, digits or underscores (it becomes a column name)")
                    .format(where=where, key=cat.key)
                )
            folded = cat.key.casefold()
            if folded in seen:
                raise CodebookError(
                    _("{where}: category key {key!r} is used twice ({seen!r} and "
                      "{name!r}); give each category its own key")
                    .format(where=where, key=cat.key, seen=seen[folded], name=cat.name)
                )
            seen[folded] = cat.name
            if not cat.name.strip():
                raise CodebookError(_("{where}: category {key!r} has no name; add one")
                                    .format(where=where, key=cat.key))
            if cat.color is not None and not _COLOR_PATTERN.match(cat.color):
                raise CodebookError(
                    _("{where}: category {key!r} has colour {color!r}; write it as #RRGGBB")
                    .format(where=where, key=cat.key, color=cat.color)
                )
            if cat.shortcut is not None and not _SHORTCUT_PATTERN.match(cat.shortcut):
                raise CodebookError(
                    _("{where}: category {key!r} has shortcut {shortcut!r}; use one "
                      "digit or lower-case letter")
                    .format(where=where, key=cat.key, shortcut=cat.shortcut)
                )
            if cat.questions and cat.parent is not None:
                raise CodebookError(
                    _("{where}: category {key!r} binds questions but is not a top-level "
                      "group; move 'questions' to its top-level group")
                    .format(where=where, key=cat.key)
                )
        # A shortcut must be unambiguous wherever the category is offered.
        for question in [None, *self.questions()]:
            shortcuts: dict[str, str] = {}
            for cat in self.codable_for_question(question):
                if cat.shortcut is None:
                    continue
                if cat.shortcut in shortcuts:
                    scope = (_("question {question!r}").format(question=question) if question
                             else _("unbound categories"))
                    raise CodebookError(
                        _("{where}: shortcut {shortcut!r} is given to both "
                          "{shortcuts!r} and {key!r} in {scope}; "
                          "give one of them another shortcut")
                        .format(where=where, shortcut=cat.shortcut, shortcuts=shortcuts[cat.shortcut], key=cat.key, scope=scope)
                    )
                shortcuts[cat.shortcut] = cat.key


def _descendants(cat: Category) -> list[Category]:
    out: list[Category] = []
    for child in cat.children:
        out.append(child)
        out.extend(_descendants(child))
    return out


def slug_key(name: str, taken: Iterable[str] = ()) -> str:
    """Make a valid, unused category key from a name (for codes imported from other tools)."""
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})
    base = re.sub(r"[^A-Za-z0-9]+", "_", name.translate(table)).strip("_") or "code"
    if not base[0].isalpha():
        base = "c_" + base
    base = base[:28]
    used = {t.casefold() for t in taken}
    key, n = base, 2
    while key.casefold() in used:
        key = f"{base}_{n}"
        n += 1
    return key


# --- dict / YAML conversion -------------------------------------------------------------

_ALLOWED = {
    "key", "name", "definition", "anchors", "rule", "shortcut", "color", "questions",
    "children", "codable",
}


def _text(value: Any, what: str, where: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return str(value).strip()
    raise CodebookError(_("{where}: {what} must be text, not {name}")
                        .format(where=where, what=what, name=type(value).__name__))


def _category_from_dict(data: Any, parent: str | None, where: str) -> Category:
    if not isinstance(data, dict):
        raise CodebookError(_("{where}: each category must be a mapping with key and name")
                            .format(where=where))
    unknown = set(data) - _ALLOWED
    label = data.get("key", data.get("name", "?"))
    if unknown:
        if any(" " in str(k) for k in unknown):  # {definition: a, b, c} splits at the commas
            raise CodebookError(
                _("{where}: category {label!r} has a value with commas inside {{ }} (read as "
                  "fields: {items}); put that value in quotes")
                .format(where=where, label=label, items=', '.join(sorted(map(str, unknown)))))
        raise CodebookError(
            _("{where}: category {label!r} has unknown field(s) {items}; "
              "allowed are {items2}")
            .format(where=where, label=label, items=', '.join(sorted(map(str, unknown))), items2=', '.join(sorted(_ALLOWED)))
        )
    if "key" not in data or data["key"] in (None, ""):
        raise CodebookError(_("{where}: category {label!r} has no key; add 'key: ...'")
                            .format(where=where, label=label))
    anchors = data.get("anchors") or []
    if isinstance(anchors, str):
        anchors = [anchors]
    if not isinstance(anchors, list):
        raise CodebookError(_("{where}: anchors of {label!r} must be a list of texts")
                            .format(where=where, label=label))
    questions = data.get("questions") or []
    if isinstance(questions, str):
        questions = [questions]
    if not isinstance(questions, list):
        raise CodebookError(_("{where}: questions of {label!r} must be a list of question names")
                            .format(where=where, label=label))
    children = data.get("children") or []
    if not isinstance(children, list):
        raise CodebookError(_("{where}: children of {label!r} must be a list of categories")
                            .format(where=where, label=label))
    shortcut = data.get("shortcut")
    codable = data.get("codable")
    if codable is not None and not isinstance(codable, bool):
        raise CodebookError(_("{where}: codable of {label!r} must be true or false")
                            .format(where=where, label=label))
    key = _text(data["key"], "key", where)
    cat = Category(
        key=key,
        name=_text(data.get("name"), "name", where) or key,
        definition=_text(data.get("definition"), "definition", where),
        anchors=[_text(a, _("an anchor example"), where) for a in anchors if a is not None],
        rule=_text(data.get("rule"), "rule", where),
        shortcut=None if shortcut in (None, "") else str(shortcut),
        color=None if data.get("color") in (None, "") else str(data["color"]),
        questions=[_text(q, "a question name", where) for q in questions],
        codable=codable,
        parent=parent,
    )
    cat.children = [_category_from_dict(c, key, where) for c in children]
    return cat


def codebook_from_dict(data: Any, where: str = "codebook") -> Codebook:
    """Build and validate a codebook from parsed YAML or JSON."""
    if isinstance(data, list):
        data = {"categories": data}
    if not isinstance(data, dict) or not isinstance(data.get("categories"), list):
        raise CodebookError(
            _("{where}: expected a mapping with a 'categories' list; "
              "see qca/data/codebooks/README.md").format(where=where)
        )
    book = Codebook(
        name=_text(data.get("name"), "name", where) or "Codebook",
        description=_text(data.get("description"), "description", where),
        categories=[_category_from_dict(c, None, where) for c in data["categories"]],
    )
    book.validate(where)
    return book


def _category_to_dict(cat: Category) -> dict[str, Any]:
    out: dict[str, Any] = {"key": cat.key, "name": cat.name}
    if cat.questions:
        out["questions"] = list(cat.questions)
    if cat.definition:
        out["definition"] = cat.definition
    if cat.anchors:
        out["anchors"] = list(cat.anchors)
    if cat.rule:
        out["rule"] = cat.rule
    if cat.shortcut:
        out["shortcut"] = cat.shortcut
    if cat.color:
        out["color"] = cat.color
    if cat.codable is not None:
        out["codable"] = cat.codable
    if cat.children:
        out["children"] = [_category_to_dict(c) for c in cat.children]
    return out


def codebook_to_dict(book: Codebook) -> dict[str, Any]:
    out: dict[str, Any] = {"name": book.name}
    if book.description:
        out["description"] = book.description
    out["categories"] = [_category_to_dict(c) for c in book.categories]
    return out


def load_yaml(path: Path | str) -> Codebook:
    """Read a codebook from a YAML file (format: ``qca/data/codebooks/README.md``)."""
    path = Path(path)
    raw = read_input(path, CodebookError)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CodebookError(
            _("{path}: byte {start} is not UTF-8; save the codebook as UTF-8")
            .format(path=path, start=exc.start)
        ) from None
    try:
        data = _load_bounded(text, path)
    except RecursionError:
        raise CodebookError(_("{path}: the YAML is nested too deeply; a codebook needs "
                              "a few levels").format(path=path)) from None
    except yaml.YAMLError as exc:
        at = yaml_line(exc)
        line = ", " + _("line {n}").format(n=at) if at is not None else ""
        problem = yaml_problem(exc)
        raise CodebookError(_("{path}{line}: {problem}; fix the YAML syntax")
                            .format(path=path, line=line, problem=problem)) from None
    if data is None:
        raise CodebookError(_("{path}: the file is empty; add a 'categories' list")
                            .format(path=path))
    book = codebook_from_dict(data, where=str(path.name))
    if not (isinstance(data, dict) and data.get("name")):
        # Required by qca/data/codebooks/README.md; a stored version always has one.
        raise CodebookError(_("{name}: no file-level 'name:' (the codebook's title); add "
                              "a first line such as 'name: Mein Codebuch'").format(name=path.name))
    _require_leaf_texts(book, path.name)
    return book


def _require_leaf_texts(book: Codebook, where: str) -> None:
    """A codebook file's leaves need a definition and a coding rule.

    As ``qca/data/codebooks/README.md`` requires.

    Only files are held to this: codes brought from other tools (REFI-QDA) often have
    neither, and a project keeps them as they came.
    """
    for cat in book.walk():
        if cat.children or not cat.is_codable:
            continue
        missing = [field for field, text in (("definition", cat.definition), ("rule", cat.rule))
                   if not (text or "").strip()]
        if missing:
            raise CodebookError(
                _("{where}: category {key!r} ({name}) has no {items}; "
                  "a category codes are assigned to needs both "
                  "(see qca/data/codebooks/README.md)")
                .format(where=where, key=cat.key, name=cat.name, items=_(' and no ').join(missing)))


# A codebook needs no aliases; these bounds stop a "billion laughs" file (aliases nested so
# that a few hundred bytes stand for billions of values) before anything walks it.
MAX_YAML_ALIASES = 100
MAX_YAML_VALUES = 100_000


class _BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses duplicate keys and aliases beyond a small budget."""

    where: Path = Path("codebook")
    aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_YAML_ALIASES:
                line = self.peek_event().start_mark.line + 1
                raise CodebookError(
                    _("{where}, line {line}: more than {max_yaml_aliases} YAML aliases "
                      "(*name); write the values out instead of referring to them")
                    .format(where=self.where, line=line, max_yaml_aliases=MAX_YAML_ALIASES)
                )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _value in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=False)
                line = key_node.start_mark.line + 1
                try:
                    first = seen.get(key)
                except TypeError:  # an unhashable key: the base class reports it
                    continue
                if first is not None:
                    raise CodebookError(
                        _("{where}, line {line}: the key {key!r} appears twice in one "
                          "mapping (first on line {first}); keep one of them")
                        .format(where=self.where, line=line, key=key, first=first)
                    )
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _expanded_size(node: Any, where: Path) -> int:
    """How many values ``node`` stands for with every alias written out."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(n: Any) -> int:
        if id(n) in sizes:
            return sizes[id(n)]
        if id(n) in open_nodes:
            raise CodebookError(_("{where}, line {value}: a YAML alias refers "
                                  "to the value that contains it; remove the alias")
                                .format(where=where, value=n.start_mark.line + 1))
        open_nodes.add(id(n))
        if isinstance(n, yaml.SequenceNode):
            total = 1 + sum(size(c) for c in n.value)
        elif isinstance(n, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in n.value)
        else:
            total = 1
        open_nodes.discard(id(n))
        sizes[id(n)] = total
        if total > MAX_YAML_VALUES:
            raise CodebookError(
                _("{where}, line {value}: its aliases stand for more than "
                  "{max_yaml_values:,} values (a YAML bomb?); write the values out")
                .format(where=where, value=n.start_mark.line + 1, max_yaml_values=MAX_YAML_VALUES)
            )
        return total

    return size(node)


def _load_bounded(text: str, where: Path) -> Any:
    """Parse YAML text like ``yaml.safe_load``, within the bounds above."""
    loader = _BoundedLoader(text)
    loader.where = where
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, where)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def dump_yaml(book: Codebook) -> str:
    return yaml.safe_dump(
        codebook_to_dict(book), allow_unicode=True, sort_keys=False, width=100
    )


def join_codebooks(books: list[Codebook]) -> Codebook:
    """Join several codebook files into one: their groups side by side, keys unique."""
    if len(books) == 1:
        return books[0]
    joined = Codebook(
        name=" + ".join(b.name for b in books),
        description="\n\n".join(b.description for b in books if b.description),
        categories=[replace(c) for b in books for c in b.categories],
    )
    joined.validate("joined codebooks")
    return joined


def tree_lines(
    book: Codebook, usage: dict[str, int], *, question: str | None = None, full: bool = False
) -> list[str]:
    """The category tree as ``qca codebook show`` prints it, one category a line.

    Args:
        usage: Codings per category key; a category without codings shows no count.
        question: Only the categories offered for this question.
        full: Also each category's definition, rule and anchor examples, indented below it.
    """
    lines = []
    cats = book.for_question(question) if question else list(book.walk())
    for cat in cats:
        indent = "  " * book.depth(cat.key)
        short = f"[{cat.shortcut}] " if cat.shortcut else ""
        bound = ("  " + _("(questions: {questions})").format(questions=", ".join(cat.questions))
                 if cat.questions else "")
        used = f"  {usage[cat.key]}x" if cat.key in usage else ""
        lines.append(f"{indent}{short}{cat.key}  {cat.name}{bound}{used}")
        if full:
            for label, text in ((_("definition"), cat.definition), (_("rule"), cat.rule)):
                if text:
                    lines.append(f"{indent}    {label}: {text}")
            lines.extend(f"{indent}    " + _("anchor: {anchor}").format(anchor=anchor)
                         for anchor in cat.anchors)
    return lines


def yaml_problem(exc: Exception) -> str:
    """What a YAML parser's error means for someone editing a codebook by hand, in their
    language; the parser's own words where there is no plainer way to say it."""
    problem = str(getattr(exc, "problem", None) or "")
    context = str(getattr(exc, "context", None) or "")
    if problem.startswith("expected <block end>"):
        return _("the indentation of this line does not match the lines above it (a key out "
                 "of line, or a '- ' missing or extra)")
    if problem.startswith("mapping values are not allowed here"):
        return _("a ':' inside a value; put the value in quotes, e.g. name: \"Ziel: mehr\"")
    if "found character '\\t'" in problem:
        return _("a tab; indent with spaces")
    if problem.startswith("found unexpected end of stream") and "quoted scalar" in context:
        return _("a quotation mark is opened and never closed")
    return problem or _("invalid YAML")


def yaml_line(exc: Exception) -> int | None:
    """The line (from 1) a YAML error is about: where an unclosed quote opens, else where
    the parser stopped."""
    mark = getattr(exc, "problem_mark", None)
    if "quoted scalar" in str(getattr(exc, "context", None) or ""):
        mark = getattr(exc, "context_mark", None) or mark
    return mark.line + 1 if mark is not None else None
