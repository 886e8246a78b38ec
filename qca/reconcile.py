"""Reconciliation: the segments where coders disagree, and the lead's consensus for each.

A *disagreement* is a segment coded by at least two of the chosen coders whose code sets are
not all equal (a coder who did not code the segment is missing, not disagreeing). The
consensus is stored as codings of the coder ``consensus`` with origin ``"consensus"``, plus a
``consensus`` note whose memo is the reason; one transaction, one ``consensus`` event with the
lead as actor, the code sets before and after, and the reason. A segment is *resolved* when it
has a consensus note (so "no code applies" is a valid, recorded consensus).

Where the chosen coders agree (a segment coded by at least two of them, all with the same
code set), that common set is the consensus: :func:`write_agreed` writes it for every such
segment without a consensus yet (``qca consensus``, and ``qca reconcile`` before it opens),
in one transaction with one ``consensus.agreed`` event, so once the lead has decided the
disagreements the consensus covers every segment the coders coded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from qca.coders import CONSENSUS
from qca.errors import CodingError
from qca.events import ConsensusAgreed, ConsensusSet, ConsensusState, Origin
from qca.i18n import _
from qca.reliability import coded_sets, default_coders
from qca.store import Coding, Project, Segment, now

__all__ = ["CONSENSUS", "Agreed", "Disagreement", "disagreements", "set_consensus", "write_agreed"]


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
        raise CodingError(_("category {category!r} is not in the codebook; see 'qca codebook show'")
                          .format(category=category))
    sets = coded_sets(project, question, include_nonsubstantive)
    if coders:
        chosen = list(dict.fromkeys(c.strip() for c in coders if c.strip()))
        known = set(project.coders())
        unknown = [c for c in chosen if c not in known]
        if unknown:
            raise CodingError(_("coder {unknown!r} has no codings in the project")
                              .format(unknown=unknown[0]))
    else:
        chosen = default_coders(sets)
    if len(chosen) < 2:
        raise CodingError(
            _("reconciliation needs at least 2 coders, found {n} "
              "({value})").format(n=len(chosen), value=', '.join(chosen) or _('none'))
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
        raise CodingError(_("the lead needs a name of their own (not 'consensus')"))
    new = frozenset(codes)
    reason = " ".join(reason.split())
    with project.transaction():
        seg = project.segment(segment_id)
        if seg is None:
            raise CodingError(_("segment {segment_id!r} does not exist in {name}")
                              .format(segment_id=segment_id, name=project.path.name))
        offered = {c.key for c in project.codebook().codable_for_question(seg.question)}
        bad = sorted(new - offered)
        if bad:
            raise CodingError(
                _("category {bad!r} is not offered for question {question!r} of {segment_id!r}")
                .format(bad=bad[0], question=seg.question, segment_id=segment_id)
            )
        old = {c.category for c in project.codings(coder=CONSENSUS, segment_id=segment_id)}
        old_note = project.note(segment_id, CONSENSUS)
        project.remove_codings((segment_id, cat, CONSENSUS) for cat in old - new)
        stamp = now()
        version = project.codebook_version()
        project.add_codings(Coding(segment_id, cat, CONSENSUS, Origin.CONSENSUS, version, stamp)
                            for cat in sorted(new - old))
        project.set_note_memo(segment_id, CONSENSUS, reason, stamp)
        project.log(lead, ConsensusSet(
            segment_id,
            None if old_note is None and not old else
            ConsensusState(sorted(old), old_note.memo if old_note else ""),
            ConsensusState(sorted(new), reason),
            taken_from,
        ))
    return new


@dataclass(frozen=True)
class Agreed:
    """What :func:`write_agreed` did."""

    coders: list[str]
    written: int  # agreed segments now with a consensus
    decided_before: int  # agreed segments that had a consensus already (kept)
    disagreements: int  # segments left for the lead
    open: int  # of those, without a consensus yet

    def summary(self) -> str:
        who = ", ".join(self.coders)
        return _("{written} segments where {who} agree written as consensus ({before} had one "
                 "already); {disagreements} disagreements, {open} still open (walk them with "
                 "'qca reconcile')").format(written=self.written, who=who,
                                             before=self.decided_before,
                                             disagreements=self.disagreements, open=self.open)


def _agreed_sets(project: Project, chosen: list[str], question: str | None,
                 include_nonsubstantive: bool) -> tuple[dict[str, frozenset[str]], set[str]]:
    sets = coded_sets(project, question, include_nonsubstantive)
    by_segment: dict[str, dict[str, frozenset[str]]] = {}
    for (seg, coder), codes in sets.items():
        if coder in chosen:
            by_segment.setdefault(seg, {})[coder] = codes
    agreed = {seg: next(iter(c.values())) for seg, c in by_segment.items()
              if len(c) >= 2 and len(set(c.values())) == 1}
    decided = {seg for (seg, coder) in sets if coder == CONSENSUS}
    decided |= {r[0] for r in project.conn.execute(
        "SELECT segment_id FROM notes WHERE coder = ?", (CONSENSUS,))}
    return agreed, decided


def write_agreed(
    project: Project,
    coders: Sequence[str] | None = None,
    question: str | None = None,
    *,
    lead: str,
    include_nonsubstantive: bool = False,
) -> Agreed:
    """Write the common code set as consensus where the chosen coders agree (module doc).

    Segments with a consensus already keep it. Raises :class:`CodingError` as
    :func:`disagreements` does (unknown coder, fewer than two coders).
    """
    lead = lead.strip()
    if not lead or lead == CONSENSUS:
        raise CodingError(_("the lead needs a name of their own (not 'consensus')"))
    items = disagreements(project, coders, question, include_nonsubstantive=include_nonsubstantive)
    chosen = items[0].coders if items else _chosen(project, coders, question, include_nonsubstantive)
    agreed, decided = _agreed_sets(project, chosen, question, include_nonsubstantive)
    new = {seg: codes for seg, codes in agreed.items() if seg not in decided}
    if new:
        reason = f"agreed: {', '.join(chosen)}"
        with project.transaction():
            project.write_agreed_consensus(new, version=project.codebook_version(), reason=reason)
            project.log(lead, ConsensusAgreed(question, chosen,
                                              {seg: sorted(c) for seg, c in new.items()}))
    return Agreed(chosen, len(new), len(agreed) - len(new), len(items),
                  sum(not d.resolved for d in items))


def _chosen(project: Project, coders: Sequence[str] | None, question: str | None,
            include_nonsubstantive: bool) -> list[str]:
    if coders:
        return list(dict.fromkeys(c.strip() for c in coders if c.strip()))
    return default_coders(coded_sets(project, question, include_nonsubstantive))
