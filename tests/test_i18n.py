"""The German catalogue: complete, current, placeholders intact; language choice; German CLI.

Catalogue maintenance is in README "Interface language"; these tests fail when a wrapped
string has no German translation or the committed ``qca.mo`` is older than ``qca.po``.
"""

from __future__ import annotations

import gettext
import inspect
import io
import os
import string
import subprocess
import sys
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

from qca import i18n
from qca.cli import cli
from qca.i18n import _, resolve_language

REPO = Path(__file__).resolve().parents[1]
PO = REPO / "qca" / "locale" / "de" / "LC_MESSAGES" / "qca.po"
MO = PO.with_suffix(".mo")


def _catalog():  # type: ignore[no-untyped-def]
    with PO.open("rb") as fh:
        return read_po(fh, locale="de")


def _extracted() -> dict[str, str]:
    """msgid -> file, as ``pybabel extract -F babel.cfg`` finds them in the source."""
    with (REPO / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: dict[str, str] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(REPO), method_map, options_map):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, filename)
    return found


def _fields(text: str) -> list[str]:
    return sorted(f"{name}!{conv}:{spec}" for _lit, name, spec, conv in string.Formatter().parse(text)
                  if name is not None)


def test_every_message_in_the_source_has_a_german_translation() -> None:
    catalog = _catalog()
    extracted = _extracted()
    assert len(extracted) > 100  # the extraction itself works (click help included)
    missing = []
    for msgid, filename in sorted(extracted.items()):
        entry = catalog.get(msgid)
        strings = () if entry is None else (
            entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if entry is None or entry.fuzzy or not strings or not all(strings):
            missing.append(f"{filename}: {msgid!r}")
    assert not missing, "no German translation (see README 'Interface language'):\n" + \
        "\n".join(missing)


def test_placeholders_match_between_english_and_german() -> None:
    wrong = []
    for entry in _catalog():
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strs = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        # A German form has the fields of the English plural, or of the singular (click's
        # "Did you mean {possibility}?" / "(... one of: {possibilities}?)").
        allowed = [_fields(ids[-1]), _fields(ids[0])]
        for text in strs:
            if text and _fields(text) not in allowed:
                wrong.append(f"{ids[0]!r} -> {text!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_the_committed_mo_is_compiled_from_the_po() -> None:
    buf = io.BytesIO()
    write_mo(buf, _catalog())
    fresh = gettext.GNUTranslations(io.BytesIO(buf.getvalue()))
    with MO.open("rb") as fh:
        committed = gettext.GNUTranslations(fh)
    assert committed._catalog == fresh._catalog, (  # type: ignore[attr-defined]
        "qca.mo is out of date: run pybabel compile -d qca/locale -D qca")


def test_extraction_takes_click_docstrings_not_other_docstrings() -> None:
    source = '''
@cli.command()
def hello():
    """Say hello."""

def helper():
    """Not a help text."""
'''
    assert [doc for _line, doc in i18n._docstrings(source)] == ["Say hello."]


@pytest.mark.parametrize(("explicit", "env", "expected"), [
    ("de", {"QCA_LANG": "en"}, "de"),
    (None, {"QCA_LANG": "de"}, "de"),
    (None, {"QCA_LANG": "de_DE.UTF-8", "LANG": "en_US.UTF-8"}, "de"),
    (None, {"QCA_LANG": "en", "LANG": "de_DE.UTF-8"}, "en"),
    (None, {"QCA_LANG": "fr", "LANG": "de_DE.UTF-8"}, "de"),
    (None, {"LC_ALL": "de_AT.UTF-8", "LANG": "en_GB.UTF-8"}, "de"),
    (None, {"LC_ALL": "", "LC_MESSAGES": "de_CH", "LANG": "C"}, "de"),
    (None, {"LANG": "C.UTF-8"}, "en"),
    (None, {"LC_ALL": "C", "LANG": "de_DE.UTF-8"}, "en"),
    (None, {}, "en"),
])
def test_language_from_option_env_locale_then_english(explicit, env, expected) -> None:
    assert resolve_language(explicit, env) == expected


def test_translation_follows_the_language(german) -> None:
    assert _("wrote {path}").format(path="a.csv") == "a.csv geschrieben"
    i18n.set_language("en")
    assert _("wrote {path}").format(path="a.csv") == "wrote a.csv"


def _commands(group: click.Group, path: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    for name, command in group.commands.items():
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))


def test_every_command_help_has_a_german_translation(german) -> None:
    untranslated = []
    for path, command in _commands(cli):
        msgid = inspect.cleandoc(getattr(command, "_qca_msgid_help", None) or command.help or "")
        if msgid and _(msgid) == msgid:
            untranslated.append(" ".join(path))
        for param in command.params:
            help_ = getattr(param, "_qca_msgid_help", None) or getattr(param, "help", None)
            if help_ and _(inspect.cleandoc(help_)) == inspect.cleandoc(help_):
                untranslated.append(f"{' '.join(path)} {param.name}")
    assert not untranslated


def test_lang_option_gives_german_help_of_a_subcommand() -> None:
    result = CliRunner().invoke(cli, ["--lang", "de", "import", "--help"])
    assert result.exit_code == 0
    assert "Aufruf: cli import" in result.output
    assert "Optionen:" in result.output
    assert "Befragung: Spalte mit offenen Antworten" in result.output
    assert "Diese Hilfe zeigen und beenden." in result.output


def test_qca_lang_gives_german_help_and_lang_en_overrides_it(monkeypatch) -> None:
    monkeypatch.setenv("QCA_LANG", "de")
    german = CliRunner().invoke(cli, ["--help"])
    assert "Befehle:" in german.output and "qualitative Inhaltsanalyse" in german.output
    english = CliRunner().invoke(cli, ["--lang", "en", "--help"])
    assert "Commands:" in english.output and "Befehle" not in english.output


def test_defaults_in_help_are_german(monkeypatch) -> None:
    monkeypatch.setenv("QCA_LANG", "de")
    result = CliRunner().invoke(cli, ["codebook", "import", "--help"])
    assert "[Standard: lead]" in result.output


def _run_qca(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("QCA_LANG", "LC_ALL", "LC_MESSAGES", "LANG")}
    environ.update(env)
    environ["PYTHONPATH"] = str(REPO)
    return subprocess.run([sys.executable, "-m", "qca", *args], capture_output=True, text=True,
                          env=environ, cwd=REPO)


def test_a_cli_error_in_german_is_one_german_line(tmp_path) -> None:
    missing = tmp_path / "nonexistent.qca"
    result = _run_qca("status", str(missing), QCA_LANG="de")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"qca: Fehler: {missing}: Projekt nicht gefunden; es mit 'qca init {missing}' anlegen"]
    assert not missing.exists()


