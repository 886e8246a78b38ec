"""Shared fixtures: a small codebook and project in tmp_path; no test downloads anything."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qca.codebook import Codebook, codebook_from_dict
from qca.revise import replace_codebook
from qca.store import Project

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"



@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests speak English whatever the shell's locale; German tests ask for it."""
    from qca.i18n import set_language

    monkeypatch.setenv("QCA_LANG", "en")
    set_language()


@pytest.fixture(autouse=True)
def _no_sentence_vectors(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test needs the real sentence encoder, installed or not; tests of vectors inject a
    fake one (qca.suggest.vectors.use_encoder)."""
    monkeypatch.setenv("QCA_VECTORS", "off")


@pytest.fixture
def german(monkeypatch: pytest.MonkeyPatch) -> None:
    """The interface in German for one test (as ``QCA_LANG=de`` would give)."""
    from qca.i18n import set_language

    monkeypatch.setenv("QCA_LANG", "de")
    set_language()


SMALL_CODEBOOK = {
    "name": "Test codebook",
    "categories": [
        {
            "key": "CH",
            "name": "Chancen",
            "questions": ["chancen"],
            "children": [
                {"key": "CH_REFL", "name": "Reflexionsressource",
                 "definition": "Vielfalt regt an, die eigene Arbeit zu überdenken.",
                 "anchors": ["Wir hinterfragen unsere Routinen."], "rule": "Nur Reflexion.",
                 "shortcut": "1"},
                {"key": "CH_ZUS", "name": "Zusammenhalt",
                 "definition": "Vielfalt stärkt den sozialen Zusammenhalt.",
                 "anchors": ["Das Miteinander im Quartier wird besser."], "rule": "Zusammenhalt.",
                 "shortcut": "2"},
                {"key": "CH_SONST", "name": "Sonstiges", "definition": "Andere Chancen.",
                 "rule": "Sonstiges.", "shortcut": "9"},
            ],
        },
        {
            "key": "HE",
            "name": "Herausforderungen",
            "questions": ["herausforderungen"],
            "children": [
                {"key": "HE_SPR", "name": "Sprachbarrieren", "definition": "Verständigung.",
                 "rule": "Sprachbarrieren.", "shortcut": "1"},
                {"key": "HE_KONF", "name": "Konflikte", "definition": "Konflikte zwischen Gruppen.",
                 "rule": "Konflikte.", "shortcut": "2"},
            ],
        },
        {"key": "MEMO", "name": "Bemerkenswert", "definition": "Für alle Fragen.",
         "rule": "Bemerkenswert.", "shortcut": "0"},
    ],
}

SMALL_SURVEY = (
    "lfd_nr;amt;chancen;herausforderungen\r\n"
    "1;Ordnung;Wir überdenken unsere Abläufe.;Sprachprobleme im Alltag\r\n"
    "2;Jugend;Mehr Miteinander im Stadtteil;\r\n"
    "3;Integration;k.A.;Konflikte zwischen Gruppen\r\n"
    '4;Soziales;"- Zusammenhalt\r\n- neue Ideen";-\r\n'
)


@pytest.fixture
def small_codebook() -> Codebook:
    return codebook_from_dict(json.loads(json.dumps(SMALL_CODEBOOK)))


@pytest.fixture
def survey_file(tmp_path: Path) -> Path:
    path = tmp_path / "survey.csv"
    path.write_bytes(SMALL_SURVEY.encode("cp1252"))
    return path


@pytest.fixture
def project(tmp_path: Path, small_codebook: Codebook):
    proj = Project.create(tmp_path / "test.qca")
    replace_codebook(proj, small_codebook, author="test", note="test codebook")
    yield proj
    proj.close()


@pytest.fixture
def survey_project(project: Project, survey_file: Path) -> Project:
    from qca.importing import import_survey

    import_survey(project, survey_file, text_columns=["chancen", "herausforderungen"],
                  id_column="lfd_nr")
    return project


def snapshot_db(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows, to assert that a failed command changed nothing."""
    import sqlite3

    conn = sqlite3.connect(str(path))
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"'))) for t in tables}
    finally:
        conn.close()


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run ``qca ARGS`` in-process; returns (exit code, stdout, stderr)."""
    from qca.cli import main

    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


def project_before_source_texts(path: Path) -> None:
    """A project file as qca wrote it before migration 0003: a survey answer and a coded
    protocol passage."""
    import sqlite_utils

    from qca.store import APPLICATION_ID, migrations

    conn = Project._connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrations.apply(sqlite_utils.Database(conn), stop_before="0003_source_texts")
    with conn:
        conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                         [("name", "alt"), ("created_at", "2024-01-01T00:00:00.000Z"),
                          ("variables", '["amt"]')])
        conn.execute("INSERT INTO codebook_versions VALUES (1, 'x', 'lead', 'start', ?)",
                     ('{"name": "B", "categories": [{"key": "A", "name": "A"}]}',))
        conn.execute("INSERT INTO categories (key, position, name) VALUES ('A', 0, 'A')")
        conn.executemany("INSERT INTO sources (id, kind, name, variables) VALUES (?, ?, ?, ?)",
                         [("R1", "survey", "u.csv", '{"amt": "Jugend"}'),
                          ("P", "protocol", "p.md", "{}")])
        conn.executemany(
            "INSERT INTO segments (id, seq, source_id, question, position, heading, text) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [("R1#q", 1, "R1", "q", 1, None, "Antwort."),
             ("P#1", 2, "P", None, 1, "Protokoll > TOP 1", "Erster Absatz."),
             ("P#2", 3, "P", None, 2, "Protokoll > TOP 2", "Zweiter Absatz.")])
        conn.execute("INSERT INTO codings VALUES ('P#2', 'A', 'anna', 'manual', 1, 'x', '')")
    conn.close()
