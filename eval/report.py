"""The eval report: metrics tables, a page_recall@k chart, misses, and the index stamp."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from councilqa.eval.baselines import EvalExtraMissing
from councilqa.eval.metrics import RECALL_KS, Metrics, PdfPages, Result, first_match_rank
from councilqa.eval.run import ALL, SystemScores

COLUMNS = (
    ("questions", "n"),
    ("page_recall@1", "recall@1"),
    ("page_recall@5", "recall@5"),
    ("page_recall@10", "recall@10"),
    ("mrr@10", "MRR@10"),
    ("answer_in_excerpts@5", "ans∈excerpts@5"),
    ("answer_in_answer", "ans∈answer"),
    ("abstain_recall", "abstain_recall"),
    ("false_abstain", "false_abstain"),
    ("lead_wrong", "lead_wrong"),
    ("lead_rate", "lead_rate (decisions)"),
    ("answer_words", "words"),
    ("citation_valid", "citation_valid"),
    ("printed_page_correct", "printed_page_ok"),
    ("latency_ms_p50", "p50 ms"),
    ("latency_ms_p95", "p95 ms"),
)
PROSE_COLUMNS = (
    ("questions", "n"),
    ("answer_in_answer", "ans∈answer"),
    ("prose_shown", "prose shown"),
    ("prose_dropped", "sentences dropped"),
    ("abstain_recall", "abstain_recall"),
    ("false_abstain", "false_abstain"),
    ("answer_words", "words"),
    ("latency_ms_p50", "p50 ms"),
)


def prose_rows(scores: dict[str, SystemScores]) -> dict[str, Metrics]:
    """Where councilqa answered in prose: its rows and its quotes' (`eval --answer prose`), set by set."""
    if not any("prose_shown" in m for m in scores["councilqa"].by_set.values()):
        return {}
    return {
        f"{name} · {group}": metrics
        for group in scores["councilqa"].by_set
        for name in ("councilqa", "councilqa · quotes")
        if (metrics := scores[name].by_set.get(group)) is not None
    }


def _cell(metric: str, value: float | None) -> str:
    if value is None:
        return "–"
    if metric in ("questions", "answer_words") or metric.startswith("latency"):
        return f"{value:.0f}"
    return f"{value:.3f}"


def metrics_table(rows: dict[str, Metrics], first: str, columns: tuple[tuple[str, str], ...] = COLUMNS) -> str:
    """A Markdown table, one row per key of `rows`."""
    lines = [
        "| " + " | ".join([first, *(label for _, label in columns)]) + " |",
        "|" + "---|" * (len(columns) + 1),
    ]
    for name, metrics in rows.items():
        lines.append("| " + " | ".join([name, *(_cell(m, metrics.get(m)) for m, _ in columns)]) + " |")
    return "\n".join(lines)


def recall_chart(scores: dict[str, SystemScores], path: Path) -> None:
    """page_recall@k for k = 1..10 over all sets, one line per system, as a PNG."""
    try:
        import matplotlib
    except ImportError as error:
        raise EvalExtraMissing("the report's chart (--report)", error) from error
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.2), dpi=110)
    for name, system in scores.items():
        values = [system.by_set[ALL][f"page_recall@{k}"] or 0.0 for k in RECALL_KS]
        axes.plot(RECALL_KS, values, marker="o", label=name)
    axes.set(xlabel="k (citations looked at)", ylabel="page_recall@k", ylim=(0, 1.02), xticks=RECALL_KS)
    axes.set_title("A right document and page among the top k citations (all sets)")
    axes.grid(alpha=0.3)
    axes.legend(loc="lower right")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def label_disagreements(results: Sequence[Result], pages: PdfPages) -> list[str]:
    """One line per distinct cited page whose label the page itself doesn't print."""
    seen: dict[tuple[str, int, str | None], str] = {}
    for result in results:
        for c in result.answer.citations:
            key = (c.doc, c.pdf_page, c.printed_page)
            if key not in seen and pages.printed_page_correct(c) is False:
                printed = ", ".join(f'"{label}"' for label in pages.printed_on(c.doc, c.pdf_page)) or "nothing"
                seen[key] = f"- {c.doc} PDF p.{c.pdf_page}: cited as {c.printed_page!r}; the page prints {printed}"
    return list(seen.values())


def misses(results: Sequence[Result], k: int = 5) -> list[str]:
    """Answerable questions with no right page in the top `k`, and unanswerable ones answered."""
    lines = []
    for result in results:
        question, answer = result.question, result.answer
        got = "; ".join(f"[{c.rank}] {c.doc} p.{c.pdf_page}" for c in answer.citations[:3]) or "nothing"
        if question.answerable:
            rank = first_match_rank(question, answer.citations)
            if rank is None or rank > k:
                expected = "; ".join(f"{s.doc} p.{','.join(map(str, s.pdf_pages))}" for s in question.sources[:3])
                found = f"first right page at rank {rank}" if rank else "no right page in the top 10"
                lines.append(
                    f"- **{question.id}** ({question.type}) {question.question}  \n"
                    f"  expected: {expected}  \n  got: {got} ({found})"
                )
        elif not answer.abstained:
            lines.append(f"- **{question.id}** (unanswerable, not abstained) {question.question}  \n  got: {got}")
    return lines


