"""Find decisions by committee, meeting date, outcome and words, each with its citation."""

from __future__ import annotations

from councilqa.index.catalog import Catalog
from councilqa.records import Decision, DecisionFilter, Document


def find_decisions(catalog: Catalog, wanted: DecisionFilter) -> list[tuple[Decision, Document]]:
    """Matching decisions, newest meeting first, each with a document that records it.

    Example::

        find_decisions(index.catalog, DecisionFilter(committee="council", outcome="lost", search="amendment"))
    """
    return catalog.decisions(wanted)
