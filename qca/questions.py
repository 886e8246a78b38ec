"""Questions as first-class things: list, rename, bind codebook groups, warn when unbound.

A question is the label its segments carry (a survey column, ``--question``, or none for a
protocol imported without one, shown as ``(none)``). A segment is offered the top-level
groups bound to its question plus the groups bound to no question
(:meth:`qca.codebook.Codebook.for_question`).

Rules:

* **Binding by name.** A top-level group bound to no question whose key or name is the
  name of a question (compared case-blind, with spaces, ``-`` and ``_`` alike) is bound to
  it. This runs after every codebook import and after every import of answers, so the order
  of the two never matters. A binding made with ``qca codebook bind`` is kept when another
  codebook file is imported, and one removed with ``qca codebook unbind`` stays removed.
* **Renaming** changes the label of the question's segments and the codebook's bindings;
  segment ids stay as they were (``<source id>#<old name>``), and the old name is kept as an
  alias, so importing the same file again lands in the renamed question.
* **Warnings.** After an import, every question that is offered no category, and (after a
  codebook import) every question no group is bound to, gets one warning line naming the
  command that fixes it.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from qca.codebook import Codebook
from qca.errors import CodebookError, InputError
from qca.events import QuestionRenamed
from qca.i18n import _
from qca.store import Project

__all__ = [
    "NO_QUESTION",
    "QuestionInfo",
    "bind",
    "bind_by_name",
    "format_table",
    "list_questions",
    "no_categories_hint",
    "question_warnings",
    "rename_question",
    "to_json",
    "unbind",
]

NO_QUESTION = "(none)"
_HAND_UNBOUND = "unbound_by_hand"  # meta key: [[group, question], ...] never bound by name
_HAND_BOUND = "bound_by_hand"  # meta key: [[group, question], ...] kept over codebook imports
_FOLD = re.compile(r"[\s_\-]+")


def _fold(name: str) -> str:
    return _FOLD.sub("_", name.strip().casefold()).strip("_")


@dataclass
class QuestionInfo:
    """One question: how many segments, of which kind, and what it is offered."""

    question: str
    kind: str
    segments: int
    substantive: int
    groups: list[str] = field(default_factory=list)  # top-level groups offered
    bound: list[str] = field(default_factory=list)  # of those, the ones bound to it
    categories: int = 0  # codable categories offered


def _label(question: str | None) -> str:
    return NO_QUESTION if question is None else question


def _stored(question: str) -> str | None:
    return None if question == NO_QUESTION else question


def list_questions(project: Project) -> list[QuestionInfo]:
    """Every question of the project in import order, with what the codebook offers it."""
    book = project.codebook()
    rows = project.conn.execute(
        "SELECT s.question, GROUP_CONCAT(DISTINCT src.kind), COUNT(*), SUM(s.substantive) "
        "FROM segments s JOIN sources src ON src.id = s.source_id "
        "GROUP BY s.question ORDER BY MIN(s.seq)"
    )
    out = []
    for question, kinds, n, subst in rows:
        offered = book.for_question(question)
        tops = [c for c in offered if c.parent is None]
        out.append(QuestionInfo(
            question=_label(question), kind="+".join(sorted(kinds.split(","))), segments=n,
            substantive=int(subst or 0), groups=[c.key for c in tops],
            bound=[c.key for c in tops if question is not None and question in c.questions],
            categories=sum(c.is_codable for c in offered),
        ))
    return out


def format_table(infos: list[QuestionInfo]) -> list[str]:
    """The lines ``qca questions`` prints."""
    if not infos:
        return [_("no questions yet; import survey answers or a protocol first")]
    question, kind, segments = _("question"), _("kind"), _("segments")
    width = max(len(question), *(len(i.question) for i in infos))
    w_kind, w_seg = max(8, len(kind)), max(8, len(segments))
    lines = [f"{question:<{width}}  {kind:<{w_kind}} {segments:>{w_seg}}  "
             + _("categories offered")]
    for info in infos:
        if not info.categories:
            offered = _("none: bind a group with 'qca codebook bind'")
        else:
            groups = ", ".join(f"{g}{'*' if g in info.bound else ''}" for g in info.groups)
            offered = _("{n} in {groups}").format(n=info.categories, groups=groups)
        lines.append(f"{info.question:<{width}}  {info.kind:<{w_kind}} "
                     f"{info.segments:>{w_seg}}  {offered}")
    lines.append(_("* bound to the question; other groups are bound to no question and offered "
                   "everywhere"))
    return lines


def to_json(infos: list[QuestionInfo]) -> str:
    return json.dumps([asdict(i) for i in infos], ensure_ascii=False, indent=2) + "\n"


def require_question(project: Project, question: str) -> str | None:
    """The stored form of ``question`` (None for ``(none)``), or an error naming them all."""
    known = [i.question for i in list_questions(project)]
    if question not in known:
        listed = ", ".join(known) or _("none yet (import answers or a protocol first)")
        raise InputError(_("question {question!r} is not in {project}; questions are: {listed} "
                           "(see 'qca questions {path}')").format(
            question=question, project=project.path.name, listed=listed, path=project.path))
    return _stored(question)


# --- binding -------------------------------------------------------------------------------


def _hand_unbound(project: Project, key: str = _HAND_UNBOUND) -> set[tuple[str, str]]:
    return {(g, q) for g, q in json.loads(project.meta(key) or "[]")}


def _set_hand_unbound(project: Project, pairs: set[tuple[str, str]],
                      key: str = _HAND_UNBOUND) -> None:
    project.set_meta(key, json.dumps(sorted([g, q] for g, q in pairs), ensure_ascii=False))


def bind_by_name(project: Project, book: Codebook) -> list[tuple[str, str]]:
    """Bind, in ``book``, each unbound top-level group named like a project question.

    Returns the (group, question) pairs bound. ``book`` is changed in place.
    """
    questions = {_fold(q): q for q in project.questions()}
    skip = _hand_unbound(project)
    bound = []
    by_hand = _hand_unbound(project, _HAND_BOUND)
    for top in book.categories:
        for group, kept in sorted(by_hand):
            if group == top.key and kept not in top.questions:
                top.questions = [*top.questions, kept]
                bound.append((group, kept))
        if top.questions:
            continue
        for name in (top.key, top.name):
            named = questions.get(_fold(name))
            if named is not None and (top.key, named) not in skip:
                top.questions = [named]
                bound.append((top.key, named))
                break
    return bound


def apply_name_bindings(project: Project, *, author: str) -> list[tuple[str, str]]:
    """Bind the current codebook's groups by name (a new codebook version if any changed)."""
    book = copy.deepcopy(project.codebook())
    bound = bind_by_name(project, book)
    if bound:
        note = "bind by name: " + ", ".join(f"{g} -> {q}" for g, q in bound)
        with project.transaction():
            project.save_codebook(book, author=author, note=note)
    return bound


