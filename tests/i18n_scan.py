"""Find user-facing string literals in ``qca/`` that do not go through gettext.

A static scan (``ast``) of every module for string literals, f-strings included, that reach
a place where a user reads them, without passing through ``_()``, ``N_()`` or
``ngettext()``:

- ``click.echo``/``secho``/``print``/``click.confirm``/``click.prompt`` and the CLI's
  ``_fail``/``_warn``; figure titles and axis labels (``set_title``, ``set_xlabel``, ...);
- ``help=``/``prompt=`` of click options, arguments and commands;
- the message of an error a user sees: every ``QcaError`` subclass (found in the source)
  and click's own exceptions;
- Textual: ``notify(...)``, ``Static``/``Label``/``Button``/``Header``/``Option``/... ,
  ``Input(placeholder=...)``, ``.update(...)`` of a widget, ``Binding`` descriptions and
  tooltips, ``DataTable.add_column(s)``, ``border_title``/``border_subtitle``/``title``/
  ``sub_title``/``tooltip`` assignments;
- inside formatting functions (``format_*`` except CSV/JSON, ``summary``, ``describe*``,
  ``lines``, ``*_message`` ...): everything they return, yield or append.

A literal counts as language when, after its ``{placeholders}`` are removed, it still has
a word of two or more letters and is not on :data:`ALLOWED` (rich styles, option names,
file names, column names and JSON keys of exports, which stay English in every language).
A name passed to a sink is followed to its assignments in the same function, and the
arguments of ``.format()``/``.join()`` are checked too. Prose (three words or more) is
reported anywhere except docstrings, SQL, comparisons, dict keys, programmers' errors and
logs, and :data:`PROSE_ALLOWED`. A function that binds ``_`` (``a, _ = ...``) and calls
``_()`` is reported as well: that call would fail at run time.

Run ``python tests/i18n_scan.py`` to list the findings; ``tests/test_i18n_scan.py`` fails
on any.
"""

from __future__ import annotations

import ast
import functools
import re
import string
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "qca"

WRAPPERS = {"_", "N_", "N_plural", "ngettext", "gettext", "pgettext", "npgettext"}

#: Calls whose positional arguments a user reads.
OUTPUT_CALLS = {"echo", "secho", "print", "confirm", "prompt", "_fail", "_warn", "notify",
                "fail", "warn",
                # matplotlib: axis labels and titles of figures
                "set_xlabel", "set_ylabel", "set_title", "suptitle", "set_label"}
#: Textual widgets whose first argument (and these keywords) are shown.
WIDGETS = {"Static", "Label", "Button", "Header", "Markdown", "Checkbox", "RadioButton",
           "Tab", "TabPane", "Collapsible", "Option", "ListItem", "Rule", "Link",
           "Placeholder", "ProgressBar", "LoadingIndicator", "Pretty", "Digits"}
SHOWN_KEYWORDS = {"help", "prompt", "placeholder", "title", "label", "tooltip", "message",
                  "description", "severity_title", "subtitle", "border_title"}
#: Attributes whose assigned value is shown.
SHOWN_ATTRIBUTES = {"border_title", "border_subtitle", "title", "sub_title", "tooltip",
                    "TITLE", "SUB_TITLE"}
#: click's exceptions (their message is printed).
CLICK_ERRORS = {"UsageError", "BadParameter", "ClickException", "BadOptionUsage",
                "BadArgumentUsage", "FileError", "NoSuchOption", "MissingParameter"}
#: String methods through which a literal still reaches the output.
STR_METHODS = {"format", "join", "strip", "rstrip", "lstrip", "upper", "lower",
               "capitalize", "title", "ljust", "rjust", "center", "replace", "format_map"}
#: Calls that assemble shown text from their arguments.
TEXT_BUILDERS = {"assemble", "Text", "from_markup", "Markup", "append", "Content",
                 "Padding", "Panel", "Align", "wrap", "fill", "shorten", "indent",
                 "_side_by_side"}

_FORMATTERS = re.compile(
    r"^_?(format_(?!csv|json|for$|size$)\w+|summary\w*|\w+_summary|describe\w*|lines|"
    r"\w+_lines|\w+_message|message|explain\w*|report_text|heading\w*|title\w*)$")

