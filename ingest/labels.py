"""Find the page label each page prints, e.g. "Page 30" in an agenda pack's footer.

The printed label and the PDF page differ (an agenda pack's front sheet prints none), and a citation
must name both correctly, so a label is kept only where the evidence is good:

- a line "Page N" (or "Page N of M") at the top or bottom of the page is taken as printed;
- a bare number at the top or bottom is taken only where it agrees with the other pages of the
  document: most bare numbers must sit at one offset from the PDF page number, and at least two do;
- a label the PDF declares in its /PageLabels ("iv", "A-3") is taken where the page also prints it
  at its top or bottom; a declared label the page doesn't print is not a printed label.
"""

from __future__ import annotations

import re
from collections import Counter

PAGE_WORD = re.compile(r"^page\s+(\d{1,4})(?:\s+of\s+\d{1,4})?$", re.IGNORECASE)
BARE_NUMBER = re.compile(r"^\d{1,4}$")
EDGE_LINES = 2  # lines looked at, at each end of the page text


def _edges(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[:EDGE_LINES] + lines[-EDGE_LINES:]


def label_line(text: str, label: str | None) -> str | None:
    """The edge line of `text` that prints `label`, so chunking can keep it out of excerpts' ends."""
    if label is None:
        return None
    for line in _edges(text):
        if line == label or (PAGE_WORD.match(line) and line.lower().startswith(label.lower())):
            return line
    return None


def printed_labels(texts: list[str], declared: list[str] | None = None) -> list[str | None]:
    """One label (or None) per page text, in PDF page order. `declared` are the PDF's /PageLabels.

    >>> printed_labels(["Agenda", "Page 1\\nMinutes", "Page 2\\nMore"])
    [None, 'Page 1', 'Page 2']
    >>> printed_labels(["Report\\n1", "Next\\n2", "Table\\n77"])
    ['1', '2', None]
    >>> printed_labels(["Contents\\nii", "Foreword", "Page 1\\nText"], declared=["ii", "iii", "1"])
    ['ii', None, 'Page 1']
    """
    labels: list[str | None] = [None] * len(texts)
    bare: dict[int, int] = {}
    for index, text in enumerate(texts):
        edges = _edges(text)
        worded = next((m for line in edges if (m := PAGE_WORD.match(line))), None)
        if worded:
            labels[index] = f"Page {int(worded.group(1))}"
            continue
        number = next((int(line) for line in edges if BARE_NUMBER.match(line)), None)
        if number is not None:
            bare[index] = number
    for index, label in enumerate(declared or []):
        if labels[index] is None and index < len(texts):
            edges = _edges(texts[index])
            printed = (label.lower(), f"page {label}".lower())
            labels[index] = next((line for line in edges if line.lower() in printed), None)
    offsets = Counter(number - (index + 1) for index, number in bare.items())
    if offsets:
        offset, votes = offsets.most_common(1)[0]
        if votes >= 2 or len(texts) == 1:
            for index, number in bare.items():
                if number - (index + 1) == offset:
                    labels[index] = str(number)
    return labels
