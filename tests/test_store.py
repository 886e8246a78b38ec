from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from qca.errors import ProjectError
from qca.events import ProjectCreated
from qca.store import APPLICATION_ID, SCHEMA_VERSION, Project, migrations

from conftest import project_before_source_texts


def test_create_sets_wal_schema_and_identity(tmp_path: Path) -> None:
    path = tmp_path / "p.qca"
    Project.create(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    applied = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert len(applied) == SCHEMA_VERSION
    assert applied[0] == "0001_initial"


def test_create_refuses_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "p.qca"
    path.write_text("x")
    with pytest.raises(ProjectError, match="exists already"):
        Project.create(path)
    assert path.read_text() == "x"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"hello, not a database", "not an SQLite file"),
        (b"", "not an SQLite file"),
    ],
)
def test_open_refuses_non_projects(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.qca"
    path.write_bytes(content)
    with pytest.raises(ProjectError, match=message):
        Project.open(path)


def test_open_refuses_foreign_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(ProjectError, match="not a qca project"):
        Project.open(path)


def test_open_refuses_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "p.qca"
    Project.create(path).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('qca', '9999_future', 'x')"
    )
    conn.commit()
    conn.close()
    with pytest.raises(ProjectError, match="newer qca"):
        Project.open(path)


def test_missing_project(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="qca init"):
        Project.open(tmp_path / "none.qca")


def test_transaction_rolls_back(project: Project) -> None:
    before = project.count("events")
    with pytest.raises(RuntimeError):
        with project.transaction():
            project.log("t", ProjectCreated("test"))
            raise RuntimeError("boom")
    assert project.count("events") == before


def test_event_log_is_append_only(project: Project) -> None:
    with project.transaction():
        project.log("t", ProjectCreated("test"))
    with pytest.raises(ProjectError, match="append-only"):
        with project.transaction():
            project.conn.execute("DELETE FROM events")
    with pytest.raises(ProjectError, match="append-only"):
        with project.transaction():
            project.conn.execute("UPDATE events SET actor = 'x'")


def test_busy_database_waits_then_reports(tmp_path: Path, monkeypatch) -> None:
    import qca.store as store

    path = tmp_path / "p.qca"
    Project.create(path).close()
    blocker = sqlite3.connect(path)
    blocker.execute("BEGIN IMMEDIATE")
    monkeypatch.setattr(store, "BUSY_TIMEOUT", 0.2)
    proj = Project.open(path)
    proj.conn.execute("PRAGMA busy_timeout = 200")
    with pytest.raises(ProjectError, match="busy"):
        with proj.transaction():
            proj.log("t", ProjectCreated("x"))
    blocker.rollback()
    with proj.transaction():
        proj.log("t", ProjectCreated("x"))
    proj.close()
    blocker.close()


def test_codebook_versions(project: Project, small_codebook) -> None:
    assert project.codebook_version() == 1
    assert project.codebook().get("CH_REFL").name == "Reflexionsressource"
    with project.transaction():
        small_codebook.name = "renamed"
        project.save_codebook(small_codebook, author="lead", note="rename book")
    assert project.codebook_version() == 2
    assert project.codebook().name == "renamed"
    assert project.codebook_at(1).name == "Test codebook"
    assert [v["note"] for v in project.codebook_versions()] == ["test codebook", "rename book"]


def test_migrations_are_numbered() -> None:
    names = [m.name for m in migrations._migrations]
    assert names == sorted(names)
    assert all(n[:4].isdigit() for n in names)


def test_project_from_before_source_texts_migrates_without_loss(tmp_path: Path) -> None:
    from conftest import snapshot_db

    path = tmp_path / "alt.qca"
    project_before_source_texts(path)
    before = snapshot_db(path)
    assert "source_texts" not in before
    with Project.open(path) as proj:
        assert [s.text for s in proj.segments()] == ["Antwort.", "Erster Absatz.",
                                                     "Zweiter Absatz."]
        assert proj.count("source_texts") == proj.count("segment_spans") == 0
    after = snapshot_db(path)
    applied = after.pop("_sqlite_migrations")
    assert len(applied) == SCHEMA_VERSION
    assert any("'0003_source_texts'" in row for row in applied)
    assert after.pop("source_texts") == after.pop("segment_spans") == []
    # 0004_search fills the search index from the segments already there
    assert after.pop("segment_search") == ["('antwort.',)", "('erster absatz.',)",
                                           "('zweiter absatz.',)"]
    for table in [t for t in after if t.startswith("segment_search_")]:
        after.pop(table)
    assert after.pop("search_pending") == []
    assert after.pop("question_aliases") == []
    assert after.pop("segment_vectors") == []  # 0008: sentence vectors, computed on request
    # 0007 adds segments.import_id, from the source's import (none in this old file)
    after["segments"] = [row.removesuffix(", None)") + ")" for row in after["segments"]]
    before.pop("_sqlite_migrations")
    assert after == before