#: Non-language strings that stay as they are in every language. Keep this list small and
#: say why for each entry.
ALLOWED: dict[str, str] = {
    # rich/Textual styles: not words a user reads
    r"(bold|italic|dim|reverse|underline|strike|not|on|red|green|yellow|blue|magenta|cyan|"
    r"white|black|grey\d*|\$[a-z-]+|\s)+": "a rich style",
    # commands and options of the command line are typed, not translated
    r"qca(\s+[a-z][a-z-]*)*|(--?[a-z][a-z-]*)(\s+(--?[a-z][a-z-]*|[A-Z.]+))*":
        "a command or option name",
    # file names and extensions
    r"[\w.-]*\.(csv|tsv|json|yaml|yml|qca|qdc|qdpx|xlsx|sav|dta|png|svg|pdf|txt|md|docx)":
        "a file name",
    # units of sizes
    r"(\d*\s*)?(KB|MB|GB|TB|kB)": "a unit",
    # names of coefficients, the same in German and English
    r"(Jaccard|AC1|MASI|kappa|alpha|Cohen|Fleiss|top-\d|CI|\d+% CI)(\s+(Jaccard|AC1|MASI|kappa|alpha|top-\d|"
    r"CI|\d+% CI|h))*": "a coefficient's name (h: between humans)",
    # identifiers, the same in German
    r"id|ID|A|B|\w+#\w+": "an identifier, a segment id or a placeholder for a category",
}
#: Single literals that a user sees but that stay English, by file: names in exports.
ALLOWED_IN: dict[tuple[str, str], str] = {
    ("qca/exporting/xlsx.py", "Codebook"):
        "a sheet name of the XLSX export, stable like its column names",
}
#: Prose (three words or more) anywhere else is reported too, except in these places:
#: text that is not for the interface (by file, the literal's start).
PROSE_ALLOWED: dict[tuple[str, str], str] = {
    ("qca/exporting/spss.py", "*"): "a comment in the .sps syntax qca writes",
    ("qca/exporting/spss.py", "DATASET NAME"): "an SPSS command in the .sps syntax",
    ("qca/exporting/spss.py", "VARIABLE LEVEL"): "an SPSS command in the .sps syntax",
    ("qca/suggest/vectors.py", "multilingual USE v3"): "the encoder's product name",
    ("qca/importing/sources.py", "siehe vorherige"): "a German non-answer in the data",
    ("qca/importing/sources.py", "trifft nicht zu"): "a German non-answer in the data",
    ("qca/importing/sources.py", "ist nicht bekannt"): "a German non-answer in the data",
    ("qca/importing/sources.py", "mir nicht bekannt"): "a German non-answer in the data",
    ("qca/exporting/figures.py", "outside lower center"): "a matplotlib legend position",
    ("qca/codebook.py", "mapping values are not allowed"): "PyYAML's message, matched",
    ("qca/codebook.py", "found unexpected end of stream"): "PyYAML's message, matched",
    ("qca/refi/project.py", "qca  source  from"): "the description of a source in a .qdpx",
    ("qca/refi/project.py", "flagged for another look"): "a note's text in a .qdpx",
    ("qca/refi/codebook.py", "Code sets in"): "kept in the codebook's description (data)",
    ("qca/questions.py", "bind by name:"): "a codebook version's note, kept in the project",
    ("qca/questions.py", "question  renamed to"): "a codebook version's note, kept in the project",

}
#: Calls whose messages are for programmers (a bug), or logs, not for a user.
NOT_FOR_USERS = {"ValueError", "TypeError", "AssertionError", "RuntimeError", "KeyError",
                 "NotImplementedError", "IndexError", "AttributeError", "LookupError",
                 "debug", "info", "warning", "error", "exception", "critical", "execute",
                 "executemany", "executescript", "compile", "match", "search", "sub",
                 "fullmatch", "finditer", "findall", "split",
                 "TrainingStopped"}  # stops a suggestion worker, never shown
_PROSE = re.compile(r"[A-Za-zÄÖÜäöüß]{2,}(\s+[A-Za-zÄÖÜäöüß'(),.;:-]+){2,}")
_SQL_ANYWHERE = re.compile(r"\b(SELECT|EXISTS|WHERE|COALESCE|JOIN|json_each)\b|\) AS [a-z]\b|"
                           r"^\s*[a-z]\.[a-z_]+ (IN|=|IS)\b")
_SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|WITH|PRAGMA|FROM|WHERE|"
                  r"JOIN|AND|OR|ORDER|GROUP|LEFT|ON|VALUES|BEGIN|COMMIT|ROLLBACK|SET|INTO|"
                  r"REPLACE|CASE|WHEN|NULLIF|COALESCE|SUM|COUNT|CROSS|INNER|OUTER|UNION|"
                  r"LIMIT)\b|^\s*,\s*(SUM|COUNT)\(")
