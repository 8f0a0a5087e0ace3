"""The metrics of ../shared/eval/README.md, computed from answers and by re-reading the PDFs."""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pypdf

from councilqa.eval.questions import Question
from councilqa.records import Answer, Citation

Metrics = dict[str, float | None]
LOWER_IS_BETTER = frozenset({"false_abstain", "lead_wrong", "answer_words", "latency_ms_p50", "latency_ms_p95"})
RECALL_KS = tuple(range(1, 11))
PAGE_LINE = re.compile(r"^page\s+(\d{1,4})(?:\s+of\s+\d{1,4})?$", re.IGNORECASE)


@dataclass(frozen=True)
class Result:
    """One question as run: the system's answer and the wall time it took, warm."""

    question: Question
    answer: Answer
    latency_ms: float


def collapse(text: str) -> str:
    return " ".join(text.split())


def matches_source(question: Question, citation: Citation) -> bool:
    """The citation's document is a source and its page range overlaps the source's pages."""
    return any(
        source.doc == citation.doc and any(citation.pdf_page <= p <= citation.pdf_page_end for p in source.pdf_pages)
        for source in question.sources
    )


def first_match_rank(question: Question, citations: Sequence[Citation]) -> int | None:
    return next((c.rank for c in citations if matches_source(question, c)), None)


def mrr_at_10(ranks: Sequence[int | None]) -> float:
    """The mean of 1/rank of the first citation on a source page, 0 where none is in the top 10.

    >>> mrr_at_10([1, 2, None, 11])
    0.375
    """
    return sum(1 / rank for rank in ranks if rank and rank <= 10) / len(ranks)


def carries_answer(question: Question, text: str) -> bool:
    """Any accept string occurs in `text`, case-insensitive, whitespace collapsed."""
    haystack = collapse(text).lower()
    return any(collapse(accept).lower() in haystack for accept in question.accept)


class PdfPages:
    """Re-reads cited pages straight from the PDF files with pypdf, independently of the index. A scanned
    page has no text of its own to read: `read_by_ocr(doc, pdf_page)` gives the text OCR read for it (what
    was stored, quoted and cited), or None for a page that was not scanned."""

    def __init__(
        self, locate: Callable[[str], Path | None], read_by_ocr: Callable[[str, int], str | None] | None = None
    ) -> None:
        self._locate = locate
        self._read_by_ocr = read_by_ocr
        self._page_text = lru_cache(maxsize=4096)(self._read)
        self._readers: dict[str, pypdf.PdfReader | None] = {}

    def _read(self, doc: str, pdf_page: int) -> str | None:
        if doc not in self._readers:
            path = self._locate(doc)
            self._readers[doc] = pypdf.PdfReader(path) if path and path.is_file() else None
        reader = self._readers[doc]
        if reader is None or not 1 <= pdf_page <= len(reader.pages):
            return None
        text = reader.pages[pdf_page - 1].extract_text() or ""
        scanned = self._read_by_ocr(doc, pdf_page) if self._read_by_ocr and len(text.strip()) < 20 else None
        return scanned if scanned is not None else text

    def citation_valid(self, citation: Citation) -> bool:
        pages = [self._page_text(citation.doc, p) for p in range(citation.pdf_page, citation.pdf_page_end + 1)]
        if any(page is None for page in pages):
            return False
        return collapse(citation.text) in collapse(" ".join(page or "" for page in pages))

    def printed_page_correct(self, citation: Citation) -> bool | None:
        """Whether the citation's label is one its first page prints, read from the whole page on its
        own terms (not the labeller's rules): every line that is "Page N" or "Page N of M" anywhere on
        the page prints "Page N"; a line that is the label itself ("7", "iv", "3 of 12", "- 7 -")
        prints it. A null label is wrong where the page prints a "Page N" line; None (not counted)
        where the label is null and the page prints none."""
        text = self._page_text(citation.doc, citation.pdf_page)
        if text is None:
            return False if citation.printed_page else None
        printed = page_labels_printed(text)
        if citation.printed_page is None:
            return False if any(label.startswith("Page ") for label in printed) else None
        return citation.printed_page in printed

    def printed_on(self, doc: str, pdf_page: int) -> list[str]:
        """The labels the page prints, as `printed_page_correct` reads them (for the report)."""
        text = self._page_text(doc, pdf_page)
        return sorted(page_labels_printed(text)) if text else []


