"""Merging a coder's copy of the project back: new work comes in, conflicts never overwrite."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from qca.codebook import Codebook
from qca.coding import set_coding, set_flag, set_memo, undo
from qca.errors import CodebookError, CodingError, ProjectError
from qca.importing import import_survey
from qca.merge import merge_project
from qca.reconcile import set_consensus
from qca.revise import replace_codebook
from qca.store import Project

from conftest import run_cli, snapshot_db


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
        set_coding(other, "2#chancen", "MEMO", "anna", True)  # changed only there, so taken over
    result = merge_project(survey_project, path)
    assert result.written and not result.conflicts
    assert result.codings_removed == 2 and result.codings_added == 1
    assert codes(survey_project, "anna") == {"CH_REFL"}
    assert codes(survey_project, "anna", "2#chancen") == {"CH_REFL", "MEMO"}


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
    # the copy's removal was taken in by the first merge: only this project changed since
    result = merge_project(survey_project, path)
    assert result.written and not result.conflicts and result.unchanged_there == 1
    assert result.codings_removed == 0 and codes(survey_project, "anna") == {"CH_REFL"}


def test_consensus_removal_is_applied(survey_project: Project) -> None:
    set_consensus(survey_project, "1#chancen", ["CH_REFL", "CH_ZUS"], lead="lea")
    path = copy_of(survey_project)
    with Project.open(path) as other:
        set_consensus(other, "1#chancen", [], lead="lea", reason="doch nichts")
    result = merge_project(survey_project, path)
    assert result.written and not result.conflicts
    assert result.codings_removed == 2 and codes(survey_project, "consensus") == set()
    assert note(survey_project, "consensus") == ("doch nichts", False)  # the reason, only set there


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


def note(project: Project, coder: str, segment: str = "1#chancen") -> tuple[str, bool] | None:
    row = project.conn.execute(
        "SELECT memo, flagged FROM notes WHERE segment_id = ? AND coder = ?", (segment, coder)
    ).fetchone()
    return (row[0], bool(row[1])) if row else None


def coded_and_noted(project: Project) -> None:
    """anna's work on 1#chancen before the copy: two codes, a memo and a flag."""
    set_coding(project, "1#chancen", "CH_REFL", "anna", True)
    set_coding(project, "1#chancen", "CH_ZUS", "anna", True)
    set_memo(project, "1#chancen", "anna", "unsicher")
    set_flag(project, "1#chancen", "anna", True)


@pytest.mark.parametrize("change_here, kept", [
    (lambda p: (set_coding(p, "1#chancen", "CH_REFL", "anna", False),
                set_coding(p, "1#chancen", "CH_ZUS", "anna", False)), 1),
    (lambda p: set_coding(p, "1#chancen", "CH_ZUS", "anna", False), 1),
    (lambda p: (set_coding(p, "1#chancen", "CH_ZUS", "anna", False),
                set_coding(p, "1#chancen", "MEMO", "anna", True)), 1),
    (lambda p: (undo(p, "anna"), undo(p, "anna"), undo(p, "anna")), 2),  # flag, memo, CH_ZUS
    (lambda p: set_memo(p, "1#chancen", "anna", ""), 1),
    (lambda p: set_flag(p, "1#chancen", "anna", False), 1),
    (lambda p: (set_memo(p, "1#chancen", "anna", ""), set_flag(p, "1#chancen", "anna", False)), 1),
    (lambda p: set_memo(p, "1#chancen", "anna", "doch sicher"), 1),
], ids=["codes-removed", "code-removed", "codes-changed", "undone", "memo-cleared",
        "flag-cleared", "note-cleared", "memo-changed"])
