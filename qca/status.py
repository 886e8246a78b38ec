"""A project's summary: what it holds and how far each coder has come."""

from __future__ import annotations

from dataclasses import dataclass, field

from qca.i18n import _, ngettext
from qca.store import Project

__all__ = ["CoderProgress", "Status", "project_status"]


@dataclass(frozen=True)
class CoderProgress:
    """How far one coder has come on one question: coded of its substantive segments."""

    coder: str
    question: str
    coded: int
    total: int
    flagged: int


@dataclass
class Status:
    name: str
    path: str
    survey_sources: int
    protocol_sources: int
    segments: int
    non_substantive: int
    questions: dict[str, int]
    codebook_version: int
    codebook_name: str
    categories: int
    codable: int
    codings: int
    progress: list[CoderProgress] = field(default_factory=list)
    pipeline: str | None = None
    vectors: str = ""
    """Sentence vectors: the encoder and how many segments have them, or ``none``."""

    def lines(self) -> list[str]:
        """The summary as ``qca status`` prints it, in the interface language."""
        sources = ", ".join([
            ngettext("{n} survey row", "{n} survey rows", self.survey_sources).format(
                n=self.survey_sources),
            ngettext("{n} protocol", "{n} protocols", self.protocol_sources).format(
                n=self.protocol_sources)])
        rows = [
            (_("project"), f"{self.name} ({self.path})"),
            (_("sources"), sources),
            (_("segments"), _("{n} ({non_substantive} non-substantive)").format(
                n=self.segments, non_substantive=self.non_substantive)),
            (_("codebook"), _("v{version} {name}: {categories} categories, {codable} codable")
             .format(version=self.codebook_version, name=self.codebook_name,
                     categories=self.categories, codable=self.codable)),
            (_("codings"), str(self.codings)),
        ]
        if self.pipeline:
            rows.append((_("pipeline"), self.pipeline))
        if self.vectors:
            rows.append((_("vectors"), self.vectors))
        width = max(10, *(len(label) + 1 for label, _value in rows))
        out = [f"{label:<{width}} {value}" for label, value in rows]
        if self.questions:
            out.append(_("questions"))
            for q, n in self.questions.items():
                out.append(f"  {q:<34} {n:>6} " + _("segments"))
        if self.progress:
            out.append(_("progress (coded / substantive segments, flagged)"))
            for p in self.progress:
                share = 100 * p.coded / p.total if p.total else 0.0
                out.append(
                    f"  {p.coder:<14} {p.question:<28} {p.coded:>5} / {p.total:<5} "
                    f"{share:5.1f}%  " + _("{n} flagged").format(n=p.flagged)
                )
        return out


def _coded_by_question(project: Project) -> dict[tuple[str, str], int]:
    """``{(coder, question): substantive segments the coder coded}``, zeros left out.

    One pass over the segments in question order (index ``segments_question_list``) with one
    look-up per coder in ``codings_coder``: the cost grows with segments x coders, never with
    a sort of every coding.
    """
    coders = project.coding_coders()
    if not coders:
        return {}
    has = ", ".join("SUM(EXISTS (SELECT 1 FROM codings c WHERE c.coder = ? "
                    "AND c.segment_id = s.id))" for _ in coders)
    rows = project.conn.execute(
        f"SELECT COALESCE(s.question, '(none)'), {has} FROM segments s WHERE s.substantive "
        "GROUP BY s.question", coders)
    return {(coder, q): n for q, *per_coder in rows
            for coder, n in zip(coders, per_coder) if n}


def project_status(project: Project) -> Status:
    from qca.suggest.vectors import vectors_summary

    conn = project.conn
    kinds = dict(conn.execute("SELECT kind, COUNT(*) FROM sources GROUP BY kind"))
    segments, non_substantive = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(1 - substantive), 0) FROM segments"
    ).fetchone()
    questions: dict[str, int] = {}
    totals: dict[str, int] = {}
    for q, n, subst in conn.execute(
        "SELECT COALESCE(question, '(none)'), COUNT(*), SUM(substantive) FROM segments "
        "GROUP BY question ORDER BY MIN(seq)"
    ):
        questions[q] = n
        totals[q] = subst
    book = project.codebook()
    cats = list(book.walk())
    progress = []
    coded = _coded_by_question(project)
    flagged = {
        (coder, q): n
        for coder, q, n in conn.execute(
            "SELECT n.coder, COALESCE(s.question, '(none)'), COUNT(*) FROM notes n "
            "JOIN segments s ON s.id = n.segment_id WHERE n.flagged GROUP BY n.coder, s.question"
        )
    }
    for coder in sorted({c for c, _ in coded} | {c for c, _ in flagged}):
        for q in questions:
            if (coder, q) in coded or (coder, q) in flagged:
                progress.append(
                    CoderProgress(coder, q, coded.get((coder, q), 0), totals[q], flagged.get((coder, q), 0))
                )
    return Status(
        name=project.name,
        path=str(project.path),
        survey_sources=kinds.get("survey", 0),
        protocol_sources=kinds.get("protocol", 0),
        segments=segments,
        non_substantive=non_substantive,
        questions=questions,
        codebook_version=project.codebook_version(),
        codebook_name=book.name,
        categories=len(cats),
        codable=sum(c.is_codable for c in cats),
        codings=project.count("codings"),
        progress=progress,
        vectors=vectors_summary(project),
    )
