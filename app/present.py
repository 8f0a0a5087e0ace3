"""Answers and decisions as the app shows them: chat Markdown, citation cards (HTML), export Markdown.

Pure functions of the records: no Gradio, no I/O. Every text from the papers is HTML-escaped. A page
image and an export travel inside the HTML (data: URLs), never as files.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Sequence

from PIL import Image

from councilqa.answer.ask import ABSTAIN
from councilqa.answer.cite import Cited, where
from councilqa.app.resolutions import FoundDecision, outcome_line
from councilqa.app.viewer import PageRef
from councilqa.records import Answer, Citation, Quote

NO_ANSWER = "The papers don't answer this."


def place(cited: Cited) -> str:
    """Where a passage is, as users read it: `where()`, with a bare printed number shown as "Page N".

    >>> from types import SimpleNamespace as S
    >>> place(S(pdf_page=2, pdf_page_end=2, printed_page="2")), place(S(pdf_page=4, pdf_page_end=5, printed_page=None))
    ('Page 2 · PDF p.2', 'PDF p.4–5')
    """
    text = where(cited)
    return f"Page {text}" if cited.printed_page and cited.printed_page.isdigit() else text


def filter_line(answer: Answer) -> str | None:
    """What the search was limited to: the assistant's note (a filter read from the question, or a
    meeting not indexed), else "Filtered to …" for filters set in the sidebar; None when neither."""
    if answer.filter_note:
        return answer.filter_note
    return f"Filtered to {answer.filters.describe()}" if answer.filters else None


MARKDOWN = re.compile(r"([\\`*_\[\]()!#|~])")


def inert(text: str) -> str:
    r"""Text from a paper or a model as the chat shows it: its HTML escaped and its Markdown too, so that
    a link, image or emphasis in it shows as written and does nothing (a planted image would load from
    another site).

    >>> inert("![x](https://evil.example/a.png) <b>")
    '\\!\\[x\\]\\(https://evil.example/a.png\\) &lt;b&gt;'
    """
    return html.escape(MARKDOWN.sub(r"\\\1", text))


def chat_markdown(answer: Answer, *, writing: bool = False) -> str:
    """The chat message: the quoted sentences, each with its citation number, or the abstention. A prose
    answer (`answer.llm`): its lead and checked sentences, with the quotes behind a toggle; `writing` while
    the model is still writing."""
    parts = []
    if answer.abstained:
        parts.append(f"**{NO_ANSWER}**")
        if answer.answer != ABSTAIN:  # a reason of its own: "No minutes of a meeting on … are indexed"
            parts.append(inert(answer.answer))
        elif answer.citations:
            parts.append("The closest matches are listed below.")
    elif answer.answer_mode == "prose" or writing:
        lead = [f"**{inert(answer.outcome)}**"] if answer.outcome else []
        said = [f"{inert(s.text)} **[{', '.join(map(str, s.citations))}]**" for s in answer.sentences]
        parts.append(" ".join([*lead, *said]) or "*Writing an answer from the excerpts…*")
        if writing and said:
            parts.append("*Writing…*")
        parts.append(
            "*Written by a language model; each sentence was checked against the excerpts it cites.*\n\n"
            f"<details><summary>The quotes from the papers</summary>\n\n{_quoted(answer.quotes)}\n\n</details>"
        )
    else:
        parts += [f"**{inert(answer.outcome)}**"] if answer.outcome else []  # the decision's outcome, vote, movers
        parts.append(_quoted(answer.quotes) if answer.quotes else inert(answer.answer))
        if answer.prose_note:
            parts.append(f"*{inert(answer.prose_note)}*")
    scanned = [c.rank for c in answer.citations if c.ocr and any(q.citation == c.rank for q in answer.quotes)]
    if scanned:
        cited, one = ", ".join(f"[{rank}]" for rank in scanned), len(scanned) == 1
        pages = "a scanned page" if one else "scanned pages"
        parts.append(f"*Quoted from {pages} read by OCR ({cited}): check the words against the page image.*")
    line = filter_line(answer)
    if line:
        parts.append(f"*{html.escape(line)}*")
    return "\n\n".join(parts)


def _quoted(quotes: Sequence[Quote]) -> str:
    return "\n>\n".join(f"> “{inert(q.text)}” **[{q.citation}]**" for q in quotes)


def highlight(text: str, sentences: Sequence[str]) -> str:
    """`text` as HTML with each of `sentences` found in it wrapped in <mark>.

    >>> highlight("A b. C & d. E.", ["C & d."])
    'A b. <mark>C &amp; d.</mark> E.'
    """
    spans = sorted((start, start + len(s)) for s in sentences if s and (start := text.find(s)) >= 0)
    out, at = [], 0
    for start, end in spans:
        if start < at:
            continue
        out += [html.escape(text[at:start]), f"<mark>{html.escape(text[start:end])}</mark>"]
        at = end
    return "".join([*out, html.escape(text[at:])])


def citation_ref(citation: Citation, quotes: Sequence[Quote]) -> PageRef:
    return PageRef(
        doc=citation.doc,
        pdf_page=citation.pdf_page,
        where=place(citation),
        title=citation.title,
        excerpt=citation.text,
        quotes=tuple(q.text for q in quotes if q.citation == citation.rank),
    )


def _card(key: str, number: str, ref: PageRef, meta: Sequence[str | None], extra: str = "", *, lead: str = "") -> str:
    meeting = " · ".join(html.escape(part) for part in meta if part)
    return (
        f'<div class="cq-card" data-ref="{key}" role="button" tabindex="0" title="Open the page">'
        f'<div class="cq-card-head"><span class="cq-num">{number}</span> '
        f'<span class="cq-title">{html.escape(ref.title)}</span>'
        f"{f' <span class=cq-meeting>{meeting}</span>' if meeting else ''}"
        f'<span class="cq-where">{html.escape(ref.where)}</span></div>'
        f'{lead}<div class="cq-excerpt">{highlight(ref.excerpt, ref.quotes)}</div>{extra}</div>'
    )


def _meeting_link(url: str | None) -> str:
    """A link to the meeting's page on the council's site, for papers fetched from it; "" otherwise.

    >>> _meeting_link("https://democracy.kent.gov.uk/ieListDocuments.aspx?CId=115&MId=9806")[:58]
    '<div class="cq-doc"><a href="https://democracy.kent.gov.uk'
    >>> _meeting_link("javascript:alert(1)"), _meeting_link(None)
    ('', '')
    """
    if not url or not url.lower().startswith(("https://", "http://")):
        return ""
    return (
        f'<div class="cq-doc"><a href="{html.escape(url)}" target="_blank" rel="noopener noreferrer">'
        "The meeting's page on the council's site</a></div>"
    )


def answer_cards(answer: Answer) -> tuple[str, dict[str, PageRef]]:
    """Citation cards for an answer (HTML), and the page each card opens, by card key."""
    quotes = answer.quotes
    refs = {f"a{c.rank}": citation_ref(c, quotes) for c in answer.citations}
    heading = "Closest matches" if answer.abstained else "Sources"
    cards = []
    for c in answer.citations:
        copies = "".join(f"<li>{html.escape(path)}</li>" for path in c.copies)
        extra = f'<div class="cq-doc">{html.escape(c.doc)}{f"<ul>{copies}</ul>" if copies else ""}</div>'
        extra += _meeting_link(c.url)
        if c.ocr:
            extra += '<div class="cq-doc cq-ocr">Read by OCR from a scanned page.</div>'
        cards.append(_card(f"a{c.rank}", f"[{c.rank}]", refs[f"a{c.rank}"], (c.committee, c.meeting_date), extra))
    if not cards:
        return "", refs
    return f'<div class="cq-cards"><h3>{heading}</h3>{"".join(cards)}</div>', refs


def resolution_cards(found: Sequence[FoundDecision]) -> tuple[str, dict[str, PageRef]]:
    """Cards for decisions, newest first, and the pages they open, by key: "r1" the minute, "r1-report"
    the first page of the item's report where one was found."""
    refs: dict[str, PageRef] = {}
    cards = []
    for number, record in enumerate(found, 1):
        decision, document, key = record.decision, record.document, f"r{number}"
        refs[key] = PageRef(document.path, decision.pdf_page, place(decision), document.title, decision.text)
        extra = f'<div class="cq-doc">{html.escape(document.path)}</div>'
        if record.report is not None:
            report = record.report
            refs[f"{key}-report"] = PageRef(
                report.document.path, report.pdf_page, place(report), report.document.title, report.title
            )
            extra += (
                f'<div class="cq-doc">Report: <a href="#" class="cq-report" data-ref="{key}-report" '
                f'title="Open the report this item considered">{html.escape(report.title)} · '
                f"{html.escape(place(report))}</a> in {html.escape(report.document.path)}</div>"
            )
        said, _, more = outcome_line(decision).partition(" · ")  # "amendment lost" · the vote, movers …
        outcome = f'<div class="cq-outcome"><b>{html.escape(said)}</b>{" · " + html.escape(more) if more else ""}</div>'
        meta = (decision.committee, decision.meeting_date, decision.item_title)
        cards.append(_card(key, f"{number}.", refs[key], meta, extra, lead=outcome))
    count = f"<p>{len(found)} decision{'s' if len(found) != 1 else ''}</p>"
    return f'<div class="cq-cards">{count}{"".join(cards)}</div>', refs


