"""Hostile and huge inputs: one clear line, a non-zero exit, and nothing changed.

Each case of the table is run through the CLI against a project with codings; the dump of
every table must be the same afterwards, and a file that is not a qca project must stay
byte-identical (bytes, mode, mtime, journal mode, no -wal/-shm beside it). The bombs are
small: what makes them bombs is the ratio, or a size over a lowered --max-size.
"""

from __future__ import annotations

import io
import shutil
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest

from qca.coding import set_coding
from qca.errors import InputError
from qca.limits import ArchiveLimits, check_archive, format_size, parse_size, raised_limits
from qca.store import APPLICATION_ID, Project

from conftest import run_cli, snapshot_db

PADDING = 3_000_000  # bytes of blanks that deflate ~1000:1, well over the ratio limit of 100


def _rezip(source: bytes, member: str, padding: int) -> bytes:
    """``source`` (a zip) with ``padding`` blanks appended to ``member`` (still valid XML)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == member:
                data += b" " * padding
            dst.writestr(info.filename, data)
    return out.getvalue()


def _xlsx(padding: int = 0) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["nr", "a"])
    sheet.append(["1", "Eine Antwort."])
    buf = io.BytesIO()
    book.save(buf)
    return _rezip(buf.getvalue(), "xl/worksheets/sheet1.xml", padding)


def _docx(padding: int) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Ein Absatz.")
    buf = io.BytesIO()
    document.save(buf)
    return _rezip(buf.getvalue(), "word/document.xml", padding)


def _qdpx(padding: int) -> bytes:
    qde = (b'<?xml version="1.0" encoding="utf-8"?>\n'
           b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>\n' + b" " * padding)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
    return out.getvalue()


ALIAS_BOMB = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]" for p, c in zip("abcdefgh", "bcdefghi")]
    + ["name: Bombe", "categories: *i", ""]
)
MANY_ALIASES = "k: &k Text\nname: Viele\ncategories: [" + ",".join(["*k"] * 101) + "]\n"
DUPLICATE_KEY = """name: Doppelt
categories:
  - key: CH
    name: Chancen
    questions: [chancen]
    children:
      - key: CH_REFL
        name: Reflexion
        definition: Vielfalt regt an.
        name: Noch ein Name
"""


OUTSIDE_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Sources>
<TextSource guid="0b1e0a35-7b7e-4f26-9c13-1c1a5b7e2f02" name="passwd"
  plainTextPath="absolute:///etc/passwd"/>
<TextSource guid="0b1e0a35-7b7e-4f26-9c13-1c1a5b7e2f03" name="oben"
  plainTextPath="relative://../../geheim.txt"/>
</Sources></Project>
"""


def _outside_qdpx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", OUTSIDE_QDE)
    return out.getvalue()


def _write_files(d: Path) -> None:
    (d / "bomb.xlsx").write_bytes(_xlsx(PADDING))
    (d / "plain.xlsx").write_bytes(_xlsx())
    (d / "bomb.docx").write_bytes(_docx(PADDING))
    (d / "bomb.qdpx").write_bytes(_qdpx(PADDING))
    (d / "big.qdpx").write_bytes(_qdpx(200_000))
    (d / "bomb.yaml").write_text(ALIAS_BOMB, encoding="utf-8")
    (d / "aliases.yaml").write_text(MANY_ALIASES, encoding="utf-8")
    (d / "dup.yaml").write_text(DUPLICATE_KEY, encoding="utf-8")
    (d / "outside.qdpx").write_bytes(_outside_qdpx())
    (d / "empty_answers.csv").write_text("nr;antwort;amt\n1;;Jugend\n2; ;Soziales\n",
                                         encoding="utf-8")
    (d / "long_value.csv").write_text("nr;antwort\n1;kurz\n2;" + "x" * 1_500_000 + "\n",
                                      encoding="utf-8")
    (d / "unclosed.csv").write_text('nr;antwort\n1;"offen\n' + "weiter;\n" * 200_000,
                                    encoding="utf-8")
    (d / "folder").mkdir()
    conn = sqlite3.connect(d / "other.db")
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO notes (text) VALUES ('not qca''s')")
    conn.commit()
    conn.close()


