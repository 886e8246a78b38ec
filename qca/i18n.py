"""German and English: which language qca speaks, and the one place that translates.

Every user-facing string goes through :func:`_` (or :func:`ngettext` for counts), with
stdlib :mod:`gettext`, domain ``qca``. The catalogues ship as package data:
``qca/locale/de/LC_MESSAGES/qca.po`` (the source) and ``qca.mo`` (compiled, committed, so
an installed wheel needs no Babel). English is the source language and needs no catalogue.

The language is, in this order: ``--lang de|en`` on the command line
(:func:`set_language`), else ``QCA_LANG``, else the locale (the first of ``LC_ALL``,
``LC_MESSAGES``, ``LANG`` that is set; one starting with ``de`` means German), else English.

Rules for messages:

- Whole sentences with named placeholders: ``_("{path}: not found").format(path=path)``;
  never glue translated pieces together, never put a ``{name}`` into the text before
  translating it.
- Strings that must exist before the language is known (click help, Textual bindings,
  class constants) are marked with :func:`N_` and translated where they are shown.
- Column names, JSON keys and command keys stay English in both languages; codebooks and
  corpora are never translated.

Catalogue maintenance (Babel, from the repository root; see README "Interface language")::

    pybabel extract -F babel.cfg -o qca/locale/qca.pot --no-location --sort-output .
    pybabel update -i qca/locale/qca.pot -d qca/locale -D qca --no-fuzzy-matching
    pybabel compile -d qca/locale -D qca

The extraction also takes the docstrings of click commands (:func:`extract`), which are
their help texts.
"""

from __future__ import annotations

import ast
import gettext as _gettext
import inspect
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

__all__ = [
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "N_plural",
    "_",
    "extract",
    "grouped",
    "language",
    "ngettext",
    "resolve_language",
    "set_language",
]

LANGUAGES = ("en", "de")
"""The interface languages; English is the source language."""

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "qca"

_translations: _gettext.NullTranslations | None = None
_language: str | None = None


def _normalise(value: str | None) -> str | None:
    """``de``, ``de_DE.UTF-8``, ``DE`` -> ``de``; a language qca does not speak -> None."""
    if not value:
        return None
    head = value.strip().lower().replace("-", "_").split("_")[0].split(".")[0]
    return head if head in LANGUAGES else None


def resolve_language(explicit: str | None = None,
                     environ: Mapping[str, str] | None = None) -> str:
    """The language to speak: ``explicit`` (``--lang``), ``QCA_LANG``, the locale, English.

    Args:
        explicit: The value of ``--lang``, if given.
        environ: The environment to read (default: ``os.environ``).

    Returns:
        ``"de"`` or ``"en"``.
    """
    env = os.environ if environ is None else environ
    chosen = _normalise(explicit) or _normalise(env.get("QCA_LANG"))
    if chosen:
        return chosen
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var)
        if value:
            return "de" if value.lower().startswith("de") else "en"
    return "en"


def set_language(lang: str | None = None) -> str:
    """Speak ``lang`` from now on (None: resolve it from the environment again).

    Returns:
        The language now in use.
    """
    global _translations, _language
    _language = resolve_language(lang)
    if _language == "en":
        _translations = _gettext.NullTranslations()
    else:
        _translations = _gettext.translation(DOMAIN, localedir=LOCALE_DIR,
                                             languages=[_language], fallback=True)
    return _language


def language() -> str:
    """The language in use (resolved from the environment on first use)."""
    if _language is None:
        set_language()
    assert _language is not None
    return _language


def _current() -> _gettext.NullTranslations:
    if _translations is None:
        set_language()
    assert _translations is not None
    return _translations


def _(message: str) -> str:
    """``message`` in the current language (itself when there is no translation)."""
    if not message:
        return message
    return _current().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the current language."""
    return _current().ngettext(singular, plural, n)


def grouped(n: int) -> str:
    """``n`` with thousands grouped as the language writes them: 1,310 / 1.310."""
    text = f"{n:,}"
    return text.replace(",", ".") if language() == "de" else text


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it yet (see module docstring)."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural pair for the catalogue; translate it later with :func:`ngettext`."""
    return singular, plural


# --- Babel extraction: click help lives in docstrings --------------------------------------

_CLICK_DECORATORS = {"command", "group"}


def _is_click_command(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for deco in node.decorator_list:
        func = deco.func if isinstance(deco, ast.Call) else deco
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in _CLICK_DECORATORS:
            return True
    return False


def _docstrings(source: str) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_click_command(node):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                yield node.lineno, inspect.cleandoc(doc)


def extract(fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: list[str],
            options: Any) -> Iterator[Any]:
    """Babel extraction method: Babel's Python extraction plus the help of click commands.

    Named in ``babel.cfg``; the docstring of a function decorated with ``@....command`` or
    ``@....group`` is its help text, which :mod:`qca.cli` translates when it is shown.
    """
    from babel.messages.extract import extract_python

    source = fileobj.read()
    fileobj.seek(0)
    # N_plural("one", "many") is read as ngettext is (Babel applies the keyword specs).
    names = dict.fromkeys([*keywords, "N_plural"])

    for lineno, funcname, message, comments in extract_python(fileobj, names, comment_tags,
                                                              options):
        yield lineno, "ngettext" if funcname == "N_plural" else funcname, message, comments
    text = source.decode(options.get("encoding", "utf-8"))
    for lineno, doc in _docstrings(text):
        yield lineno, "", doc, []  # (lineno, funcname, message, comments), as extract_python