def test_a_german_locale_without_qca_lang_speaks_german(tmp_path) -> None:
    result = _run_qca("status", str(tmp_path / "x.qca"), LANG="de_DE.UTF-8")
    assert result.stderr.startswith("qca: Fehler: ")
    english = _run_qca("--lang", "en", "status", str(tmp_path / "x.qca"), LANG="de_DE.UTF-8")
    assert english.stderr.startswith("qca: error: ")


def test_grouped_numbers_follow_the_language(german) -> None:
    assert i18n.grouped(1310) == "1.310"
    i18n.set_language("en")
    assert i18n.grouped(1310) == "1,310"
    assert i18n.grouped(12) == "12"


def test_clicks_own_messages_are_still_clicks_msgids() -> None:
    """qca's catalogue has click's usage errors under click's msgids: they must exist."""
    import click as click_module
    from babel.messages.extract import extract_from_file

    from qca.clihelp import CLICK_MESSAGES, CLICK_PLURALS

    found = set()
    for path in Path(click_module.__file__).parent.glob("*.py"):
        for _line, message, _comments, _context in extract_from_file("python", str(path)):
            found.add(message if isinstance(message, str) else tuple(message))

    assert set(CLICK_MESSAGES) <= found
    assert set(CLICK_PLURALS) <= found


def test_a_click_usage_error_in_german_is_one_german_line() -> None:
    result = _run_qca("status", "--nope", QCA_LANG="de")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "qca: Fehler: qca status: Unbekannte Option '--nope'; siehe 'qca status --help'"]
    missing = _run_qca("status", QCA_LANG="de")
    assert missing.stderr.startswith("qca: Fehler: qca status: Fehlendes Argument 'PROJECT'")
    english = _run_qca("status", "--nope", QCA_LANG="en")
    assert english.stderr.splitlines() == [
        "qca: error: qca status: No such option '--nope'; see 'qca status --help'"]