def test_change_here_is_kept_when_the_copy_has_the_state_of_the_copy(
    survey_project: Project, change_here, kept: int
) -> None:
    coded_and_noted(survey_project)
    path = copy_of(survey_project)
    with Project.open(path) as other:
        set_coding(other, "2#chancen", "CH_ZUS", "ben", True)  # new work elsewhere
        set_coding(other, "1#chancen", "MEMO", "anna", True)  # coded and removed again:
        set_coding(other, "1#chancen", "MEMO", "anna", False)  # the copy's codes are as copied
    change_here(survey_project)
    mine = codes(survey_project, "anna"), note(survey_project, "anna")
    result = merge_project(survey_project, path, actor="lead")
    assert result.written and not result.conflicts and result.unchanged_there == kept
    assert (result.codings_added, result.codings_removed, result.notes_cleared) == (1, 0, 0)
    assert f"{kept} changed only here (kept)" in result.summary()
    assert (codes(survey_project, "anna"), note(survey_project, "anna")) == mine  # not undone
    assert codes(survey_project, "ben", "2#chancen") == {"CH_ZUS"}
    assert survey_project.events(actor="lead")[-1].after["unchanged_there"] == kept


def test_removal_merged_from_one_copy_stays_when_merging_another(survey_project: Project) -> None:
    coded_and_noted(survey_project)
    anna, ben = copy_of(survey_project, "anna.qca"), copy_of(survey_project, "ben.qca")
    with Project.open(anna) as other:
        set_coding(other, "1#chancen", "CH_ZUS", "anna", False)
        set_memo(other, "1#chancen", "anna", "")
        set_flag(other, "1#chancen", "anna", False)
    with Project.open(ben) as other:
        set_coding(other, "1#chancen", "CH_REFL", "ben", True)
    first = merge_project(survey_project, anna)
    assert (first.codings_removed, first.notes_cleared) == (1, 1) and not first.conflicts
    # ben's copy still has anna's work as it was at the copy: nothing new there
    second = merge_project(survey_project, ben)
    assert second.written and not second.conflicts and second.unchanged_there == 2
    assert second.codings_added == 1 and second.coders == ["ben"]
    assert codes(survey_project, "anna") == {"CH_REFL"} and note(survey_project, "anna") is None


@pytest.mark.parametrize("change_here, change_there, kind, ours, theirs", [
    (lambda p: set_coding(p, "1#chancen", "CH_ZUS", "anna", False),
     lambda o: set_coding(o, "1#chancen", "MEMO", "anna", True),
     "codings", {"CH_REFL"}, {"CH_REFL", "CH_ZUS", "MEMO"}),
    (lambda p: (set_coding(p, "1#chancen", "CH_REFL", "anna", False),
                set_coding(p, "1#chancen", "CH_ZUS", "anna", False)),
     lambda o: (set_coding(o, "1#chancen", "CH_ZUS", "anna", False),
                set_coding(o, "1#chancen", "MEMO", "anna", True)),
     "codings", set(), {"CH_REFL", "MEMO"}),
    (lambda p: (set_coding(p, "1#chancen", "CH_REFL", "anna", False),
                set_coding(p, "1#chancen", "CH_ZUS", "anna", False)),
     lambda o: set_coding(o, "1#chancen", "CH_REFL", "anna", False),
     "codings", set(), {"CH_ZUS"}),
    (lambda p: set_memo(p, "1#chancen", "anna", "sicher"),
     lambda o: set_memo(o, "1#chancen", "anna", "ganz unsicher"),
     "note", ("sicher", True), ("ganz unsicher", True)),
    (lambda p: (set_memo(p, "1#chancen", "anna", ""), set_flag(p, "1#chancen", "anna", False)),
     lambda o: set_memo(o, "1#chancen", "anna", "ganz unsicher"),
     "note", ("", False), ("ganz unsicher", True)),
], ids=["code-removed-here-added-there", "codes-removed-here-changed-there",
        "removed-differently", "memo-changed-both",
        "note-cleared-here-changed-there"])
def test_change_on_both_sides_is_a_conflict(
    survey_project: Project, change_here, change_there, kind: str, ours, theirs
) -> None:
    coded_and_noted(survey_project)
    path = copy_of(survey_project)
    with Project.open(path) as other:
        change_there(other)
        set_coding(other, "2#chancen", "CH_ZUS", "ben", True)
    change_here(survey_project)
    before = snapshot_db(survey_project.path)
    result = merge_project(survey_project, path)
    assert not result.written and result.unchanged_there == 0
    assert [(c.segment_id, c.coder, c.kind, c.ours, c.theirs) for c in result.conflicts] == [
        ("1#chancen", "anna", kind, ours, theirs)]
    assert result.conflicts[0].describe().startswith(f"1#chancen anna {kind}: here ")
    assert snapshot_db(survey_project.path) == before  # nothing written

    result = merge_project(survey_project, path, skip_conflicts=True)
    assert result.written and result.codings_added == 1 and len(result.conflicts) == 1
    kept = (note(survey_project, "anna") or ("", False)) if kind == "note" else codes(survey_project, "anna")
    assert kept == ours  # ours kept


