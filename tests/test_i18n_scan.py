"""Every user-facing string in qca/ goes through gettext: the scan of tests/i18n_scan.py.

The scan looks for literals that reach a user (echo, errors, help, Textual widgets,
notifications, formatting functions, prose anywhere) without ``_()``/``N_()``/
``ngettext()``. These tests run it on qca/ (no finding allowed) and on planted snippets
(each must be found), so the scan itself cannot quietly stop finding things.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from i18n_scan import ALLOWED, PACKAGE, error_classes, is_language, scan, scan_source

REPO = Path(__file__).resolve().parents[1]


def _found(snippet: str) -> list[str]:
    return [f.text for f in scan_source(textwrap.dedent(snippet), errors=error_classes())]


def test_no_unwrapped_user_facing_string_in_qca() -> None:
    findings = scan()
    assert not findings, (
        "wrap these in _() / N_() / ngettext() (or, if no user reads them, add them to the "
        "allow-list in tests/i18n_scan.py with the reason):\n" + "\n".join(map(str, findings)))


@pytest.mark.parametrize("snippet", [
    'click.echo("nothing to undo")',
    'click.echo(f"undone: {change} on {segment}")',
    'click.echo("wrote " + path, err=True)',
    'click.secho(f"{n} segments", fg="green")',
    'print("no such project")',
    'raise InputError(f"{path}: not a survey; save it as CSV")',
    'raise CodingError("there is no coder")',
    'def f():\n    message = f"{name} is not a coder"\n    raise QcaError(message)',
    'raise click.UsageError("give PROJECT or --matrix")',
    'raise error(f"{name}: the archive is too large")',
    '@click.option("--coder", help="Whose codings.")\ndef f(): pass',
    'self.notify("Saved the memo")',
    'self.notify(_("Saved"), title="Memo saved")',
    'yield Static("Press ? for the keys")',
    'yield Button("Cancel", id="no")',
    'yield Input(placeholder="a word or phrase")',
    'box.border_title = f"Search {scope} (Enter: next hit)"',
    'self.query_one(Static).update(Text.assemble((code, "bold"), f" · {n} segments"))',
    'BINDINGS = [Binding("enter", "open", "Open segment")]',
    'table.add_columns("Category", "Segments")',
    'ax.set_xlabel("Share of coded answers")',
    'ax.set_title(f"Categories by {variable}")',
    'def format_table(rows):\n    return [f"{\'category\':<10} {\'segments\':>8}"]',
    'def summary(self):\n    return f"{self.n} sources added"',
    'def lines(self):\n    out = []\n    out.append("no questions yet")\n    return out',
    'def describe(self):\n    return "memo " + self.memo if self.memo else "no memo"',
    'LABELS = {"segments": "segment texts and protocol documents"}',
    'hint = "if you trust the file, raise the limit"',
    'def f(pid):\n    name, _, version = pid.rpartition("-")\n    return _("offline {n}").format(n=name)',
    'def f(rows):\n    for _ in rows:\n        pass\n    return _("done")',
])
def test_a_planted_unwrapped_string_is_found(snippet: str) -> None:
    assert _found(snippet), f"the scan misses: {snippet}"


@pytest.mark.parametrize("snippet", [
    'click.echo(_("nothing to undo for {coder}").format(coder=coder))',
    'click.echo(ngettext("{n} segment", "{n} segments", n).format(n=n))',
    'click.echo(json.dumps({"segment": seg.id, "suggestions": []}))',
    'click.echo(f"{seg.id}: {text[:70]}")',
    'click.echo(f"  {score:4.2f}  {code:<16} {name}")',
    'click.echo("\\n".join(format_table(rows)))',
    'raise InputError(_("{path}: not found").format(path=path))',
    'raise ValueError("internal: unknown kind")',
    '@click.option("--coder", help=N_("Whose codings."))\ndef f(): pass',
    'yield Static(classes="bold")',
    'yield Static(id="retrieval-title")',
    'head.append(" ".join(codes), "dim")',
    'BINDINGS = [Binding("enter", "open", N_("Open segment"))]',
    'def format_csv(rows):\n    return "segment,code,coder\\n"',
    'def format_table(rows):\n    return [f"{\'id\':>4}  {_(\'at\'):<24}"]',
    'if "end of data" in message: pass',
    'conn.execute("SELECT id FROM segments WHERE question = ?", (q,))',
    'def f():\n    """A docstring is no interface text at all."""',
    'x = {"segment texts and more": 1}',
    'click.echo(f"qca {__version__}")',
    'def f(rows):\n    keys = [k for k, _ in rows]\n    return _("{n} keys").format(n=len(keys))',
])
def test_wrapped_and_non_language_strings_are_not_found(snippet: str) -> None:
    assert not _found(snippet), f"the scan reports: {snippet}"


@pytest.mark.parametrize(("text", "language"), [
    ("no such project", True),
    ("Kategorie", True),
    ("{:>5} {:>6}", False),
    ("  | ", False),
    ("--coder", False),
    ("qca code", False),
    ("codings.csv", False),
    ("bold italic", False),
    ("Jaccard", False),
    ("[red]⚑[/]", False),
])
def test_what_counts_as_language(text: str, language: bool) -> None:
    assert is_language(text) is language


def test_the_allow_list_stays_small() -> None:
    # Each entry is a kind of non-language string with its reason; a long list would mean
    # the scan is being silenced rather than the strings wrapped.
    assert len(ALLOWED) <= 8
    assert all(reason for reason in ALLOWED.values())


def test_every_screen_with_bindings_translates_them() -> None:
    """A Screen/ModalScreen with BINDINGS calls localise_bindings, or is a Dialog (which does)."""
    untranslated = []
    for path in sorted((PACKAGE / "tui").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
            has_bindings = any(isinstance(s, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "BINDINGS" for t in s.targets)
                for s in cls.body)
            bases = {ast.unparse(b).split("[")[0] for b in cls.bases}
            localises = any(isinstance(n, ast.Call) and ast.unparse(n.func) == "localise_bindings"
                            for n in ast.walk(cls))
            if has_bindings and not localises and "Dialog" not in bases:
                untranslated.append(f"{path.relative_to(REPO)}: {cls.name}")
    assert not untranslated


def test_the_scan_runs_as_a_script() -> None:
    result = subprocess.run([sys.executable, str(REPO / "tests" / "i18n_scan.py")],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout
    assert "0 unwrapped user-facing strings" in result.stderr
