"""`qca copy`: a consistent, self-contained copy of a project that others may be coding in."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from qca.coding import set_coding, set_memo
from qca.merge import merge_project
from qca.store import Project

from conftest import run_cli, snapshot_db


def _codings(path: Path) -> set[tuple[str, str, str]]:
    conn = sqlite3.connect(str(path))
    try:
        return set(conn.execute("SELECT segment_id, category, coder FROM codings"))
    except sqlite3.OperationalError:  # "no such table": the schema itself is still in -wal
        return set()
    finally:
        conn.close()


def test_copy_holds_changes_still_in_the_wal(survey_project: Project, capsys) -> None:
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True)
    set_memo(survey_project, "1#chancen", "anna", "noch offen")
    wal = Path(f"{survey_project.path}-wal")
    assert wal.exists() and wal.stat().st_size > 0  # a coder still has the project open
    by_hand = survey_project.path.with_name("by_hand.qca")
    shutil.copyfile(survey_project.path, by_hand)
    assert ("1#chancen", "CH_REFL", "anna") not in _codings(by_hand)  # what qca copy avoids
    dest = survey_project.path.with_name("offline.qca")

    code, out, err = run_cli(capsys, "copy", str(survey_project.path), str(dest))

    assert code == 0, err
    assert f"qca merge {survey_project.path} {dest}" in out
    assert not Path(f"{dest}-wal").exists() and not Path(f"{dest}-shm").exists()
    assert not list(dest.parent.glob(".offline.qca.tmp*"))
    assert ("1#chancen", "CH_REFL", "anna") in _codings(dest)  # the main file alone has it
    with Project.open(dest) as copy:
        assert copy.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        memo = copy.conn.execute("SELECT memo FROM notes WHERE segment_id = '1#chancen' "
                                 "AND coder = 'anna'").fetchone()
        assert memo == ("noch offen",)


def test_work_in_the_copy_merges_back(survey_project: Project, capsys) -> None:
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True)
    dest = survey_project.path.with_name("ben.qca")
    assert run_cli(capsys, "copy", str(survey_project.path), str(dest))[0] == 0
    with Project.open(dest) as copy:
        set_coding(copy, "2#chancen", "CH_ZUS", "ben", True)
    result = merge_project(survey_project, dest, actor="lead")
    assert result.written and result.codings_added == 1 and not result.conflicts
    assert {c.category for c in survey_project.codings(coder="ben")} == {"CH_ZUS"}


@pytest.mark.parametrize("where", ["exists", "no folder"])
def test_bad_destination_one_line_and_nothing_changes(survey_project: Project, capsys,
                                                      where: str) -> None:
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True)
    dest = survey_project.path.with_name("taken.qca")
    if where == "exists":
        dest.write_bytes(b"someone's file")
    else:
        dest = survey_project.path.parent / "missing" / "copy.qca"
    before = snapshot_db(survey_project.path)

    code, out, err = run_cli(capsys, "copy", str(survey_project.path), str(dest))

    assert code == 2 and out == ""
    assert err.count("\n") == 1 and str(dest) in err and "Traceback" not in err
    assert snapshot_db(survey_project.path) == before
    if where == "exists":
        assert dest.read_bytes() == b"someone's file"


def test_a_failed_write_leaves_no_file(survey_project: Project, monkeypatch, capsys) -> None:
    import os

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    dest = survey_project.path.with_name("copy.qca")

    code, _, err = run_cli(capsys, "copy", str(survey_project.path), str(dest))

    assert code == 2 and "No space left on device" in err and "check free space" in err
    assert not dest.exists()
    assert not list(dest.parent.glob(".copy.qca.tmp*"))