def abstention_tradeoff(
    results: Sequence[Result], current: float, steps: int = 9, step: float = 0.02, setting: str = "min_evidence"
) -> str:
    """A Markdown table of abstain_recall and false_abstain per question set, had the evidence
    threshold (`setting`) been each of `steps` values around `current` (answers abstained for another reason,
    such as a meeting not indexed, stay abstained)."""
    sets = sorted({r.question.set_name for r in results})
    lines = [f"| {setting} | " + " | ".join(f"{name} abstain_recall / false_abstain" for name in sets) + " |"]
    lines.append("|" + "---|" * (len(sets) + 1))
    for i in range(steps):
        threshold = round(current + (i - steps // 2) * step, 4)
        cells = []
        for name in sets:
            group = [r for r in results if r.question.set_name == name]

            def abstains(r: Result, threshold: float = threshold) -> bool:
                if r.answer.decision is not None:  # answered from a decision: the threshold doesn't decide it
                    return False
                e = r.answer.evidence
                return e is None or e < threshold or (r.answer.abstained and e >= current)

            unanswerable = [abstains(r) for r in group if not r.question.answerable]
            answerable = [abstains(r) for r in group if r.question.answerable]
            recall = f"{sum(unanswerable) / len(unanswerable):.2f}" if unanswerable else "–"
            false = f"{sum(answerable) / len(answerable):.2f}" if answerable else "–"
            cells.append(f"{recall} / {false}")
        marker = " (current)" if abs(threshold - current) < 1e-9 else ""
        lines.append(f"| {threshold:.2f}{marker} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_report(
    path: Path,
    *,
    scores: dict[str, SystemScores],
    results: Sequence[Result],
    question_files: Sequence[Path],
    stamp: str,
    failures: Sequence[str] | None,
    threshold: tuple[float, str],
    pages: PdfPages,
) -> Path:
    """Write the Markdown report at `path` and its chart beside it; return the chart's path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    chart = path.with_name(f"{path.stem}_recall.png")
    recall_chart(scores, chart)
    ours = scores["councilqa"]
    current, reader = threshold
    name, step = ("min_relevance", 0.5) if reader == "model" else ("min_evidence", 0.02)
    sections = [
        "# councilqa eval report",
        f"Index stamp: `{stamp}`",
        "Question sets: " + ", ".join(f"`{p}`" for p in question_files),
        "## councilqa, per question set\n\n" + metrics_table(ours.by_set, "set"),
        "## Side by side\n\n"
        + "\n\n".join(
            f"### {group}\n\n" + metrics_table({name: s.by_set[group] for name, s in scores.items()}, "system")
            for group in ours.by_set
        ),
        "## councilqa, per question type (all sets)\n\n" + metrics_table(ours.by_type, "type"),
        "## Decision questions (type resolution, all sets), every system\n\n"
        + metrics_table(
            {name: s.by_type["resolution"] for name, s in scores.items() if "resolution" in s.by_type}, "system"
        ),
        "## Abstention: answered against abstained\n\n"
        f"councilqa abstains when its evidence score is below its reader's threshold (reader `{reader}`: "
        f"`answer.{name}`; see the settings). Had the threshold been another value, these questions would "
        "have been abstained on:\n\n" + abstention_tradeoff(results, current, step=step, setting=name),
        f"## page_recall@k\n\n![page_recall@k]({chart.name})",
        "## Misses (councilqa: no right page in the top 5, or an unanswerable question answered)\n\n"
        + ("\n".join(misses(results)) or "None."),
        "## Printed page labels the pages disagree with (councilqa)\n\n"
        'Each cited first page read whole: every line that is "Page N" (or "Page N of M"), or is the '
        "label itself.\n\n" + ("\n".join(label_disagreements(results, pages)) or "None."),
        "## Notes\n\n"
        "- Latency is the wall time of one warm question (model loaded), asked for 10 citations.\n"
        "- `printed_page_ok` counts citations whose first page prints a label at its top or foot: a "
        "'Page N' line, or a bare number the citation names; the label must match.\n"
        "- The baselines write no answer and never abstain; see `eval/baselines.py`.",
    ]
    prose = {
        f"{name} · {group}": m for name, s in scores.items() for group, m in s.by_set.items() if "prose_shown" in m
    }
    if prose:
        sections.insert(
            4,
            "## Prose answers (answer.llm), beside the quotes\n\nEach sentence a language model wrote is shown "
            "only where the excerpts it cites bear it out (answer/claims.py); `prose shown` is the share of "
            "questions with at least one of its sentences shown.\n\n"
            + metrics_table(prose, "system · set", PROSE_COLUMNS),
        )
    if failures is not None:
        sections.append("## Thresholds\n\n" + ("\n".join(f"- FAILED {f}" for f in failures) or "All thresholds met."))
    path.write_text("\n\n".join(sections) + "\n", encoding="utf-8")
    return chart
