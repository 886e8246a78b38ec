"""Which coder a count, figure or export uses when none is named, and how far each reaches.

A coder *covers* a substantive segment when they coded it (at least one coding, or, for
``consensus``, a recorded decision that no code applies). The segments to cover are the
substantive ones any coder other than ``consensus`` coded (counts and agreement leave
"k.A." answers out, and so does reconciliation).

Without ``--coder``:

* one coder with codings: that coder;
* else ``consensus``, but only where it covers every segment the others coded (after
  ``qca reconcile`` or ``qca consensus`` has written the agreed segments and the lead has
  decided the rest);
* else an error listing every coder with their coverage, so the output is never quietly
  about a handful of segments.
"""

from __future__ import annotations

from dataclasses import dataclass

from qca.coders import CONSENSUS
from qca.errors import ExportError
from qca.store import Project

__all__ = ["Coverage", "choose_coder", "coverage"]


@dataclass(frozen=True)
class Coverage:
    coder: str
    covered: int  # of the segments to cover
    total: int  # segments any coder other than consensus coded

    def describe(self) -> str:
        return f"{self.coder} {self.covered}/{self.total}"


def coverage(project: Project) -> list[Coverage]:
    """Every coder with codings (consensus first), with the segments they cover."""
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
    return [Coverage(c, len(coded[c] & targets), len(targets)) for c in order]


def choose_coder(project: Project, coder: str | None, *, what: str = "the export is") -> str:
    """The coder given, or the default of the module doc; an :class:`~qca.errors.ExportError` otherwise.

    ``what`` names the caller in the message ("counts are", "the wide export is").
    """
    reach = coverage(project)
    if coder is not None:
        coders = project.coders()
        if coder not in coders:
            listed = ", ".join(coders) or "none yet"
            raise ExportError(f"no codings by coder {coder!r}; coders are: {listed}")
        return coder
    people = [c for c in reach if c.coder != CONSENSUS]
    if len(people) == 1 and len(reach) == 1:
        return people[0].coder
    consensus = next((c for c in reach if c.coder == CONSENSUS), None)
    if consensus is not None and consensus.covered == consensus.total:
        return CONSENSUS
    listed = ", ".join(c.describe() for c in reach) or "none yet"
    short = (f" consensus covers {consensus.covered} of {consensus.total} coded segments "
             "(complete it with 'qca reconcile');" if consensus else "")
    raise ExportError(f"{what} per coder;{short} add --coder NAME (coverage: {listed})")
