"""Dictionary coding: propose categories from keyword lists, for a coder to review.

A dictionary is a YAML mapping from category keys to entries. The plain form lists words
and phrases::

    FN_PERSONAL: [Personal, personell]
    FN_ZEIT: [Zeitmangel, keine Zeit, Aufwand]

The richer form mixes plain entries with ``word:`` (whole words only) and ``regex:``
(a Python regular expression) entries, and may give one entry alone instead of a list::

    FN_FINANZEN:
      - Eigenanteil              # plain: found inside compounds (Eigenanteils, Eigenanteilen)
      - word: Geld               # whole word: Geld, not Geldgeber
      - regex: "finanz\\w*"       # regular expression
    FN_WISSEN: Überblick

Matching follows ``qca search`` (:mod:`qca.search`): plain and ``word:`` entries are case-
and umlaut-insensitive (``Hurden`` finds ``Hürden``) and plain entries are found inside
German compounds; regular expressions are folded and matched as ``qca search --regex``
does, case- and umlaut-insensitively.

Proposals are written for one coder with origin ``dictionary``, all in one transaction and
as one event, so ``qca undo --coder NAME`` takes the whole run back. A proposal is made
only where it can be coded (a codable category offered for the segment's question, a
substantive segment) and never over a human coding: segments the coder has coded already
(by hand, from a suggestion, imported or in consensus) are left alone, so a dictionary
only ever fills segments the coder has not coded yet. Running a dictionary again adds only
what is new. The coder confirms or rejects each proposal on the coding screen
(``qca code --review dictionary``).
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from qca.codebook import _load_bounded as load_bounded_yaml
from qca.codebook import yaml_line, yaml_problem
from qca.errors import CodebookError, CodingError, InputError
from qca.fileio import read_input
from qca.i18n import _, ngettext
from qca.search import compile_regex, search
from qca.store import Project

__all__ = [
    "DICTIONARY_ORIGIN",
    "Entry",
    "Plan",
    "apply_plan",
    "autocode",
    "format_plan",
    "load_dictionary",
    "plan_dictionary",
]

DICTIONARY_ORIGIN = "dictionary"
_KINDS = ("plain", "word", "regex")


@dataclass(frozen=True)
class Entry:
    """One dictionary entry: what to look for and how (``plain``, ``word`` or ``regex``)."""

    category: str
    pattern: str
    kind: str = "plain"

    @property
    def label(self) -> str:
        return self.pattern if self.kind == "plain" else f"{self.kind}:{self.pattern}"


def _entry(category: str, item: Any, where: str) -> Entry:
    if isinstance(item, (str, int, float)) and not isinstance(item, bool):
        text = str(item).strip()
        if not text:
            raise InputError(_("{where}: {category} has an empty entry; remove it")
                             .format(where=where, category=category))
        return Entry(category, text)
    if isinstance(item, dict) and len(item) == 1:
        ((kind, value),) = item.items()
        if kind in ("word", "regex") and isinstance(value, str) and value.strip():
            if kind == "regex":
                compile_regex(value)
            return Entry(category, value.strip(), kind)
    raise InputError(_("{where}: {category} has the entry {item!r}; write a word or phrase, "
                       "or 'word: WORD' or 'regex: PATTERN'")
                     .format(where=where, category=category, item=item))


def load_dictionary(path: Path | str) -> list[Entry]:
    """Read a dictionary file (format: module docstring).

    Raises:
        InputError: the file is unreadable, not YAML, not a mapping, or empty.
    """
    path = Path(path)
    raw = read_input(path, InputError, folder_hint=_("give a dictionary .yaml file"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(_("{path}: byte {start} is not UTF-8; save it as UTF-8")
                         .format(path=path, start=exc.start)) from None
    try:
        # The codebook's bounded loader: duplicate keys (which would silently drop words)
        # and YAML bombs are refused with the line.
        data = load_bounded_yaml(text, path)
    except RecursionError:
        raise InputError(_("{name}: the YAML is nested too deeply; a dictionary is a "
                           "mapping of lists").format(name=path.name)) from None
    except CodebookError as exc:
        raise InputError(str(exc)) from None
    except yaml.YAMLError as exc:
        at = yaml_line(exc)
        line = ", " + _("line {n}").format(n=at) if at is not None else ""
        raise InputError(_("{name}{line}: {value}"
                           "; fix the YAML syntax")
                         .format(name=path.name, line=line, value=yaml_problem(exc))) from None
    if data is None or data == {}:
        raise InputError(_("{name}: the dictionary is empty; map category keys to words, "
                           "e.g. FN_PERSONAL: [Personal, personell]").format(name=path.name))
    if not isinstance(data, dict):
        raise InputError(_("{name}: a dictionary maps category keys to words; write e.g. "
                           "FN_PERSONAL: [Personal, personell]").format(name=path.name))
    entries: list[Entry] = []
    for key, items in data.items():
        category = str(key)
        if items is None or items == []:
            raise InputError(_("{name}: {category} has no words; list some or remove it")
                             .format(name=path.name, category=category))
        for item in items if isinstance(items, list) else [items]:
            entries.append(_entry(category, item, path.name))
    return entries


@dataclass
class Plan:
    """What a dictionary would code: proposals per category, with the entries that matched."""

    coder: str
    dictionary: str
    categories: list[str]
    proposals: dict[str, list[str]] = field(default_factory=dict)  # category -> segments
    matched: dict[str, dict[str, int]] = field(default_factory=dict)  # category -> entry -> n
    skipped_coded: int = 0
    existing: int = 0

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return [(seg, cat) for cat in self.categories for seg in self.proposals.get(cat, [])]


def _check_categories(project: Project, entries: Sequence[Entry], name: str) -> None:
    book = project.codebook()
    for entry in entries:
        cat = book.get(entry.category)
        if cat is None:
            raise CodingError(_("{name}: category {category!r} is not in the codebook; "
                                "see 'qca codebook show'")
                              .format(name=name, category=entry.category))
        if not cat.is_codable:
            raise CodingError(_("{name}: {category!r} is a group; list words under one of "
                                "its subcategories").format(name=name, category=entry.category))


def _matches(project: Project, entry: Entry) -> list[str]:
    result = search(project, entry.pattern, regex=entry.kind == "regex",
                    word=entry.kind == "word", context=0)
    return list(dict.fromkeys(h.segment_id for h in result.hits))


def plan_dictionary(project: Project, entries: Sequence[Entry], coder: str,
                    *, dictionary: str = "dictionary") -> Plan:
    """Work out the proposals of ``entries`` for ``coder`` without writing anything."""
    _check_categories(project, entries, dictionary)
    book = project.codebook()
    offered: dict[str | None, set[str]] = {}
    segments = {sid: (question, bool(sub)) for sid, question, sub in project.conn.execute(
        "SELECT id, question, substantive FROM segments")}
    own: dict[str, dict[str, str]] = defaultdict(dict)
    for seg, cat, origin in project.conn.execute(
            "SELECT segment_id, category, origin FROM codings WHERE coder = ?", (coder,)):
        own[seg][cat] = origin
    categories = list(dict.fromkeys(e.category for e in entries))
    plan = Plan(coder, dictionary, categories)
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for entry in entries:
        for seg in _matches(project, entry):
            found[entry.category][seg].append(entry.label)
    skipped: set[str] = set()
    for cat in categories:
        chosen: list[str] = []
        counts: dict[str, int] = defaultdict(int)
        for seg, labels in found[cat].items():
            question, substantive = segments[seg]
            if question not in offered:
                offered[question] = {c.key for c in book.codable_for_question(question)}
            if not substantive or cat not in offered[question]:
                continue
            mine = own.get(seg, {})
            if any(origin != DICTIONARY_ORIGIN for origin in mine.values()):
                skipped.add(seg)
                continue
            if cat in mine:
                plan.existing += 1
                continue
            chosen.append(seg)
            for label in labels:
                counts[label] += 1
        order = {sid: i for i, sid in enumerate(segments)}
        plan.proposals[cat] = sorted(chosen, key=order.__getitem__)
        plan.matched[cat] = dict(counts)
    plan.skipped_coded = len(skipped)
    return plan


def apply_plan(project: Project, plan: Plan) -> int | None:
    """Write the plan's proposals as one event; returns its id (None: nothing to write)."""
    if not plan.pairs:
        return None
    return project.add_dictionary_codings(plan.coder, plan.pairs, dictionary=plan.dictionary)


