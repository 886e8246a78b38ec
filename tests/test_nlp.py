"""The German pipeline: offline lemmas with repair, stub detection, stored features."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from qca import nlp
from qca.store import Project, Segment


@pytest.fixture(scope="session")
def offline_nlp() -> Iterator[object]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QCA_PIPELINE", "offline")
        nlp._reset_for_tests()
        yield nlp.load_pipeline()
    nlp._reset_for_tests()


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    proj = Project.create(tmp_path / "p.qca")
    with proj.transaction():
        proj.conn.execute("INSERT INTO sources (id, kind, name) VALUES ('s', 'survey', 's')")
        for i, text in enumerate(["Die Nachbarn kennen sich.", "Mehr MaBnahmen in den Amtern."]):
            proj.conn.execute(
                "INSERT INTO segments (id, seq, source_id, question, position, text) "
                "VALUES (?, ?, 's', 'q', 1, ?)", (f"s#{i}", i + 1, text))
    yield proj
    proj.close()


@pytest.mark.parametrize(
    ("word", "folded"),
    [("Ämter", "amter"), ("Aemter", "amter"), ("Amter", "amter"), ("fiir", "fur"),
     ("für", "fur"), ("Maßnahme", "massnahme"), ("Café", "cafe")],
)
def test_fold_makes_lost_umlauts_meet(word: str, folded: str) -> None:
    assert nlp.fold(word) == folded


@pytest.mark.parametrize(
    ("word", "lemma"),
    [("Nachbarn", "Nachbar"), ("Amtern", "Amt"), ("MaBnahmen", "Maßnahme"),
     ("haufig", "häufig"), ("fiir", "für"), ("Begegnungen", "Begegnung")],
)
def test_offline_lemmas_repair_ocr_damage(offline_nlp: object, word: str, lemma: str) -> None:
    feats = nlp.analyse([word], nlp=offline_nlp)  # type: ignore[arg-type]
    assert feats[0].lemmas == (lemma,)


def test_analyse_drops_punctuation_and_keeps_words_aligned(offline_nlp: object) -> None:
    (f,) = nlp.analyse(["Vertrauen – das stärkt!"], nlp=offline_nlp)  # type: ignore[arg-type]
    assert f.tokens == ("Vertrauen", "das", "stärkt")
    assert len(f.lemmas) == len(f.tokens)
    assert nlp.SegmentFeatures.from_json(f.to_json()) == f


def test_features_are_stored_and_reused(offline_nlp: object, project: Project,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    first = nlp.ensure_features(project, progress=lambda done, total: calls.append(done))
    assert set(first) == {"s#0", "s#1"} and calls[-1] == 2
    assert project.count("features") == 2

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("recomputed")

    monkeypatch.setattr(nlp, "analyse", boom)
    assert nlp.ensure_features(project) == first


def test_features_recomputed_when_text_or_pipeline_changes(offline_nlp: object,
                                                           project: Project,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    nlp.ensure_features(project)
    changed = Segment("s#0", 1, "s", "q", 1, None, "Ganz neue Worte")
    assert nlp.ensure_features(project, [changed])["s#0"].tokens == ("Ganz", "neue", "Worte")
    monkeypatch.setattr(nlp, "pipeline_id", lambda: "other-pipeline")
    seen: list[int] = []
    nlp.ensure_features(project, progress=lambda d, t: seen.append(t))
    assert seen and seen[-1] == 2
    rows = {r[0] for r in project.conn.execute("SELECT pipeline FROM features")}
    assert rows == {"other-pipeline"}


def test_analyse_project_pages_through_and_stores_what_is_missing(
        offline_nlp: object, project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp, "_PAGE", 1)  # one segment per page: the paging is walked
    seen: list[tuple[int, int]] = []
    assert nlp.analyse_project(project, progress=lambda d, t: seen.append((d, t))) == 2
    assert seen[0] == (0, 2) and seen[-1] == (2, 2)
    assert nlp.ensure_features(project)["s#1"].lemmas == ("mehr", "Maßnahme", "in", "der",
                                                           "Amt")

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("recomputed")

    monkeypatch.setattr(nlp, "analyse", boom)
    assert nlp.analyse_project(project) == 0  # stored rows are current: nothing loads


def _fake_package(root: Path, name: str, meta: dict | None, body: str) -> None:
    pkg = root / name
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(body)
    if meta is not None:
        (pkg / "meta.json").write_text(json.dumps(meta))


def test_registry_stub_is_not_a_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_package(tmp_path, "de_core_news_md", None,
                  "raise RuntimeError('placeholder: this is not the spaCy model')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("QCA_PIPELINE", raising=False)
    nlp._reset_for_tests()
    assert nlp.genuine_model("de_core_news_md") is None
    assert nlp.pipeline_id().startswith("offline-")
    assert nlp.pipeline_description().startswith("offline:")


def test_broken_model_falls_back_to_offline(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    meta = {"lang": "de", "name": "core_news_md", "version": "3.8.0", "pipeline": ["tagger"]}
    _fake_package(tmp_path, "de_core_news_md", meta, "def load(**kw):\n    raise OSError('x')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("QCA_PIPELINE", raising=False)
    nlp._reset_for_tests()
    assert nlp.genuine_model("de_core_news_md") == "3.8.0"
    assert nlp.pipeline_description().startswith("de_core_news_md 3.8.0")
    try:
        loaded = nlp.load_pipeline()
        assert loaded.lang == "de" and nlp.pipeline_id().startswith("offline-")
    finally:
        nlp._reset_for_tests()


def test_pipeline_description_does_not_load_spacy() -> None:
    code = ("import sys, qca.nlp; d = qca.nlp.pipeline_description(); "
            "print(d); print('spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = out.stdout.strip().splitlines()
    assert lines[-1] == "False" and lines[0]