_MARKUP = re.compile(r"\[/?(" + next(iter(ALLOWED)) + r")?\]")
_ALLOWED = re.compile("|".join(f"(?:{p})" for p in ALLOWED))
_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{2,}")


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    text: str
    where: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r} ({self.where})"


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _literal_text(node: ast.expr) -> str:
    """The text of a literal with its placeholders removed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return "".join(lit for lit, *_rest in string.Formatter().parse(node.value))
        except ValueError:  # not a format string: braces in plain text
            return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values
                       if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return ""


def is_language(text: str) -> bool:
    """Whether ``text`` (placeholders removed) holds words a user reads."""
    stripped = _MARKUP.sub("", text).strip(" \t\n:;,.·()[]=/|%#*>…")
    if not _WORD.search(stripped):
        return False
    return not _ALLOWED.fullmatch(stripped)


@functools.lru_cache(maxsize=None)
def error_classes(package: Path = PACKAGE) -> frozenset[str]:
    """Names of every ``QcaError`` subclass defined in ``package`` (and QcaError itself)."""
    bases: dict[str, set[str]] = {}
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(_name(b) for b in node.bases)
    found = {"QcaError"}
    grew = True
    while grew:
        grew = False
        for cls, parents in bases.items():
            if cls not in found and parents & found:
                found.add(cls)
                grew = True
    return frozenset(found | CLICK_ERRORS)


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes (modules, classes, functions, and attribute docstrings)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        for i, stmt in enumerate(body):
            if (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
                    and isinstance(stmt.value.value, str)
                    and (i == 0 or isinstance(body[i - 1], (ast.Assign, ast.AnnAssign)))):
                found.add(id(stmt.value))
    return found


def _own_nodes(func: ast.AST) -> Iterator[ast.AST]:
    """The nodes of ``func``'s own scope (not of nested functions, classes, comprehensions)."""
    todo = list(ast.iter_child_nodes(func))
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda,
                                 ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            todo.extend(ast.iter_child_nodes(node))


def _prose_allowed(path: str, text: str) -> bool:
    return any(path == where and text.strip().startswith(start)
               for where, start in PROSE_ALLOWED)


