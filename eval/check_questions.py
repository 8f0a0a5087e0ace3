"""Check a question set against the text of the PDF pages it cites.

Usage::

    python eval/check_questions.py eval/decisions.jsonl [--corpus ../shared/corpus] [-v]

An independent check (it imports nothing from councilqa). The format is the one in ../shared/eval/README.md.
Page text is pypdf's ``extract_text()``, whitespace collapsed and lower-cased. For every answerable question:

(a) at least one ``accept`` string occurs on at least one listed source page;
(b) ``evidence`` occurs on the first source's listed pages;
(c) every source document exists and every ``pdf_pages`` number is inside it;
(d) every ``printed_pages`` label (aligned with ``pdf_pages``) is printed on that page: a line "Page N",
    "Page N of M" or a bare number among the first or last three lines;
(e) no ``accept`` string occurs on an unlisted page of a listed document or of a copy of one (byte-identical, or
    with the same extracted text on every page), so that duplicated pages are listed completely.

Unanswerable questions must have a null answer and empty ``accept`` and ``sources``. Failures are printed one per
line with the question id and the exit status is 1; otherwise a one-line summary is printed and the status is 0.
``-v`` also prints, for each question, where each accept string was found.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from pypdf import PdfReader

DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
EDGE_LINES = 3

Page = tuple[str, int]  # (document path relative to the corpus, 1-based PDF page)


def collapse(text: str) -> str:
    """Whitespace collapsed to single spaces, lower-cased."""
    return " ".join(text.split()).lower()


class Corpus:
    """PDF page text under one root, read once per document."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._raw: dict[str, list[str]] = {}
        self._collapsed: dict[str, list[str]] = {}
        self._by_hash: dict[str, list[str]] = defaultdict(list)
        self._by_length: dict[int, list[str]] = defaultdict(list)
        self._copies: dict[str, list[str]] = {}

    def exists(self, doc: str) -> bool:
        return (self.root / doc).is_file()

    def raw_pages(self, doc: str) -> list[str]:
        if doc not in self._raw:
            self._raw[doc] = [page.extract_text() or "" for page in PdfReader(self.root / doc).pages]
        return self._raw[doc]

    def pages(self, doc: str) -> list[str]:
        if doc not in self._collapsed:
            self._collapsed[doc] = [collapse(text) for text in self.raw_pages(doc)]
        return self._collapsed[doc]

    def copies(self, doc: str) -> list[str]:
        """The document and every PDF under the root that is byte-identical or has the same text on every page."""
        if doc in self._copies:
            return self._copies[doc]
        if not self._by_length:
            for path in sorted(self.root.rglob("*")):
                if path.is_file() and path.suffix.lower() == ".pdf":
                    rel = path.relative_to(self.root).as_posix()
                    self._by_hash[hashlib.sha256(path.read_bytes()).hexdigest()].append(rel)
                    self._by_length[len(PdfReader(path).pages)].append(rel)
        same_bytes = self._by_hash[hashlib.sha256((self.root / doc).read_bytes()).hexdigest()]
        candidates = self._by_length[len(self.raw_pages(doc))]
        same_text = [other for other in candidates if other not in same_bytes and self.pages(other) == self.pages(doc)]
        self._copies[doc] = sorted({doc, *same_bytes, *same_text})
        return self._copies[doc]


def label_printed(raw_page: str, label: str) -> bool:
    """Whether ``label`` ("Page N" or "N") is a line of its own at the top or bottom of the page."""
    lines = [collapse(line) for line in raw_page.splitlines() if line.strip()]
    pattern = re.compile(re.escape(collapse(label)) + r"( of \d+)?")
    return any(pattern.fullmatch(line) for line in lines[:EDGE_LINES] + lines[-EDGE_LINES:])


def check_sources(corpus: Corpus, sources: list[dict[str, Any]]) -> tuple[list[str], list[Page]]:
    """Checks (c) and (d); returns the failures and the listed pages that can be read."""
    failures: list[str] = []
    listed: list[Page] = []
    for source in sources:
        doc, numbers = source.get("doc", ""), source.get("pdf_pages") or []
        if not corpus.exists(doc):
            failures.append(f"source doc not found: {doc!r}")
            continue
        raw = corpus.raw_pages(doc)
        for number in numbers:
            if isinstance(number, int) and 1 <= number <= len(raw):
                listed.append((doc, number))
            else:
                failures.append(f"page {number!r} is outside {doc!r} ({len(raw)} pages)")
        labels = source.get("printed_pages") or []
        if labels and len(labels) != len(numbers):
            failures.append(f"printed_pages {labels} do not align with pdf_pages {numbers} in {doc!r}")
            continue
        for number, label in zip(numbers, labels, strict=False):
            if isinstance(number, int) and 1 <= number <= len(raw) and not label_printed(raw[number - 1], label):
                failures.append(f"printed page {label!r} is not printed on {doc!r} p.{number}")
    return failures, listed


