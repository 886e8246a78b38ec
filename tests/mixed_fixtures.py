"""A seeded project whose shape the fast SQL paths must get right, with their old Python
definitions beside it to compare against (coverage, status, agreement masks, wide CSV).

Sources carry variables that need quoting; segments have several questions, one without a
question, non-substantive ones, texts with commas, quotes, line breaks and carriage returns.
Several coders code at random (many segments with several codes), one only a non-substantive
segment; ``consensus`` codes some segments and decides others by a note; memos and flags
are scattered. :func:`build_mixed` takes the number of categories and coders, so the bit
masks of the agreement can be made to span several packs.
"""

from __future__ import annotations

import random
from pathlib import Path

from qca.codebook import codebook_from_dict
from qca.coders import CONSENSUS
from qca.revise import replace_codebook
from qca.store import Coding, Note, Project, Segment, Source, now

QUESTIONS = ("chancen", "risiken", None)
TEXTS = ["Mehr Miteinander, weniger Streit.", 'Sie sagte "nie wieder"', "Zeile eins\nZeile zwei",
         "mit\rWagenrücklauf", "schlicht", "k.A.", "  Leerzeichen  ", "Ümläute, ß"]


def build_mixed(path: Path, *, segments: int = 400, categories: int = 6, coders: int = 3,
                seed: int = 7) -> Path:
    """Write the project (see the module doc) and return ``path``."""
    rng = random.Random(seed)
    half = max(categories // 2, 1)
    book = {"name": "Gemischt", "categories": [
        {"key": "A", "name": "Gruppe A", "questions": ["chancen"], "children": [
            {"key": f"A{i}", "name": f"A {i}"} for i in range(half)]},
        {"key": "B", "name": "Gruppe B", "questions": ["risiken"], "children": [
            {"key": f"B{i}", "name": f"B {i}"} for i in range(categories - half)]},
        {"key": "C", "name": "Gruppe C", "children": [{"key": "C0", "name": "C 0"}]},
    ]}
    names = [f"c{i}" for i in range(coders)]
    project = Project.create(path)
    try:
        replace_codebook(project, codebook_from_dict(book), author="t", note="t")
        version = project.codebook_version()
        stamp = now()
        n_sources = segments // 2
        with project.transaction():
            import_id = project.record_import(
                actor="t", kind="survey", path=Path("mixed.csv"), sha256="0" * 64, options={},
                n_sources=n_sources, n_segments=segments)
            project.add_sources(
                [Source(f"S{i}", "survey", "mixed.csv",
                        {"amt": rng.choice(["Ordnung", "Jugend, Familie", ' "Soziales"', ""]),
                         "nr": str(i)} if i % 7 else {"nr": str(i)})
                 for i in range(n_sources)], import_id)
            rows, codings, notes = [], [], []
            order = list(range(1, segments + 1))
            rng.shuffle(order)  # segment order (seq) is not the order of insertion
            for i in range(segments):
                question = QUESTIONS[i % 3]
                text = rng.choice(TEXTS)
                seg = f"S{i // 2}#{i}"
                rows.append(Segment(seg, order[i], f"S{i // 2}", question, i % 2 + 1, None,
                                    f"{text} {i}", text != "k.A."))
                offered = (["A", "C0", *(f"A{k}" for k in range(half))]
                           if question == "chancen" else
                           ["B", "C0", *(f"B{k}" for k in range(categories - half))]
                           if question == "risiken" else ["C0", "A0"])  # A0: not offered
                for coder in names:
                    if rng.random() < 0.75:
                        for key in rng.sample(offered, min(rng.choice([1, 1, 2, 3]),
                                                            len(offered))):
                            codings.append(Coding(seg, key, coder, "manual", version, stamp))
                    if rng.random() < 0.05:
                        notes.append(Note(seg, coder, rng.choice(["", "Memo, mit Komma"]),
                                          True, stamp))
                if rng.random() < 0.3:
                    codings.append(Coding(seg, offered[-1], CONSENSUS, "consensus", version,
                                          stamp))
                elif rng.random() < 0.1:
                    notes.append(Note(seg, CONSENSUS, "kein Code passt", False, stamp))
            project.add_segments(rows, import_id)
            project.add_codings(codings)
            for note in notes:
                project.put_note(note)
            project.add_variable_names(["amt", "nr"])
            nonsubstantive = project.conn.execute(
                "SELECT id FROM segments WHERE substantive = 0 AND question = 'chancen' "
                "LIMIT 1").fetchone()
            project.add_codings([Coding(nonsubstantive[0], "A0", "only_ka", "manual", version,
                                        stamp)])
    finally:
        project.close()
    return path


# --- the definitions the fast paths replaced, kept as the reference -----------------------


def coverage_reference(project: Project) -> list[tuple[str, int, int]]:
    """``qca.coverage.coverage`` as Python sets computed it before SQL did."""
    coded: dict[str, set[str]] = {}
    for coder, seg in project.conn.execute(
            "SELECT DISTINCT c.coder, c.segment_id FROM codings c "
            "JOIN segments s ON s.id = c.segment_id WHERE s.substantive = 1"):
        coded.setdefault(coder, set()).add(seg)
    decided = {r[0] for r in project.conn.execute(
        "SELECT n.segment_id FROM notes n JOIN segments s ON s.id = n.segment_id "
        "WHERE n.coder = ? AND s.substantive = 1", (CONSENSUS,))}
    if CONSENSUS in coded or decided:
        coded[CONSENSUS] = coded.get(CONSENSUS, set()) | decided
    targets = set().union(*(s for c, s in coded.items() if c != CONSENSUS)) if coded else set()
    order = sorted(coded, key=lambda c: (c != CONSENSUS, c))
    return [(c, len(coded[c] & targets), len(targets)) for c in order]


def status_coded_reference(project: Project) -> dict[tuple[str, str], int]:
    """The status query before: distinct coded substantive segments per coder and question."""
    return {(coder, q): n for coder, q, n in project.conn.execute(
        "SELECT c.coder, COALESCE(s.question, '(none)'), COUNT(DISTINCT c.segment_id) "
        "FROM codings c JOIN segments s ON s.id = c.segment_id WHERE s.substantive "
        "GROUP BY c.coder, s.question")}
