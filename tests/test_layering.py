"""The layers hold: only the store writes to a project, only qca.events names actions.

Each rule is a static scan of the package's source (``ast``), checked both ways: the package
passes, and a snippet that breaks the rule is caught, so the scan cannot silently pass.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from qca.events import Action, Origin

PACKAGE = Path(__file__).resolve().parents[1] / "qca"
STORE = PACKAGE / "store.py"
EVENTS = PACKAGE / "events.py"
CODERS = PACKAGE / "coders.py"

# SQL that writes: the statement's own shape (a table name and what follows it), in any case,
# so that prose such as "delete from the list" is no SQL.
_SQL_WRITE = re.compile(
    r"\b(INSERT\s+(OR\s+\w+\s+)?INTO\s+\"?\w+\"?\s*(\(|VALUES|SELECT|DEFAULT)"
    r"|REPLACE\s+INTO\s+\"?\w+\"?\s*\("
    r"|UPDATE\s+(OR\s+\w+\s+)?\"?\w+\"?\s+SET\s+\w+"
    r"|DELETE\s+FROM\s+\"?\w+\"?\s*(WHERE\b|;|$)"
    r"|(CREATE|DROP)\s+(TABLE|INDEX|TRIGGER|VIEW)\b|ALTER\s+TABLE\s+\w+)",
    re.IGNORECASE,
)
# sqlite-utils' write methods; the generic names count only on a table (db.table(..), db[..]).
_SQLITE_UTILS_ONLY = {"insert_all", "upsert", "upsert_all", "delete_where", "executescript",
                      "create_table"}
_TABLE_WRITES = {"insert", "update", "delete", "transform", "drop", "add_column", "enable_fts"}
_ACTION_FILTER = re.compile(r"\baction\s*(=|IN\b|!=|<>)\s*\(?\s*'", re.IGNORECASE)
_ACTIONS = {a.value for a in Action}
_ORIGINS = {o.value for o in Origin}
_RESERVED_CODERS = {"consensus", "machine:"}


def _modules(*excluded: Path) -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p not in excluded)


def _strings(node: ast.AST) -> list[tuple[int, str]]:
    """Every string constant under ``node`` (f-string parts included), with its line."""
    return [(n.lineno, n.value) for n in ast.walk(node)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _is_table(node: ast.AST) -> bool:
    """Whether ``node`` is a sqlite-utils table: ``x.table(...)`` or ``db[...]``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "table"
    if isinstance(node, ast.Subscript):
        value = node.value
        name = value.attr if isinstance(value, ast.Attribute) else getattr(value, "id", "")
        return name == "db"
    return False


def write_violations(source: str) -> list[str]:
    """SQL text that writes, and sqlite-utils write calls, in ``source``."""
    tree = ast.parse(source)
    found = [f"line {line}: SQL {m.group(0)!r}" for line, text in _strings(tree)
             if (m := _SQL_WRITE.search(text))]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in _SQLITE_UTILS_ONLY or (name in _TABLE_WRITES
                                              and _is_table(node.func.value)):
                found.append(f"line {node.lineno}: sqlite-utils .{name}()")
    return found


def _names_action(node: ast.AST) -> bool:
    """Whether ``node`` is a name or attribute for an action or origin (``event.action``)."""
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return any(word in name.lower() for word in ("action", "origin"))


def _compared(node: ast.Compare) -> list[tuple[int, str]]:
    """The strings an action or origin is compared with (a command name is no action)."""
    operands = [node.left, *node.comparators]
    if not any(_names_action(o) for o in operands):
        return []
    out = []
    for operand in operands:
        items = operand.elts if isinstance(operand, (ast.Tuple, ast.List, ast.Set)) else [operand]
        out += [(i.lineno, i.value) for i in items
                if isinstance(i, ast.Constant) and isinstance(i.value, str)]
    return out