def _top_level(book: Codebook, group: str) -> Any:
    cat = book.get(group)
    if cat is None:
        tops = ", ".join(c.key for c in book.categories) or _("none (import a codebook first)")
        raise CodebookError(_("group {group!r} is not in the codebook; top-level groups are: "
                              "{tops}").format(group=group, tops=tops))
    if cat.parent is not None:
        top = book.top_level_of(group)
        raise CodebookError(
            _("{group!r} is not a top-level group (it is under {parent}); only top-level "
              "groups bind to questions: bind {top}").format(
                group=group, parent=top.key if top else repr(cat.parent),
                top=top.key if top else cat.parent))
    return cat


def bind(project: Project, group: str, question: str, *, author: str = "lead") -> int:
    """Bind top-level ``group`` to ``question``; returns the new codebook version."""
    stored = require_question(project, question)
    if stored is None:
        raise InputError(
            _("segments without a question cannot be bound; name them first: "
              "qca questions rename {path} '{none}' NEW_NAME").format(
                path=project.path, none=NO_QUESTION))
    book = copy.deepcopy(project.codebook())
    cat = _top_level(book, group)
    if stored in cat.questions:
        raise CodebookError(_("group {group!r} is bound to {question!r} already").format(
            group=group, question=stored))
    cat.questions = [*cat.questions, stored]
    with project.transaction():
        pairs = _hand_unbound(project)
        pairs.discard((group, stored))
        _set_hand_unbound(project, pairs)
        _set_hand_unbound(project, _hand_unbound(project, _HAND_BOUND) | {(group, stored)},
                          _HAND_BOUND)
        return project.save_codebook(book, author=author, note=f"bind {group} to {stored}")


def unbind(project: Project, group: str, question: str, *, author: str = "lead") -> int:
    """Take ``question`` from ``group``'s bindings (never bound by name again)."""
    book = copy.deepcopy(project.codebook())
    cat = _top_level(book, group)
    if question not in cat.questions:
        listed = ", ".join(cat.questions) or _("no question")
        raise CodebookError(_("group {group!r} is not bound to {question!r}; it is bound to "
                              "{listed}").format(group=group, question=question, listed=listed))
    cat.questions = [q for q in cat.questions if q != question]
    with project.transaction():
        pairs = _hand_unbound(project)
        pairs.add((group, question))
        _set_hand_unbound(project, pairs)
        _set_hand_unbound(project, _hand_unbound(project, _HAND_BOUND) - {(group, question)},
                          _HAND_BOUND)
        return project.save_codebook(book, author=author, note=f"unbind {group} from {question}")