def page_labels_printed(text: str) -> set[str]:
    """Every label a page's text prints on a line of its own, anywhere on the page.

    >>> sorted(page_labels_printed("Disclaimer\\nPage 20 of 43\\nBody 7\\n- 21 -\\niv"))
    ['- 21 -', '21', 'Page 20', 'Page 20 of 43', 'iv']
    """
    found: set[str] = set()
    for line in (" ".join(raw.split()) for raw in text.splitlines()):
        worded = PAGE_LINE.match(line)
        if worded:
            found.add(f"Page {int(worded.group(1))}")
        dashed = re.fullmatch(r"[-–—]\s*(\d{1,4})\s*[-–—]", line)
        if dashed:
            found.add(dashed.group(1))
        if worded or dashed or re.fullmatch(r"\d{1,4}(?: of \d{1,4})?|[ivxlcIVXLC]{1,7}|[A-Z]-\d{1,3}", line):
            found.add(line)
    return found


def _share(values: Sequence[bool]) -> float | None:
    return sum(values) / len(values) if values else None


def percentile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def lead_wrong(result: Result) -> bool:
    """Whether the answer leads with a decision whose first citation is none of the question's source
    pages; any lead on a question the papers don't answer is wrong."""
    answer = result.answer
    if answer.outcome is None:
        return False
    return (
        not result.question.answerable
        or not answer.citations
        or not matches_source(result.question, answer.citations[0])
    )


def answer_words(answer: Answer) -> int:
    """Words of the answer beside its lead line, citation marks ("[2]") aside."""
    text = answer.answer.removeprefix(answer.outcome or "")
    return len(re.sub(r"\[\d+\]", " ", text).split())


def score(results: Sequence[Result], pages: PdfPages) -> Metrics:
    """All metrics over `results` (one set, one type, or all sets together)."""
    answerable = [r for r in results if r.question.answerable]
    unanswerable = [r for r in results if not r.question.answerable]
    ranks = [first_match_rank(r.question, r.answer.citations) for r in answerable]
    citations = [c for r in results for c in r.answer.citations]
    labelled = [ok for c in citations if (ok := pages.printed_page_correct(c)) is not None]
    metrics: Metrics = {"questions": float(len(results))}
    for k in RECALL_KS:
        metrics[f"page_recall@{k}"] = _share([rank is not None and rank <= k for rank in ranks])
    metrics["mrr@10"] = mrr_at_10(ranks) if ranks else None
    metrics["answer_in_excerpts@5"] = _share(
        [any(carries_answer(r.question, c.text) for c in r.answer.citations[:5]) for r in answerable]
    )
    metrics["answer_in_answer"] = _share([carries_answer(r.question, r.answer.answer) for r in answerable])
    metrics["abstain_recall"] = _share([r.answer.abstained for r in unanswerable])
    metrics["false_abstain"] = _share([r.answer.abstained for r in answerable])
    metrics["lead_wrong"] = _share([lead_wrong(r) for r in results])
    metrics["lead_rate"] = _share([r.answer.outcome is not None for r in answerable if r.question.type == "resolution"])
    words = [answer_words(r.answer) for r in results if not r.answer.abstained]
    metrics["answer_words"] = sum(words) / len(words) if words else None
    metrics["citation_valid"] = _share([pages.citation_valid(c) for c in citations])
    metrics["printed_page_correct"] = _share(labelled)
    latencies = [r.latency_ms for r in results]
    metrics["latency_ms_p50"] = percentile(latencies, 50)
    metrics["latency_ms_p95"] = percentile(latencies, 95)
    return metrics | prose_metrics(results)


def prose_metrics(results: Sequence[Result]) -> Metrics:
    """Where a language model wrote prose (`eval --answer prose`): the share of questions with at least
    one of its sentences shown, and the share of its sentences the checks dropped. Nothing where no
    answer was written in prose."""
    if not any(r.answer.sentences or r.answer.dropped or r.answer.prose_note for r in results):
        return {}
    written = sum(len(r.answer.sentences) + len(r.answer.dropped) for r in results)
    return {
        "prose_shown": _share([bool(r.answer.sentences) for r in results]),
        "prose_dropped": sum(len(r.answer.dropped) for r in results) / written if written else None,
    }