def export_markdown(answer: Answer) -> str:
    """The answer with its citations as a Markdown document, for copying or download."""
    lines = [f"# {answer.question}", ""]
    if answer.abstained:
        reason = [answer.answer, ""] if answer.answer != ABSTAIN else []
        lines += [NO_ANSWER, "", *reason, "## Closest matches", ""]
    elif answer.answer_mode == "prose":
        lines += [
            answer.answer,
            "",
            "*Written by a language model; each sentence was checked against the excerpts it cites.*",
            "",
            "## Quoted from the papers",
            "",
        ]
        lines += [*_quote_lines(answer.quotes), "", "## Sources", ""]
    else:
        lines += _quote_lines(answer.quotes) or [answer.answer]
        lines += [*([f"*{answer.prose_note}*"] if answer.prose_note else []), "", "## Sources", ""]
    line = filter_line(answer)
    if line:
        lines[2:2] = [f"*{line}*", ""]
    for c in answer.citations:
        meeting = "".join(f", {part}" for part in (c.committee, c.meeting_date) if part)
        lines += [f"[{c.rank}] **{c.title}**{meeting}, {place(c)}: `{c.doc}`", "", f"> {c.text}", ""]
        lines += [f"Meeting page: <{c.url}>", ""] if c.url else []
        lines += ["(Read by OCR from a scanned page.)", ""] if c.ocr else []
    return "\n".join(lines).rstrip() + "\n"