# (name, argv with {p}=project {d}=folder of the hostile files, exit code, message part)
CASES = [
    ("xlsx zip bomb", ["import", "{p}", "{d}/bomb.xlsx", "--text-column", "a"], 3,
     "times its packed size (3 MB; the limit is 100 times, a zip bomb?); if you trust the file, "
     "raise the limit with --max-size 1GB"),
    ("xlsx over a lowered --max-size", ["import", "{p}", "{d}/plain.xlsx", "--text-column", "a",
                                        "--max-size", "1kB"], 3, "over the 1 kB limit"),
    ("docx zip bomb", ["import", "{p}", "{d}/bomb.docx", "--kind", "protocol"], 3,
     "bomb.docx: word/document.xml unpacks to"),
    ("qdpx with a huge project.qde", ["import", "{p}", "{d}/bomb.qdpx"], 3,
     "bomb.qdpx: project.qde unpacks to"),
    ("qdpx over a lowered --max-size", ["import", "{p}", "{d}/big.qdpx", "--max-size", "100kB"],
     3, "big.qdpx: project.qde unpacks to 200 kB, over the 100 kB limit; if you trust the "
        "file, raise the limit with --max-size 220kB"),
    ("codebook from a qdpx zip bomb", ["codebook", "import", "{p}", "{d}/bomb.qdpx"], 4,
     "bomb.qdpx: project.qde unpacks to"),
    ("yaml alias bomb", ["codebook", "import", "{p}", "{d}/bomb.yaml"], 4,
     "bomb.yaml, line 6: its aliases stand for more than 100,000 values"),
    ("yaml with too many aliases", ["codebook", "import", "{p}", "{d}/aliases.yaml"], 4,
     "aliases.yaml, line 3: more than 100 YAML aliases"),
    ("duplicate yaml key", ["codebook", "import", "{p}", "{d}/dup.yaml"], 4,
     "dup.yaml, line 10: the key 'name' appears twice in one mapping (first on line 8)"),
    ("bad --max-size", ["import", "{p}", "{d}/plain.xlsx", "--text-column", "a",
                        "--max-size", "viel"], 3, "give a size such as 4GB"),
    ("foreign sqlite: status", ["status", "{d}/other.db"], 2,
     "other.db: an SQLite file of another application, not a qca project"),
    ("foreign sqlite: import", ["import", "{d}/other.db", "{d}/plain.xlsx", "--text-column", "a"],
     2, "not a qca project"),
    ("foreign sqlite: codebook import", ["codebook", "import", "{d}/other.db", "{d}/dup.yaml"],
     2, "not a qca project"),
    ("foreign sqlite: merge into a project", ["merge", "{p}", "{d}/other.db"], 2,
     "not a qca project"),
    ("qdpx whose every source is outside the archive", ["import", "{p}", "{d}/outside.qdpx"], 3,
     "outside.qdpx: nothing imported: the text of every source lies outside the archive, which "
     "qca never reads: 'passwd' (absolute:///etc/passwd), 'oben' (relative://../../geheim.txt);"
     " export the project again with its sources embedded"),
    ("survey whose every answer is empty", ["import", "{p}", "{d}/empty_answers.csv",
                                            "--text-column", "antwort", "--id-column", "nr", "--id-prefix",
                                            "leer-"], 3,
     "empty_answers.csv: nothing imported: the text column 'antwort' is empty in all 2 rows; "
     "name the column with the answers using --text-column"),
    ("huge unquoted csv value", ["import", "{p}", "{d}/long_value.csv", "--text-column",
                                 "antwort"], 3,
     "long_value.csv, row 3: a value in this row is longer than 1,000,000 characters, the limit "
     "for one answer; if the file is right, raise the limit with --max-size 1.65MB"),
    ("csv quote never closed", ["import", "{p}", "{d}/unclosed.csv", "--text-column",
                                "antwort"], 3,
     "unclosed.csv, row 2: a quoted value starting in this row is never closed or longer than "
     "1,000,000 characters"),
    ("folder as project: status", ["status", "{d}/folder"], 2, "folder: is a folder"),
    ("folder as project: import", ["import", "{d}/folder", "{d}/plain.xlsx", "--text-column",
                                   "a"], 2, "folder: is a folder"),
    ("folder as project: init", ["init", "{d}/folder"], 2, "folder: is a folder"),
]


