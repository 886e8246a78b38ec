"""qca autocode: dictionary format, matching, never over a human coding, one undoable event,
dry run, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from coded_fixtures import coded, coded_path  # noqa: F401
from conftest import REPO, run_cli, snapshot_db
from qca import coding
from qca.autocode import Entry, autocode, load_dictionary, plan_dictionary
from qca.errors import CodingError, InputError


def _write(tmp_path: Path, text: str, name: str = "dict.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _origins(project, coder: str) -> dict[tuple[str, str], str]:  # type: ignore[no-untyped-def]
    return {(c.segment_id, c.category): c.origin for c in project.codings(coder)}


def test_plain_and_rich_forms(tmp_path: Path) -> None:
    path = _write(tmp_path, "CH_ZUS: [Miteinander, Zusammenhalt]\nHE_SPR: Sprach\n"
                            "HE_KONF:\n  - word: Konflikte\n  - regex: 'streit\\w*'\n")
    assert load_dictionary(path) == [
        Entry("CH_ZUS", "Miteinander"), Entry("CH_ZUS", "Zusammenhalt"),
        Entry("HE_SPR", "Sprach"), Entry("HE_KONF", "Konflikte", "word"),
        Entry("HE_KONF", "streit\\w*", "regex")]


def test_proposals_leave_coded_segments_alone(coded, tmp_path) -> None:  # noqa: F811
    # carl has coded only 2#chancen; the dictionary matches it and three more
    coding.set_coding(coded, "2#chancen", "CH_SONST", "carl", True)
    path = _write(tmp_path, "CH_ZUS: [Miteinander, Zusammenhalt]\nHE_SPR: [sprach]\n"
                            "HE_KONF: [{word: Konflikte}]\nCH_SONST: [Personal]\n")
    plan = autocode(coded, path, "carl")
    assert plan.proposals == {
        "CH_ZUS": ["3#chancen", "4#chancen"],  # 2#chancen is carl's own: left alone
        "HE_SPR": ["1#herausforderungen", "4#herausforderungen"],
        "HE_KONF": ["2#herausforderungen", "4#herausforderungen"],
        # Personal: 1#chancen; 6#herausforderungen is another question's segment
        "CH_SONST": ["1#chancen"],
    }
    assert plan.skipped_coded == 1
    origins = _origins(coded, "carl")
    assert origins.pop(("2#chancen", "CH_SONST")) == "manual"
    assert set(origins.values()) == {"dictionary"} and len(origins) == 7
    # one event, and undo takes back the whole run but not carl's own coding
    assert [e.action for e in coded.events("carl")][-1] == "autocode"
    change = coding.undo(coded, "carl")
    assert change is not None and "removed 7 dictionary codings" in change.description
    assert _origins(coded, "carl") == {("2#chancen", "CH_SONST"): "manual"}
    coding.redo(coded, "carl")
    assert len(_origins(coded, "carl")) == 8


def test_existing_human_codings_are_never_overwritten(coded, tmp_path) -> None:  # noqa: F811
    before = _origins(coded, "anna")
    plan = autocode(coded, _write(tmp_path, "CH_ZUS: [Miteinander]\n"), "anna")
    assert plan.pairs == [] and plan.skipped_coded == 2
    assert _origins(coded, "anna") == before


def test_rerun_adds_only_what_is_new_and_dry_run_writes_nothing(coded, coded_path,  # noqa: F811
                                                                tmp_path) -> None:
    path = _write(tmp_path, "CH_ZUS: [Miteinander]\n")
    state = snapshot_db(coded_path)
    plan = autocode(coded, path, "dora", dry_run=True)
    assert plan.proposals == {"CH_ZUS": ["2#chancen", "3#chancen"]}
    assert snapshot_db(coded_path) == state
    autocode(coded, path, "dora")
    again = plan_dictionary(coded, load_dictionary(path), "dora")
    assert again.pairs == [] and again.existing == 2


def test_example_dictionary_in_codebooks_loads() -> None:
    entries = load_dictionary(REPO / "qca" / "data" / "codebooks" / "dictionaries"
                              / "nichtnutzung_woerter.yaml")
    assert {e.kind for e in entries} == {"plain", "word", "regex"}


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [("", InputError, "the dictionary is empty"),
     ("{}", InputError, "the dictionary is empty"),
     ("CH_ZUS: []\n", InputError, "CH_ZUS has no words"),
     ("- a\n- b\n", InputError, "maps category keys to words"),
     ("CH_ZUS: [{regex: 'x('}]\n", InputError, "not a valid regular expression"),
     ("CH_ZUS: [{lemma: x}]\n", InputError, "write a word or phrase"),
     ("CH_ZUS: [a\n", InputError, "fix the YAML syntax"),
     ("CH_ZUS: [a]\nCH_ZUS: [b]\n", InputError, "appears twice"),
     ("NOPE: [x]\n", CodingError, "category 'NOPE' is not in the codebook"),
     ("CH: [x]\n", CodingError, "is a group")],
)
def test_bad_dictionaries(coded, tmp_path, text, error, message) -> None:  # noqa: F811
    with pytest.raises(error, match=message):
        autocode(coded, _write(tmp_path, text), "dora")


def test_cli_dry_run_and_bad_input(coded_path, capsys, tmp_path) -> None:  # noqa: F811
    path = _write(tmp_path, "CH_ZUS: [Miteinander, Zusammenhalt]\n")
    state = snapshot_db(coded_path)
    code, out, _ = run_cli(capsys, "autocode", str(coded_path), "--dictionary", str(path),
                           "--coder", "dora", "--dry-run")
    assert code == 0
    assert out.splitlines()[:3] == [
        "dict.yaml: would propose 3 codings for dora (origin dictionary)",
        "  CH_ZUS       3  Miteinander 2, Zusammenhalt 1",
        "      2#chancen, 3#chancen, 4#chancen"]
    assert snapshot_db(coded_path) == state
    empty = _write(tmp_path, "", "empty.yaml")
    code, out, err = run_cli(capsys, "autocode", str(coded_path), "--dictionary", str(empty),
                             "--coder", "dora")
    assert code == 3 and len(err.strip().splitlines()) == 1 and "empty" in err
    assert snapshot_db(coded_path) == state
    code, out, err = run_cli(capsys, "autocode", str(coded_path), "--dictionary", str(path),
                             "--coder", "dora")
    assert "proposed 3 codings" in out, err
    code, out, _ = run_cli(capsys, "undo", str(coded_path), "--coder", "dora")
    assert out.strip() == "undone: removed 3 dictionary codings (dict.yaml)"


def test_a_run_in_a_copy_merges_back(coded, tmp_path) -> None:  # noqa: F811
    from qca.merge import merge_project
    from qca.store import Project

    copy = coded.copy_to(tmp_path / "copy.qca")
    with Project.open(copy) as other:
        autocode(other, _write(tmp_path, "CH_ZUS: [Miteinander]\n"), "dora")
    result = merge_project(coded, copy, actor="lead", skip_conflicts=False, dry_run=False)
    assert not result.conflicts
    assert _origins(coded, "dora") == {("2#chancen", "CH_ZUS"): "dictionary",
                                       ("3#chancen", "CH_ZUS"): "dictionary"}
