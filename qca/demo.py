"""The demo project: the bundled survey, three protocols, their codebooks and two coders' codings.

The files ship inside the package, in ``qca/data/corpora/`` and ``qca/data/codebooks/``, so
an installed wheel builds the demo from any folder; ``corpora/make_corpus.py`` in the
repository regenerates the corpus files. The project is built in a temporary file and moved
into place, so a half-built demo never exists.
"""

from __future__ import annotations

import os
from pathlib import Path

from qca.errors import ProjectError
from qca.i18n import _
from qca.importing import import_protocol, import_survey
from qca.importing.codings import import_codings
from qca.importing.readers import read_codebooks
from qca.revise import replace_codebook
from qca.store import Project

__all__ = ["DEMO_QUESTIONS", "build_demo", "data_root", "default_demo_dir", "populate_demo"]

DEMO_QUESTIONS = [
    "chancen_vielfalt",
    "herausforderungen_vielfalt",
    "gruende_nichtnutzung",
    "beteiligungsformate",
]
DEMO_SURVEY = "corpora/kommunalbefragung.csv"
DEMO_PROTOCOLS = {
    "corpora/protokoll_dialogtreffen_1.txt": {"treffen": "1"},
    "corpora/protokoll_dialogtreffen_2.md": {"treffen": "2"},
    "corpora/protokoll_dialogtreffen_3.docx": {"treffen": "3"},
}
DEMO_CODEBOOKS = ["codebooks/kommunalbefragung.yaml", "codebooks/dialogtreffen.yaml"]
DEMO_CODINGS = "corpora/codings_demo.csv"
PROTOCOL_QUESTION = "dialogprotokoll"


def data_root() -> Path:
    """The folder holding ``corpora/`` and ``codebooks/``: the package's ``data`` folder."""
    root = Path(__file__).resolve().parent / "data"
    if not (root / DEMO_SURVEY).exists():
        raise ProjectError(
            _("{root}: the demo data (corpora/, codebooks/) is missing from the installed "
              "package; reinstall qca").format(root=root)
        )
    return root


def default_demo_dir() -> Path:
    """``$XDG_DATA_HOME/qca``, or ``~/.local/share/qca`` when ``XDG_DATA_HOME`` is unset."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "qca"


def populate_demo(project: Project, root: Path, *, with_codings: bool = True) -> None:
    """Load the demo codebooks, survey, protocols and (optionally) codings into ``project``."""
    book = read_codebooks([root / p for p in DEMO_CODEBOOKS])
    replace_codebook(project, book, author="demo", note="demo codebooks")
    import_survey(project, root / DEMO_SURVEY, text_columns=DEMO_QUESTIONS, id_column="lfd_nr")
    for rel, variables in DEMO_PROTOCOLS.items():
        import_protocol(project, root / rel, variables=variables, question=PROTOCOL_QUESTION)
    if with_codings:
        import_codings(project, root / DEMO_CODINGS)


def build_demo(directory: Path | None = None, *, fresh: bool = False) -> Path:
    """Build (or reuse) the demo project and return its path."""
    root = data_root()
    directory = directory or default_demo_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ProjectError(_("{directory}: cannot create the demo folder ({strerror})")
                           .format(directory=directory, strerror=exc.strerror)) from None
    path = directory / "demo.qca"
    if path.exists() and not fresh:
        return path
    tmp = directory / ".demo.qca.building"
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    project = Project.create(tmp, name="qca demo")
    try:
        populate_demo(project, root)
        project.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        project.close()
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    tmp.replace(path)
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    return path