def _quote_lines(quotes: Sequence[Quote]) -> list[str]:
    return "\n>\n".join(f"> {q.text} [{q.citation}]" for q in quotes).splitlines()


def export_name(question: str) -> str:
    """A file name for an exported answer.

    >>> export_name("What did Cabinet resolve about Riverside Leisure Centre?")
    'councilqa-what-did-cabinet-resolve-about-riverside-leisure.md'
    """
    words = re.findall(r"[a-z0-9]+", question.lower())[:7]
    return "councilqa-" + ("-".join(words) or "answer") + ".md"


def download_link(text: str, name: str) -> str:
    """An HTML link that downloads `text` as the file `name`, carried in the link itself: nothing is written
    to a folder another user (or a restart) could reach.

    >>> download_link("# Q", "a.md")
    '<a class="cq-download" download="a.md" href="data:text/markdown;charset=utf-8;base64,IyBR">Download .md</a>'
    """
    data = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return (
        f'<a class="cq-download" download="{html.escape(name)}" '
        f'href="data:text/markdown;charset=utf-8;base64,{data}">Download .md</a>'
    )


def inline_image(image: Image.Image, alt: str) -> str:
    """A page image as an HTML <img> carrying its PNG, so that it is never a file in a cache: a restricted
    page reaches only the user it was rendered for."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img class="cq-page-image" alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'
