"""Whether a paper marks itself exempt (Part 2, not for publication) on its first pages. Pure: no I/O.

An exempt report or appendix says so at its head: a banner line standing alone ("NOT FOR
PUBLICATION", "EXEMPT", "CONFIDENTIAL", "RESTRICTED", "PART 2", "EXEMPT APPENDIX"), or a legend about
itself ("This report is not for publication by virtue of paragraph 3 of Part 1 of Schedule 12A ...",
"This appendix contains exempt information ..."). Public papers say these words too, about other
things, and are not marked by them; `../shared/corpus` holds these, each a public paper:

- a decision form's own instruction, "For publication [Do not include information which is exempt from
  publication under schedule 12a of the Local Government Act 1972]" (Kent's PROD forms, page 1);
- an agenda's or minutes' item on another paper: "Exclusion of the Press and Public ... the report
  relating to the following item is exempt under paragraph 3 of Schedule 12A" (corpus/riverford's pack,
  page 2, and its minutes, page 2), "Part 2 items will be considered in the absence of the public and
  press" (a Kent scrutiny agenda frontsheet, page 1);
- words in running text: "Member Budget Dashboards (access restricted)", "restricted intelligence
  systems", "Exempt offer", "confidential to the project".

So a banner must stand alone on its line, in capitals, among the first lines of a page, and a legend
must name the paper itself ("this report", "this appendix") as the thing that is exempt.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from councilqa.records import Page

PAGES = 2  # a marking stands on the first page, or the second after a cover
HEAD_LINES = 15  # banner lines stand at the head of the page
BANNER = re.compile(
    r"^[ \t]*(?:\(?(?:NOT\s+FOR\s+(?:PUBLICATION|PUBLISHING)"
    r"|(?:PRIVATE\s+AND\s+)?CONFIDENTIAL|RESTRICTED|EXEMPT(?:\s+(?:INFORMATION|REPORT|APPENDIX|ITEM))?"
    r"|PART\s+(?:2|II|TWO)(?:\s+(?:REPORT|APPENDIX|ITEM))?)\)?"
    r"(?:[ \t]*[-–—:,][ \t]*(?:NOT\s+FOR\s+PUBLICATION|EXEMPT|CONFIDENTIAL))?)[ \t]*\.?[ \t]*$",
    re.MULTILINE,
)
LEGEND = re.compile(
    r"\b(?:this|the\s+attached)\s+(?:report|appendix|appendices|annex|document|paper|information)\b[^.]{0,80}?"
    r"\b(?:is|are|contains?|includes?)\s+(?:not\s+for\s+publication|exempt\s+information|exempt\b|confidential)",
    re.IGNORECASE,
)


def exemption(pages: Sequence[Page]) -> str | None:
    """Why the paper is exempt, quoting its marking and page ("page 1: “NOT FOR PUBLICATION”"), or
    None where its first pages carry no marking.

    >>> exemption([Page(1, None, "Cabinet 12 March 2026\\nNOT FOR PUBLICATION\\nLand at Mill Lane")])
    'page 1: “NOT FOR PUBLICATION”'
    >>> exemption([Page(1, None, "For publication [Do not include information which is exempt from "
    ...                          "publication under schedule 12a of the Local Government Act 1972]")]) is None
    True
    """
    for page in pages[:PAGES]:
        head = "\n".join(page.text.splitlines()[:HEAD_LINES])
        found = BANNER.search(head) or LEGEND.search(page.text)
        if found:
            return f"page {page.pdf_page}: “{' '.join(found.group(0).split())}”"
    return None
