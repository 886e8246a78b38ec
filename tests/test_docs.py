"""Every ``qca`` example of README.md runs as written on a freshly built demo project.

As sqlite-utils' ``tests/test_docs.py`` checks its docs: the ``sh`` blocks are read from the
README and each ``qca`` line is run, in order, block by block, in one folder that holds the
demo project as ``study.qca`` and the files the examples name (the README says which). A
block that starts with ``qca init study.qca`` runs in a folder of its own. ``text`` blocks
are synopses and are not run; ``qca code`` and ``qca demo`` open the screen, so only their
``--help`` is run.
"""

from __future__ import annotations

import csv
import re
import shlex
import shutil
from pathlib import Path

import pytest

from qca.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"
_BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
_SCREEN = ("code", "demo")


def _heading_before(text: str, pos: int) -> str:
    headings = re.findall(r"^#+ (.+)$", text[:pos], re.M)
    return headings[-1] if headings else "top"


def readme_blocks() -> list[tuple[str, list[list[str]]]]:
    """(heading, commands) of every ``sh`` block with ``qca`` lines, in README order."""
    text = README.read_text(encoding="utf-8")
    blocks = []
    for match in _BLOCK.finditer(text):
        if match.group(1) != "sh":
            continue
        joined = match.group(2).replace("\\\n", " ")
        commands = [shlex.split(line, comments=True) for line in joined.splitlines()
                    if line.strip().startswith("qca ")]
        if commands:
            blocks.append((_heading_before(text, match.start()), commands))
    return blocks


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _make_files(folder: Path, demo: Path) -> None:
    """The files the README's examples name (see 'The examples run as written')."""
    from qca.demo import data_root
    from qca.refi import export_qdpx
    from qca.store import Project

    root = data_root()
    shutil.copytree(root, folder / "qca" / "data")
    shutil.copy(root / "corpora" / "kommunalbefragung.csv", folder / "export.csv")
    shutil.copy(root / "corpora" / "protokoll_dialogtreffen_1.txt", folder / "protokoll_1.txt")
    study_questions = {"chancen_vielfalt", "gruende_nichtnutzung"}
    with open(root / "corpora" / "codings_demo.csv", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["question"] in study_questions]
    with open(folder / "codings.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["segment_id", "coder", "codes"])
        writer.writeheader()
        writer.writerows({k: r[k] for k in ("segment_id", "coder", "codes")} for r in rows)
    (folder / "welle2.csv").write_text(
        "lfd_nr;amt;Welche Chancen sehen Sie? (offen)\n"
        "1;Jugend;Mehr Austausch zwischen den Kulturen im Stadtteil\n"
        "2;Ordnung;k.A.\n"
        "3;Soziales;Vielfalt macht die Verwaltung offener\n", encoding="utf-8")
    (folder / "ratings.csv").write_text(
        "Fall,anna,ben,carla\n101,1,1,1\n102,2,2,3\n103,3,3,3\n104,2,2,2\n105,1,2,1\n",
        encoding="utf-8")
    (folder / "exports").mkdir()
    (folder / "secure").mkdir()
    (folder / "namen.txt").write_text("Seidel\nKowalski\n", encoding="utf-8")
    with Project.open(demo) as proj:
        export_qdpx(proj, folder / "other_tool.qdpx")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from qca.demo import build_demo
    from qca.nlp import ensure_features
    from qca.store import Project

    template = tmp_path_factory.mktemp("demo")
    demo = build_demo(template, fresh=True)
    with Project.open(demo) as proj:
        ensure_features(proj)  # once, so the suggestion examples do not each compute lemmas
    folder = tmp_path_factory.mktemp("docs")
    _make_files(folder, demo)
    shutil.copy(demo, folder / "study.qca")
    return folder


BLOCKS = readme_blocks()


def test_the_readme_has_examples() -> None:
    names = {argv[1] for _, block in BLOCKS for argv in block if len(argv) > 1}
    for command in ("init", "import", "questions", "imports", "codebook", "import-codings",
                    "agreement", "consensus", "reconcile", "counts", "figure", "export"):
        assert command in names, f"no README example of qca {command}"


@pytest.mark.parametrize(("heading", "commands"), BLOCKS,
                         ids=[f"{i:02d}-{h}" for i, (h, _) in enumerate(BLOCKS)])
def test_readme_block_runs(heading: str, commands: list[list[str]], workdir: Path,
                           tmp_path: Path, capsys: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = commands[0][1:3] == ["init", "study.qca"]
    if fresh:
        shutil.copytree(workdir, tmp_path / "fresh")
        (tmp_path / "fresh" / "study.qca").unlink()
        monkeypatch.chdir(tmp_path / "fresh")
    else:
        monkeypatch.chdir(workdir)
    for argv in commands:
        at = 3 if argv[1] == "--lang" else 1  # the command stands after global options
        if argv[at] in _SCREEN:
            argv = [*argv[:at + 1], "--help"]
        code, out, err = _run(capsys, argv[1:])
        assert code == 0, f"{heading}: {shlex.join(argv)} failed: {err.strip()}"
        assert "Traceback" not in err
