"""qca agreement --hints: confused pairs, disputed segments, definitions side by side,
separating words, weak categories; never a change to the codebook."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from coded_fixtures import coded, coded_path  # noqa: F401
from conftest import run_cli, snapshot_db
from qca import nlp
from qca.errors import CodingError
from qca.hints import format_hints, revision_hints


@pytest.fixture(scope="module", autouse=True)
def offline_pipeline() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QCA_PIPELINE", "offline")
        nlp._reset_for_tests()
        yield
    nlp._reset_for_tests()


def test_confused_pair_and_its_material(coded) -> None:  # noqa: F811
    hints = revision_hints(coded, ["anna", "ben"])
    (pair,) = hints.pairs  # anna CH_ZUS / ben CH_REFL on 2#chancen is the only confusion
    assert (pair.x, pair.y, pair.n) == ("CH_REFL", "CH_ZUS", 1)
    assert [(d.segment_id, d.codes_a, d.codes_b) for d in pair.disputed] == [
        ("2#chancen", ("CH_ZUS",), ("CH_REFL",))]
    assert (pair.agreed_x, pair.agreed_y) == (1, 2)  # 1#chancen / 3#, 4#chancen
    assert "Personaldecke" in [w for w, _, _ in pair.words_x]  # 1#chancen, agreed CH_REFL
    assert ("Miteinander", "CH_ZUS") in pair.disputed_words  # 3#chancen, agreed CH_ZUS
    assert hints.texts["CH_REFL"] == ("Vielfalt regt an, die eigene Arbeit zu überdenken.",
                                      "Nur Reflexion.")


def test_weak_categories_are_below_the_threshold(coded) -> None:  # noqa: F811
    from qca.reliability import agreement

    hints = revision_hints(coded, ["anna", "ben"])
    weak = {key for key, _, _ in hints.weak}
    alphas = agreement(coded, ["anna", "ben"], by_category=True, n_boot=0).categories
    assert "CH_REFL" in weak and "CH_SONST" not in weak
    assert all(alphas[k]["krippendorff_alpha"] < 0.667 for k in weak)


def test_text_fits_80_columns(coded) -> None:  # noqa: F811
    lines = format_hints(revision_hints(coded, ["anna", "ben"]))
    assert max(len(line) for line in lines) <= 80
    assert any(line.startswith("  Definition: Vielfalt regt an") for line in lines)


def test_cli_never_changes_the_codebook(coded_path, capsys) -> None:  # noqa: F811
    before = snapshot_db(coded_path)
    code, out, _ = run_cli(capsys, "agreement", str(coded_path), "--hints")
    assert code == 0 and "1. CH_REFL / CH_ZUS: confused 1 time" in out
    code, out, _ = run_cli(capsys, "agreement", str(coded_path), "--hints", "--format", "json")
    assert json.loads(out)["pairs"][0]["disputed"][0]["segment"] == "2#chancen"
    after = snapshot_db(coded_path)
    after.pop("features"), before.pop("features")
    assert after == before


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--coders", "anna"], "compares two coders"),
     (["--coders", "anna,zoe"], "coder 'zoe' has no codings"),
     (["--by-category"], "leave out"),
     (["--format", "csv"], "leave out")],
)
def test_bad_input(coded_path, capsys, args, message) -> None:  # noqa: F811
    code, out, err = run_cli(capsys, "agreement", str(coded_path), "--hints", *args)
    assert code != 0 and len(err.strip().splitlines()) == 1 and message in err


def test_three_coders_need_naming(coded) -> None:  # noqa: F811
    from qca import coding

    coding.set_coding(coded, "1#chancen", "CH_REFL", "carl", True)
    with pytest.raises(CodingError, match="name them with --coders"):
        revision_hints(coded)


def test_a_category_with_two_themes_is_listed_as_splitting(tmp_path) -> None:
    from conftest import SMALL_CODEBOOK

    from qca import coding
    from qca.codebook import codebook_from_dict
    from qca.revise import replace_codebook
    from qca.store import Project

    staff = ["Personal fehlt, Stellen unbesetzt.", "Zu wenig Personal, Stellen offen.",
             "Stellen sind unbesetzt, kein Personal.", "Personal knapp, Stellen frei.",
             "Unbesetzte Stellen, fehlendes Personal."]
    money = ["Eigenanteil zu hoch, Haushalt leer.", "Kein Geld im Haushalt für den Eigenanteil.",
             "Haushaltssperre, Eigenanteil fehlt.", "Eigenanteil nicht im Haushalt.",
             "Geld fehlt, Haushalt gesperrt, Eigenanteil."]
    mixed = ["Wir reden miteinander.", "Miteinander im Quartier.", "Das Miteinander wächst.",
             "Mehr Miteinander.", "Miteinander im Stadtteil.", "Gutes Miteinander.",
             "Miteinander der Nachbarn.", "Miteinander stärken."]
    with Project.create(tmp_path / "s.qca") as proj:
        replace_codebook(proj, codebook_from_dict(SMALL_CODEBOOK), author="t", note="b")
        with proj.transaction():
            proj.conn.execute("INSERT INTO sources (id, kind, name) VALUES ('s', 'survey', 's')")
            for i, text in enumerate(staff + money + mixed, start=1):
                proj.conn.execute("INSERT INTO segments (id, seq, source_id, question, position,"
                                  " text) VALUES (?, ?, 's', 'chancen', 1, ?)", (f"s{i}", i, text))
        for i in range(1, 11):
            for coder in ("anna", "ben"):
                coding.set_coding(proj, f"s{i}", "CH_SONST", coder, True)
        for i in range(11, 19):
            for coder in ("anna", "ben"):
                coding.set_coding(proj, f"s{i}", "CH_ZUS", coder, True)
        hints = revision_hints(proj, ["anna", "ben"])
    (split,) = hints.splits
    assert split.category == "CH_SONST" and split.n_segments == 10
    assert sorted(size for size, _, _ in split.groups) == [5, 5]
    themes = {frozenset(ids) <= {f"s{i}" for i in range(1, 6)} for _, _, ids in split.groups}
    assert themes == {True, False}  # one group is the staff answers, the other the money ones
    assert any("Personal" in words or "Stelle" in words for _, words, _ in split.groups)
    assert any("Eigenanteil" in words or "Haushalt" in words for _, words, _ in split.groups)
