"""Find RESOLVED decisions by committee, meeting date and words, each with its citation."""

from __future__ import annotations

import re
from dataclasses import dataclass

from councilqa.index.catalog import Catalog
from councilqa.ingest.resolutions import Resolution
from councilqa.records import Document


@dataclass(frozen=True)
class ResolutionFilter:
    """Committee is matched case-insensitively as a part of the name ("scrutiny"); dates are ISO and
    inclusive; every word of `search` must occur in the decision, its item heading or the item's
    discussion before it."""

    committee: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    search: str | None = None

    def matches(self, resolution: Resolution) -> bool:
        when = resolution.meeting_date
        if self.committee and self.committee.lower() not in (resolution.committee or "").lower():
            return False
        if (self.date_from or self.date_to) and when is None:
            return False
        if when and ((self.date_from and when < self.date_from) or (self.date_to and when > self.date_to)):
            return False
        haystack = f"{resolution.item or ''} {resolution.discussion} {resolution.text}".lower()
        return all(word in haystack for word in re.findall(r"\w+", (self.search or "").lower()))


def find_resolutions(catalog: Catalog, where: ResolutionFilter) -> list[tuple[Resolution, Document]]:
    """Matching decisions, newest meeting first.

    Example::

        find_resolutions(index.catalog, ResolutionFilter(committee="scrutiny", search="deficit"))
    """
    found = [(r, d) for r, d in catalog.resolutions() if where.matches(r)]
    return sorted(found, key=lambda pair: (pair[0].meeting_date or "", pair[1].path, -pair[0].ordinal), reverse=True)
