"""Click help in the interface language.

Click builds its help texts when ``qca/cli.py`` is imported, before ``--lang`` or
``QCA_LANG`` is read. The texts stay English msgids there (docstrings and ``help=N_(...)``);
:func:`localise` translates the whole command tree from those msgids whenever the language
is set: by :class:`QcaGroup` from the environment as the root context is made, and again by
the ``--lang`` option. Click's own words in a help page (``Usage:``, ``Options``,
``[default: ...]``, the help and version options) are translated by the formatter.
"""

from __future__ import annotations

import gettext
import importlib
import inspect
from collections.abc import Iterable
from typing import Any

import click

from qca.i18n import N_, N_plural, _, ngettext, set_language

__all__ = ["CLICK_MESSAGES", "CLICK_PLURALS", "QcaCommand", "QcaGroup", "lang_option",
           "localise", "speak_for_click"]

# Click's own words on a help page, in qca's catalogue (click translates them only through
# the process-wide gettext domain, which qca leaves alone).
_CLICK_WORDS = {
    "Usage:": N_("Usage:"),
    "Options": N_("Options"),
    "Commands": N_("Commands"),
    "Positional arguments": N_("Positional arguments"),
}
_HELP_OPTION = N_("Show this message and exit.")
_VERSION_OPTION = N_("Show the version and exit.")
_DEFAULT = N_("default: {default}")
_REQUIRED = N_("required")

_MSGID = "_qca_msgid"

# Click's own messages a qca user can meet (usage errors), in qca's catalogue with click's
# exact msgids; tests/test_i18n.py checks that the installed click still has each of them.
CLICK_MESSAGES = (
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Invalid value: {message}"),
    N_("Option {name!r} does not take a value."),
    N_("Missing command."),
    N_("Argument {name!r} takes {nargs} values."),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{value!r} is not a valid boolean. Recognized values: {states}"),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."),
    N_("file"),
    N_("directory"),
    N_("path"),
    N_("Error: {message}"),
    N_("Aborted!"),
)
CLICK_PLURALS = (
    N_plural("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"),
    N_plural("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."),
    N_plural("{value!r} is not {choice}.", "{value!r} is not one of {choices}."),
    N_plural("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"),
)
_CLICK_MODULES = ("click.core", "click.exceptions", "click.parser", "click.types",
                  "click.decorators", "click.termui", "click.formatting", "click.utils")


def speak_for_click() -> None:
    """Let click's own messages (usage errors) go through qca's catalogue.

    Click translates only through the process-wide gettext domain: each of its modules
    calls ``gettext.gettext``/``gettext.ngettext``, bound at import. Those names are pointed
    at qca's :func:`~qca.i18n._`/:func:`~qca.i18n.ngettext`, which give click's English for
    every message not in qca's catalogue. A click that binds them otherwise is left as it is
    (and speaks English); tests/test_i18n.py notices.
    """
    for name in _CLICK_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:  # pragma: no cover - a click without this module
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = _  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = ngettext  # type: ignore[attr-defined]


def _translate_attr(obj: Any, attr: str) -> None:
    """Set ``obj.attr`` to the translation of its original (English) value."""
    store = f"{_MSGID}_{attr}"
    if not hasattr(obj, store):
        value = getattr(obj, attr, None)
        setattr(obj, store, inspect.cleandoc(value) if isinstance(value, str) else value)
    msgid = getattr(obj, store)
    if isinstance(msgid, str) and msgid:
        setattr(obj, attr, _(msgid))


def localise(command: click.Command) -> None:
    """Translate the help of ``command``, its parameters and subcommands into the language now set."""
    for attr in ("help", "short_help", "epilog"):
        _translate_attr(command, attr)
    for param in command.params:
        _translate_attr(param, "help")
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            localise(sub)


class QcaHelpFormatter(click.HelpFormatter):
    """Click's formatter with click's own words from qca's catalogue."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix if prefix is not None else _(_CLICK_WORDS["Usage:"]) + " ")

    def section(self, name: str) -> Any:
        return super().section(_(_CLICK_WORDS.get(name, name)))

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30,
                 col_spacing: int = 2) -> None:
        super().write_dl([(term, _translate_extra(text)) for term, text in rows],
                         col_max, col_spacing)


def _translate_extra(text: str) -> str:
    """Click's ``[default: x; required]`` after an option's help, in the interface language."""
    default = _(_DEFAULT).split("{")[0]
    for start in ("[", "; "):
        text = text.replace(f"{start}default: ", f"{start}{default}")
        text = text.replace(f"{start}required]", f"{start}{_(_REQUIRED)}]")
    return text


class QcaContext(click.Context):
    formatter_class = QcaHelpFormatter


class QcaCommand(click.Command):
    """A command whose help follows the interface language."""

    context_class = QcaContext

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = _(_HELP_OPTION)
        return option


class QcaGroup(click.Group):
    """A group whose commands and subgroups are :class:`QcaCommand`/:class:`QcaGroup`.

    As the root context is made, the language is resolved from the environment and the
    tree is translated, so ``QCA_LANG=de qca --help`` is German; ``--lang`` overrides it.
    """

    context_class = QcaContext
    command_class = QcaCommand
    group_class = type

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        if parent is None:
            set_language()
            speak_for_click()
            localise(self)
        return super().make_context(info_name, args, parent, **extra)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = _(_HELP_OPTION)
        return option


def _choose_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is None:
        return
    set_language(value)
    localise(ctx.find_root().command)


def lang_option(func: Any) -> Any:
    """``--lang de|en``: the interface language (before ``QCA_LANG`` and the locale)."""
    return click.option(
        "--lang", type=click.Choice(["de", "en"]), expose_value=False, is_eager=True,
        callback=_choose_language,
        help=N_("Interface language: de or en (default: $QCA_LANG, else the locale)."),
    )(func)


def version_option(version: str) -> Any:
    """``--version`` with its help in the interface language."""
    return click.version_option(version, prog_name="qca", help=N_("Show the version and exit."))
