"""project -> qdpx -> project -> qdpx keeps a qca project (issue 11), as a hypothesis test.

Random small projects: survey respondents with variables and answers to several questions
(some non-substantive), a protocol with headings, a codebook whose groups are bound to the
questions, codings by several coders with their origins, memos and flags. The project read
back from the archive equals the original, and its archive equals the first one, up to the
project's creation time.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qca.codebook import codebook_from_dict, codebook_to_dict
from qca.refi import export_qdpx, import_qdpx
from qca.revise import replace_codebook
from qca.store import Project

QUESTIONS = ["chancen", "wuensche", "sonstiges"]
BOOK = {"name": "Rundreise", "categories": [
    {"key": f"G_{q.upper()}", "name": f"Gruppe {q}", "questions": [q], "children": [
        {"key": f"{q.upper()}_{i}", "name": f"{q} {i}", "definition": f"Def {q} {i}."}
        for i in range(3)]}
    for q in QUESTIONS
] + [{"key": "PROTO", "name": "Protokoll", "questions": ["dialog"], "children": [
    {"key": "PR_A", "name": "Ablauf"}, {"key": "PR_B", "name": "Beschluss"}]}]}
CODES = {q: [f"{q.upper()}_{i}" for i in range(3)] for q in QUESTIONS} | {"dialog": ["PR_A", "PR_B"]}

_words = st.sampled_from(["Mehr", "Austausch", "im", "Quartier", "Geld", "Zeit", "Schulung",
                          "Vielfalt", "Ärger", "Straße", "k.A.", "-"])
_text = st.lists(_words, min_size=1, max_size=6).map(" ".join)


@st.composite
def projects(draw: st.DrawFn) -> dict:
    n = draw(st.integers(1, 5))
    respondents = []
    for i in range(n):
        answers = {q: draw(_text) for q in QUESTIONS if draw(st.booleans())}
        if i == 0 and not answers:  # a survey file without a single answer is refused
            answers = {QUESTIONS[0]: draw(_text)}
        respondents.append({"id": f"ch-{i + 1:03d}", "land": draw(st.sampled_from(["BY", "SN"])),
                            "answers": answers})
    passages = draw(st.lists(st.tuples(st.sampled_from(["TOP 1", "TOP 2"]), _text),
                             min_size=0, max_size=3))
    coders = draw(st.lists(st.sampled_from(["anna", "ben", "consensus"]), min_size=1,
                           max_size=3, unique=True))
    origins = st.sampled_from(["manual", "suggestion", "imported", "consensus"])
    return {"respondents": respondents, "passages": passages, "coders": coders,
            "pick": draw(st.lists(st.integers(0, 2), min_size=40, max_size=40)),
            "origin": draw(st.lists(origins, min_size=40, max_size=40)),
            "memo": draw(st.lists(st.sampled_from(["", "unklar", "Rückfrage"]), min_size=40,
                                  max_size=40)),
            "flag": draw(st.lists(st.booleans(), min_size=40, max_size=40))}


def build(path: Path, spec: dict) -> Project:
    from qca.importing import import_protocol, import_survey

    proj = Project.create(path)
    replace_codebook(proj, codebook_from_dict(BOOK), author="lead", note="start")
    table = path.with_suffix(".csv")
    rows = ["id;land;" + ";".join(QUESTIONS)]
    rows += [f"{r['id']};{r['land']};" + ";".join(r["answers"].get(q, "") for q in QUESTIONS)
             for r in spec["respondents"]]
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    import_survey(proj, table, text_columns=QUESTIONS, id_column="id")
    if spec["passages"]:
        doc = path.with_name("dialog.md")
        doc.write_text("".join(f"# {h}\n\n{t}\n\n" for h, t in spec["passages"]),
                       encoding="utf-8")
        import_protocol(proj, doc, question="dialog", variables={"treffen": "1"})
    stamp = "2026-01-02T03:04:05.000Z"
    with proj.transaction():  # codings and notes as coders leave them, origins and all
        for k, seg in enumerate(proj.segments()):
            coder = spec["coders"][k % len(spec["coders"])]
            key = CODES[seg.question][spec["pick"][k % 40] % len(CODES[seg.question])]
            proj.conn.execute(
                "INSERT INTO codings (segment_id, category, coder, origin, codebook_version, "
                "created_at, memo) VALUES (?, ?, ?, ?, 1, ?, '')",
                (seg.id, key, coder, spec["origin"][k % 40], stamp))
            if spec["memo"][k % 40] or spec["flag"][k % 40]:
                proj.conn.execute(
                    "INSERT INTO notes (segment_id, coder, memo, flagged, updated_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (seg.id, coder, spec["memo"][k % 40], int(spec["flag"][k % 40]), stamp))
    return proj


def dump(proj: Project) -> dict:
    """Everything a user sees of a project (ids, texts, marks, codings, notes, codebook)."""
    q = proj.conn.execute
    return {
        "sources": [(s.id, s.kind, s.name, s.variables) for s in proj.sources()],
        "segments": [(s.id, s.source_id, s.question, s.position, s.heading, s.text,
                      s.substantive) for s in proj.segments()],
        "codings": sorted(q("SELECT segment_id, category, coder, origin, created_at "
                            "FROM codings")),
        "notes": sorted(q("SELECT segment_id, coder, memo, flagged, updated_at FROM notes")),
        "codebook": codebook_to_dict(proj.codebook()),
        "questions": proj.questions(),
    }


def archive(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as z:
        members = {n: z.read(n) for n in z.namelist()}
    # the project's own creation time is the new project's
    members["project.qde"] = re.sub(rb' creationDateTime="[^"]*"', b"", members["project.qde"], count=1)
    return members


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=projects())
def test_project_qdpx_project_qdpx(spec: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        first = build(folder / "study.qca", spec)
        export_qdpx(first, folder / "one.qdpx")
        second = Project.create(folder / "again.qca", name="study")  # the name is the user's
        import_qdpx(second, folder / "one.qdpx")
        export_qdpx(second, folder / "two.qdpx")
        original, back = dump(first), dump(second)
        first.close()
        second.close()
        assert back == original
        assert archive(folder / "two.qdpx") == archive(folder / "one.qdpx")
