"""Reconciliation: the disagreement list, the consensus with a reason, and the screen."""

from __future__ import annotations

import pytest

from qca.coding import set_coding, set_flag, set_memo
from qca.errors import CodingError
from qca.reconcile import disagreements, set_consensus
from qca.reliability import agreement
from qca.store import Project
from qca.tui.reconcile import EditScreen, ReasonScreen, make_reconcile_app


def code(project: Project, rows: list[tuple[str, str, str]]) -> None:
    for seg, coder, cat in rows:
        set_coding(project, seg, cat, coder, True)


@pytest.fixture
def coded(survey_project: Project) -> Project:
    code(survey_project, [
        ("1#chancen", "anna", "CH_REFL"), ("1#chancen", "ben", "CH_ZUS"), ("1#chancen", "ben", "MEMO"),
        ("2#chancen", "anna", "CH_ZUS"), ("2#chancen", "ben", "CH_ZUS"),        # agree
        ("4#chancen", "anna", "CH_SONST"),                                     # only anna
        ("1#herausforderungen", "anna", "HE_SPR"), ("1#herausforderungen", "ben", "HE_SPR"),
        ("1#herausforderungen", "ben", "HE_KONF"),
        ("3#chancen", "anna", "CH_REFL"), ("3#chancen", "ben", "CH_ZUS"),      # "k.A."
    ])
    set_memo(survey_project, "1#chancen", "ben", "eher Zusammenhalt")
    set_flag(survey_project, "1#chancen", "anna", True)
    return survey_project


def test_disagreements_are_segments_with_different_sets(coded: Project) -> None:
    items = disagreements(coded)
    assert [d.segment.id for d in items] == ["1#chancen", "1#herausforderungen"]
    first = items[0]
    assert first.codes == {"anna": {"CH_REFL"}, "ben": {"CH_ZUS", "MEMO"}}
    assert first.memos == {"ben": "eher Zusammenhalt"} and first.flagged == {"anna": True}
    assert not first.resolved and first.involved() == ["CH_REFL", "CH_ZUS", "MEMO"]
    assert len(disagreements(coded, include_nonsubstantive=True)) == 3


def test_filters(coded: Project) -> None:
    assert [d.segment.id for d in disagreements(coded, question="herausforderungen")] == [
        "1#herausforderungen"]
    assert [d.segment.id for d in disagreements(coded, category="HE_KONF")] == ["1#herausforderungen"]
    assert disagreements(coded, category="HE_SPR") == []  # both assigned it
    with pytest.raises(CodingError, match="not in the codebook"):
        disagreements(coded, category="NOPE")
    with pytest.raises(CodingError, match="at least 2 coders"):
        disagreements(coded, coders=["anna"])


def test_set_consensus_stores_codings_note_and_event(coded: Project) -> None:
    set_consensus(coded, "1#chancen", {"CH_ZUS"}, lead="lea", reason="  Miteinander  zählt ",
                  taken_from="ben")
    rows = coded.codings(coder="consensus")
    assert [(c.segment_id, c.category, c.origin) for c in rows] == [("1#chancen", "CH_ZUS", "consensus")]
    event = coded.events(actor="lea")[-1]
    assert event.action == "consensus"
    assert event.after == {"codes": ["CH_ZUS"], "reason": "Miteinander zählt", "taken_from": "ben"}
    item = disagreements(coded)[0]
    assert item.resolved and item.consensus == {"CH_ZUS"} and item.reason == "Miteinander zählt"
    # changing it replaces the set and logs the old one
    set_consensus(coded, "1#chancen", {"CH_REFL", "MEMO"}, lead="lea", reason="beides")
    assert {c.category for c in coded.codings(coder="consensus")} == {"CH_REFL", "MEMO"}
    assert coded.events(actor="lea")[-1].before == {"codes": ["CH_ZUS"], "reason": "Miteinander zählt"}
    # the consensus is no coder of the agreement
    assert agreement(coded).coders == ["anna", "ben"]


def test_empty_consensus_counts_as_resolved(coded: Project) -> None:
    set_consensus(coded, "1#chancen", set(), lead="lea", reason="nichts trifft zu")
    assert disagreements(coded)[0].resolved and disagreements(coded)[0].consensus == frozenset()


