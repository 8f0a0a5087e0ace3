"""How the papers' text splits into sentences: one rule for the chunker (`ingest/chunk.py`) and for the
answers that quote sentences of chunks (`app/`), so a quoted sentence is always one the chunker saw."""

from __future__ import annotations

import re

SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9£\"'(])")
NUMBERING = re.compile(r"^\(?\d{1,3}(?:\.\d{1,3})*[.)]?$")  # "38.", "(3)", "11.7": an item or paragraph number alone


def split_sentences(text: str) -> list[str]:
    """Sentences of a block, keeping a leading item number ("38.") with what follows it.

    >>> split_sentences("38. Leisure Centre. RESOLVED: That it be approved. Cost £8.7 million.")
    ['38. Leisure Centre.', 'RESOLVED: That it be approved.', 'Cost £8.7 million.']
    """
    sentences: list[str] = []
    for part in SENTENCE_END.split(text):
        if sentences and NUMBERING.match(sentences[-1]):
            sentences[-1] = f"{sentences[-1]} {part}"
        else:
            sentences.append(part)
    return sentences
