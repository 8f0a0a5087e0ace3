"""Find the page label each page prints, e.g. "Page 30" in an agenda pack's footer.

The printed label and the PDF page differ (an agenda pack's front sheet prints none), and a citation
must name both correctly, so a label is kept only where the evidence is good:

- a line "Page N" or "Page N of M" (labelled "Page N"), "N of M" or "- N -" at the top or bottom of
  the page is taken as printed; a few lines further in (below a disclaimer, above a footnote) it is
  taken only where it agrees with the page sequence: most such labels sit at one offset from the PDF
  page number, and at least two do; so is a page's one "Page N of M" line anywhere on it, where nothing
  else labels the page (a form's last lines, with another paper scanned onto the same page below them);
- a bare number (or a roman numeral, in front matter) at the top or bottom is taken only where it
  agrees with the other pages in the same way;
- a label the PDF declares in its /PageLabels ("iv", "A-3") is taken where the page also prints it
  at its top or bottom; a declared label the page doesn't print is not a printed label.
"""

from __future__ import annotations

import re
from collections import Counter

PAGE_WORD = re.compile(r"^page\s+(\d{1,4})(?:\s+of\s+\d{1,4})?$", re.IGNORECASE)
PAGE_OF = re.compile(r"^page\s+(\d{1,4})\s+of\s+\d{1,4}$", re.IGNORECASE)
N_OF_M = re.compile(r"^(\d{1,4})\s+of\s+\d{1,4}$", re.IGNORECASE)
DASHED = re.compile(r"^[-–—]\s*(\d{1,4})\s*[-–—]$")
BARE_NUMBER = re.compile(r"^\d{1,4}$")
ROMAN = re.compile(r"^(?=[ivxlc]{1,7}$)c{0,3}(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$", re.IGNORECASE)
EDGE_LINES = 2  # lines looked at, at each end of the page text
NEAR_LINES = 5  # … and for labels that must agree with the page sequence


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _edges(text: str, depth: int = EDGE_LINES) -> list[str]:
    lines = _lines(text)
    return lines[:depth] + lines[-depth:]


def _worded(line: str) -> tuple[str, int] | None:
    """The label a line prints and its number: "Page 7 of 9" → ("Page 7", 7), "7 of 9", "- 7 -"."""
    for pattern, label in ((PAGE_WORD, "Page {}"), (N_OF_M, None), (DASHED, "{}")):
        found = pattern.match(line)
        if found:
            number = int(found.group(1))
            return (label.format(number) if label else line), number
    return None


def _roman(line: str) -> int | None:
    if not ROMAN.match(line):
        return None
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    digits = [values[c] for c in line.lower()]
    return sum(-d if i + 1 < len(digits) and d < digits[i + 1] else d for i, d in enumerate(digits))


def label_line(text: str, label: str | None) -> str | None:
    """The line of `text` near its top or bottom that prints `label`, so chunking can keep it out of
    excerpts' ends."""
    if label is None:
        return None
    for line in _edges(text, NEAR_LINES):
        worded = _worded(line)
        if line == label or (worded and worded[0].lower() == label.lower()):
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
    >>> printed_labels(["Disclaimer\\nto add up.\\nPage 2 of 9\\nText", "Disclaimer\\nto add up.\\nPage 3 of 9\\nMore"])
    ['Page 2', 'Page 3']
    >>> mid = "\\n".join(["Form's last lines"] * 6 + ["{}"] + ["A paper scanned below them"] * 6)
    >>> printed_labels(["Cover", mid.format("Page 2 of 3"), mid.format("Page 3 of 3")])
    [None, 'Page 2', 'Page 3']
    """
    labels: list[str | None] = [None] * len(texts)
    near: dict[int, tuple[str, int]] = {}  # worded labels a few lines in, kept if they agree
    bare: dict[int, tuple[str, int]] = {}  # bare numbers and roman numerals at the edges, likewise
    within: dict[int, tuple[str, int]] = {}  # "Page N of M" further in still (two pages in one), likewise
    for index, text in enumerate(texts):
        edges = _edges(text)
        worded = next((found for line in edges if (found := _worded(line))), None)
        if worded:
            labels[index] = worded[0]
            continue
        inner = [line for line in _edges(text, NEAR_LINES) if line not in edges]
        worded = next((found for line in inner if (found := _worded(line))), None)
        if worded:
            near[index] = worded
            continue
        number = next((line for line in edges if BARE_NUMBER.match(line) or _roman(line)), None)
        if number is not None:
            bare[index] = (number, int(number) if number.isdigit() else (_roman(number) or 0) - 1000)
        counted = [int(page.group(1)) for line in _lines(text) if (page := PAGE_OF.match(line))]
        if len(counted) == 1:
            within[index] = (f"Page {counted[0]}", counted[0])
    for index, label in enumerate(declared or []):
        if labels[index] is None and index < len(texts):
            edges = _edges(texts[index])
            printed = (label.lower(), f"page {label}".lower())
            labels[index] = next((line for line in edges if line.lower() in printed), None)
    for candidates in (near, bare, within):
        for index, label in _in_sequence(candidates, len(texts)).items():
            labels[index] = labels[index] or label
    return labels


def _in_sequence(found: dict[int, tuple[str, int]], n_pages: int) -> dict[int, str]:
    """The labels among `found` (page index → label and number) that sit at the most common offset
    from their page's position, when at least two do (or the document has one page)."""
    offsets = Counter(number - index for index, (_, number) in found.items())
    if not offsets:
        return {}
    offset, votes = offsets.most_common(1)[0]
    if votes < 2 and n_pages > 1:
        return {}
    return {index: label for index, (label, number) in found.items() if number - index == offset}
