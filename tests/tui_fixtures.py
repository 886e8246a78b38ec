"""A small, fixed project for the session and coding-screen tests (no demo files needed).

Import the fixtures into a test module with ``from tests.tui_fixtures import *``-style
explicit imports; ``build_project`` is usable from subprocesses and the benchmark too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qca.codebook import codebook_from_dict
from qca.revise import replace_codebook
from qca.store import Project

CODEBOOK = {
    "name": "Testbuch",
    "categories": [
        {
            "key": "CHANCEN", "name": "Chancen von Vielfalt", "questions": ["chancen"],
            "definition": "Nutzen, den die Stelle in Vielfalt sieht.",
            "children": [
                {"key": "CH_LERNEN", "name": "Vielfalt als Lernanlass", "shortcut": "1",
                 "definition": "Vorurteile werden abgebaut, Sichtweisen hinterfragt.",
                 "anchors": ["Begegnung hilft, eigene Vorurteile zu hinterfragen."],
                 "rule": "Kodieren, wenn Lernen im Vordergrund steht."},
                {"key": "CH_KONFLIKT", "name": "Konflikte gemeinsam lösen", "shortcut": "2",
                 "definition": "Konflikte werden mit vielen Perspektiven bearbeitet.",
                 "anchors": ["Mehr Perspektiven führen zu tragfähigen Lösungen."]},
                {"key": "CH_ZUSAMMEN", "name": "Sozialer Zusammenhalt", "shortcut": "3",
                 "definition": "Toleranz und Vertrauen in der Nachbarschaft wachsen."},
                {"key": "CH_WIRTSCHAFT", "name": "Wirtschaftliche Impulse",
                 "definition": "Fachkräfte, Gründungen, Kaufkraft.",
                 "anchors": ["Migrantische Betriebe beleben die Innenstadt."]},
            ],
        },
        {
            "key": "HERAUS", "name": "Herausforderungen", "questions": ["herausforderungen"],
            "children": [
                {"key": "HE_SPRACHE", "name": "Sprachbarrieren", "shortcut": "1",
                 "definition": "Verständigung scheitert an der Sprache."},
                {"key": "HE_KONKURRENZ", "name": "Nutzungskonkurrenz", "shortcut": "2",
                 "definition": "Gruppen konkurrieren um öffentliche Räume."},
            ],
        },
        {
            "key": "PROTO", "name": "Dialogprotokoll", "questions": ["protokoll"],
            "children": [
                {"key": "PR_VORSCHLAG", "name": "Vorschlag", "shortcut": "1",
                 "definition": "Ein konkreter Vorschlag für eine Maßnahme."},
                {"key": "PR_KRITIK", "name": "Kritik", "shortcut": "2",
                 "definition": "Kritik an bestehenden Angeboten."},
            ],
        },
        {
            "key": "SONST", "name": "Allgemein",
            "children": [
                {"key": "UNKLAR", "name": "Unklar / nicht zuordenbar", "shortcut": "0",
                 "definition": "Die Antwort lässt sich keiner Kategorie zuordnen."},
            ],
        },
    ],
}

OFFICES = ["Ordnungsamt", "Stadtplanung", "Sozialamt", "Jugendamt"]
CHANCEN = [
    "Begegnung mit anderen Kulturen hilft, eigene Vorurteile zu hinterfragen.",
    "Mehr Perspektiven am Tisch führen zu besseren Lösungen bei Konflikten im Quartier.",
    "k.A.",
    "Wo sich Nachbarn kennen, entsteht Vertrauen – das ist die beste Prävention. Außerdem "
    "beleben migrantische Betriebe die Innenstadt und schaffen Arbeitsplätze.",
    "Vielfalt bringt neue Ideen in die Verwaltung.",
    "Die Sicherheit im öffentlichen Raum steigt, wenn alle Gruppen sich beteiligen.",
]
HERAUS = [
    "Sprachbarrieren erschweren die Arbeit des Ordnungsdienstes.",
    "Konkurrenz um Plätze und Parks zwischen Jugendlichen und Älteren.",
    "-",
    "Fehlende Übersetzungen bei Bürgerversammlungen.",
    "Zu wenig Personal für aufsuchende Arbeit.",
    "Vorurteile in der Nachbarschaft.",
]
PASSAGES = [
    ("Begrüßung", "Die Moderatorin begrüßt die Teilnehmenden und stellt die Tagesordnung vor."),
    ("Runde 1", "Herr K. schlägt vor, im Park einen Treffpunkt für Jugendliche einzurichten."),
    ("Runde 1", "Frau M. kritisiert, dass die Sprechstunden des Ordnungsamts zu kurz sind."),
    ("Runde 2", "Die Gruppe einigt sich, im Herbst ein Nachbarschaftsfest zu planen."),
]


def build_project(path: Path, *, answers: int = 6) -> Path:
    """Create the test project at ``path``: survey rows with two questions, one protocol."""
    project = Project.create(path)
    try:
        replace_codebook(project, codebook_from_dict(CODEBOOK), author="t", note="t")
        with project.transaction():
            seq = 0
            for i in range(answers):
                sid = f"R{i + 1:03d}"
                variables = {"amt": OFFICES[i % len(OFFICES)], "lfd_nr": str(i + 1)}
                project.conn.execute(
                    "INSERT INTO sources (id, kind, name, variables) VALUES (?, 'survey', ?, ?)",
                    (sid, f"befragung.csv row {i + 2}", json.dumps(variables)))
                for q, texts in (("chancen", CHANCEN), ("herausforderungen", HERAUS)):
                    text = texts[i % len(texts)]
                    seq += 1
                    project.conn.execute(
                        "INSERT INTO segments (id, seq, source_id, question, position, heading, "
                        "text, substantive) VALUES (?, ?, ?, ?, 0, NULL, ?, ?)",
                        (f"{sid}#{q}", seq, sid, q, text, int(text not in ("k.A.", "-"))))
            project.conn.execute(
                "INSERT INTO sources (id, kind, name, variables) VALUES "
                "('P1', 'protocol', 'protokoll_1.txt', ?)", (json.dumps({"treffen": "1"}),))
            for pos, (heading, text) in enumerate(PASSAGES, start=1):
                seq += 1
                project.conn.execute(
                    "INSERT INTO segments (id, seq, source_id, question, position, heading, text, "
                    "substantive) VALUES (?, ?, 'P1', 'protokoll', ?, ?, ?, 1)",
                    (f"P1#{pos}", seq, pos, heading, text))
            project.add_variable_names(["amt", "lfd_nr", "treffen"])
    finally:
        project.close()
    return path


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return build_project(tmp_path / "t.qca")


@pytest.fixture
def project(project_path: Path):
    proj = Project.open(project_path)
    yield proj
    proj.close()


def recording_app(path: Path, coder: str = "anna", **kw):  # type: ignore[no-untyped-def]
    """The coding screen's app for ``coder`` (no pipeline note), and the list its
    notifications are recorded in as ``(message, severity)``."""
    from qca.tui.app import make_app

    app = make_app(path, coder, show_pipeline=False, **kw)
    notes: list[tuple[str, str]] = []
    original = app.notify

    def record(message, *, severity="information", **rest):  # type: ignore[no-untyped-def]
        notes.append((str(message), severity))
        return original(message, severity=severity, **rest)

    app.notify = record  # type: ignore[method-assign]
    return app, notes


def type_fast(app, *keys: str) -> None:  # type: ignore[no-untyped-def]
    """Deliver keys at once, as a fast typist's terminal would (no waiting between keys)."""
    from textual import events

    for key in keys:
        named = {"slash": "/", "enter": "\r", "escape": "\x1b"}
        char = named.get(key, key if len(key) == 1 else None)
        app._driver.send_message(events.Key(key, char))


