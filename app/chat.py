"""What the app does for each action: ask, open a page, list decisions. One call per UI handler.

Each function takes plain values (the form's fields, a card's key) and returns what the app shows,
so the Gradio handlers in `ui.py` only pass values through and turn our exceptions into messages.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from councilqa.answer.ask import Assistant
from councilqa.app.accounts import Account
from councilqa.app.fetching import fetch_and_ingest
from councilqa.app.library import Library
from councilqa.app.present import (
    answer_cards,
    chat_markdown,
    download_link,
    export_markdown,
    export_name,
    inline_image,
    resolution_cards,
)
from councilqa.app.resolutions import list_decisions
from councilqa.app.viewer import PageRef, file_url, render_page
from councilqa.errors import InvalidInput, NotFound
from councilqa.index.build import ingest
from councilqa.records import OUTCOMES, Answer, DecisionFilter, SearchFilter


@dataclass(frozen=True)
class Reply:
    """One answer as the app shows it: the chat message, the citation cards and the pages they open,
    and the answer as Markdown, with a link that downloads it."""

    answer: Answer
    message: str
    cards: str
    refs: dict[str, PageRef]
    export: str
    download: str


@dataclass(frozen=True)
class PageView:
    """A rendered page (as HTML carrying the image), and a caption with a link to the PDF opened at that page."""

    image_html: str
    caption: str
    ref: PageRef = field(repr=False)


def clean_day(value: str | None, label: str) -> str | None:
    """An ISO day from a form field, None when blank, or ValueError naming the field.

    >>> clean_day(" 2026-03-12 ", "from"), clean_day("", "to")
    ('2026-03-12', None)
    """
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise InvalidInput(f"the '{label}' date {value!r} is not a date like 2026-03-12") from None


def day_range(date_from: str | None, date_to: str | None) -> tuple[str | None, str | None]:
    """The 'from' and 'to' fields as ISO days (None when blank), or ValueError when either is not a date
    or 'from' is after 'to'."""
    first, last = clean_day(date_from, "from"), clean_day(date_to, "to")
    if first and last and first > last:
        raise InvalidInput(f"the 'from' date {first} is after the 'to' date {last}")
    return first, last


def search_filter(
    committee: str | None,
    date_from: str | None,
    date_to: str | None,
    doc_type: str | None,
    include_restricted: bool = False,
) -> SearchFilter:
    """A `SearchFilter` from the sidebar's fields; blank fields mean any.

    >>> search_filter("Cabinet", "2026-03-01", " ", None).describe()
    'committee ~ Cabinet, meetings 2026-03-01 to any date'
    """
    first, last = day_range(date_from, date_to)
    return SearchFilter(
        committee=(committee or "").strip() or None,
        date_from=first,
        date_to=last,
        doc_type=(doc_type or "").strip() or None,
        include_restricted=include_restricted,
    )


def respond(assistant: Assistant, question: str, filters: SearchFilter) -> Reply:
    """Ask, and present the answer: message, cards, export (the last of `replies`). Example::

    respond(assistant, "Mill Lane car park tariff", SearchFilter()).message
    """
    *_, reply = replies(assistant, question, filters)
    return reply


def replies(assistant: Assistant, question: str, filters: SearchFilter) -> Iterator[Reply]:
    """Ask, and present the answer as it comes: where a language model is configured, the sources first
    (while it writes), then once more after each sentence of its prose that passes its checks, then the
    whole; else the quoted answer at once."""
    if not question.strip():
        raise InvalidInput("type a question about the council papers")
    answer = assistant.ask(question, filters=filters, prose=False)
    if assistant.writer is None or answer.abstained:
        yield _reply(answer)
        return
    yield _reply(answer, writing=True)
    written = answer
    for written in assistant.write(answer):  # each a sentence longer; the last is the whole
        if written.sentences:
            yield _reply(written, writing=True)
    yield _reply(written)


def _reply(answer: Answer, *, writing: bool = False) -> Reply:
    cards, refs = answer_cards(answer)
    export = export_markdown(answer)
    download = download_link(export, export_name(answer.question))
    return Reply(answer, chat_markdown(answer, writing=writing), cards, refs, export, download)


OFFERED = 3  # questions the Ask tab offers to try
CANDIDATES = 12  # decisions looked at for them, newest first
# Items every set of minutes has, which nobody asks about: apologies, interests, the last minutes, the next date.
PROCEDURAL = re.compile(
    r"\b(?:apologies|declarations?|interests?|minutes|matters arising|urgent business|exclusion|next meeting|"
    r"chair(?:man|person)?'?s? (?:announcements|report)|election of|appointment of (?:chair|vice)|public (?:questions|"
    r"participation|forum)|any other business|correspondence|date of)\b",
    re.I,
)
ITEM_NUMBER = re.compile(r"^\W*(?:item\s+)?[\dA-Z]{0,3}\d[\d.]*[a-z]?[.):]?\s+", re.I)


def questions_to_try(assistant: Assistant, *, include_restricted: bool) -> list[str]:
    """Up to `OFFERED` questions about the newest decisions in the papers a user may see, each one the
    app answers with its decision: what a councillor asks first. None where the minutes record none."""
    offered: list[str] = []
    seen: set[str] = set()
    filters = SearchFilter(include_restricted=include_restricted)
    for decision, _ in assistant.index.papers.seen(include_restricted).decisions():
        title = ITEM_NUMBER.sub("", decision.item_title or "").strip(" .:-")
        title = title.title() if title.isupper() else title
        if len(seen) >= CANDIDATES or len(offered) >= OFFERED:
            break
        if len(title.split()) < 2 or PROCEDURAL.search(title) or title.lower() in seen:
            continue
        seen.add(title.lower())
        question = f"What did {decision.committee or 'the council'} decide about {title}?"
        if assistant.ask(question, filters=filters, prose=False).outcome is not None:
            offered.append(question)
    return offered


def open_page(library: Library, refs: dict[str, PageRef], key: str, account: Account) -> PageView:
    """Render the page a card points at (`key` from the card), with its passage marked, if `account` may
    see it (a paper restricted since the card was shown is not)."""
    ref = refs.get(key)
    if ref is None:
        raise NotFound("that source is no longer listed; ask again")
    pdf = library.file_for(ref.doc, account)
    page = render_page(pdf, ref.pdf_page, ref.excerpt, ref.quotes)
    found = "the passage is marked" if page.marked else "the passage could not be located on the page image"
    caption = (
        f'<div class="cq-page-caption"><b>{html.escape(ref.title or ref.doc)}</b> · {html.escape(ref.where)} '
        f"(of {page.n_pages} PDF pages); {found}.<br>"
        f'<a href="{html.escape(file_url(pdf, ref.pdf_page))}" target="_blank" rel="noopener">'
        f"Open the PDF at this page</a> · <code>{html.escape(ref.doc)}</code></div>"
    )
    return PageView(inline_image(page.image, f"{ref.title or ref.doc}, {ref.where}"), caption, ref)


def list_resolutions(
    library: Library,
    committee: str | None,
    date_from: str | None,
    date_to: str | None,
    words: str | None,
    *,
    outcome: str | None = None,
    include_restricted: bool = False,
) -> tuple[str, dict[str, PageRef]]:
    """Cards for the decisions that match the Resolutions tab's fields, newest first; `outcome` is one
    of `OUTCOMES`, or "any" (or blank) for all. Each card opens its minute, and its item's report where
    one was found."""
    outcome = (outcome or "").strip().lower()
    if outcome not in {"", "any", *OUTCOMES}:
        raise InvalidInput(f"the outcome {outcome!r} is not one of: any, {', '.join(OUTCOMES)}")
    first, last = day_range(date_from, date_to)
    wanted = DecisionFilter(
        committee=(committee or "").strip() or None,
        date_from=first,
        date_to=last,
        search=(words or "").strip() or None,
        outcome=outcome if outcome in OUTCOMES else None,
        include_restricted=include_restricted,
    )
    return resolution_cards(list_decisions(library.index, wanted))


def fetch_papers(
    library: Library,
    site_url: str | None,
    committee: str | None,
    date_from: str | None,
    date_to: str | None,
    *,
    on_meeting: Callable[[int, int, str], None] | None = None,
    on_file: Callable[[int, int, str, int], None] | None = None,
) -> str:
    """Fetch a committee's papers from a council's ModernGov site into the papers folder and ingest them;
    what was fetched, skipped and indexed, as Markdown."""
    if not (site_url or "").strip() or not (committee or "").strip():
        raise InvalidInput("give the council's ModernGov site address and a committee (its name, part of it, or id)")
    first, last = day_range(date_from, date_to)
    fetched = fetch_and_ingest(
        str(site_url),
        str(committee),
        first,
        last,
        into=library.papers_dir,
        settings=library.settings.fetch,
        ingest=lambda paths: ingest(paths, library.index, on_file=on_file),
        on_meeting=on_meeting,
    )
    return "  \n".join(fetched.summary().splitlines())
