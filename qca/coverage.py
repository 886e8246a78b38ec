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
from qca.i18n import N_, _
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
    """Every coder with codings (consensus first), with the segments they cover.

    One pass over the substantive segments: per segment, one index look-up per coder
    (``codings_coder``) and for consensus one in ``notes``; SQLite sums the flags, so a
    million segments cost no Python objects.
    """
    people = [c for c in project.coding_coders() if c != CONSENSUS]
    has = "EXISTS (SELECT 1 FROM codings c WHERE c.coder = ? AND c.segment_id = s.id)"
    decided = "EXISTS (SELECT 1 FROM notes n WHERE n.coder = ? AND n.segment_id = s.id)"
    flags = [f"{has} AS p{i}" for i in range(len(people))]
    flags += [f"({has} OR {decided}) AS k"]
    anyone = " OR ".join(f"p{i}" for i in range(len(people))) or "0"
    sums = [f"SUM(p{i})" for i in range(len(people))]
    sums += [f"SUM({anyone})", "SUM(k)", f"SUM(k AND ({anyone}))"]
    # LIMIT -1 keeps SQLite from copying the flag expressions (and their look-ups) into
    # every SUM that reads them.
    row = project.conn.execute(
        f"SELECT {', '.join(sums)} FROM (SELECT {', '.join(flags)} FROM segments s "
        "WHERE s.substantive = 1 LIMIT -1)", [*people, CONSENSUS, CONSENSUS]).fetchone()
    *per_person, total, consensus, consensus_covered = (int(v or 0) for v in row)
    reach = [Coverage(CONSENSUS, consensus_covered, total)] if consensus else []
    reach += [Coverage(c, n, total) for c, n in zip(people, per_person) if n]
    return reach


def choose_coder(project: Project, coder: str | None, *, what: str = N_("the export is")) -> str:
    """The coder given, or the default of the module doc; an :class:`~qca.errors.ExportError` otherwise.

    ``what`` names the caller in the message ("counts are", "the wide export is").
    """
    if coder is not None:
        coders = project.coders()
        if coder not in coders:
            listed = ", ".join(coders) or _("none yet")
            raise ExportError(_("no codings by coder {coder!r}; coders are: {listed}").format(
                coder=coder, listed=listed))
        return coder
    reach = coverage(project)
    people = [c for c in reach if c.coder != CONSENSUS]
    if len(people) == 1 and len(reach) == 1:
        return people[0].coder
    consensus = next((c for c in reach if c.coder == CONSENSUS), None)
    if consensus is not None and consensus.covered == consensus.total:
        return CONSENSUS
    listed = ", ".join(c.describe() for c in reach) or _("none yet")
    short = (" " + _("consensus covers {covered} of {total} coded segments (complete it with "
                     "'qca reconcile');").format(covered=consensus.covered,
                                                  total=consensus.total)
             if consensus else "")
    raise ExportError(_("{what} per coder;{consensus} add --coder NAME (coverage: {listed})")
                      .format(what=_(what), consensus=short, listed=listed))