@pytest.mark.parametrize("clear, after", [
    (lambda o: set_memo(o, "1#chancen", "anna", ""), ("", True)),
    (lambda o: set_flag(o, "1#chancen", "anna", False), ("unsicher", False)),
    (lambda o: undo(o, "anna"), ("unsicher", False)),  # undoes the flag set before the copy
    (lambda o: (set_memo(o, "1#chancen", "anna", ""), set_flag(o, "1#chancen", "anna", False)), None),
    (lambda o: (set_flag(o, "1#chancen", "anna", False), set_flag(o, "1#chancen", "anna", True),
                set_memo(o, "1#chancen", "anna", "")), ("", True)),
], ids=["memo", "flag", "flag-undone", "both", "flag-off-and-on-memo-cleared"])
def test_memo_or_flag_cleared_in_the_copy_is_applied(survey_project: Project, clear, after) -> None:
    set_memo(survey_project, "1#chancen", "anna", "unsicher")
    set_flag(survey_project, "1#chancen", "anna", True)
    path = copy_of(survey_project)
    with Project.open(path) as other:
        clear(other)
    dry = merge_project(survey_project, path, dry_run=True)
    assert not dry.written and dry.notes_cleared == 1 and note(survey_project, "anna") == ("unsicher", True)
    result = merge_project(survey_project, path, actor="lead")
    assert result.written and not result.conflicts and result.notes_cleared == 1
    assert result.coders == ["anna"] and "1 note cleared" in result.summary()
    assert note(survey_project, "anna") == after
    event = survey_project.events(actor="lead")[-1]
    assert event.after["notes_cleared"] == 1
    # the log keeps the note as it was
    assert event.before["notes"] == [
        {"segment": "1#chancen", "coder": "anna", "memo": "unsicher", "flagged": True}]
    again = merge_project(survey_project, path)
    assert again.written and again.notes_cleared == 0 and not again.conflicts and again.identical == 1


def test_memo_changed_here_and_cleared_there_is_a_conflict(survey_project: Project) -> None:
    set_memo(survey_project, "1#chancen", "anna", "unsicher")
    path = copy_of(survey_project)
    with Project.open(path) as other:
        set_memo(other, "1#chancen", "anna", "")  # leaves no note in the copy
        set_coding(other, "2#chancen", "CH_ZUS", "ben", True)
    set_memo(survey_project, "1#chancen", "anna", "sicher")
    before = snapshot_db(survey_project.path)
    result = merge_project(survey_project, path)
    assert not result.written and result.notes_cleared == 0
    assert [(c.kind, c.ours, c.theirs) for c in result.conflicts] == [("note", ("sicher", False), ("", False))]
    assert result.conflicts[0].describe() == "1#chancen anna note: here memo 'sicher', other no memo"
    assert snapshot_db(survey_project.path) == before
    result = merge_project(survey_project, path, skip_conflicts=True)
    assert result.written and result.codings_added == 1 and note(survey_project, "anna") == ("sicher", False)