LONG_NAME = ("Diversifizierte Governance-, Arbeits- und Entscheidungsstrukturen zwischen "
             "Ämtern, Ressorts und Stadtgesellschaft")
"""A category name longer than any line of the screen."""

MANY_CATEGORIES = {
    "name": "Dialogbuch",
    "categories": [
        {"key": "KAP", "name": "Komponenten transformativer Kapazität", "questions": ["dialog"],
         "children": [
             {"key": f"KA_{i}", "name": name, "shortcut": str(i),
              "definition": f"Definition von {name}.", "rule": "Kodieren, wenn genannt."}
             for i, name in enumerate([LONG_NAME, "Leitung und Führung", "Systembewusstsein",
                                       "Reflexion und Lernen", "Zusammenarbeit mit Akteuren",
                                       "Wissensdialog", "Sonstiges (Kapazität)"], start=1)]},
        {"key": "BAR", "name": "Barrieren der Umsetzung", "questions": ["dialog"],
         "children": [
             {"key": f"BA_{c.upper()}", "name": name, "shortcut": c,
              "definition": f"Definition von {name}.", "rule": "Kodieren, wenn genannt."}
             for c, name in zip("abcdefgh", [
                 "Ressortlogik und Hierarchie", "Geschlossene Verwaltungskultur",
                 "Personalmangel und Überlastung", "Freiwillige Aufgabe",
                 "Fehlendes Wissen", "Koordinierungsdefizite", "Fehlende Unterstützung",
                 "Sonstiges (Barrieren)"])]},
        {"key": "ALLG", "name": "Allgemein",
         "children": [
             {"key": "UNKLAR", "name": "Unklar", "shortcut": "x",
              "definition": "Nicht zuordenbar.", "rule": "Nur wenn nichts passt."},
             {"key": "ZITAT", "name": "Gutes Zitat", "shortcut": "y",
              "definition": "Für den Bericht.", "rule": "Zusätzlich zu anderen Codes."}]},
    ],
}
"""17 codable categories in three groups (20 rows) for the question ``dialog``."""

