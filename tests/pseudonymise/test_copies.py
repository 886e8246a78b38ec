"""`qca pseudonymise`: a copy whose analysis equals the original's, a key kept apart from it,
and a restore that gives back every byte."""

from __future__ import annotations

import csv
import re
import sqlite3
from pathlib import Path

import pytest

from qca.coding import set_coding, set_flag, set_memo
from qca.importing import import_protocol, import_survey
from qca.reconcile import set_consensus
from qca.store import Project

from conftest import run_cli, snapshot_db

PROTOCOL = """Protokoll Arbeitskreis Nachbarschaft

Moderation: Dr. Helga Stoltenberg
Anwesend:
- Mehmet Öztürk, Quartiersmanagement
- Wiebke Sörensen, Jugendamt

Frau Sörensen berichtet, dass das Jugendamt in Bergheim-Süd zwei neue Stellen hat. Die
Moderatorin fragt nach, ob das Ordnungsamt beteiligt ist.

Öztürk: Die Eltern müssen wir früher einbinden, schreiben Sie mir an
m.oeztuerk@quartier-bergheim.de oder rufen Sie an: 02271 83-4410.

Herr Öztürk schlägt ein Treffen im Stadtteilbüro vor, Lindenplatz 3, 50126 Bergheim.
"""

SURVEY = (
    "lfd_nr;ansprechpartner;email;chancen;herausforderungen\r\n"
    "1;Jana Seidel;j.seidel@example.org;Frau Sörensen hat uns sehr geholfen.;Sprachprobleme\r\n"
    "2;;;Mehr Miteinander im Stadtteil;Konflikte zwischen Gruppen\r\n"
    "3;Tarek Haddad;;Herr Haddad organisiert das Straßenfest.;keine Räume\r\n"
)


@pytest.fixture
def study(project: Project, tmp_path: Path) -> Project:
    """A survey and a protocol with personal data, coded by two coders, with memos (one
    rewritten, so the old text lives on in the log), a coding memo and a consensus."""
    survey = tmp_path / "umfrage.csv"
    survey.write_text(SURVEY, encoding="utf-8")
    import_survey(project, survey, text_columns=["chancen", "herausforderungen"],
                  id_column="lfd_nr")
    protocol = tmp_path / "protokoll.txt"
    protocol.write_text(PROTOCOL, encoding="utf-8")
    import_protocol(project, protocol, question="chancen")
    passages = [s.id for s in project.segments() if s.source_id == "protokoll"]
    for coder, cats in (("anna", ["CH_REFL", "CH_ZUS"]), ("ben", ["CH_REFL", "CH_SONST"])):
        for i, seg in enumerate(["1#chancen", "2#chancen", "3#chancen", *passages]):
            set_coding(project, seg, cats[i % 2], coder, True)
    set_coding(project, "1#herausforderungen", "HE_SPR", "anna", True,
               memo="laut Frau Seidel ein Dauerthema")
    set_memo(project, "1#chancen", "anna", "Frau Sörensen vom Jugendamt?")
    set_memo(project, "1#chancen", "anna", "Sörensen ist die Ansprechpartnerin")
    set_memo(project, passages[-1], "ben", "Öztürk meint das Büro am Lindenplatz 3")
    set_flag(project, passages[-1], "ben", True)
    set_consensus(project, "3#chancen", ["CH_REFL"], lead="lead",
                  reason="Haddad beschreibt Reflexion")
    return project


def _pseudonymise(capsys, project: Project, *extra: str) -> tuple[Path, Path, str]:
    dest = project.path.with_name("pseudo.qca")
    code, out, err = run_cli(capsys, "pseudonymise", str(project.path), str(dest), *extra)
    assert code == 0, err
    return dest, dest.with_name("pseudo-key.csv"), out