def autocode(project: Project, path: Path | str, coder: str, *, dry_run: bool = False) -> Plan:
    """Load the dictionary at ``path``, plan its proposals for ``coder`` and (unless
    ``dry_run``) write them."""
    from qca.coding import validate_coder

    coder = validate_coder(coder)
    entries = load_dictionary(path)
    plan = plan_dictionary(project, entries, coder, dictionary=Path(path).name)
    if not dry_run:
        apply_plan(project, plan)
    return plan


def format_plan(plan: Plan, *, dry_run: bool, show: int = 4) -> list[str]:
    """Per category: how many segments, which entries matched, the first segment ids."""
    total = len(plan.pairs)
    if dry_run:
        head = ngettext("{dictionary}: would propose {n} coding for {coder} (origin dictionary)",
                        "{dictionary}: would propose {n} codings for {coder} (origin "
                        "dictionary)", total)
    else:
        head = ngettext("{dictionary}: proposed {n} coding for {coder} (origin dictionary)",
                        "{dictionary}: proposed {n} codings for {coder} (origin dictionary)",
                        total)
    lines = [head.format(dictionary=plan.dictionary, n=total, coder=plan.coder)]
    width = max(8, *(len(c) for c in plan.categories))
    for cat in plan.categories:
        segs = plan.proposals.get(cat, [])
        words = ", ".join(f"{label} {n}" for label, n in sorted(
            plan.matched.get(cat, {}).items(), key=lambda kv: -kv[1]))
        lines += textwrap.wrap(f"  {cat:<{width}} {len(segs):>5}  {words}", width=80,
                               subsequent_indent=" " * (width + 10))
        if segs:
            more = f" (+{len(segs) - show})" if len(segs) > show else ""
            lines += textwrap.wrap(", ".join(segs[:show]) + more, width=80,
                                   initial_indent="      ", subsequent_indent="      ")
    if plan.skipped_coded:
        lines.append("  " + _("left alone: {n} matching segments {coder} coded already").format(
            n=plan.skipped_coded, coder=plan.coder))
    if plan.existing:
        lines.append("  " + _("already proposed before: {n}").format(n=plan.existing))
    if not dry_run and total:
        lines.append(_("review: qca code PROJECT --coder {coder} --review dictionary").format(
            coder=plan.coder))
        lines.append(_("take the whole run back: qca undo PROJECT --coder {coder}").format(
            coder=plan.coder))
    return lines
