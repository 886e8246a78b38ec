from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from qca.cli import cli

from conftest import SMALL_CODEBOOK, run_cli as run, snapshot_db


@pytest.fixture
def files(tmp_path: Path, survey_file: Path) -> dict[str, Path]:
    import yaml

    cb = tmp_path / "cb.yaml"
    cb.write_text(yaml.safe_dump(SMALL_CODEBOOK, allow_unicode=True), encoding="utf-8")
    codings = tmp_path / "codings.csv"
    codings.write_text("segment_id,coder,codes\n1#chancen,anna,CH_REFL;CH_ZUS\n"
                       "1#chancen,ben,CH_REFL\n", encoding="utf-8")
    return {"cb": cb, "survey": survey_file, "codings": codings, "dir": tmp_path}


@pytest.fixture
def proj(capsys, files) -> Path:
    path = files["dir"] / "p.qca"
    assert run(capsys, "init", str(path), "--codebook", str(files["cb"]))[0] == 0
    code, out, err = run(capsys, "import", str(path), str(files["survey"]), "--text-column",
                         "chancen", "--text-column", "herausforderungen", "--id-column", "lfd_nr")
    assert code == 0, err
    assert "7 segments added" in out
    return path


def test_full_workflow(capsys, proj: Path, files) -> None:
    code, out, _ = run(capsys, "import-codings", str(proj), str(files["codings"]))
    assert code == 0 and "3 codings added" in out
    code, out, _ = run(capsys, "status", str(proj))
    assert code == 0 and "7 (2 non-substantive)" in out and "anna" in out
    code, out, _ = run(capsys, "status", str(proj), "--format", "json")
    assert json.loads(out)["codings"] == 3
    code, out, _ = run(capsys, "export", str(proj), "--format", "long")
    assert code == 0 and out.count("\n") == 4
    target = files["dir"] / "wide.csv"
    code, _, err = run(capsys, "export", str(proj), "--format", "wide", "--coder", "anna",
                       "-o", str(target))
    assert code == 0 and "wide.csv: coder anna, 7 segments, 1 coded" in err
    assert target.read_text(encoding="utf-8").splitlines()[1].startswith("1,1#chancen,chancen,1,")
    code, out, _ = run(capsys, "codebook", "show", str(proj), "--full")
    assert "[1] CH_REFL  Reflexionsressource  1x" in out and "anchor:" in out
    code, out, _ = run(capsys, "codebook", "rename", str(proj), "CH_REFL", "CH_R", "--name", "R")
    assert code == 0 and "version 2" in out
    code, out, _ = run(capsys, "codebook", "versions", str(proj))
    assert "rename CH_REFL -> CH_R" in out
    yaml_out = files["dir"] / "out.yaml"
    assert run(capsys, "codebook", "export", str(proj), "-o", str(yaml_out))[0] == 0
    assert "CH_R" in yaml_out.read_text(encoding="utf-8")


def test_undo_redo_commands(capsys, proj: Path) -> None:
    from qca.coding import toggle_coding
    from qca.store import Project

    with Project.open(proj) as p:
        toggle_coding(p, "1#chancen", "CH_REFL", "anna")
    code, out, _ = run(capsys, "undo", str(proj), "--coder", "anna")
    assert code == 0 and "undone: removed CH_REFL on 1#chancen" in out
    assert "nothing to undo" in run(capsys, "undo", str(proj), "--coder", "anna")[1]
    assert "redone: assigned CH_REFL" in run(capsys, "redo", str(proj), "--coder", "anna")[1]