def where(corpus: Corpus, accept: str, docs: list[str]) -> list[Page]:
    """Every page of ``docs`` and of their copies that holds ``accept``."""
    wanted = collapse(accept)
    found: list[Page] = []
    for copy in sorted({copy for doc in docs for copy in corpus.copies(doc)}):
        found += [(copy, number) for number, text in enumerate(corpus.pages(copy), 1) if wanted in text]
    return found


def show(pages: list[Page]) -> str:
    return "; ".join(f"{doc} p.{number}" for doc, number in pages) or "not in these documents"


def check_accept(corpus: Corpus, question: dict[str, Any], listed: list[Page], verbose: bool) -> list[str]:
    """Checks (a) and (e), and prints where each accept string was found when ``verbose``."""
    failures: list[str] = []
    docs = sorted({doc for doc, _ in listed})
    hits = {accept: where(corpus, accept, docs) for accept in question["accept"]}
    for accept, pages in hits.items():
        if verbose:
            print(f"{question['id']}: accept {accept!r}: {show(pages)}")
        unlisted = [page for page in pages if page not in listed]
        if unlisted:
            failures.append(f"accept {accept!r} is also on unlisted pages: {show(unlisted)}")
    if listed and not any(page in listed for pages in hits.values() for page in pages):
        found = "; ".join(f"{accept!r}: {show(pages)}" for accept, pages in hits.items())
        failures.append(f"no accept string is on a listed source page (found: {found})")
    return failures


def check_evidence(corpus: Corpus, evidence: str, first: dict[str, Any], listed: list[Page]) -> list[str]:
    """Check (b): the evidence is on the first source's pages (one page, or running across them in order)."""
    doc = first.get("doc", "")
    texts = [corpus.pages(doc)[number - 1] for listed_doc, number in listed if listed_doc == doc]
    wanted = collapse(evidence)
    if not texts or any(wanted in text for text in texts) or wanted in " ".join(texts):
        return []
    return [f"evidence not found on {doc!r} pages {first.get('pdf_pages')}: {evidence[:80]!r}"]


def check_question(corpus: Corpus, question: dict[str, Any], verbose: bool) -> list[str]:
    """Every failure of one question, without its id."""
    missing = [key for key in ("id", "question", "type") if not question.get(key)]
    if missing:
        return [f"missing {', '.join(missing)}"]
    accept, sources, evidence = question.get("accept"), question.get("sources"), question.get("evidence")
    if question["type"] == "unanswerable":
        if question.get("answer") is not None or accept or sources:
            return ["unanswerable question must have answer null and empty accept and sources"]
        return []
    if not (isinstance(accept, list) and accept and all(isinstance(a, str) and a.strip() for a in accept)):
        return ["answerable question needs a non-empty list of non-empty accept strings"]
    if not (isinstance(sources, list) and sources and isinstance(evidence, str) and evidence.strip()):
        return ["answerable question needs sources and evidence"]
    failures, listed = check_sources(corpus, sources)
    failures += check_accept(corpus, question, listed, verbose)
    failures += check_evidence(corpus, evidence, sources[0], listed)
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", type=Path, help="a question set (.jsonl)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="root that source docs are relative to")
    parser.add_argument("-v", "--verbose", action="store_true", help="print where each accept string was found")
    args = parser.parse_args(argv)
    corpus = Corpus(args.corpus)
    failures: list[str] = []
    questions: list[dict[str, Any]] = []
    for number, line in enumerate(args.questions.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                questions.append(json.loads(line))
            except json.JSONDecodeError as error:
                failures.append(f"line {number}: not JSON ({error})")
    ids = [str(question.get("id")) for question in questions]
    failures += [f"{qid}: duplicate id" for qid in sorted({qid for qid in ids if ids.count(qid) > 1})]
    for question in questions:
        failures += [f"{question.get('id')}: {failure}" for failure in check_question(corpus, question, args.verbose)]
    for failure in failures:
        print(failure)
    if failures:
        print(f"FAILED: {len(failures)} failure(s) in {args.questions}")
        return 1
    answerable = sum(question["type"] != "unanswerable" for question in questions)
    pages = sum(len(s.get("pdf_pages") or []) for question in questions for s in question.get("sources") or [])
    print(
        f"ok: {len(questions)} questions in {args.questions} ({answerable} answerable, "
        f"{len(questions) - answerable} unanswerable), {pages} source pages checked"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