def test_without_common_events_the_files_are_compared_alone(
    survey_project: Project, survey_file: Path, small_codebook: Codebook
) -> None:
    # a project built from the same files, not a copy: no event in common
    path = survey_project.path.with_name("other.qca")
    with Project.create(path) as other:
        replace_codebook(other, small_codebook, author="test", note="test codebook")
        import_survey(other, survey_file, text_columns=["chancen", "herausforderungen"],
                      id_column="lfd_nr")
        set_coding(other, "1#chancen", "CH_REFL", "anna", True)
        set_memo(other, "1#chancen", "anna", "unsicher")
        with other.transaction():  # codes both files got without an event (an import, say) ...
            other.conn.execute(
                "INSERT INTO codings VALUES ('3#chancen', 'CH_ZUS', 'ben', 'imported', 1, 'x', '')")
        assert set_coding(other, "3#chancen", "CH_ZUS", "ben", False)  # ... and a removal of them
    # here anna coded, noted and removed it all again: from the whole logs that would look
    # like a change here that the other file lacks
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True)
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", False)
    set_memo(survey_project, "1#chancen", "anna", "unsicher")
    set_memo(survey_project, "1#chancen", "anna", "")
    with survey_project.transaction():
        survey_project.conn.execute(
            "INSERT INTO codings VALUES ('3#chancen', 'CH_ZUS', 'ben', 'imported', 1, 'x', '')")
    result = merge_project(survey_project, path)
    assert result.written and not result.conflicts
    assert (result.codings_added, result.notes_added, result.codings_removed) == (1, 1, 0)
    assert result.unchanged_there == 0 and result.identical == 0
    assert codes(survey_project, "anna") == {"CH_REFL"} and note(survey_project, "anna") == ("unsicher", False)
    assert codes(survey_project, "ben", "3#chancen") == {"CH_ZUS"}  # a removal needs a copy point


def test_merge_cli_names_cleared_notes_kept_changes_and_note_conflicts(
    survey_project: Project, capsys
) -> None:
    coded_and_noted(survey_project)
    set_memo(survey_project, "3#chancen", "lea", "prüfen")
    path = copy_of(survey_project)
    with Project.open(path) as other:
        set_memo(other, "1#chancen", "anna", "")  # the flag stays
        set_memo(other, "2#chancen", "ben", "neu")
        set_memo(other, "3#chancen", "lea", "geprüft")
    set_coding(survey_project, "1#chancen", "CH_ZUS", "anna", False)
    set_flag(survey_project, "3#chancen", "lea", True)
    survey_project.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = snapshot_db(survey_project.path)
    code, out, err = run_cli(capsys, "merge", str(survey_project.path), str(path), "--dry-run")
    assert code == 0 and out.strip() == (
        "dry run: would add 0 codings and 1 note and remove 0 codings and clear 1 note of "
        "anna, ben; 0 identical; 1 changed only here (kept); 1 conflict")
    assert err.strip() == "conflict: 3#chancen lea note: here memo 'prüfen' (flagged), other memo 'geprüft'"
    code, out, err = run_cli(capsys, "merge", str(survey_project.path), str(path))
    assert code != 0 and "1 conflict (listed above); nothing was merged" in err
    assert snapshot_db(survey_project.path) == before
    code, out, err = run_cli(capsys, "merge", str(survey_project.path), str(path), "--skip-conflicts")
    assert code == 0 and out.strip() == (
        "merged from copy.qca: 0 codings, 1 note, 1 note cleared of anna, ben; "
        "1 changed only here (kept); 1 conflict left as they are")


@pytest.mark.parametrize("change_there, after_codes, after_note, counts", [
    (lambda o: set_coding(o, "1#chancen", "MEMO", "anna", True),
     {"CH_REFL", "CH_ZUS", "MEMO"}, ("unsicher", True), (1, 0, 0, 0)),
    (lambda o: (set_coding(o, "1#chancen", "CH_ZUS", "anna", False),
                set_coding(o, "1#chancen", "MEMO", "anna", True)),
     {"CH_REFL", "MEMO"}, ("unsicher", True), (1, 1, 0, 0)),
    (lambda o: set_memo(o, "1#chancen", "anna", "doch sicher"),
     {"CH_REFL", "CH_ZUS"}, ("doch sicher", True), (0, 0, 0, 1)),
    (lambda o: (set_flag(o, "1#chancen", "anna", False), set_memo(o, "1#chancen", "anna", "geklärt")),
     {"CH_REFL", "CH_ZUS"}, ("geklärt", False), (0, 0, 0, 1)),
], ids=["code-added", "code-swapped", "memo-edited", "memo-edited-flag-cleared"])
def test_change_only_in_the_copy_is_taken_over(
    survey_project: Project, change_there, after_codes, after_note, counts
) -> None:
    coded_and_noted(survey_project)
    set_memo(survey_project, "2#chancen", "ben", "lang")  # a memo without a flag
    path = copy_of(survey_project)
    with Project.open(path) as other:
        change_there(other)
        set_flag(other, "2#chancen", "ben", True)  # a flag set on a segment with a memo
    set_coding(survey_project, "3#chancen", "CH_ZUS", "lea", True)  # elsewhere here
    result = merge_project(survey_project, path, actor="lead")
    assert result.written and not result.conflicts and result.unchanged_there == 0
    added, removed, cleared, changed = counts
    assert (result.codings_added, result.codings_removed, result.notes_cleared,
            result.notes_changed) == (added, removed, cleared, changed + 1)
    assert result.coders == ["anna", "ben"] and f"{changed + 1} note{'s' if changed else ''} changed" in result.summary()
    assert codes(survey_project, "anna") == after_codes and note(survey_project, "anna") == after_note
    assert note(survey_project, "ben", "2#chancen") == ("lang", True)
    assert codes(survey_project, "lea", "3#chancen") == {"CH_ZUS"}  # ours kept
    event = survey_project.events(actor="lead")[-1]
    # the log keeps what was removed and overwritten, and names what was added
    assert [r["category"] for r in event.before.get("removed", [])] == ["CH_ZUS"] * removed
    assert ("ben", "lang", False) in {(r["coder"], r["memo"], r["flagged"]) for r in event.before["notes"]}
    assert [r["category"] for r in event.after["added"]] == ["MEMO"] * added
    # the copy as merged is the base now: merging it again changes nothing
    before = snapshot_db(survey_project.path)
    again = merge_project(survey_project, path)
    assert again.written and not again.conflicts and again.codings_added == again.notes_changed == 0
    assert snapshot_db(survey_project.path) == before