def _bad_cases():
    # (name, args with {p}=project {d}=tmp dir {s}=survey {cb}=codebook, expected message)
    return [
        ("not a project", ["status", "{d}/cb.yaml"], "not a qca project"),
        ("missing project", ["status", "{d}/none.qca"], "no such project"),
        ("project is a folder", ["status", "{d}"], "is a folder"),
        ("missing text column", ["import", "{p}", "{s}", "--text-column", "nope"],
         "no column 'nope'"),
        ("missing id column", ["import", "{p}", "{s}", "--text-column", "chancen", "--id-column",
                               "nr"], "no column 'nr'"),
        ("no text column", ["import", "{p}", "{s}"], "--text-column"),
        ("missing input file", ["import", "{p}", "{d}/nope.csv", "--text-column", "a"],
         "nope.csv"),
        ("empty file", ["import", "{p}", "{d}/empty.csv", "--text-column", "a"], "empty.csv"),
        ("undecodable bytes", ["import", "{p}", "{d}/binary.csv", "--text-column", "a"],
         "binary.csv"),
        ("duplicate ids", ["import", "{p}", "{d}/dup.csv", "--text-column", "a",
                           "--id-column", "id"], "duplicate id"),
        ("unsupported format", ["import", "{p}", "{d}/old.xls", "--text-column", "a"], "old.xls"),
        ("protocol with survey option", ["import", "{p}", "{d}/prot.txt", "--kind", "protocol",
                                         "--id-column", "x"], "are for surveys"),
        ("bad protocol var", ["import", "{p}", "{d}/prot.txt", "--var", "treffen"],
         "name=value"),
        ("bad where", ["code", "{p}", "--coder", "anna", "--where", "amt"], "VAR=VALUE"),
        ("combine across groups", ["codebook", "combine", "{p}", "HE_SPR", "--into", "CH_ZUS"],
         "different groups"),
        ("unknown code", ["import-codings", "{p}", "{d}/badcodes.csv"], "unknown code 'XX'"),
        ("unknown segment", ["import-codings", "{p}", "{d}/badseg.csv"], "unknown segment id"),
        ("invalid codebook", ["codebook", "import", "{p}", "{d}/badcb.yaml"], "not valid"),
        ("codebook not found", ["codebook", "import", "{p}", "{d}/none.yaml"], "file not found"),
        ("rename unknown", ["codebook", "rename", "{p}", "NOPE", "X"], "not in the codebook"),
        ("merge across groups", ["codebook", "merge", "{p}", "HE_SPR", "--into", "CH_ZUS"],
         "different groups"),
        ("split names mismatch", ["codebook", "split", "{p}", "CH_REFL", "--into", "A,B",
                                  "--names", "x"], "one each"),
        ("wide without coder", ["export", "{p}", "--format", "wide"], "--coder"),
        ("export to missing folder", ["export", "{p}", "-o", "{d}/no/x.csv"], "does not exist"),
        ("unknown codebook format", ["codebook", "export", "{p}", "-o", "{d}/cb.txt"],
         "unknown codebook format"),
        ("bad coder name", ["undo", "{p}", "--coder", "a;b"], "is not usable"),
        ("unknown coder", ["redo", "{p}", "--coder", "nobody"], "there is no coder 'nobody'"),
        ("unknown question", ["questions", "rename", "{p}", "nope", "x"],
         "question 'nope' is not in"),
        ("rename onto a question", ["questions", "rename", "{p}", "chancen", "herausforderungen"],
         "exists already"),
        ("unknown import id", ["imports", "remove", "{p}", "9"], "there is no import 9"),
        ("remove an import with codings", ["imports", "remove", "{p}", "1"],
         "add --with-codings"),
        ("bind a subcategory", ["codebook", "bind", "{p}", "CH_REFL", "--question", "chancen"],
         "not a top-level group"),
        ("bind to an unknown question", ["codebook", "bind", "{p}", "CH", "--question", "nope"],
         "question 'nope' is not in"),
        ("unbind what is not bound", ["codebook", "unbind", "{p}", "HE", "--question", "chancen"],
         "is not bound to 'chancen'"),
        ("pdf as answers", ["import", "{p}", "{d}/antworten.pdf"], "PDF files cannot be imported"),
        ("consensus of one coder", ["consensus", "{p}", "--coders", "anna"], "at least 2 coders"),
        ("unknown segment id", ["import-codings", "{p}", "{d}/badid.csv", "--coder", "x"],
         "closest:"),
        ("init over existing file", ["init", "{s}"], "exists already"),
        ("coder with xlsx", ["export", "{p}", "--format", "xlsx", "--coder", "anna", "-o",
                             "{d}/x.xlsx"], "holds every coder"),
        ("segments of an unknown code", ["segments", "{p}", "--code", "NOPE"],
         "not in the codebook"),
        ("search with an invalid regex", ["search", "{p}", "x(", "--regex"],
         "not a valid regular expression"),
        ("autocode with an empty dictionary", ["autocode", "{p}", "--dictionary",
                                               "{d}/empty.yaml", "--coder", "anna"],
         "dictionary is empty"),
        ("cooccurrence of an unknown coder", ["cooccurrence", "{p}", "--coder", "zoe"],
         "no codings by coder 'zoe'"),
        ("words by an unknown code", ["words", "{p}", "--code", "NOPE", "--coder", "anna"],
         "not in the codebook"),
        ("hints for one coder", ["agreement", "{p}", "--hints", "--coders", "anna"],
         "compares two coders"),
        ("retrieve an unknown code", ["code", "{p}", "--coder", "anna", "--retrieve", "A+"],
         "a key is missing"),
    ]