# --- renaming ------------------------------------------------------------------------------


def rename_question(project: Project, old: str, new: str, *, author: str = "lead") -> int:
    """Relabel question ``old`` as ``new`` (ids stay); returns the segments relabelled."""
    stored = require_question(project, old)
    new = new.strip()
    if not new or new == NO_QUESTION:
        raise InputError(_("{new!r} cannot name a question; give a name such as "
                           "chancen_vielfalt").format(new=new))
    if new == old:
        raise InputError(_("question {old!r} has that name already").format(old=old))
    if new in project.questions():
        raise InputError(_("question {new!r} exists already; renaming {old!r} to it would mix "
                           "two questions' answers (remove one import with 'qca imports "
                           "remove')").format(new=new, old=old))
    book = copy.deepcopy(project.codebook())
    moved = False
    for top in book.categories:
        if stored is not None and stored in top.questions:
            top.questions = [new if q == stored else q for q in top.questions]
            moved = True
    with project.transaction():
        n = project.rename_question(stored, new)
        if stored is not None:
            for key in (_HAND_UNBOUND, _HAND_BOUND):
                pairs = {(g, new if q == stored else q) for g, q in _hand_unbound(project, key)}
                _set_hand_unbound(project, pairs, key)
        if moved:
            project.save_codebook(book, author=author, note=f"question {old} renamed to {new}")
        project.log(author, QuestionRenamed(stored, new, n))
    apply_name_bindings(project, author=author)
    return n


# --- warnings ------------------------------------------------------------------------------


def no_categories_hint(project: Project, question: str | None) -> str:
    """What the coding screen shows for a question offered no category."""
    if question is None:
        return _("No categories for segments without a question. Name the question: "
                 "qca questions rename {project} '{none}' NAME, then bind a group to it").format(
            project=project.path.name, none=NO_QUESTION)
    if not project.codebook().categories:
        return _("The codebook is empty. Import one: qca codebook import {project} FILE").format(
            project=project.path.name)
    return _("No categories are offered for question {question!r}. Bind a group: "
             "qca codebook bind {project} GROUP --question '{question}'").format(
        question=question, project=project.path.name)


def question_warnings(project: Project, *, codebook_import: bool = False) -> list[str]:
    """One line per question offered no category (and, after a codebook import, per
    question no group is bound to), each naming the command that fixes it."""
    path = project.path
    book = project.codebook()
    infos = list_questions(project)
    out = []
    if book.categories and not book.questions() and len(infos) > 1:
        out.append(_("the codebook binds no group to a question, so every question is offered "
                     "every category; bind groups with: qca codebook bind {path} GROUP "
                     "--question QUESTION").format(path=path))
        codebook_import = False
    for info in infos:
        if info.question == NO_QUESTION:
            if not info.categories or book.questions():
                out.append(_("{n} segments have no question and are offered {categories} "
                             "categories; name it with: qca questions rename {path} '{none}' "
                             "NEW_NAME").format(n=info.segments, categories=info.categories,
                                                path=path, none=NO_QUESTION))
            continue
        if not book.categories:
            continue
        if not info.categories:
            out.append(_("question {question!r} is offered no category; bind a group to it "
                         "with: qca codebook bind {path} GROUP --question '{question}'").format(
                question=info.question, path=path))
        elif codebook_import and not info.bound:
            out.append(_("question {question!r} is bound to no group (offered only the "
                         "unbound ones: {groups}); bind one with: qca codebook bind {path} "
                         "GROUP --question '{question}'").format(
                question=info.question, groups=", ".join(info.groups), path=path))
    return out


# --- codebook imports ----------------------------------------------------------------------


@dataclass
class CodebookImport:
    """A codebook stored as a new version, the groups bound by name, and the warnings."""

    version: int
    name: str
    bound: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unchanged: bool = False  # the file held the codebook the project has

    def summary(self) -> str:
        lines = [_("codebook unchanged, still version {version}").format(version=self.version)
                 if self.unchanged else _("codebook version {version}: {name}").format(
                     version=self.version, name=self.name)]
        lines += [_("bound group {group} to question {question!r} (named like it)").format(
            group=g, question=q) for g, q in self.bound]
        return "\n".join(lines)


def import_codebook(project: Project, book: Codebook, *, author: str, note: str) -> CodebookImport:
    """Store ``book`` (groups named like a question bound to it) and warn about questions
    it leaves unbound or without categories."""
    from qca.revise import replace_codebook

    bound = bind_by_name(project, book)
    before = project.codebook_version()
    version = replace_codebook(project, book, author=author, note=note)
    return CodebookImport(version, book.name, bound,
                          question_warnings(project, codebook_import=True),
                          unchanged=version == before)