@pytest.fixture
def coded_project(survey_project: Project) -> Path:
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True)
    set_coding(survey_project, "2#chancen", "CH_ZUS", "ben", True)
    return survey_project.path


def _file_state(path: Path) -> tuple:
    """What must not change about a file that is not ours."""
    st = path.stat()
    data = path.read_bytes()
    sidecars = sorted(p.name for p in path.parent.glob(path.name + "-*"))
    return data, st.st_mode, st.st_mtime_ns, data[18:20], sidecars


@pytest.mark.parametrize(("name", "args", "code", "message"), CASES, ids=[c[0] for c in CASES])
def test_hostile_input(capsys, tmp_path: Path, coded_project: Path, name: str, args: list[str],
                       code: int, message: str) -> None:
    d = tmp_path / "hostile"
    d.mkdir()
    _write_files(d)
    project_before = snapshot_db(coded_project)
    foreign_before = _file_state(d / "other.db")
    folder_before = sorted(p.name for p in (d / "folder").iterdir())

    exit_code, out, err = run_cli(capsys, *[a.format(p=coded_project, d=d) for a in args])

    lines = err.splitlines()
    assert exit_code == code, err
    assert len(lines) == 1 and lines[0].startswith("qca: error: "), err
    assert message in lines[0]
    assert out == ""
    assert snapshot_db(coded_project) == project_before
    assert _file_state(d / "other.db") == foreign_before
    assert sorted(p.name for p in (d / "folder").iterdir()) == folder_before


def test_a_raised_max_size_lets_a_trusted_file_in(capsys, tmp_path: Path,
                                                  coded_project: Path) -> None:
    (tmp_path / "big.xlsx").write_bytes(_xlsx(PADDING))
    code, out, err = run_cli(capsys, "import", str(coded_project), str(tmp_path / "big.xlsx"),
                             "--text-column", "a", "--id-column", "nr", "--max-size", "10MB")
    assert code == 0, err
    with Project.open(coded_project) as project:
        assert project.segment("1#a").text == "Eine Antwort."


def test_a_raised_max_size_lets_a_long_csv_value_in(capsys, tmp_path: Path,
                                                    coded_project: Path) -> None:
    (tmp_path / "lang.csv").write_text("nr;antwort\n7;" + "Vielfalt " * 150_000 + "\n",
                                       encoding="utf-8")
    code, out, err = run_cli(capsys, "import", str(coded_project), str(tmp_path / "lang.csv"),
                             "--text-column", "antwort", "--id-column", "nr", "--max-size",
                             "2MB")
    assert code == 0, err
    with Project.open(coded_project) as project:
        assert len(project.segment("7#antwort").text) == len("Vielfalt " * 150_000) - 1


def test_memory_running_out_is_one_line_naming_the_file(capsys, monkeypatch, tmp_path: Path,
                                                        coded_project: Path) -> None:
    def no_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(openpyxl, "load_workbook", no_memory)
    (tmp_path / "survey.xlsx").write_bytes(_xlsx())
    before = snapshot_db(coded_project)
    code, out, err = run_cli(capsys, "import", str(coded_project), str(tmp_path / "survey.xlsx"),
                             "--text-column", "a")
    assert code == 1
    assert err.count("\n") == 1
    assert err.startswith("qca: error: survey.xlsx: not enough memory to read it")
    assert "--max-size (now 1 GB)" in err
    assert snapshot_db(coded_project) == before


