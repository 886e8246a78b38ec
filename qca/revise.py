"""Revising a project's codebook: replace, rename, combine and split categories.

"Combine" is the word for categories (several become one); "merge" is kept for projects
(:mod:`qca.merge`) and "join" for codebook files (:func:`qca.codebook.join_codebooks`).

Each revision is one transaction that stores a new codebook version, re-points the codings
it affects and logs what it did, so a revision never strands a coding.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace

from qca.codebook import KEY_PATTERN, Category, Codebook
from qca.errors import CodebookError
from qca.events import CategoriesMerged, CategoryRenamed, CategorySplit
from qca.i18n import _, ngettext
from qca.store import Project, now

__all__ = ["SplitResult", "assign_free_shortcuts", "combine", "describe_assigned", "rename",
           "replace_codebook", "split"]

_SHORTCUTS = "1234567890abcdefghijklmnopqrstuvwxyz"
"""Shortcuts handed to new categories, in this order (digits first, as the demo uses)."""


@dataclass(frozen=True)
class SplitResult:
    """What :func:`split` did: the new version, categories and review flags."""

    version: int
    key: str
    categories: list[tuple[str, str | None]]
    """The new categories as (key, shortcut); the shortcut is None when none was free."""
    flagged_segments: int
    """Segments whose codings of ``key`` were flagged for their coders to review."""

    def describe(self) -> str:
        new = ", ".join(f"{k} [{s}]" if s else _("{key} (no free shortcut)").format(key=k)
                        for k, s in self.categories)
        return ngettext(
            "codebook version {version}: split {key} into {new}; {n} segment flagged for "
            "review (their codings moved to {first})",
            "codebook version {version}: split {key} into {new}; {n} segments flagged for "
            "review (their codings moved to {first})",
            self.flagged_segments).format(version=self.version, key=self.key, new=new,
                                          n=self.flagged_segments,
                                          first=self.categories[0][0])


def _free_shortcuts(book: Codebook, cats: list[Category]) -> None:
    """Give each of ``cats`` without a shortcut the first one free wherever it is offered."""
    scopes = [q for q in [None, *book.questions()]
              if any(c in book.codable_for_question(q) for c in cats)]
    taken = {c.shortcut for q in scopes for c in book.codable_for_question(q) if c.shortcut}
    for cat in cats:
        if cat.shortcut is None:
            cat.shortcut = next((s for s in _SHORTCUTS if s not in taken), None)
            if cat.shortcut is not None:
                taken.add(cat.shortcut)


def assign_free_shortcuts(book: Codebook) -> list[tuple[str, str | None]]:
    """Give each codable category without a shortcut the first one free where it is offered.

    Returns:
        (key, shortcut) for every category that had none; shortcut None when none was free.
    """
    missing = [c for c in book.walk() if c.is_codable and c.shortcut is None]
    for cat in missing:
        _free_shortcuts(book, [cat])
    return [(c.key, c.shortcut) for c in missing]


def describe_assigned(assigned: list[tuple[str, str | None]]) -> str:
    """The import summary's sentence on :func:`assign_free_shortcuts` ('' when it did nothing)."""
    given = [f"{k} [{s}]" for k, s in assigned if s]
    if not assigned:
        return ""
    shown = ", ".join(given[:5]) + (", ..." if len(given) > 5 else "")
    text = ngettext("shortcuts given to {n} category without one",
                    "shortcuts given to {n} categories without one", len(given)).format(
        n=len(given))
    text += f" ({shown})" if given else ""
    left = len(assigned) - len(given)
    if left:
        text += "; " + ngettext("{n} category left without (no free key; / finds them)",
                                "{n} categories left without (no free key; / finds them)",
                                left).format(n=left)
    return text + "; " + _("'qca codebook show' lists them")


def replace_codebook(project: Project, book: Codebook, *, author: str, note: str) -> int:
    """Store ``book`` as the new codebook version (codings must keep their categories).

    Top-level groups bound to no question and named like one of the project's questions
    are bound to it (:func:`qca.questions.bind_by_name`); ``book`` is changed so.
    """
    from qca.questions import bind_by_name

    bind_by_name(project, book)
    with project.transaction():
        return project.save_codebook(book, author=author, note=note)


def _require(book: Codebook, key: str) -> Category:
    cat = book.get(key)
    if cat is None:
        raise CodebookError(_("category {key!r} is not in the codebook; see 'qca codebook show'")
                            .format(key=key))
    return cat