DIALOG = [
    ("Rahmendaten", "Datum: 12. Februar 2025\nOrt: digital (Videokonferenz)"),
    ("Erfahrungen", "Frau K. berichtet, dass die Stelle befristet über ein Förderprogramm "
                    "finanziert wird und in 18 Monaten ausläuft."),
    ("Barrieren", "Herr B. sieht die Ressortlogik als größtes Hindernis: jedes Amt plane für "
                  "sich, Abstimmungen kämen zu spät."),
]


LONG_PASSAGE = (
    "Erfahrungen aus den Städten",
    "Frau K. berichtet aus Auenfeld, dass die Stelle der Klimaanpassungsmanagerin seit 2023 "
    "besteht, allerdings befristet und über ein Förderprogramm finanziert. Der "
    "Hitzeaktionsplan wird derzeit in einer ämterübergreifenden Arbeitsgruppe erarbeitet, in "
    "der neben der Stadtplanung auch das Gesundheitsamt, das Sozialamt und der Eigenbetrieb "
    "Stadtgrün vertreten sind. Die Arbeitsgruppe trifft sich monatlich, die Geschäftsführung "
    "liegt bei ihr. Problematisch sei, dass die Stelle in 18 Monaten ausläuft und bislang "
    "offen ist, wer die Koordination danach übernimmt.")
"""A passage (562 characters, as the longest of the demo protocols) longer than the text
panel at 80x24 holds."""


def build_many_categories_project(path: Path, passages: list[tuple[str, str]] = DIALOG) -> Path:
    """A protocol of ``passages`` (three by default) whose question offers 17 categories."""
    project = Project.create(path)
    try:
        replace_codebook(project, codebook_from_dict(MANY_CATEGORIES), author="t", note="t")
        with project.transaction():
            project.conn.execute(
                "INSERT INTO sources (id, kind, name, variables) VALUES "
                "('D1', 'protocol', 'dialog_1.txt', ?)", (json.dumps({"treffen": "1"}),))
            for pos, (heading, text) in enumerate(passages, start=1):
                project.conn.execute(
                    "INSERT INTO segments (id, seq, source_id, question, position, heading, "
                    "text, substantive) VALUES (?, ?, 'D1', 'dialog', ?, ?, ?, 1)",
                    (f"D1#{pos}", pos, pos, heading, text))
            project.add_variable_names(["treffen"])
    finally:
        project.close()
    return path


@pytest.fixture
def many_path(tmp_path: Path) -> Path:
    return build_many_categories_project(tmp_path / "many.qca")


@pytest.fixture
def long_path(tmp_path: Path) -> Path:
    """The 17-category protocol with a long passage first, then a short one."""
    return build_many_categories_project(tmp_path / "long.qca", [LONG_PASSAGE, DIALOG[1]])


class FixedSuggestions:
    """A stand-in for :class:`qca.suggest.SuggestionService` with fixed suggestions."""

    widen = False
    ready = True

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        pass

    def retrain(self) -> None:
        pass

    def note_coding(self) -> bool:
        return False

    def suggest(self, segment):  # type: ignore[no-untyped-def]
        from qca.suggest import Suggestion

        return [Suggestion("KA_1", LONG_NAME, 0.82, ["Stelle"]),
                Suggestion("BA_B", "Geschlossene Verwaltungskultur", 0.41, []),
                Suggestion("UNKLAR", "Unklar", 0.12, [])]


@pytest.fixture
def fixed_suggestions(monkeypatch: pytest.MonkeyPatch) -> type[FixedSuggestions]:
    """Make the coding screen's suggestions :class:`FixedSuggestions` (no model, no timing)."""
    import qca.suggest

    monkeypatch.setattr(qca.suggest, "SuggestionService", FixedSuggestions)
    return FixedSuggestions
