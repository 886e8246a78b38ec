"""Merging a coder's copy of the project back: new work comes in, conflicts never overwrite."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from qca.coding import set_coding, set_flag, set_memo, undo
from qca.errors import CodebookError, CodingError, ProjectError
from qca.merge import merge_project
from qca.reconcile import set_consensus
from qca.store import Project

from conftest import snapshot_db


def copy_of(project: Project, name: str = "copy.qca") -> Path:
    project.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target = project.path.with_name(name)
    shutil.copy(project.path, target)
    return target


def test_merge_brings_codings_and_notes(survey_project: Project) -> None:
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True)
    path = copy_of(survey_project)
    with Project.open(path) as other:
        set_coding(other, "1#chancen", "CH_ZUS", "ben", True)
        set_coding(other, "1#chancen", "MEMO", "ben", True)
        set_memo(other, "1#chancen", "ben", "unsicher")
        set_flag(other, "2#chancen", "ben", True)
    result = merge_project(survey_project, path, actor="lead")
    assert result.written and result.codings_added == 2 and result.notes_added == 2
    assert result.identical == 1  # anna's coding is in both files
    assert result.coders == ["ben"]
    ben = {c.category: c for c in survey_project.codings(coder="ben")}
    assert set(ben) == {"CH_ZUS", "MEMO"} and ben["CH_ZUS"].origin == "manual"
    assert survey_project.conn.execute(
        "SELECT memo FROM notes WHERE segment_id = '1#chancen' AND coder = 'ben'").fetchone()[0] == "unsicher"
    event = survey_project.events(actor="lead")[-1]
    assert event.action == "merge" and event.after["codings"] == 2
    # merging again changes nothing
    again = merge_project(survey_project, path)
    assert again.codings_added == 0 and again.identical == 4 and not again.conflicts


def test_conflicts_are_reported_not_overwritten(survey_project: Project) -> None:
    path = copy_of(survey_project)
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True)
    with Project.open(path) as other:
        set_coding(other, "1#chancen", "CH_ZUS", "anna", True)  # conflict with CH_REFL
        set_coding(other, "2#chancen", "CH_ZUS", "anna", True)  # new
    before = snapshot_db(survey_project.path)
    result = merge_project(survey_project, path)
    assert not result.written and len(result.conflicts) == 1
    conflict = result.conflicts[0]
    assert (conflict.segment_id, conflict.coder, conflict.kind) == ("1#chancen", "anna", "codings")
    assert conflict.ours == {"CH_REFL"} and conflict.theirs == {"CH_ZUS"}
    assert "here {CH_REFL}, other {CH_ZUS}" in conflict.describe()
    assert snapshot_db(survey_project.path) == before

    result = merge_project(survey_project, path, skip_conflicts=True)
    assert result.written and result.codings_added == 1 and len(result.conflicts) == 1
    anna = {(c.segment_id, c.category) for c in survey_project.codings(coder="anna")}
    assert anna == {("1#chancen", "CH_REFL"), ("2#chancen", "CH_ZUS")}


def codes(project: Project, coder: str, segment: str = "1#chancen") -> set[str]:
    return {c.category for c in project.codings(coder=coder, segment_id=segment)}


def test_removal_of_all_codes_is_applied(survey_project: Project) -> None:
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True)
    set_coding(survey_project, "1#chancen", "MEMO", "anna", True, memo="Beispiel")
    set_coding(survey_project, "1#chancen", "CH_REFL", "ben", True)
    path = copy_of(survey_project)
    with Project.open(path) as other:
        set_coding(other, "1#chancen", "CH_REFL", "anna", False)
        set_coding(other, "1#chancen", "MEMO", "anna", False)
        set_coding(other, "2#chancen", "CH_ZUS", "anna", True)
    dry = merge_project(survey_project, path, dry_run=True)
    assert not dry.written and dry.codings_removed == 2 and codes(survey_project, "anna") == {"CH_REFL", "MEMO"}
    result = merge_project(survey_project, path, actor="lead")
    assert result.written and not result.conflicts
    assert (result.codings_added, result.codings_removed, result.identical) == (1, 2, 1)
    assert result.coders == ["anna"] and "2 codings removed" in result.summary()
    assert codes(survey_project, "anna") == set() and codes(survey_project, "ben") == {"CH_REFL"}
    assert codes(survey_project, "anna", "2#chancen") == {"CH_ZUS"}
    event = survey_project.events(actor="lead")[-1]
    assert event.action == "merge" and event.after["codings_removed"] == 2
    # the log keeps what was removed, memo included
    assert {(r["category"], r["memo"]) for r in event.before["removed"]} == {("CH_REFL", ""), ("MEMO", "Beispiel")}
    # merging again: both files agree, nothing to do
    again = merge_project(survey_project, path)
    assert again.codings_removed == 0 and not again.conflicts and again.identical == 3


@pytest.mark.parametrize("change_here", [
    lambda p: set_coding(p, "1#chancen", "CH_ZUS", "anna", True),  # anna added a code here
    lambda p: (set_coding(p, "1#chancen", "CH_REFL", "anna", False),  # removed and coded again:
               set_coding(p, "1#chancen", "CH_REFL", "anna", True)),  # same set, still a change
], ids=["added-here", "recoded-here"])
def test_removal_against_our_later_change_is_a_conflict(survey_project: Project, change_here) -> None:
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True)
    path = copy_of(survey_project)
    with Project.open(path) as other:
        set_coding(other, "1#chancen", "CH_REFL", "anna", False)
        set_coding(other, "2#chancen", "CH_ZUS", "anna", True)
    change_here(survey_project)
    mine = codes(survey_project, "anna")
    before = snapshot_db(survey_project.path)
    result = merge_project(survey_project, path)
    assert not result.written and result.codings_removed == 0 and len(result.conflicts) == 1
    conflict = result.conflicts[0]
    assert (conflict.segment_id, conflict.coder, conflict.kind) == ("1#chancen", "anna", "codings")
    assert conflict.ours == mine and conflict.theirs == frozenset()
    assert snapshot_db(survey_project.path) == before  # nothing written

    result = merge_project(survey_project, path, skip_conflicts=True)
    assert result.written and result.codings_added == 1 and len(result.conflicts) == 1
    assert codes(survey_project, "anna") == mine  # ours kept
    assert codes(survey_project, "anna", "2#chancen") == {"CH_ZUS"}


def test_partial_removal_of_an_unchanged_set_is_applied(survey_project: Project) -> None:
    # formerly a conflict ({CH_REFL, CH_ZUS} here, {CH_REFL} there); the log proves it a removal
    for cat in ("CH_REFL", "CH_ZUS"):
        set_coding(survey_project, "1#chancen", cat, "anna", True)
        set_coding(survey_project, "2#chancen", cat, "anna", True)
    path = copy_of(survey_project)
    with Project.open(path) as other:
        set_coding(other, "1#chancen", "CH_ZUS", "anna", False)  # a plain removal
        set_coding(other, "2#chancen", "CH_ZUS", "anna", False)  # removal and an addition:
        set_coding(other, "2#chancen", "MEMO", "anna", True)  # still a conflict
    result = merge_project(survey_project, path, skip_conflicts=True)
    assert result.codings_removed == 1 and result.codings_added == 0
    assert [(c.segment_id, c.theirs) for c in result.conflicts] == [("2#chancen", {"CH_REFL", "MEMO"})]
    assert codes(survey_project, "anna") == {"CH_REFL"}
    assert codes(survey_project, "anna", "2#chancen") == {"CH_REFL", "CH_ZUS"}


def test_only_removals_after_the_copy_count(survey_project: Project) -> None:
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True)
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", False)  # before the copy
    set_coding(survey_project, "2#chancen", "CH_ZUS", "anna", True)
    path = copy_of(survey_project)
    with Project.open(path) as other:
        undo(other, "anna")  # undoes coding 2#chancen from before the copy: a removal there
        set_coding(other, "3#chancen", "CH_ZUS", "anna", True)  # coded and removed again
        set_coding(other, "3#chancen", "CH_ZUS", "anna", False)
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True)  # coded here after the copy
    result = merge_project(survey_project, path)
    assert result.written and not result.conflicts and result.codings_removed == 1
    assert codes(survey_project, "anna") == {"CH_REFL"}
    assert codes(survey_project, "anna", "2#chancen") == set()


def test_removal_merged_once_is_not_applied_again(survey_project: Project) -> None:
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True)
    path = copy_of(survey_project)
    with Project.open(path) as other:
        set_coding(other, "1#chancen", "CH_REFL", "anna", False)
    assert merge_project(survey_project, path).codings_removed == 1
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True)  # anna changes her mind here
    result = merge_project(survey_project, path)
    assert not result.written and [c.ours for c in result.conflicts] == [{"CH_REFL"}]
    assert codes(survey_project, "anna") == {"CH_REFL"}


def test_consensus_removal_is_applied(survey_project: Project) -> None:
    set_consensus(survey_project, "1#chancen", ["CH_REFL", "CH_ZUS"], lead="lea")
    path = copy_of(survey_project)
    with Project.open(path) as other:
        set_consensus(other, "1#chancen", [], lead="lea", reason="doch nichts")
    result = merge_project(survey_project, path, skip_conflicts=True)
    assert result.codings_removed == 2 and codes(survey_project, "consensus") == set()
    assert [(c.coder, c.kind) for c in result.conflicts] == [("consensus", "note")]  # the reason


def test_unknown_segment_is_an_error_and_nothing_changes(survey_project: Project) -> None:
    path = copy_of(survey_project)
    with Project.open(path) as other:
        with other.transaction():
            other.conn.execute(
                "INSERT INTO segments (id, seq, source_id, question, position, text) "
                "VALUES ('9#chancen', 99, '4', 'chancen', 1, 'neu')")
        set_coding(other, "9#chancen", "CH_ZUS", "ben", True)
        set_coding(other, "2#chancen", "CH_ZUS", "ben", True)
    before = snapshot_db(survey_project.path)
    with pytest.raises(CodingError, match="9#chancen"):
        merge_project(survey_project, path)
    assert snapshot_db(survey_project.path) == before


def test_changed_text_is_an_error(survey_project: Project) -> None:
    path = copy_of(survey_project)
    with Project.open(path) as other:
        with other.transaction():
            other.conn.execute("UPDATE segments SET text = 'anders' WHERE id = '2#chancen'")
        set_coding(other, "2#chancen", "CH_ZUS", "ben", True)
    with pytest.raises(CodingError, match="another source or text"):
        merge_project(survey_project, path)


def test_unknown_category_is_an_error(survey_project: Project) -> None:
    path = copy_of(survey_project)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("INSERT INTO codings VALUES ('2#chancen', 'NEU', 'ben', 'manual', 1, 'x', '')")
    conn.commit()
    conn.close()
    before = snapshot_db(survey_project.path)
    with pytest.raises(CodebookError, match="NEU"):
        merge_project(survey_project, path)
    assert snapshot_db(survey_project.path) == before


@pytest.mark.parametrize("make, message", [
    (lambda p: p.with_name("nope.qca"), "no such project"),
    (lambda p: p, "is the project itself"),
    (lambda p: (p.with_name("x.txt").write_text("hi"), p.with_name("x.txt"))[1], "not a qca project"),
])
def test_bad_other_file(survey_project: Project, make, message: str) -> None:
    with pytest.raises(ProjectError, match=message):
        merge_project(survey_project, make(survey_project.path))