class _Scanner(ast.NodeVisitor):
    def __init__(self, path: str, errors: frozenset[str], docstrings: set[int]) -> None:
        self.path = path
        self.errors = errors
        self.docstrings = docstrings
        self.findings: list[Finding] = []
        self._functions: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
        self._seen: set[tuple[int, int]] = set()

    def _report(self, node: ast.expr, text: str, where: str) -> None:
        key = (node.lineno, node.col_offset)
        if key not in self._seen and (self.path, text.strip()) not in ALLOWED_IN:
            self._seen.add(key)
            self.findings.append(Finding(self.path, node.lineno, text.strip(), where))

    # --- prose anywhere ----------------------------------------------------------------

    def _prose(self, node: ast.Constant | ast.JoinedStr) -> None:
        if id(node) in self.docstrings:
            return
        text = _literal_text(node)
        if (_PROSE.search(text) and not _SQL.match(text) and not _SQL_ANYWHERE.search(text)
                and is_language(text)
                and not _prose_allowed(self.path, text)):
            self._report(node, text, "prose")

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            self._prose(node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        self._prose(node)
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                self.visit(value)

    # --- following an expression to its literals ---------------------------------------

    def _assignments(self, name: str) -> Iterator[ast.expr]:
        if not self._functions:
            return
        for node in ast.walk(self._functions[-1]):
            if isinstance(node, ast.Assign):
                if any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                    yield node.value
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                if isinstance(node.target, ast.Name) and node.target.id == name and node.value:
                    yield node.value

    def _check(self, node: ast.expr | None, where: str, depth: int = 0) -> None:
        if node is None or depth > 6:
            return
        if isinstance(node, (ast.Constant, ast.JoinedStr)):
            text = _literal_text(node)
            if is_language(text):
                self._report(node, text, where)
            if isinstance(node, ast.JoinedStr):
                for value in node.values:
                    if isinstance(value, ast.FormattedValue):
                        self._check(value.value, where, depth + 1)
        elif isinstance(node, ast.Call):
            name = _name(node.func)
            if name in WRAPPERS:
                return
            if isinstance(node.func, ast.Attribute) and name in STR_METHODS:
                self._check(node.func.value, where, depth + 1)
            if name in STR_METHODS or name in TEXT_BUILDERS:
                for arg in node.args:
                    self._check(arg, where, depth + 1)
                if name in ("format", "format_map"):
                    for kw in node.keywords:
                        self._check(kw.value, where, depth + 1)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
            # text + text, "..." % args; not path / "name"
            self._check(node.left, where, depth + 1)
            self._check(node.right, where, depth + 1)
        elif isinstance(node, ast.IfExp):
            self._check(node.body, where, depth + 1)
            self._check(node.orelse, where, depth + 1)
        elif isinstance(node, ast.BoolOp):
            for value in node.values:
                self._check(value, where, depth + 1)
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            for elt in node.elts:
                self._check(elt, where, depth + 1)
        elif isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            self._check(node.elt, where, depth + 1)
        elif isinstance(node, ast.Starred):
            self._check(node.value, where, depth + 1)
        elif isinstance(node, ast.Name):
            for value in self._assignments(node.id):
                self._check(value, where, depth + 2)

    # --- the sinks ---------------------------------------------------------------------

    def _shadowing(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """A function that binds ``_`` (``a, _ = ...``, ``for _ in``) cannot call ``_()``."""
        binds = calls = None
        for sub in _own_nodes(node):
            targets: list[ast.expr] = []
            if isinstance(sub, ast.Assign):
                targets = sub.targets
            elif isinstance(sub, (ast.For, ast.AsyncFor, ast.withitem)):
                targets = [sub.target if not isinstance(sub, ast.withitem)
                           else sub.optional_vars or ast.Constant(None)]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name) and name.id == "_":
                        binds = binds or name
            if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id == "_":
                calls = calls or sub
        if binds is not None and calls is not None:
            self.findings.append(Finding(self.path, binds.lineno, "_",
                                         f"{node.name}() binds _ and so cannot call _()"))

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if node.name == "__repr__":
            return  # for programmers (debuggers, logs), not for users
        self._shadowing(node)
        self._functions.append(node)
        if _FORMATTERS.match(node.name):
            for sub in ast.walk(node):
                if isinstance(sub, ast.Return):
                    self._check(sub.value, f"returned by {node.name}()")
                elif isinstance(sub, (ast.Yield, ast.YieldFrom)):
                    self._check(sub.value, f"yielded by {node.name}()")
                elif (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute)
                      and sub.func.attr in ("append", "extend", "insert")):
                    for arg in sub.args:
                        self._check(arg, f"added to the output of {node.name}()")
        self.generic_visit(node)
        self._functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Call(self, node: ast.Call) -> None:
        name = _name(node.func)
        # ``error(...)`` is a variable holding an error class; ``log.error(...)`` a log.
        raises_error = isinstance(node.func, ast.Name) and name == "error"
        if name in WRAPPERS or (name in NOT_FOR_USERS and not raises_error):
            return  # nothing inside a wrapped call (or a programmer's message) is reported
        shown_args: list[ast.expr] = []
        if name in OUTPUT_CALLS or name in WIDGETS or name in self.errors or raises_error:
            shown_args = list(node.args[:1]) if name not in ("echo", "print", "_warn") \
                else list(node.args)
        elif name == "update" and isinstance(node.func, ast.Attribute) and node.args:
            shown_args = [node.args[0]]
        elif name == "Binding":
            shown_args = list(node.args[2:3])
        elif name in ("add_column", "add_columns"):
            shown_args = list(node.args if name == "add_columns" else node.args[:1])
        for arg in shown_args:
            self._check(arg, f"shown by {name}()")
        for kw in node.keywords:
            if kw.arg in SHOWN_KEYWORDS and (name not in ("dumps", "dict") ):
                self._check(kw.value, f"{name}({kw.arg}=)")
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        # Keys are looked up, not shown; values are checked.
        for key in node.keys:
            if key is not None and not isinstance(key, (ast.Constant, ast.JoinedStr)):
                self.visit(key)
        for value in node.values:
            self.visit(value)

    def visit_Compare(self, node: ast.Compare) -> None:
        # A literal compared with something is never shown ("end of data" in message).
        for operand in (node.left, *node.comparators):
            if not isinstance(operand, (ast.Constant, ast.JoinedStr)):
                self.visit(operand)

    def visit_Assign(self, node: ast.Assign) -> None:
        if any(isinstance(t, ast.Name) and t.id in ("CSS", "DEFAULT_CSS") for t in node.targets):
            return
        for target in node.targets:
            if isinstance(target, ast.Attribute) and target.attr in SHOWN_ATTRIBUTES:
                self._check(node.value, f".{target.attr} =")
            elif isinstance(target, ast.Name) and target.id in ("TITLE", "SUB_TITLE"):
                self._check(node.value, f"{target.id} =")
        self.generic_visit(node)


def scan_source(source: str, path: str = "<snippet>",
                errors: frozenset[str] | None = None) -> list[Finding]:
    """The unwrapped user-facing literals in ``source``."""
    tree = ast.parse(source)
    scanner = _Scanner(path, error_classes() if errors is None else errors, _docstrings(tree))
    scanner.visit(tree)
    return sorted(scanner.findings, key=lambda f: f.line)


def scan(package: Path = PACKAGE) -> list[Finding]:
    """The unwrapped user-facing literals in every module of ``package``."""
    errors = error_classes(package)
    found: list[Finding] = []
    for path in sorted(package.rglob("*.py")):
        rel = str(path.relative_to(package.parent))
        found.extend(scan_source(path.read_text(encoding="utf-8"), rel, errors))
    return found


if __name__ == "__main__":
    findings = scan()
    for finding in findings:
        print(finding)
    print(f"{len(findings)} unwrapped user-facing strings", file=sys.stderr)
    sys.exit(1 if findings else 0)
