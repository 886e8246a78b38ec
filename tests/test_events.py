"""The event log's schema: every payload round-trips, old rows read, odd rows fail clearly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qca.coding import set_coding, set_flag, set_memo, undo
from qca.errors import ProjectError
from qca.events import (
    CopyPseudonymised,
    CopyRestored,
    DictionaryApplied,
    Action,
    AddedCoding,
    CategoriesMerged,
    CategoryRenamed,
    CategorySplit,
    CodebookSaved,
    CodingChanged,
    CodingState,
    CodingsImported,
    Columns,
    ConsensusAgreed,
    ConsensusSet,
    ConsensusState,
    ImportRemoved,
    NoteChanged,
    NoteState,
    OtherLog,
    OverwrittenNote,
    Pair,
    PairKind,
    Payload,
    ProjectCreated,
    ProjectMerged,
    QdpxDetails,
    QuestionRenamed,
    Redone,
    RemovedCoding,
    SourcesImported,
    Undone,
    decode,
    decode_row,
    dumps,
)
from qca.merge import merge_project
from qca.reconcile import set_consensus
from qca.revise import rename
from qca.store import Event, Project

STATE = CodingState("manual", 2, "2026-01-05T10:00:00.000Z", "unsicher")

EXAMPLES: list[Payload] = [
    ProjectCreated("studie.qca"),
    CodebookSaved(3, "rename CH -> CHANCE"),
    CategoryRenamed("CH_REFL", "CH_REFLEXION", "Reflexion"),
    CategoriesMerged(["CH_A", "CH_B"], "CH_C"),
    CategorySplit("CH", ["CH_1", "CH_2"], 4),
    SourcesImported("umfrage.csv", 1, "survey", "ab" * 32, 10, 30),
    SourcesImported("studie.qdpx", 2, "qdpx", "cd" * 32, 2, 5,
                    QdpxDetails(7, ["NEU"], None, ["anna", "ben"])),
    CodingsImported("codings.csv", 12, ["anna"], "imported"),
    CodingChanged("1#chancen", "CH_REFL", None, STATE),
    CodingChanged("1#chancen", "CH_REFL", STATE, None),
    NoteChanged("1#chancen", NoteState(), NoteState("Grenzfall", True)),
    Undone("1#chancen", "CH_REFL", None, 7),
    Undone("1#chancen", None, NoteState("alt", False), 8),
    Redone("1#chancen", "CH_REFL", STATE, 9),
    ConsensusSet("2#chancen", None, ConsensusState(["CH_REFL"], "beide"), "anna"),
    ConsensusSet("2#chancen", ConsensusState(["CH_A", "CH_B"], "alt"),
                 ConsensusState([], "keine"), None),
    ProjectMerged("kopie.qca", "/tmp/kopie.qca"),
    ProjectMerged(
        "kopie.qca", "/tmp/kopie.qca", codings=1, codings_removed=1, notes=1, notes_cleared=0,
        notes_changed=1, coders=["ben"], identical=3, unchanged_there=1,
        conflicts_skipped=[Pair("3#chancen", "ben", PairKind.CODINGS)],
        added=[AddedCoding("1#chancen", "ben", "CH_ZUS")],
        kept=[Pair("4#chancen", "ben", PairKind.NOTE)],
        other_log=OtherLog(42, "ef" * 32),
        removed=[RemovedCoding("2#chancen", "CH_REFL", "ben", STATE)],
        overwritten=[OverwrittenNote("5#chancen", "ben", NoteState("war", True))],
    ),
    CopyPseudonymised("geteilt.qca", "ab" * 16, {"Person": 12, "Ort": 3}),
    CopyRestored("zurueck.qca", "ab" * 16, 15, 1),
    DictionaryApplied("woerter.yaml", 2, "2026-01-05T10:00:00.000Z",
                      [("1#chancen", "CH_ZUS"), ("2#chancen", "CH_ZUS")]),
    Undone("", None, None, 11, "woerter.yaml"),
    QuestionRenamed("Welche Chancen? (offen)", "chancen", 12),
    QuestionRenamed(None, "dialog", 3),
    ImportRemoved("welle2.csv", 5, {"segments": ["w2-1#q"], "sources": ["w2-1"],
                                     "codings": [], "notes": []}),
    ConsensusAgreed("chancen", ["anna", "ben"], {"1#chancen": ["CH_A", "CH_B"]}),
    ConsensusAgreed(None, ["anna", "ben"], {}),
]


def _stored(payload: Payload, action: str | None = None) -> Event:
    """``payload`` as a row of the log, JSON written and read as the store does."""
    cols = payload.to_json()
    before, after = dumps(cols.before), dumps(cols.after)
    return Event(1, "2026-01-05T10:00:00.000Z", "anna", action or payload.ACTION, cols.target,
                 None if before is None else json.loads(before),
                 None if after is None else json.loads(after), cols.ref)


def test_every_action_has_an_example() -> None:
    assert {p.ACTION for p in EXAMPLES} == set(Action)


@pytest.mark.parametrize("payload", EXAMPLES, ids=lambda p: f"{p.ACTION}")
def test_payload_round_trips(payload: Payload) -> None:
    assert decode(_stored(payload)) == payload


@pytest.mark.parametrize("payload", EXAMPLES, ids=lambda p: f"{p.ACTION}")
def test_payload_round_trips_through_the_stored_text(payload: Payload) -> None:
    cols = payload.to_json()
    decoded = decode_row(payload.ACTION, cols.target, dumps(cols.before), dumps(cols.after),
                         cols.ref)
    assert decoded == payload


def test_action_names_are_the_stored_strings() -> None:
    # project files hold these names; changing one would make old files unreadable
    assert [a.value for a in Action] == [
        "init", "codebook", "codebook.rename", "codebook.merge", "codebook.split", "import",
        "import-codings", "coding", "note", "undo", "redo", "consensus", "merge",
        "pseudonymise", "pseudonymise.reverse", "autocode",
        "question.rename", "import.remove", "consensus.agreed",
    ]


def test_unknown_action_is_a_clear_error() -> None:
    event = Event(17, "t", "anna", "translate", "", None, None, None)
    with pytest.raises(ProjectError, match=r"event 17 has the action 'translate'.*upgrade qca"):
        event.payload()


def test_unreadable_target_is_a_clear_error() -> None:
    with pytest.raises(ProjectError, match="coding event has the unreadable target"):
        decode(Event(1, "t", "anna", "coding", "not json", None, None, None))


def test_row_with_bad_json_is_a_clear_error() -> None:
    with pytest.raises(ProjectError, match="not JSON"):
        decode_row("note", '["1#chancen"]', "{broken", None, None, event_id=3)


def test_old_rows_read_as_qca_wrote_them() -> None:
    # a coding event exactly as earlier versions stored it (target with ASCII escapes)
    row = decode_row("coding", json.dumps(["1#fr\u00fche", "CH_REFL"]), None,
                     '{"origin": "manual", "codebook_version": 1, '
                     '"created_at": "2026-01-01T00:00:00.000Z", "memo": ""}', None)
    assert row == CodingChanged("1#fr\u00fche", "CH_REFL", None,
                                CodingState("manual", 1, "2026-01-01T00:00:00.000Z"))
    assert CodingChanged("1#fr\u00fche", "CH_REFL", None, None).to_json().target == \
        '["1#fr\\u00fche", "CH_REFL"]'


def test_merge_payload_drops_malformed_items() -> None:
    payload = decode(Event(1, "t", "lead", "merge", "kopie.qca",
                           {"removed": [{"segment": 1}, "x"], "notes": "no"},
                           {"path": 5, "added": [{"segment": "s", "coder": "c", "category": "K"},
                                                 {"segment": "s"}],
                            "kept": [{"segment": "s", "coder": "c", "kind": "other"}],
                            "other_log": {"last_event": "3", "sha256": "x"}}, None))
    assert isinstance(payload, ProjectMerged)
    assert payload.added == [AddedCoding("s", "c", "K")]
    assert payload.removed == [] and payload.overwritten == [] and payload.kept == []
    assert payload.other_log is None and payload.path == "5"


def test_columns_of_a_coding_are_as_before() -> None:
    cols = CodingChanged("1#chancen", "CH_REFL", None, STATE).to_json()
    assert cols == Columns('["1#chancen", "CH_REFL"]', None, {
        "origin": "manual", "codebook_version": 2, "created_at": "2026-01-05T10:00:00.000Z",
        "memo": "unsicher"})


def test_every_event_a_project_logs_decodes(survey_project: Project, tmp_path: Path) -> None:
    copy = survey_project.copy_to(tmp_path / "kopie.qca")
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True)
    set_memo(survey_project, "1#chancen", "anna", "Grenzfall")
    set_flag(survey_project, "1#chancen", "anna", True)
    undo(survey_project, "anna")
    set_consensus(survey_project, "1#chancen", ["CH_REFL"], lead="lea", reason="klar")
    rename(survey_project, "CH_ZUS", new_name="Zusammenarbeit", author="lea")
    with Project.open(copy) as other:
        set_coding(other, "2#chancen", "CH_ZUS", "ben", True)
    merge_project(survey_project, copy, actor="lea")
    events = survey_project.events()
    payloads = [e.payload() for e in events]
    assert {p.ACTION for p in payloads} >= {
        Action.INIT, Action.CODEBOOK, Action.IMPORT, Action.CODING, Action.NOTE, Action.UNDO,
        Action.CONSENSUS, Action.CODEBOOK_RENAME, Action.MERGE}
    for event, payload in zip(events, payloads):
        assert payload.ACTION == event.action
        cols = payload.to_json()
        assert (cols.target, cols.before, cols.after, cols.ref) == \
            (event.target, event.before, event.after, event.ref)



def test_free_texts_are_the_memos_and_reasons_a_coder_wrote() -> None:
    from qca.events import free_text_at, free_texts, with_free_text

    value = {"memo": "Frau Seidel", "flagged": True, "notes": [{"memo": "", "coder": "ben"},
                                                               {"memo": "Haddad", "coder": "x"}],
             "codes": ["CH_A"], "reason": "laut Krüger"}
    found = list(free_texts(value))
    assert found == [(("memo",), "Frau Seidel"), (("notes", "1", "memo"), "Haddad"),
                     (("reason",), "laut Krüger")]
    assert free_text_at(value, ("notes", "1", "memo")) == "Haddad"
    assert free_text_at(value, ("notes", "7", "memo")) is None
    changed = with_free_text(value, ("notes", "1", "memo"), "[Person 2]")
    assert changed["notes"][1]["memo"] == "[Person 2]" and changed["codes"] == ["CH_A"]