def _is_description(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "description"


def _reads_description(node: ast.AST) -> bool:
    """A change's display text matched (``change.description.startswith("assigned")``)."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("startswith", "endswith")):
        return _is_description(node.func.value)
    if isinstance(node, ast.Compare):
        return any(_is_description(n) for n in [node.left, *node.comparators])
    return False


def action_violations(source: str) -> list[str]:
    """Action names compared, filtered on in SQL, collected or logged as strings."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            found += [f"line {line}: compares with {text!r}" for line, text in _compared(node)
                      if text in _ACTIONS | _ORIGINS]
        elif isinstance(node, ast.Assign) and any(
                "ACTION" in getattr(t, "id", "").upper() for t in node.targets):
            found += [f"line {line}: lists the action {text!r}"
                      for line, text in _strings(node.value) if text in _ACTIONS]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "log"):
            found += [f"line {line}: logs the action {text!r}"
                      for line, text in _strings(node) if text in _ACTIONS]
        if _reads_description(node):
            found.append(f"line {node.lineno}: tells what a change did from its description")
    found += [f"line {line}: SQL filters on an action name" for line, text in _strings(tree)
              if _ACTION_FILTER.search(text)]
    return found


def reserved_coder_violations(source: str) -> list[str]:
    """A reserved coder name spelt as a string of its own (not imported from qca.coders)."""
    return [f"line {line}: {text!r}" for line, text in _strings(ast.parse(source))
            if text in _RESERVED_CODERS]


def _report(check, paths: list[Path]) -> list[str]:
    return [f"{p.relative_to(PACKAGE.parent)} {problem}"
            for p in paths for problem in check(p.read_text(encoding="utf-8"))]


def test_only_the_store_writes() -> None:
    assert _report(write_violations, _modules(STORE)) == []


def test_only_events_names_actions() -> None:
    assert _report(action_violations, _modules(EVENTS)) == []


def test_reserved_coder_names_are_defined_once() -> None:
    assert _report(reserved_coder_violations, _modules(CODERS, EVENTS)) == []


def test_the_store_does_write() -> None:
    # the scan recognises the store's own writes, so it would see them anywhere else
    assert len(write_violations(STORE.read_text(encoding="utf-8"))) > 10


@pytest.mark.parametrize("snippet", [
    'conn.execute("INSERT INTO codings VALUES (?)", row)',
    'conn.execute("insert or replace into notes (a) values (1)")',
    "conn.execute(f\"UPDATE sources SET variables = ? WHERE id = {x}\")",
    'conn.executemany("DELETE FROM codings WHERE coder = ?", rows)',
    'db.table("codings").insert_all(rows)',
    'project.db["notes"].upsert(row, pk="id")',
    'project.db.table("codings").delete(("a", "b"))',
    'db.executescript(script)',
    'conn.execute("DELETE FROM features")',
    'project.db.table("codings").add_column("weight", int)',
])
def test_write_scan_catches(snippet: str) -> None:
    assert write_violations(snippet)


@pytest.mark.parametrize("snippet", [
    'items.insert(0, x)',
    'counts.update(seen)',
    'widget.update("Delete from the list")',
    'self.notify("insert into the memo what you think")',
    'table.add_column("Name")',
    'conn.execute("SELECT * FROM codings WHERE category = ?", (key,))',
])
def test_write_scan_passes(snippet: str) -> None:
    assert write_violations(snippet) == []


@pytest.mark.parametrize("snippet", [
    'if action == "coding":\n    pass',
    'ok = event.action in ("undo", "redo")',
    '_CHANGE_ACTIONS = ("coding", "note")',
    'project.log(coder, "merge", name, after={})',
    'conn.execute("SELECT id FROM events WHERE action = \'merge\'")',
    'conn.execute("SELECT id FROM events WHERE action IN (\'coding\', \'note\')")',
    'if origin == "manual":\n    pass',
    'if change.description.startswith("assigned"):\n    pass',
    'ok = "removed" in change.description',
])
def test_action_scan_catches(snippet: str) -> None:
    assert action_violations(snippet)


@pytest.mark.parametrize("snippet", [
    'if action == Action.CODING:\n    pass',
    'count_noun(n, "coding")',
    'verb = "merged" if ctx.info_name == "merge" else "combined"',
    '@cli.command(name="merge")\ndef merge_cmd():\n    pass',
    'conn.execute("SELECT id FROM events WHERE action = ?", (Action.MERGE,))',
])
def test_action_scan_passes(snippet: str) -> None:
    assert action_violations(snippet) == []


def test_reserved_coder_scan() -> None:
    assert reserved_coder_violations('CONSENSUS = "consensus"')
    assert reserved_coder_violations('name = "machine:" + coder')
    assert reserved_coder_violations('msg = "not \'consensus\' please"') == []
