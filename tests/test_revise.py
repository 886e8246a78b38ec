from __future__ import annotations

import pytest

from qca.coding import set_coding
from qca.errors import CodebookError
from qca.revise import combine, rename, replace_codebook, split
from qca.store import Project


def codings(project: Project) -> set[tuple[str, str, str]]:
    return {(c.segment_id, c.category, c.coder) for c in project.codings()}


def test_rename_repoints_codings(survey_project: Project) -> None:
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True)
    version = rename(survey_project, "CH_REFL", "CH_REFLEXION", "Reflexion", author="lead")
    assert version == 2
    assert codings(survey_project) == {("1#chancen", "CH_REFLEXION", "anna")}
    assert survey_project.codebook().get("CH_REFLEXION").name == "Reflexion"
    assert survey_project.codebook().get("CH_REFL") is None
    assert survey_project.events()[-1].action == "codebook.rename"


def test_combine_collapses_duplicates(survey_project: Project) -> None:
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True)
    set_coding(survey_project, "1#chancen", "CH_ZUS", "anna", True)
    set_coding(survey_project, "2#chancen", "CH_REFL", "ben", True)
    combine(survey_project, ["CH_REFL"], "CH_ZUS", author="lead")
    assert codings(survey_project) == {("1#chancen", "CH_ZUS", "anna"),
                                       ("2#chancen", "CH_ZUS", "ben")}
    assert "Wir hinterfragen unsere Routinen." in survey_project.codebook().get("CH_ZUS").anchors


def test_combine_across_groups_is_refused(survey_project: Project) -> None:
    with pytest.raises(CodebookError, match="different groups"):
        combine(survey_project, ["HE_SPR"], "CH_ZUS", author="lead")


def test_split_moves_and_flags(survey_project: Project) -> None:
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True)
    split(survey_project, "CH_REFL", [("CH_REFL_A", "Selbstreflexion"), ("CH_REFL_B", "Lernen")],
          author="lead")
    assert codings(survey_project) == {("1#chancen", "CH_REFL_A", "anna")}
    flagged = survey_project.conn.execute("SELECT segment_id, flagged, memo FROM notes").fetchall()
    assert flagged[0][:2] == ("1#chancen", 1) and "split" in flagged[0][2]
    keys = [c.key for c in survey_project.codebook().codable_for_question("chancen")]
    assert keys[:2] == ["CH_REFL_A", "CH_REFL_B"]


def test_replace_codebook_refuses_orphans(survey_project: Project, small_codebook) -> None:
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True)
    small_codebook.categories[0].children.pop(0)
    with pytest.raises(CodebookError, match=r"CH_REFL \(1 coding\)"):
        replace_codebook(survey_project, small_codebook, author="lead", note="drop")
    assert survey_project.codebook_version() == 1


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p: rename(p, "NOPE", "X", author="l"), "not in the codebook"),
        (lambda p: rename(p, "CH_REFL", "CH_ZUS", author="l"), "taken already"),
        (lambda p: rename(p, "CH_REFL", "9x", author="l"), "not a valid key"),
        (lambda p: combine(p, ["CH_REFL"], "CH_REFL", author="l"), "with itself"),
        (lambda p: combine(p, ["CH_REFL"], "CH", author="l"), "is a group"),
        (lambda p: split(p, "CH_REFL", [("A", "")], author="l"), "at least two"),
        (lambda p: split(p, "CH_REFL", [("A", ""), ("A", "")], author="l"), "differ"),
    ],
)
def test_bad_revisions(survey_project: Project, call, message) -> None:
    with pytest.raises(CodebookError, match=message):
        call(survey_project)
    assert survey_project.codebook_version() == 1


def test_split_gives_free_shortcuts_and_counts_flagged(survey_project: Project) -> None:
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True)
    set_coding(survey_project, "1#chancen", "CH_REFL", "ben", True)
    set_coding(survey_project, "2#chancen", "CH_REFL", "anna", True)
    result = split(survey_project, "CH_REFL",
                   [("CH_REFL_A", "Selbstreflexion"), ("CH_REFL_B", "Lernen"), ("CH_REFL_C", "")],
                   author="lead")
    # 1, 2, 9 and MEMO's 0 are taken for "chancen": the new ones get 3 and 4.
    assert result.categories == [("CH_REFL_A", "1"), ("CH_REFL_B", "3"), ("CH_REFL_C", "4")]
    assert result.flagged_segments == 2
    assert "2 segments flagged" in result.describe() and "CH_REFL_B [3]" in result.describe()
    book = survey_project.codebook()
    assert book.get("CH_REFL_B").shortcut == "3"
    book.validate()


def test_saving_an_unchanged_codebook_keeps_the_version(survey_project: Project,
                                                        small_codebook) -> None:
    assert replace_codebook(survey_project, small_codebook, author="lead", note="same") == 1
    assert survey_project.codebook_version() == 1
    small_codebook.categories[0].name = "Chancen (neu)"
    assert replace_codebook(survey_project, small_codebook, author="lead", note="new") == 2