@pytest.mark.parametrize(("name", "args", "message"), _bad_cases(), ids=[c[0] for c in _bad_cases()])
def test_bad_input_one_line_and_project_unchanged(capsys, proj: Path, files, name, args,
                                                  message) -> None:
    d = files["dir"]
    (d / "empty.csv").write_bytes(b"")
    (d / "empty.yaml").write_bytes(b"")
    (d / "binary.csv").write_bytes(b"a,b\n\x81\x8d\x00\xff,x\n")
    (d / "dup.csv").write_text("id,a\n1,x\n1,y\n", encoding="utf-8")
    (d / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (d / "prot.txt").write_text("Absatz eins.\n\nAbsatz zwei.\n", encoding="utf-8")
    (d / "badcodes.csv").write_text("segment_id,coder,code\n1#chancen,anna,XX\n", encoding="utf-8")
    (d / "badseg.csv").write_text("segment_id,coder,code\n7#x,anna,CH_REFL\n", encoding="utf-8")
    (d / "antworten.pdf").write_bytes(b"%PDF-1.4\n")
    (d / "badid.csv").write_text("id,code\n12,CH_REFL\n", encoding="utf-8")
    (d / "badcb.yaml").write_text("categories:\n  - key: 1x\n    name: a\n", encoding="utf-8")
    run(capsys, "import-codings", str(proj), str(files["codings"]))
    before = snapshot_db(proj)
    argv = [a.format(p=proj, d=d, s=files["survey"], cb=files["cb"]) for a in args]
    code, out, err = run(capsys, *argv)
    assert code != 0, (out, err)
    assert message in err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    if lines[0].startswith("qca: error:"):
        assert len(lines) == 1, err
    assert snapshot_db(proj) == before


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from _commands(command, prefix + (name,))


@pytest.mark.parametrize("path", [p for p, _ in _commands(cli)], ids=" ".join)
def test_every_command_has_help(capsys, path) -> None:
    code, out, _ = run(capsys, *path, "--help")
    assert code == 0
    command = dict(_commands(cli))[path]
    assert command.help and command.help.strip(), f"qca {' '.join(path)} has no help text"
    assert "Usage: qca" in out


def test_console_script_entry_point(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "qca.cli", "status", str(tmp_path / "x.qca")],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("qca: error:")


@pytest.mark.parametrize(("command", "verb"), [("combine", "combined"), ("merge", "merged")])
def test_codebook_combine_and_its_older_name(capsys, proj: Path, files, command: str,
                                             verb: str) -> None:
    assert run(capsys, "import-codings", str(proj), str(files["codings"]))[0] == 0
    code, out, err = run(capsys, "codebook", command, str(proj), "CH_REFL", "--into", "CH_ZUS")
    assert code == 0, err
    assert out.strip() == f"codebook version 2: {verb} CH_REFL into CH_ZUS"
    code, out, _ = run(capsys, "codebook", "show", str(proj))
    assert "CH_REFL" not in out and "CH_ZUS  Zusammenhalt  1x" in out  # one segment
    code, out, _ = run(capsys, "codebook", "versions", str(proj))
    assert "combine CH_REFL -> CH_ZUS" in out and "merge" not in out


def test_codebook_import_unchanged_and_split_report(capsys, proj: Path, files) -> None:
    code, out, _ = run(capsys, "codebook", "import", str(proj), str(files["cb"]))
    assert code == 0 and out.strip() == "codebook unchanged, still version 1"
    assert run(capsys, "import-codings", str(proj), str(files["codings"]))[0] == 0
    code, out, _ = run(capsys, "codebook", "split", str(proj), "CH_REFL", "--into",
                       "CH_REFL_A,CH_REFL_B", "--names", "Selbst;Lernen")
    assert code == 0
    assert "CH_REFL_A [1], CH_REFL_B [3]" in out and "1 segment flagged for review" in out


def test_demo_summarises_after_the_screen_closes(capsys, tmp_path: Path, monkeypatch) -> None:
    """The summary counts what was coded on the screen, not what was there before."""
    import sys

    import qca.cli
    from qca import coding
    from qca.store import Project

    def code_one(path, coder, question, where, **kwargs):  # type: ignore[no-untyped-def]
        with Project.open(path) as proj:
            segment = next(s for s in proj.segments() if s.question == "dialogprotokoll")
            coding.set_coding(proj, segment.id, "TK_WISSEN", coder, True)

    monkeypatch.setattr(qca.cli, "_open_coding_screen", code_one)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, _ = run(capsys, "demo", "--dir", str(tmp_path))
    assert code == 0
    line = next(x for x in out.splitlines() if x.strip().startswith("demo ")
                and "dialogprotokoll" in x)
    assert "1 / 177" in line and "continue with: qca code" in out


def test_code_refuses_without_a_terminal(capsys, monkeypatch, proj: Path) -> None:
    """Piped, 'qca code' says so in one line instead of drawing the screen into the pipe."""
    import qca.cli

    opened = []
    monkeypatch.setattr(qca.cli, "_open_coding_screen", lambda *a, **k: opened.append(a))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    code, out, err = run(capsys, "code", str(proj), "--coder", "anna")
    assert code != 0 and not opened and out == ""
    assert err.count("\n") == 1 and "needs a terminal" in err
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert run(capsys, "code", str(proj), "--coder", "anna")[0] == 0 and opened


@pytest.mark.parametrize("command", [
    ("code", "{p}", "--coder", "consensus"),
    ("code", "{p}", "--coder", "machine:anna"),
    ("reconcile", "{p}", "--lead", "consensus"),
    ("import-codings", "{p}", "{c}", "--coder", "consensus"),
    ("autocode", "{p}", "--dictionary", "{c}", "--coder", "consensus"),
])
def test_reserved_coder_names_are_refused(capsys, monkeypatch, proj: Path, files,
                                          command: tuple[str, ...]) -> None:
    """Only qca writes as consensus or machine:NAME; a person typing it gets one line."""
    import qca.cli

    monkeypatch.setattr(qca.cli, "_open_coding_screen", lambda *a, **k: None)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    before = snapshot_db(proj)
    args = [a.format(p=proj, c=files["codings"]) for a in command]
    code, _, err = run(capsys, *args)
    assert code != 0 and err.count("\n") == 1 and "reserved" in err and "qca reconcile" in err
    assert snapshot_db(proj) == before


def test_import_codings_refuses_a_reserved_coder_column(capsys, proj: Path, files) -> None:
    sheet = files["dir"] / "consensus.csv"
    sheet.write_text("segment_id,coder,codes\n1#chancen,consensus,CH_REFL\n", encoding="utf-8")
    code, _, err = run(capsys, "import-codings", str(proj), str(sheet))
    assert code != 0 and "row 2: coder 'consensus' is reserved" in err


@pytest.mark.parametrize("args, expected", [
    (("export", "p.qca", "--format", "pdf"), "qca export: Invalid value for '--format': 'pdf' is "
                                             "not one of 'long', 'wide'"),
    (("exprt", "p.qca"), "qca: No such command 'exprt'. Did you mean 'export'?"),
    (("code", "p.qca"), "qca code: Missing option '--coder'; see 'qca code --help'"),
])
def test_usage_errors_are_one_line(capsys, args: tuple[str, ...], expected: str) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("qca: error: ") and expected in err


def test_help_still_shows_without_a_subcommand(capsys) -> None:
    code, out, _ = run(capsys, "codebook")
    assert "Usage: qca codebook" in out + _ and code in (0, 2)
    code, out, _ = run(capsys, "export", "--help")
    assert code == 0 and "Usage: qca export" in out


@pytest.mark.parametrize("args", [
    ("agreement", "--matrix", "{d}/nosuch.csv"),
    ("import", "{p}", "{d}/nosuch.csv", "--text-column", "chancen"),
    ("import", "{p}", "{d}/nosuch.txt"),
    ("import-codings", "{p}", "{d}/nosuch.csv"),
    ("codebook", "import", "{p}", "{d}/nosuch.yaml"),
    ("codebook", "import", "{p}", "{d}/nosuch.qdc"),
])
def test_a_missing_file_is_said_the_same_way_everywhere(capsys, proj: Path, files,
                                                      args: tuple[str, ...]) -> None:
    d = files["dir"]
    code, _, err = run(capsys, *(a.format(p=proj, d=d) for a in args))
    name = Path(next(a for a in args if "nosuch" in a)).name
    assert code != 0
    assert err == f"qca: error: {d / name}: file not found; check the path and spelling\n"


def test_a_table_given_as_codebook_is_named_by_its_extension(capsys, files) -> None:
    table = files["dir"] / "umfrage.csv"
    table.write_bytes("lfd_nr;antwort\n1;Gr\xfc\xdfe\n".encode("latin-1"))
    target = files["dir"] / "x.qca"
    code, _, err = run(capsys, "init", str(target), "--codebook", str(table))
    assert code != 0 and not target.exists() and err.count("\n") == 1
    assert "'.csv' files are not codebooks; a codebook is a .yaml/.yml file" in err
    assert "UTF-8" not in err


def test_categories_without_shortcuts_get_free_ones_on_import(capsys, files) -> None:
    """Digits first, then lower-case letters, never taking one already given; the summary
    says so, and importing the same file again changes nothing."""
    import yaml

    book = {"name": "Ohne Tasten", "categories": [
        {"key": f"K{i}", "name": f"Kategorie {i}", "definition": "d", "rule": "r",
         **({"shortcut": "1"} if i == 0 else {})} for i in range(11)]}
    cb = files["dir"] / "ohne.yaml"
    cb.write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
    target = files["dir"] / "t.qca"
    code, out, err = run(capsys, "init", str(target), "--codebook", str(cb))
    assert code == 0, err
    assert "shortcuts given to 10 categories without one (K1 [2], K2 [3]" in out
    code, out, _ = run(capsys, "codebook", "show", str(target))
    assert "[1] K0" in out and "[0] K9" in out and "[a] K10" in out
    code, out, _ = run(capsys, "codebook", "import", str(target), str(cb))
    assert out.strip() == "codebook unchanged, still version 1"