def test_change_on_both_sides_blocks_the_change_only_there(survey_project: Project) -> None:
    coded_and_noted(survey_project)
    set_coding(survey_project, "2#chancen", "CH_REFL", "ben", True)
    path = copy_of(survey_project)
    with Project.open(path) as other:
        set_coding(other, "1#chancen", "MEMO", "anna", True)  # both changed anna's codes
        set_coding(other, "2#chancen", "CH_ZUS", "ben", True)  # only the copy changed ben's
    set_coding(survey_project, "1#chancen", "CH_SONST", "anna", True)
    before = snapshot_db(survey_project.path)
    result = merge_project(survey_project, path)
    assert not result.written and result.codings_added == 1  # would add ben's
    assert [(c.segment_id, c.coder, c.ours, c.theirs) for c in result.conflicts] == [
        ("1#chancen", "anna", {"CH_REFL", "CH_ZUS", "CH_SONST"}, {"CH_REFL", "CH_ZUS", "MEMO"})]
    assert snapshot_db(survey_project.path) == before  # nothing written
    result = merge_project(survey_project, path, skip_conflicts=True)
    assert result.written and len(result.conflicts) == 1
    assert codes(survey_project, "anna") == {"CH_REFL", "CH_ZUS", "CH_SONST"}  # ours kept
    assert codes(survey_project, "ben", "2#chancen") == {"CH_REFL", "CH_ZUS"}


def test_merging_the_same_copy_again_brings_only_the_new_work(survey_project: Project) -> None:
    coded_and_noted(survey_project)
    set_coding(survey_project, "3#chancen", "CH_ZUS", "anna", True)
    path = copy_of(survey_project)
    with Project.open(path) as other:
        set_coding(other, "1#chancen", "MEMO", "anna", True)
        set_memo(other, "2#chancen", "anna", "später")
    set_coding(survey_project, "3#chancen", "CH_ZUS", "anna", False)  # only here: kept
    first = merge_project(survey_project, path, actor="lead")
    assert (first.codings_added, first.notes_added, first.unchanged_there) == (1, 1, 1)
    assert not first.conflicts
    merged = survey_project.events(actor="lead")[-1]
    with Project.open(path) as other:
        last = other.events()[-1].id
        # more work in the copy, some on what the first merge took in ...
        set_coding(other, "1#chancen", "CH_ZUS", "anna", False)
        set_memo(other, "1#chancen", "anna", "sicher")
        set_coding(other, "4#chancen", "CH_ZUS", "ben", True)
    assert merged.after["other_log"]["last_event"] == last
    # ... and here, on what came from the copy
    set_memo(survey_project, "2#chancen", "anna", "später, mit ben")
    second = merge_project(survey_project, path, actor="lead")
    assert second.written and not second.conflicts
    assert (second.codings_added, second.codings_removed, second.notes_changed) == (1, 1, 1)
    assert second.unchanged_there == 2  # anna's memo on 2#chancen and codes on 3#chancen
    assert codes(survey_project, "anna") == {"CH_REFL", "MEMO"}
    assert note(survey_project, "anna") == ("sicher", True)
    assert note(survey_project, "anna", "2#chancen") == ("später, mit ben", False)
    assert codes(survey_project, "anna", "3#chancen") == set()  # not brought back
    assert codes(survey_project, "ben", "4#chancen") == {"CH_ZUS"}
    # the copy under another name is the same copy: identified by its log
    moved = path.with_name("moved.qca")
    shutil.copy(path, moved)
    third = merge_project(survey_project, moved)
    assert third.written and not third.conflicts and third.codings_added == third.codings_removed == 0


