"""`councilqa eval`: run question sets against the current index (and, optionally, the baselines),
write results and a report, and check thresholds. It ingests nothing itself."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from councilqa.answer.ask import Assistant
from councilqa.errors import CouncilQAError
from councilqa.eval.baselines import LlamaIndexStarter, PageBM25, System, page_records
from councilqa.eval.metrics import PdfPages
from councilqa.eval.questions import Question, load_questions
from councilqa.eval.report import PROSE_COLUMNS, metrics_table, prose_rows, write_report
from councilqa.eval.run import SystemScores, check_thresholds, load_thresholds, run_questions, summarize
from councilqa.index.embed import default_model_path
from councilqa.index.store import Index, Mode
from councilqa.records import Answer

log = logging.getLogger(__name__)
K = 10  # citations asked for per question: enough for page_recall@10 and MRR@10


@dataclass(frozen=True)
class Answering:
    """The assistant answering in prose (with its configured language model), or in quotes only (whether
    or not one is configured), as a `System`."""

    assistant: Assistant
    prose: bool

    def ask(self, question: str, k: int | None = None) -> Answer:
        return self.assistant.ask(question, k, prose=self.prose)


@dataclass(frozen=True)
class EvalOutcome:
    scores: dict[str, SystemScores]
    failures: list[str] | None  # None when no thresholds were given
    chart: Path | None

    def summary(self) -> str:
        rows = {f"{name} · {group}": s.by_set[group] for name, s in self.scores.items() for group in s.by_set}
        text = metrics_table(rows, "system · set")
        if prose := prose_rows(self.scores):
            text += "\n\n" + metrics_table(prose, "system · set", PROSE_COLUMNS)
        if self.failures:
            text += "\n\nThresholds not met:\n" + "\n".join(f"- {f}" for f in self.failures)
        elif self.failures is not None:
            text += "\n\nAll thresholds met."
        return text


def evaluate(
    index: Index,
    assistant: Assistant,
    question_files: list[Path],
    *,
    out: Path | None = None,
    report: Path | None = None,
    baselines: bool = False,
    thresholds: Path | None = None,
    modes: Sequence[Mode] = (),
    run: str | None = None,
    prose: bool = False,
    on_question: Callable[[str, int, int], None] | None = None,
) -> EvalOutcome:
    """Score councilqa (and the baselines) on the question sets. `assistant` is the system the
    thresholds hold for and whose results are written; each of `modes` adds councilqa with that
    retrieval mode ("councilqa · bm25") beside it. `run` names a run over another corpus, whose
    thresholds are its own tables (`[gallery.all]`). With `prose`, councilqa answers in prose (its
    configured language model) and "councilqa · quotes", the same assistant's extractive answer, is
    scored beside it. `on_question(system, done, total)` follows the run.

    Example::

        outcome = evaluate(index, Assistant(settings, index), [Path("eval/riverford_sample.jsonl")])
        print(outcome.summary())
    """
    if index.papers.is_empty():
        raise CouncilQAError(f"{index.settings.data_dir}: nothing is indexed; run `councilqa ingest` first")
    limits = load_thresholds(thresholds, run) if thresholds else None
    questions: list[Question] = [q for path in question_files for q in load_questions(path)]
    systems = _systems(index, assistant, modes, baselines=baselines, prose=prose)
    documents = {d.path: d for d in index.papers.documents()}
    locations = {path: Path(d.root) / path for path, d in documents.items()}

    def read_by_ocr(doc: str, pdf_page: int) -> str | None:
        found = [p for p in index.papers.pages(documents[doc].sha256) if p.pdf_page == pdf_page and p.ocr]
        return found[0].text if found else None

    pdf_pages = PdfPages(locations.get, read_by_ocr)
    results = {}
    for name, system in systems.items():
        log.info("running %d questions through %s", len(questions), name)
        results[name] = run_questions(system, questions, K, on_question and partial(on_question, name))
    scores = {name: summarize(found, pdf_pages) for name, found in results.items()}
    failures = check_thresholds(scores["councilqa"].by_set, limits) if limits is not None else None
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as handle:
            for result in results["councilqa"]:
                record = {"id": result.question.id, **result.answer.to_json()}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    chart = None
    if report:
        chart = write_report(
            report,
            scores=scores,
            results=results["councilqa"],
            question_files=question_files,
            stamp=str(index.stamp),
            failures=failures,
            threshold=(assistant.minimum, assistant.settings.answer.reader),
            pages=pdf_pages,
        )
    return EvalOutcome(scores, failures, chart)


def _systems(
    index: Index, assistant: Assistant, modes: Sequence[Mode], *, baselines: bool, prose: bool
) -> dict[str, System]:
    """The systems run, by name: councilqa (first: the thresholds hold for it), then those beside it."""
    systems: dict[str, System] = {"councilqa": Answering(assistant, prose=prose)}
    if prose:
        systems["councilqa · quotes"] = Answering(assistant, prose=False)
    for mode in modes:
        if mode != assistant.mode:
            beside = Assistant(
                assistant.settings,
                index,
                mode,
                include_restricted=assistant.include_restricted,
                relevance=assistant.relevance,  # one reader's model, loaded once
            )
            systems[f"councilqa · {mode}"] = Answering(beside, prose=False)
    if baselines:
        pages = page_records(index, public_only=not assistant.include_restricted)
        systems["bm25-pages"] = PageBM25(pages)
        model_path = index.settings.index.model_path or default_model_path()
        systems["llamaindex-starter"] = LlamaIndexStarter(pages, model_path, index.settings.data.baselines)
    return systems