@pytest.mark.parametrize("segment, codes, lead, message", [
    ("1#chancen", {"HE_SPR"}, "lea", "not offered"),
    ("9#chancen", {"CH_ZUS"}, "lea", "does not exist"),
    ("1#chancen", {"CH_ZUS"}, "consensus", "name of their own"),
])
def test_bad_consensus(coded: Project, segment: str, codes: set, lead: str, message: str) -> None:
    with pytest.raises(CodingError, match=message):
        set_consensus(coded, segment, codes, lead=lead)
    assert coded.codings(coder="consensus") == []


async def test_reconcile_app_take_version_and_reason(coded: Project) -> None:
    app = make_reconcile_app(coded, "lea")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "0/2 resolved" in str(app.screen.query_one("#rc-status").render())
        await pilot.press("1")  # take anna's version
        await pilot.press("r")
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press(*"klar Reflexion", "enter")
        await pilot.pause()
        assert "1/2 resolved" in str(app.screen.query_one("#rc-status").render())
        await pilot.press("n", "e")
        assert isinstance(app.screen, EditScreen)
        await pilot.press("2", "ctrl+s")  # starts from the agreed HE_SPR; 2 adds HE_KONF
        await pilot.pause()
        assert "2/2 resolved" in str(app.screen.query_one("#rc-status").render())
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("escape", "q")
    rows = {(c.segment_id, c.category, c.origin) for c in coded.codings(coder="consensus")}
    assert rows == {("1#chancen", "CH_REFL", "consensus"), ("1#herausforderungen", "HE_SPR", "consensus"),
                    ("1#herausforderungen", "HE_KONF", "consensus")}
    events = [e.after for e in coded.events(actor="lea")]
    assert events[0] == {"codes": ["CH_REFL"], "reason": "", "taken_from": "anna"}
    assert events[1] == {"codes": ["CH_REFL"], "reason": "klar Reflexion", "taken_from": "anna"}
    note = coded.conn.execute(
        "SELECT memo FROM notes WHERE segment_id = '1#chancen' AND coder = 'consensus'").fetchone()
    assert note[0] == "klar Reflexion"


async def test_reconcile_app_without_disagreements(survey_project: Project) -> None:
    code(survey_project, [("1#chancen", "anna", "CH_REFL"), ("1#chancen", "ben", "CH_REFL")])
    app = make_reconcile_app(survey_project, "lea")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "n", "e", "r")
        assert "no disagreements" in str(app.screen.query_one("#rc-status").render())
        await pilot.press("q")
    assert survey_project.codings(coder="consensus") == []


def test_agreed_segments_become_consensus(coded: Project) -> None:
    from qca.coverage import choose_coder
    from qca.errors import ExportError
    from qca.reconcile import write_agreed

    set_consensus(coded, "1#chancen", {"CH_ZUS"}, lead="lea", reason="Zusammenhalt")
    with pytest.raises(ExportError, match=r"consensus covers 1 of 4 coded segments"):
        choose_coder(coded, None)  # 4#chancen (only anna) and 2#chancen are not covered
    result = write_agreed(coded, ["anna", "ben"], lead="lea")
    assert (result.written, result.decided_before, result.disagreements, result.open) == (1, 0, 2, 1)
    rows = {(c.segment_id, c.category, c.origin) for c in coded.codings(coder="consensus")}
    assert rows == {("1#chancen", "CH_ZUS", "consensus"), ("2#chancen", "CH_ZUS", "consensus")}
    event = coded.events()[-1]
    assert (event.action, event.actor) == ("consensus.agreed", "lea")
    assert event.after["segments"] == {"2#chancen": ["CH_ZUS"]}
    assert write_agreed(coded, ["anna", "ben"], lead="lea").written == 0  # kept, not rewritten
    set_consensus(coded, "1#herausforderungen", {"HE_SPR"}, lead="lea")
    set_consensus(coded, "4#chancen", {"CH_SONST"}, lead="lea")
    assert choose_coder(coded, None) == "consensus"
