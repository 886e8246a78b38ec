"""Reconciliation: the segments where coders disagree, and the lead's consensus for each.

A *disagreement* is a segment coded by at least two of the chosen coders whose code sets are
not all equal (a coder who did not code the segment is missing, not disagreeing). The
consensus is stored as codings of the coder ``consensus`` with origin ``"consensus"``, plus a
``consensus`` note whose memo is the reason; one transaction, one ``consensus`` event with the
lead as actor, the code sets before and after, and the reason. A segment is *resolved* when it
has a consensus note (so "no code applies" is a valid, recorded consensus).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from qca.errors import CodingError
from qca.reliability import CONSENSUS, coded_sets, default_coders
from qca.store import Project, Segment, now

__all__ = ["CONSENSUS", "Disagreement", "disagreements", "set_consensus"]


@dataclass
class Disagreement:
    """One segment the coders coded differently, with everything needed to decide it."""

    segment: Segment
    coders: list[str]  # the chosen coders, in order
    codes: dict[str, frozenset[str]]  # coder -> code set; coders who did not code it are absent
    memos: dict[str, str] = field(default_factory=dict)
    flagged: dict[str, bool] = field(default_factory=dict)
    consensus: frozenset[str] | None = None  # None: not resolved yet
    reason: str = ""

    @property
    def resolved(self) -> bool:
        return self.consensus is not None

    def involved(self) -> list[str]:
        """Every category any coder (or the consensus) assigned, sorted."""
        keys = set().union(*self.codes.values()) if self.codes else set()
        return sorted(keys | (self.consensus or set()))


def _notes(project: Project, segment_id: str) -> dict[str, tuple[str, bool]]:
    rows = project.conn.execute(
        "SELECT coder, memo, flagged FROM notes WHERE segment_id = ?", (segment_id,)
    )
    return {r[0]: (r[1], bool(r[2])) for r in rows}


def disagreements(
    project: Project,
    coders: Sequence[str] | None = None,
    question: str | None = None,
    category: str | None = None,
    *,
    include_nonsubstantive: bool = False,
) -> list[Disagreement]:
    """Segments where the chosen coders' code sets differ, in segment order.

    ``category`` keeps the disagreements about that category: some coder assigned it and
    another coder who coded the segment did not.
    """
    project.require_question(question)
    if category is not None and project.codebook().get(category) is None:
        raise CodingError(f"category {category!r} is not in the codebook; see 'qca codebook show'")
    sets = coded_sets(project, question, include_nonsubstantive)
    if coders:
        chosen = list(dict.fromkeys(c.strip() for c in coders if c.strip()))
        known = set(project.coders())
        unknown = [c for c in chosen if c not in known]
        if unknown:
            raise CodingError(f"coder {unknown[0]!r} has no codings in the project")
    else:
        chosen = default_coders(sets)
    if len(chosen) < 2:
        raise CodingError(
            f"reconciliation needs at least 2 coders, found {len(chosen)} "
            f"({', '.join(chosen) or 'none'})"
        )
    out: list[Disagreement] = []
    for seg in project.segments(question):
        if not seg.substantive and not include_nonsubstantive:
            continue
        codes = {c: sets[(seg.id, c)] for c in chosen if (seg.id, c) in sets}
        if len(codes) < 2 or len(set(codes.values())) == 1:
            continue
        if category is not None:
            have = [category in s for s in codes.values()]
            if all(have) or not any(have):
                continue
        notes = _notes(project, seg.id)
        d = Disagreement(seg, chosen, codes)
        for coder in chosen:
            memo, flagged = notes.get(coder, ("", False))
            if memo:
                d.memos[coder] = memo
            if flagged:
                d.flagged[coder] = True
        if CONSENSUS in notes or (seg.id, CONSENSUS) in sets:
            d.consensus = sets.get((seg.id, CONSENSUS), frozenset())
            d.reason = notes.get(CONSENSUS, ("", False))[0]
        out.append(d)
    return out


def set_consensus(
    project: Project,
    segment_id: str,
    codes: Sequence[str] | frozenset[str],
    *,
    lead: str,
    reason: str = "",
    taken_from: str | None = None,
) -> frozenset[str]:
    """Store the consensus code set of a segment with the lead's reason (one transaction).

    ``taken_from`` names the coder whose version was taken, for the log. Returns the set.
    """
    lead = lead.strip()
    if not lead or lead == CONSENSUS:
        raise CodingError("the lead needs a name of their own (not 'consensus')")
    new = frozenset(codes)
    reason = " ".join(reason.split())
    with project.transaction():
        seg = project.segment(segment_id)
        if seg is None:
            raise CodingError(f"segment {segment_id!r} does not exist in {project.path.name}")
        offered = {c.key for c in project.codebook().codable_for_question(seg.question)}
        bad = sorted(new - offered)
        if bad:
            raise CodingError(
                f"category {bad[0]!r} is not offered for question {seg.question!r} of {segment_id!r}"
            )
        old = {
            r[0] for r in project.conn.execute(
                "SELECT category FROM codings WHERE segment_id = ? AND coder = ?",
                (segment_id, CONSENSUS),
            )
        }
        old_note = project.conn.execute(
            "SELECT memo FROM notes WHERE segment_id = ? AND coder = ?", (segment_id, CONSENSUS)
        ).fetchone()
        for cat in old - new:
            project.conn.execute(
                "DELETE FROM codings WHERE segment_id = ? AND coder = ? AND category = ?",
                (segment_id, CONSENSUS, cat),
            )
        stamp = now()
        version = project.codebook_version()
        for cat in sorted(new - old):
            project.conn.execute(
                "INSERT INTO codings (segment_id, category, coder, origin, codebook_version, "
                "created_at, memo) VALUES (?, ?, ?, 'consensus', ?, ?, '')",
                (segment_id, cat, CONSENSUS, version, stamp),
            )
        project.conn.execute(
            "INSERT INTO notes (segment_id, coder, memo, flagged, updated_at) VALUES (?, ?, ?, 0, ?) "
            "ON CONFLICT(segment_id, coder) DO UPDATE SET memo = excluded.memo, "
            "updated_at = excluded.updated_at",
            (segment_id, CONSENSUS, reason, stamp),
        )
        project.log(
            lead, "consensus", json.dumps([segment_id]),
            before=None if old_note is None and not old else
            {"codes": sorted(old), "reason": old_note[0] if old_note else ""},
            after={"codes": sorted(new), "reason": reason, "taken_from": taken_from},
        )
    return new