def _key(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _cli(capsys, *args: str) -> str:
    code, out, err = run_cli(capsys, *args)
    assert code == 0, err
    return out


def test_analysis_of_the_copy_equals_the_original(study: Project, capsys) -> None:
    dest, _, _ = _pseudonymise(capsys, study)
    # counts name their coder: the consensus covers too few segments to be the default
    for args in (["counts", "--coder", "anna"], ["counts", "--question", "chancen", "--coder", "ben"],
                 ["agreement", "--coders", "anna,ben"]):
        original = _cli(capsys, args[0], str(study.path), *args[1:])
        copy = _cli(capsys, args[0], str(dest), *args[1:])
        assert copy.replace(str(dest), str(study.path)) == original, args
    for args in (["--format", "long"], ["--format", "wide", "--coder", "anna"]):
        original = list(csv.reader(_cli(capsys, "export", str(study.path), *args).splitlines()))
        copy = list(csv.reader(_cli(capsys, "export", str(dest), *args).splitlines()))
        assert len(copy) == len(original) and copy[0] == original[0]
        for row_o, row_c in zip(original, copy, strict=True):
            for column, a, b in zip(original[0], row_o, row_c, strict=True):
                if a != b:  # only personal data differs, and there stands a pseudonym
                    # the exports carry each segment's text, pseudonymised in the copy
                    assert column in ("ansprechpartner", "email", "memo", "text"), (column, a, b)
                    assert re.search(r"\[(Person|E-Mail) \d+\]", b), (column, a, b)


def test_copy_keeps_ids_codings_and_flags_and_replaces_the_texts(study: Project,
                                                                  capsys) -> None:
    dest, key, out = _pseudonymise(capsys, study)
    assert "wrote" in out and str(key) in out
    with Project.open(dest) as copy:
        assert [s.id for s in copy.segments()] == [s.id for s in study.segments()]
        def codings(p: Project) -> list[tuple]:
            return sorted((c.segment_id, c.category, c.coder, c.origin, c.created_at)
                          for c in p.codings())

        assert codings(copy) == codings(study)
        memo = copy.codings(coder="anna", segment_id="1#herausforderungen")[0].memo
        assert memo == "laut Frau [Person 1] ein Dauerthema"
        flags = "SELECT segment_id, coder, flagged FROM notes ORDER BY 1, 2"
        assert list(copy.conn.execute(flags)) == list(study.conn.execute(flags))
        pseudonym = {r["original"]: r["pseudonym"] for r in _key(key)}
        sorensen = pseudonym["Sörensen"]  # one person, one pseudonym everywhere
        assert pseudonym["Wiebke Sörensen"] == sorensen
        assert copy.segment("1#chancen").text == f"Frau {sorensen} hat uns sehr geholfen."
        variables = copy.source("1").variables
        assert variables["ansprechpartner"] == "[Person 1]"
        assert variables["email"].startswith("[E-Mail ")
        assert copy.source("3").variables["ansprechpartner"] == "[Person 2]"
        assert copy.segment("3#chancen").text == "Herr [Person 2] organisiert das Straßenfest."
        doc = copy.conn.execute("SELECT text FROM source_texts").fetchone()[0]
        for seg_id, start, end in copy.conn.execute(
                "SELECT segment_id, start_position, end_position FROM segment_spans"):
            assert doc[start:end] == copy.segment(seg_id).text
        assert "Moderatorin" in doc and "Ordnungsamt" in doc and f"Frau {sorensen}" in doc
        assert copy.meta("pseudonymised")
        actions = [e.action for e in copy.events()]
        assert actions == [e.action for e in study.events()] + ["pseudonymise"]
    assert {r["kind"] for r in _key(key)} >= {"Person", "E-Mail", "Telefon", "Adresse", "Ort"}
    assert key.stat().st_mode & 0o077 == 0  # the key is its owner's alone


def test_the_key_never_appears_in_the_copy(study: Project, capsys) -> None:
    from qca.nlp import ensure_features

    ensure_features(study)  # the stored lemmas hold the names too
    dest, key, _ = _pseudonymise(capsys, study)
    originals = {r["original"] for r in _key(key)}
    assert {"Sörensen", "Öztürk", "Haddad", "Seidel", "Jana Seidel"} <= originals
    assert not Path(f"{dest}-wal").exists()
    data = b"".join(p.read_bytes() for p in (dest, Path(f"{dest}-wal"), Path(f"{dest}-shm"))
                    if p.exists())
    for original in originals:
        assert original.encode() not in data, original
    assert b"Stoltenberg" in study.path.read_bytes() + Path(f"{study.path}-wal").read_bytes()


def test_reverse_restores_every_byte_and_merges_back(study: Project, capsys) -> None:
    dest, key, _ = _pseudonymise(capsys, study)
    out = study.path.with_name("back.qca")
    before = snapshot_db(study.path)

    text = _cli(capsys, "pseudonymise", "--reverse", str(dest), str(key), str(out))

    assert "restored" in text and str(out) in text
    after = snapshot_db(out)
    for table in before:
        if table in ("events", "meta", "features", "sqlite_sequence"):
            continue
        if table in ("segment_search_data", "segment_search_idx"):
            continue  # the search index's b-tree, laid out anew by its rebuild; its rows match
        assert after[table] == before[table], table
    row = "SELECT id, at, actor, action, target, before, after, ref FROM events ORDER BY id"
    original = list(study.conn.execute(row))
    with Project.open(out) as back:
        restored = list(back.conn.execute(row))
        assert back.meta("pseudonymised") is None
    assert restored[:len(original)] == original  # byte for byte, memos in the log too
    assert [r[3] for r in restored[len(original):]] == ["pseudonymise", "pseudonymise.reverse"]
    merged = _cli(capsys, "merge", str(study.path), str(out))
    assert "nothing new" in merged


def test_a_pseudonymised_copy_is_not_merged_before_it_is_restored(study: Project,
                                                                   capsys) -> None:
    dest, _, _ = _pseudonymise(capsys, study)
    before = snapshot_db(study.path)
    code, out, err = run_cli(capsys, "merge", str(study.path), str(dest))
    _one_line_error(code, out, err, "a pseudonymised copy", "--reverse")
    assert snapshot_db(study.path) == before


def test_memos_changed_in_the_copy_are_kept_on_reverse(study: Project, capsys) -> None:
    dest, key, _ = _pseudonymise(capsys, study)
    with Project.open(dest) as copy:
        set_memo(copy, "1#chancen", "anna", "[Person 3] ist gemeint")
    out = study.path.with_name("back.qca")

    text = _cli(capsys, "pseudonymise", "--reverse", str(dest), str(key), str(out))

    assert "1 memo changed in the copy since kept as they are" in text
    with Project.open(out) as back:
        memo = back.conn.execute("SELECT memo FROM notes WHERE segment_id = '1#chancen' "
                                 "AND coder = 'anna'").fetchone()[0]
        assert memo == "[Person 3] ist gemeint"
        assert back.segment("1#chancen").text == study.segment("1#chancen").text


def test_dry_run_lists_each_kind_and_writes_nothing(study: Project, capsys) -> None:
    dest = study.path.with_name("pseudo.qca")
    before = sorted(p.name for p in study.path.parent.iterdir())

    out = _cli(capsys, "pseudonymise", str(study.path), str(dest), "--dry-run")

    assert sorted(p.name for p in study.path.parent.iterdir()) == before
    lines = {line.split()[0]: line for line in out.splitlines()[1:-1]}
    assert "speaker" in lines["found"] and "form of address" in lines["found"]
    assert {"Person", "Ort", "Adresse", "E-Mail", "Telefon"} <= set(lines)
    assert "'Sörensen' → [Person" in lines["Person"] and "occurrences" in lines["Person"]
    assert "nothing written" in out


def test_names_and_keep(study: Project, capsys, tmp_path: Path) -> None:
    names = tmp_path / "namen.txt"
    names.write_text("# eigene Liste\nStraßenfest\nOrt: Stadtteilbüro\n", encoding="utf-8")
    dest, key, _ = _pseudonymise(capsys, study, "--names", str(names), "--keep", "Bergheim-Süd")
    rows = {(r["kind"], r["original"]) for r in _key(key)}
    assert ("Person", "Straßenfest") in rows and ("Ort", "Stadtteilbüro") in rows
    assert not any(o == "Bergheim-Süd" for _, o in rows)


def _one_line_error(code: int, out: str, err: str, *needles: str) -> None:
    assert code != 0 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for needle in needles:
        assert needle in err, err


@pytest.mark.parametrize("taken", ["dest", "key"])
def test_an_existing_target_is_refused_and_nothing_changes(study: Project, capsys,
                                                            taken: str) -> None:
    dest = study.path.with_name("pseudo.qca")
    key = dest.with_name("pseudo-key.csv")
    (dest if taken == "dest" else key).write_bytes(b"someone's file")
    before = snapshot_db(study.path)

    code, out, err = run_cli(capsys, "pseudonymise", str(study.path), str(dest))

    _one_line_error(code, out, err, "exists already")
    assert snapshot_db(study.path) == before
    assert (dest if taken == "dest" else key).read_bytes() == b"someone's file"
    assert not (key if taken == "dest" else dest).exists()
    assert not [p for p in dest.parent.iterdir() if p.name.startswith(".")]


def test_a_key_of_another_copy_is_refused(study: Project, capsys) -> None:
    dest, key, _ = _pseudonymise(capsys, study)
    other = study.path.with_name("other.qca")
    assert run_cli(capsys, "pseudonymise", str(study.path), str(other))[0] == 0
    out_path = study.path.with_name("back.qca")
    before = snapshot_db(dest)

    code, out, err = run_cli(capsys, "pseudonymise", "--reverse", str(dest),
                             str(other.with_name("other-key.csv")), str(out_path))

    _one_line_error(code, out, err, "the key of another copy", "use the key written")
    assert not out_path.exists() and snapshot_db(dest) == before


def test_a_key_that_does_not_match_is_refused(study: Project, capsys) -> None:
    dest, key, _ = _pseudonymise(capsys, study)
    rows = _key(key)
    target = next(r for r in rows if r["table"] == "segments")
    target["start"] = str(int(target["start"]) + 1)
    with key.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    out_path = study.path.with_name("back.qca")

    code, out, err = run_cli(capsys, "pseudonymise", "--reverse", str(dest), str(key),
                             str(out_path))

    _one_line_error(code, out, err, "does not match", "segments")
    assert not out_path.exists()


@pytest.mark.parametrize("case", ["not a copy", "not a key", "two files", "names missing"])
def test_bad_input_gets_one_line(study: Project, capsys, tmp_path: Path, case: str) -> None:
    out_path = tmp_path / "back.qca"
    if case == "not a copy":
        key = tmp_path / "k.csv"
        key.write_text("copy,table\n", encoding="utf-8")
        args = ["--reverse", str(study.path), str(key), str(out_path)]
        needle = "not a pseudonymised copy"
    elif case == "not a key":
        dest, _, _ = _pseudonymise(capsys, study)
        key = tmp_path / "k.csv"
        key.write_text("lfd_nr;name\n1;x\n", encoding="utf-8")
        args = ["--reverse", str(dest), str(key), str(out_path)]
        needle = "not a key written by qca pseudonymise"
    elif case == "two files":
        args = ["--reverse", str(study.path), str(tmp_path / "k.csv")]
        needle = "--reverse takes three files"
    else:
        args = [str(study.path), str(out_path), "--names", str(tmp_path / "missing.txt")]
        needle = "missing.txt: file not found"
    code, out, err = run_cli(capsys, "pseudonymise", *args)
    _one_line_error(code, out, err, needle)
    assert not out_path.exists()


def test_a_copy_without_personal_data_is_a_plain_copy(survey_project: Project,
                                                      capsys) -> None:
    dest = survey_project.path.with_name("plain.qca")
    out = _cli(capsys, "pseudonymise", str(survey_project.path), str(dest), "--dry-run")
    assert "nothing to replace" in out
    out = _cli(capsys, "pseudonymise", str(survey_project.path), str(dest))
    assert "0 replacements" in out
    conn = sqlite3.connect(str(dest))
    try:
        assert conn.execute("SELECT COUNT(*) FROM segments").fetchone()[0] == 7
    finally:
        conn.close()


def test_ids_that_hold_a_name_are_named_in_the_report(project: Project, capsys,
                                                      tmp_path: Path) -> None:
    protocol = tmp_path / "gespraech_seidel.txt"
    protocol.write_text("Frau Seidel berichtet vom Quartier.\n", encoding="utf-8")
    import_protocol(project, protocol, question="chancen")
    dest = tmp_path / "pseudo.qca"

    out = _cli(capsys, "pseudonymise", str(project.path), str(dest), "--dry-run")

    assert "stay as they are (ids must not change): gespraech_seidel," in out
    assert "codebook category" not in out


def test_a_key_pseudonymises_an_export_of_the_original(study: Project, capsys) -> None:
    from qca.exporting.csv import long_rows
    from qca.pseudonymise.copies import KeyMapping

    dest, key, _ = _pseudonymise(capsys, study)
    mapping = KeyMapping.read(key)
    rows = list(mapping.rows(long_rows(study)))
    with Project.open(dest) as copy:
        assert rows == list(long_rows(copy))


def test_a_project_from_another_tool_round_trips(tmp_path: Path, capsys) -> None:
    """ATLAS.ti's .qdpx (data we did not write): selections in one document, a user's term
    inside them; the passages keep their offsets and the restore gives back every byte."""
    import zipfile

    from qca.refi import import_qdpx

    folder = Path(__file__).parents[1] / "data" / "refi" / "atlas_project"
    archive = tmp_path / "atlas.qdpx"
    with zipfile.ZipFile(archive, "w") as handle:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                handle.write(file, file.relative_to(folder).as_posix())
    path = tmp_path / "atlas.qca"
    with Project.create(path) as proj:
        import_qdpx(proj, archive)
    names = tmp_path / "namen.txt"
    names.write_text("Steuern\nOrt: Arzt\n", encoding="utf-8")
    dest, out = tmp_path / "pseudo.qca", tmp_path / "back.qca"

    _cli(capsys, "pseudonymise", str(path), str(dest), "--names", str(names))
    _cli(capsys, "pseudonymise", "--reverse", str(dest), str(tmp_path / "pseudo-key.csv"),
         str(out))

    with Project.open(dest) as copy:
        doc = dict(copy.conn.execute("SELECT source_id, text FROM source_texts"))
        assert "[Person 1] sind auch" in "".join(doc.values())
        for seg in copy.segments():
            span = copy.conn.execute("SELECT start_position, end_position FROM segment_spans "
                                     "WHERE segment_id = ?", (seg.id,)).fetchone()
            if span:
                assert doc[seg.source_id][span[0]:span[1]] == seg.text
    before, after = snapshot_db(path), snapshot_db(out)
    for table in ("segments", "source_texts", "segment_spans", "sources", "codings"):
        assert after[table] == before[table], table


def test_exports_on_the_fly_with_a_key_equal_those_of_the_copy(study: Project, capsys,
                                                               tmp_path: Path) -> None:
    from qca.exporting.csv import long_rows, wide_rows
    from qca.pseudonymise.copies import keyed_copy

    dest, key, _ = _pseudonymise(capsys, study)
    before = snapshot_db(study.path)
    with keyed_copy(study, key) as on_the_fly, Project.open(dest) as copy:
        assert list(long_rows(on_the_fly)) == list(long_rows(copy))
        assert list(wide_rows(on_the_fly, "anna")) == list(wide_rows(copy, "anna"))
        doc = "SELECT text FROM source_texts"
        assert list(on_the_fly.conn.execute(doc)) == list(copy.conn.execute(doc))
        folder = on_the_fly.path.parent
    assert not folder.exists() and snapshot_db(study.path) == before


@pytest.mark.parametrize("args", [
    ["--format", "long"], ["--format", "wide", "--coder", "anna"], ["--format", "notes"],
    ["--format", "stata", "--coder", "ben"],
])
def test_export_with_a_key_holds_no_original_and_equals_the_copys_export(
        study: Project, capsys, tmp_path: Path, args: list[str]) -> None:
    dest, key, _ = _pseudonymise(capsys, study)
    before = snapshot_db(study.path)
    suffix = ".dta" if "stata" in args else ".csv"
    keyed, plain = tmp_path / f"keyed{suffix}", tmp_path / f"copy{suffix}"

    code, _, err = run_cli(capsys, "export", str(study.path), *args, "-o", str(keyed),
                           "--pseudonymise", str(key))
    assert code == 0, err
    assert f"pseudonymised with the key {key}" in err
    _cli(capsys, "export", str(dest), *args, "-o", str(plain))

    assert keyed.read_bytes() == plain.read_bytes()
    data = keyed.read_bytes()
    originals = {r["original"] for r in _key(key)}
    assert "Sörensen" in originals
    assert not [o for o in originals if o.encode() in data]
    assert snapshot_db(study.path) == before


def test_export_with_a_key_that_is_none_writes_nothing(study: Project, capsys,
                                                       tmp_path: Path) -> None:
    bad = tmp_path / "not-a-key.csv"
    bad.write_text("name,value\nSeidel,1\n", encoding="utf-8")
    target = tmp_path / "long.csv"

    code, _, err = run_cli(capsys, "export", str(study.path), "-o", str(target),
                           "--pseudonymise", str(bad))

    assert code != 0 and "not a key written by qca pseudonymise" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not target.exists()


def test_a_full_text_index_is_rebuilt_from_the_pseudonymised_texts(study: Project,
                                                                  capsys) -> None:
    # the project's own search index (migration 0004_search: folded texts, trigrams)
    from qca.search import search

    assert search(study, "Sörensen").hits
    dest, key, _ = _pseudonymise(capsys, study)
    with Project.open(dest) as copy:
        hits = copy.conn.execute("SELECT COUNT(*) FROM segment_search WHERE segment_search "
                                 "MATCH '\"sorensen\"'").fetchone()[0]
        assert hits == 0
        assert not search(copy, "Sörensen").hits
        assert search(copy, "Person").hits
    data = dest.read_bytes()
    assert not [o for o in {r["original"] for r in _key(key)} if o.encode() in data]