def test_a_foreign_wal_file_in_use_elsewhere_is_left_alone(capsys, tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    other = sqlite3.connect(path)  # another application, with its database open
    other.execute("PRAGMA journal_mode = WAL")
    other.execute("CREATE TABLE t (x)")
    other.execute("INSERT INTO t VALUES (1)")
    other.commit()
    assert Path(f"{path}-wal").exists()
    before = [p.read_bytes() for p in (path, Path(f"{path}-wal"))]
    code, _, err = run_cli(capsys, "status", str(path))
    assert code == 2 and "not a qca project" in err
    assert [p.read_bytes() for p in (path, Path(f"{path}-wal"))] == before
    other.close()


def test_a_project_whose_header_is_still_in_the_wal_opens(tmp_path: Path) -> None:
    # Killed before the first checkpoint: the application_id is only in the -wal file.
    live = Project.create(tmp_path / "live.qca", name="lebendig")
    for suffix in ("", "-wal"):
        shutil.copy(f"{live.path}{suffix}", tmp_path / f"copy.qca{suffix}")
    live.close()
    header = (tmp_path / "copy.qca").read_bytes()[:100]
    assert int.from_bytes(header[68:72], "big") != APPLICATION_ID
    with Project.open(tmp_path / "copy.qca") as project:
        assert project.name == "lebendig"


@pytest.mark.parametrize(("text", "size"), [
    ("4GB", 4 * 10**9), ("500 MB", 500 * 10**6), ("2GiB", 2 * 2**30), ("1000", 1000),
    ("1.5gb", 1_500_000_000),
])
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "viel", "-1GB", "0", "4 GBs"])
def test_parse_size_refuses(text: str) -> None:
    with pytest.raises(InputError, match="--max-size"):
        parse_size(text)


@pytest.mark.parametrize(("size", "text"), [
    (5, "5 bytes"), (1500, "1.5 kB"), (999_600_000, "1000 MB"), (10**9, "1 GB"),
    (3_210_000_000, "3.21 GB"), (1.5e12, "1500 GB"),
])
def test_format_size(size: float, text: str) -> None:
    assert format_size(size) == text


def _zip(members: dict[str, bytes]) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    out.seek(0)
    return out


@pytest.mark.parametrize(("limits", "members", "message"), [
    (ArchiveLimits(max_members=3), {f"m{i}": b"x" for i in range(4)}, "lists 4 files"),
    (ArchiveLimits(max_size=1000), {"a": b"x" * 600, "b": b"y" * 600}, "unpacks to 1.2 kB"),
    (ArchiveLimits(max_size=1000), {"a": b"x" * 1001}, "a unpacks to 1 kB, over the 1 kB"),
    (ArchiveLimits(ratio_from=1000), {"a": b"x" * 200_000}, "times its packed size"),
])
def test_check_archive_limits(monkeypatch, limits: ArchiveLimits, members: dict[str, bytes],
                              message: str) -> None:
    import qca.limits

    monkeypatch.setattr(qca.limits, "_limits", qca.limits.ContextVar("t", default=limits))
    with pytest.raises(InputError, match=message):
        check_archive(_zip(members), "x.zip")


def test_check_archive_passes_real_files_and_non_zips() -> None:
    check_archive(_zip({"a": "Vielfalt stärkt den Zusammenhalt. ".encode() * 3000}), "ok.zip")
    check_archive(io.BytesIO(b"not a zip"), "x.csv")  # its reader reports what it is
    with raised_limits(10):
        with pytest.raises(InputError, match="over the 10 bytes limit"):
            check_archive(_zip({"a": b"x" * 11}), "x.zip")
    check_archive(_zip({"a": b"x" * 11}), "x.zip")  # the defaults are back


def test_demo_files_pass_the_default_limits() -> None:
    from qca.demo import data_root

    check_archive(data_root() / "corpora" / "protokoll_dialogtreffen_3.docx", "demo.docx")



def test_memory_running_out_on_a_csv_names_it(capsys, monkeypatch, coded_project: Path,
                                              survey_file: Path) -> None:
    import qca.importing.survey

    def no_memory(data, *args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(qca.importing.survey, "sniff_encoding", no_memory)
    before = snapshot_db(coded_project)
    code, _, err = run_cli(capsys, "import", str(coded_project), str(survey_file),
                           "--text-column", "chancen")
    assert code == 1
    assert err.startswith(f"qca: error: {survey_file.name}: not enough memory") and \
        err.count("\n") == 1
    assert snapshot_db(coded_project) == before