def _check_new_key(book: Codebook, key: str) -> None:
    if not KEY_PATTERN.match(key):
        raise CodebookError(
            _("{key!r} is not a valid key; use a letter then up to 31 letters, digits or _")
            .format(key=key)
        )
    if any(c.key.casefold() == key.casefold() for c in book.walk()):
        raise CodebookError(_("key {key!r} is taken already; choose another").format(key=key))


def rename(
    project: Project, old: str, new_key: str | None = None, new_name: str | None = None,
    *, author: str,
) -> int:
    """Give a category a new key and/or name; codings follow the key."""
    book = copy.deepcopy(project.codebook())
    cat = _require(book, old)
    if new_key is None and new_name is None:
        raise CodebookError(_("give a new key, a new name (--name), or both"))
    if new_key is not None and new_key != old:
        _check_new_key(book, new_key)
        cat.key = new_key
        for child in cat.children:
            child.parent = new_key
    if new_name is not None:
        cat.name = new_name.strip()
    with project.transaction():
        version = project.save_codebook_repointed(book, {old: cat.key}, author=author,
                                                  note=f"rename {old} -> {cat.key} ({cat.name})")
        project.log(author, CategoryRenamed(old, cat.key, cat.name))
    return version


def combine(project: Project, sources: list[str], into: str, *, author: str) -> int:
    """Combine categories into another; their codings move there (duplicates collapse)."""
    book = copy.deepcopy(project.codebook())
    target = _require(book, into)
    if not target.is_codable:
        raise CodebookError(_("{into!r} is a group; combine into a codable category")
                            .format(into=into))
    for key in sources:
        cat = _require(book, key)
        if key == into:
            raise CodebookError(_("cannot combine {key!r} with itself").format(key=key))
        if cat.children:
            raise CodebookError(_("{key!r} has subcategories; combine or move them first")
                                .format(key=key))
        if book.top_level_of(key) is not book.top_level_of(into):
            raise CodebookError(
                _("{key!r} and {into!r} belong to different groups (questions); combine within a group")
                .format(key=key, into=into)
            )
    for key in sources:
        cat = _require(book, key)
        siblings = book.get(cat.parent).children if cat.parent else book.categories  # type: ignore[union-attr]
        siblings.remove(cat)
        if cat.anchors:
            target.anchors = list(dict.fromkeys(target.anchors + cat.anchors))
    with project.transaction():
        version = project.save_codebook_repointed(
            book, {k: into for k in sources}, author=author,
            note=f"combine {', '.join(sources)} -> {into}",
        )
        project.log(author, CategoriesMerged(list(sources), into))
    return version


def split(
    project: Project, key: str, into: list[tuple[str, str]], *, author: str
) -> SplitResult:
    """Replace a category by new ones (key, name); its codings move to the first of them.

    The first keeps the old shortcut; the others get the first shortcut free wherever
    they are offered. The segments that carried the old category are flagged for each
    coder who had coded them, with a memo naming the split, so coders re-decide which new
    category applies.
    """
    if len(into) < 2:
        raise CodebookError(_("a split needs at least two new categories (--into A,B)"))
    book = copy.deepcopy(project.codebook())
    cat = _require(book, key)
    if cat.children:
        raise CodebookError(_("{key!r} has subcategories; split a category without them")
                            .format(key=key))
    new_cats = []
    for i, (new_key, name) in enumerate(into):
        if new_key != key:
            _check_new_key(book, new_key)
        new_cats.append(replace(
            cat, key=new_key, name=name or f"{cat.name} ({i + 1})", shortcut=cat.shortcut if i == 0 else None,
            children=[], anchors=list(cat.anchors) if i == 0 else [],
        ))
    keys = [k for k, _ in into]
    if len(set(keys)) != len(keys):
        raise CodebookError(_("the new keys of a split must differ from each other"))
    siblings = book.get(cat.parent).children if cat.parent else book.categories  # type: ignore[union-attr]
    at = siblings.index(cat)
    siblings[at : at + 1] = new_cats
    _free_shortcuts(book, new_cats)
    first = keys[0]
    with project.transaction():
        affected = project.conn.execute(
            "SELECT segment_id, coder FROM codings WHERE category = ?", (key,)
        ).fetchall()
        version = project.save_codebook_repointed(
            book, {key: first}, author=author, note=f"split {key} -> {', '.join(keys)}"
        )
        project.flag_for_review(affected, _("[{key} split into {keys}: check]").format(
            key=key, keys=", ".join(keys)), now())
        project.log(author, CategorySplit(key, keys, len(affected)))
    return SplitResult(version, key, [(c.key, c.shortcut) for c in new_cats],
                       len({seg for seg, _ in affected}))