def test_merging_the_same_copy_again_without_new_work_does_nothing(survey_project: Project) -> None:
    coded_and_noted(survey_project)
    path = copy_of(survey_project)
    with Project.open(path) as other:
        set_coding(other, "1#chancen", "CH_ZUS", "anna", False)  # swapped
        set_coding(other, "1#chancen", "MEMO", "anna", True)
        set_memo(other, "1#chancen", "anna", "sicher")
    first = merge_project(survey_project, path)
    assert first.written and not first.conflicts
    set_coding(survey_project, "1#chancen", "CH_SONST", "anna", True)  # here since, only here
    events = len(survey_project.events())
    before = snapshot_db(survey_project.path)
    again = merge_project(survey_project, path)
    assert again.written and not again.conflicts and again.unchanged_there == 1
    assert (again.codings_added, again.codings_removed, again.notes_added, again.notes_changed) == (0, 0, 0, 0)
    assert snapshot_db(survey_project.path) == before and len(survey_project.events()) == events
    assert again.summary() == (f"nothing new in {path.name}; {again.identical} already "
                               "identical; 1 changed only here (kept)")
    dry = merge_project(survey_project, path, dry_run=True)
    assert dry.dry_run_summary().startswith(f"dry run: nothing new in {path.name}; ")


def test_conflict_left_by_a_merge_stays_a_conflict_when_merging_the_copy_again(
    survey_project: Project
) -> None:
    coded_and_noted(survey_project)
    path = copy_of(survey_project)
    with Project.open(path) as other:
        set_memo(other, "1#chancen", "anna", "dort")
    set_memo(survey_project, "1#chancen", "anna", "hier")
    first = merge_project(survey_project, path, skip_conflicts=True)
    assert first.written and len(first.conflicts) == 1
    with Project.open(path) as other:
        set_coding(other, "2#chancen", "CH_ZUS", "ben", True)  # new work elsewhere
    second = merge_project(survey_project, path)
    assert not second.written and [(c.kind, c.ours, c.theirs) for c in second.conflicts] == [
        ("note", ("hier", True), ("dort", True))]
    set_memo(survey_project, "1#chancen", "anna", "dort")  # the lead settles it
    third = merge_project(survey_project, path)
    assert third.written and not third.conflicts and third.codings_added == 1


def test_merge_cli_names_notes_changed_in_the_copy(survey_project: Project, capsys) -> None:
    coded_and_noted(survey_project)
    path = copy_of(survey_project)
    with Project.open(path) as other:
        set_memo(other, "1#chancen", "anna", "sicher")
        set_coding(other, "1#chancen", "CH_ZUS", "anna", False)
        set_coding(other, "1#chancen", "MEMO", "anna", True)
    code, out, _ = run_cli(capsys, "merge", str(survey_project.path), str(path), "--dry-run")
    assert code == 0 and out.strip() == (
        "dry run: would add 1 coding and 0 notes and remove 1 coding and change 1 note of "
        "anna; 0 identical; 0 conflicts")
    code, out, _ = run_cli(capsys, "merge", str(survey_project.path), str(path))
    assert code == 0 and out.strip() == (
        "merged from copy.qca: 1 coding, 0 notes, 1 coding removed, 1 note changed of anna")
    code, out, _ = run_cli(capsys, "merge", "--help")
    assert code == 0 and "last merge of the same copy" in " ".join(out.split())
