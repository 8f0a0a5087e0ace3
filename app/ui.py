"""The Gradio app: chat with citation cards, a page viewer, filters, resolutions, documents, upload and
fetching a committee's papers from a council's ModernGov site.

Handlers are thin: each calls one function of `chat`, `library` or `uploads` and turns our
exceptions into a message (a refusal is logged as one line: who, what, why). The app makes no network
calls of its own but the fetch a user asks for: analytics are off, fonts are the system's, there is no
share link. Page images and exports are sent inside the page, never left as files in Gradio's cache.
`serve.launch` serves it behind its gate (`gate.Gate`), as its data directory's only writer (`writer`).
"""

from __future__ import annotations

import atexit
import functools
import inspect
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import gradio as gr
from gradio.utils import get_upload_folder as gradio_upload_folder

from councilqa.answer.ask import Assistant
from councilqa.app import chat
from councilqa.app.accounts import ANONYMOUS, Account, Accounts
from councilqa.app.library import Library, NotServed
from councilqa.app.uploads import add_uploads
from councilqa.app.viewer import PageRef
from councilqa.errors import CouncilQAError, InvalidInput
from councilqa.records import OUTCOMES, Counts

log = logging.getLogger(__name__)

ASK_PLACEHOLDER = "Ask about the council papers: what was decided, a figure, who proposed it"


class NotAllowed(CouncilQAError):
    """An action the user's role does not allow (uploading, fetching or marking papers, for officers)."""


GRADIO_FOLDER = "councilqa-gradio-"
# Officers' events the gate refuses to anyone else before Gradio reads their inputs: an upload's files are
# read (and fetched, for a URL) before its handler could say no. The handlers check every officers' event too.
OFFICER_EVENTS = frozenset({"upload"})
THEME = gr.themes.Default(font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])
CSS = Path(__file__).with_name("ui.css")  # card and viewer styles, read at launch
# Cards are rendered as HTML; one listener on the container (so it survives re-renders) sends the
# card's key, never a path: the server maps keys to pages it listed itself.
CARD_JS = """
if (!element.dataset.cqBound) {
  element.dataset.cqBound = '1';
  const open = (event) => {
    if (event.target.closest('a[target]')) return;  // a link out (the meeting's page) opens as a link
    const card = event.target.closest('[data-ref]');
    if (card) { event.preventDefault(); trigger('open_page', {ref: card.dataset.ref}); }
  };
  element.addEventListener('click', open);
  element.addEventListener('keydown', (event) => { if (event.key === 'Enter') open(event); });
}
"""


def _guard(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Our expected exceptions become a Gradio error message, logged as one line (who, what, why), not a
    stack trace. A generator (a handler whose output streams) stays one, so that Gradio streams it."""

    def refuse(error: CouncilQAError, args: tuple, kwargs: dict) -> gr.Error:
        request = next((arg for arg in (*args, *kwargs.values()) if isinstance(arg, gr.Request)), None)
        who = getattr(request, "username", None) or "anonymous"
        log.info("refused %s to %s: %s", fn.__name__, who, error)
        return gr.Error(str(error), print_exception=False)

    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def streamed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            try:
                yield from fn(*args, **kwargs)
            except CouncilQAError as error:
                raise refuse(error, args, kwargs) from None

        return streamed

    @functools.wraps(fn)  # Gradio reads the signature to pass gr.EventData and gr.Progress
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except CouncilQAError as error:  # anything else is a bug: Gradio logs its traceback
            raise refuse(error, args, kwargs) from None

    return wrapped


class Handlers:
    """The app's event handlers over one assistant. Each is a line or two around `chat`. Each finds who is
    asking from the request's login (`Accounts.account`): anyone not logged in reads public papers only."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.library = Library(assistant.settings, assistant.index)
        self.accounts = Accounts(assistant.settings.data_dir, assistant.settings.ui.auth)
        self.tried: dict[tuple[bool, Counts], list[str]] = {}  # questions to try, by what is seen

    def account(self, request: gr.Request | None) -> Account:
        return self.accounts.account(getattr(request, "username", None))

    def officer(self, request: gr.Request | None, doing: str) -> None:
        """Only an officer may `doing`, where logins are on; anyone may in an app with no accounts."""
        if self.accounts.exist() and not self.account(request).is_officer:
            raise NotAllowed(f"only officers may {doing}")

    def ask(  # noqa: PLR0917 - Gradio passes the form's fields by position
        self,
        question: str,
        history: list[dict],
        committee: str | None,
        date_from: str,
        date_to: str,
        doc_type: str | None,
        request: gr.Request,
    ) -> Iterator[tuple]:
        sees = self.account(request).sees_restricted
        filters = chat.search_filter(committee, date_from, date_to, doc_type, include_restricted=sees)
        for reply in chat.replies(self.assistant, question, filters):  # prose comes sentence by sentence
            said = [{"role": "user", "content": reply.answer.question}, {"role": "assistant", "content": reply.message}]
            yield [*history, *said], reply.cards, reply.refs, reply.export, reply.download, ""

    def open_page(self, refs: dict[str, PageRef], event: gr.EventData, request: gr.Request) -> tuple:
        view = chat.open_page(self.library, refs, str(getattr(event, "ref", "")), self.account(request))
        return view.image_html, view.caption

    def resolutions(  # noqa: PLR0917 - Gradio passes the form's fields by position
        self,
        committee: str | None,
        date_from: str,
        date_to: str,
        words: str,
        outcome: str,
        request: gr.Request,
    ) -> tuple:
        sees = self.account(request).sees_restricted
        return chat.list_resolutions(
            self.library, committee, date_from, date_to, words, outcome=outcome, include_restricted=sees
        )

    def overview(self, request: gr.Request) -> tuple:
        account = self.account(request)
        overview = self.library.overview(account)
        committees, doc_types = self.library.choices(account)
        to_try = self.questions_to_try(account, overview.counts)
        return (
            overview.markdown(),
            overview.documents,
            overview.skipped,
            gr.Dropdown(choices=committees),
            gr.Dropdown(choices=doc_types),
            gr.Dropdown(choices=committees),
            gr.Dataset(samples=[[question] for question in to_try], visible=bool(to_try)),
        )

    def questions_to_try(self, account: Account, counts: Counts) -> list[str]:
        """`chat.questions_to_try` for what `account` may see, asked once per state of the index."""
        key = (account.sees_restricted, counts)
        if key not in self.tried:
            self.tried[key] = chat.questions_to_try(self.assistant, include_restricted=account.sees_restricted)
        return self.tried[key]

    def restrict(self, path: str, why: str, request: gr.Request) -> str:
        return self._mark(path, why, True, request)

    def unrestrict(self, path: str, why: str, request: gr.Request) -> str:
        return self._mark(path, why, False, request)

    def _mark(self, path: str, why: str, restricted: bool, request: gr.Request) -> str:
        path, account = (path or "").strip(), self.account(request)
        if not account.is_officer:  # even in an app with no accounts: there, `councilqa restrict` does it
            raise NotAllowed("only officers may mark papers restricted (logged in; or `councilqa restrict`)")
        if not self.library.visible(path, account):
            raise NotServed(f"{path}: not in the index")
        said = (why or "").strip() or f"{'restricted' if restricted else 'cleared'} by {account.name or 'an officer'}"
        self.assistant.index.restrict(path, restricted, said)
        return f"{path}: {'restricted' if restricted else 'not restricted'} ({said})"

    def upload(
        self,
        files: list[str] | None,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> str:
        try:
            self.officer(request, "add papers")
            if not files:
                raise InvalidInput("choose one or more PDF files first")

            def on_file(done: int, total: int, path: str, pages: int) -> None:
                progress((done, total), desc=f"{path} ({pages} pages so far)", unit="files")

            max_bytes = int(self.assistant.settings.ui.max_upload_mb * 2**20)
            with self.assistant.index.write_lock:
                uploaded = [(Path(f), Path(f).name) for f in files]
                return add_uploads(uploaded, self.assistant.index, max_bytes, on_file).markdown()
        finally:  # indexed (copied into the uploads folder) or refused: Gradio's copy goes either way
            _discard(files or [])

    def fetch(  # noqa: PLR0917 - Gradio passes the form's fields by position
        self,
        site: str,
        committee: str,
        date_from: str,
        date_to: str,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> str:
        self.officer(request, "fetch papers")

        def on_meeting(done: int, total: int, what: str) -> None:
            progress((done, total), desc=f"fetching {what}", unit="meetings")

        def on_file(done: int, total: int, path: str, pages: int) -> None:
            progress((done, total), desc=f"indexing {path} ({pages} pages so far)", unit="files")

        with self.assistant.index.write_lock:
            return chat.fetch_papers(
                self.library, site, committee, date_from, date_to, on_meeting=on_meeting, on_file=on_file
            )


def _discard(files: list[str]) -> None:
    """Remove files Gradio received (each in a folder of its own in its upload folder), and nothing else."""
    folder = Path(gradio_upload_folder()).resolve()
    for file in files:
        parent = Path(file).resolve().parent
        if parent.is_relative_to(folder) and parent != folder:
            shutil.rmtree(parent, ignore_errors=True)


class CouncilBlocks(gr.Blocks):
    """The app's Blocks, and what its `close` must also stop (the writer service and the writer lock): see
    `launch`."""

    def __init__(self, handlers: Handlers, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.handlers = handlers
        self.on_close: list[Callable[[], None]] = []

    def close(self, verbose: bool = True) -> None:
        super().close(verbose)
        while self.on_close:
            self.on_close.pop()()


def build_app(assistant: Assistant) -> CouncilBlocks:
    """The whole app. Launch it with `serve.launch(app, assistant, ...)`, which sets its gate, login and writer."""
    handlers = Handlers(assistant)
    committees, doc_types = handlers.library.choices(ANONYMOUS)  # each user's own come at load
    gradio_folder()  # before the Blocks are made: each reads it as its cache
    with CouncilBlocks(handlers, title="councilqa", analytics_enabled=False, fill_width=True) as app:
        filters = _sidebar(committees, doc_types)
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=480), gr.Tabs():
                ask = _ask_tab()
                decisions = _resolutions_tab(committees)
                documents = _documents_tab(assistant.settings.ui.max_upload_mb)
            with gr.Column(scale=4, min_width=360):
                gr.Markdown("### Page")
                caption = gr.HTML("Click a source card to see its page here.", elem_id="cq-page-caption")
                page = gr.HTML("", label="Cited page", elem_id="cq-page", padding=False)
        gr.on(
            [ask.question.submit, ask.button.click],
            _guard(handlers.ask),
            inputs=[ask.question, ask.chatbot, *filters.fields],
            outputs=[ask.chatbot, ask.cards, ask.refs, ask.export, ask.download, ask.question],
            api_name="ask",
        )
        for cards, refs in ((ask.cards, ask.refs), (decisions.cards, decisions.refs)):
            cards.open_page(_guard(handlers.open_page), [refs], [page, caption], api_visibility="private")
        gr.on(
            [decisions.button.click, decisions.words.submit, decisions.outcome.input],
            _guard(handlers.resolutions),
            inputs=decisions.fields,
            outputs=[decisions.cards, decisions.refs],
            api_name="resolutions",
        )
        filters.clear.click(lambda: (None, "", "", None), outputs=filters.fields, api_visibility="private")
        refreshed = [*documents.tables, filters.fields[0], filters.fields[3], decisions.fields[0], ask.to_try]
        app.load(handlers.overview, outputs=refreshed, api_visibility="private")
        documents.button.click(
            _guard(handlers.upload), [documents.files], [documents.added], api_name="upload", concurrency_limit=1
        ).then(handlers.overview, outputs=refreshed, api_visibility="private")
        documents.fetch.click(
            _guard(handlers.fetch), documents.fetch_fields, [documents.fetched], api_name="fetch", concurrency_limit=1
        ).then(handlers.overview, outputs=refreshed, api_visibility="private")
        for button, handler in ((documents.restrict, handlers.restrict), (documents.unrestrict, handlers.unrestrict)):
            button.click(_guard(handler), documents.mark_fields, [documents.marked], api_name=handler.__name__).then(
                handlers.overview, outputs=refreshed, api_visibility="private"
            )
    app.queue(default_concurrency_limit=assistant.settings.ui.concurrency)
    return app


def _sidebar(committees: list[str], doc_types: list[str]) -> SimpleNamespace:
    with gr.Sidebar(label="Filters", open=True, width=280):
        gr.Markdown("### Filters\nApplied to the questions you ask.")
        committee = gr.Dropdown(committees, value=None, label="Committee", allow_custom_value=True)
        date_from = gr.Textbox(label="Meetings from", placeholder="YYYY-MM-DD")
        date_to = gr.Textbox(label="Meetings to", placeholder="YYYY-MM-DD")
        doc_type = gr.Dropdown(doc_types, value=None, label="Document type")
        clear = gr.Button("Clear filters", size="sm")
    return SimpleNamespace(fields=[committee, date_from, date_to, doc_type], clear=clear)


def _ask_tab() -> SimpleNamespace:
    with gr.Tab("Ask"):
        chatbot = gr.Chatbot(
            label="councilqa",
            height=340,
            buttons=["copy"],
            placeholder="Ask about the council papers. Answers quote the papers and cite the page.",
            elem_id="cq-chat",
        )
        with gr.Row():
            question = gr.Textbox(placeholder=ASK_PLACEHOLDER, show_label=False, scale=6, elem_id="cq-question")
            button = gr.Button("Ask", variant="primary", scale=1, elem_id="cq-ask")
        # questions the app answers from the papers this user may see, filled in at load (`Handlers.overview`)
        to_try = gr.Dataset(components=[question], samples=[], label="Try", elem_id="cq-try", visible=False)
        to_try.click(lambda sample: sample[0], inputs=to_try, outputs=question, api_visibility="private")
        cards = gr.HTML("", label="Sources", js_on_load=CARD_JS, elem_id="cq-answer-cards", padding=False)
        with gr.Accordion("Export this answer (Markdown)", open=False):
            export = gr.Textbox(label="Answer with citations", lines=8, buttons=["copy"], interactive=False)
            download = gr.HTML("", elem_id="cq-download")
        refs = gr.State({})  # inside the tab: a State left directly in gr.Tabs confuses its tab bar
    return SimpleNamespace(
        chatbot=chatbot,
        to_try=to_try,
        question=question,
        button=button,
        cards=cards,
        refs=refs,
        export=export,
        download=download,
    )


def _resolutions_tab(committees: list[str]) -> SimpleNamespace:
    with gr.Tab("Resolutions"):
        gr.Markdown(
            "Decisions from the minutes (resolutions, motions, amendments) with their outcome, newest meeting "
            "first. Click one to see its page, or its report to see the paper the item considered."
        )
        with gr.Row():
            committee = gr.Dropdown(committees, value=None, label="Committee", allow_custom_value=True)
            date_from = gr.Textbox(label="From", placeholder="YYYY-MM-DD")
            date_to = gr.Textbox(label="To", placeholder="YYYY-MM-DD")
            words = gr.Textbox(label="Words", placeholder="e.g. leisure centre")
            outcome = gr.Dropdown(["any", *OUTCOMES], value="any", label="Outcome", elem_id="cq-decision-outcome")
        button = gr.Button("Search decisions", variant="primary", elem_id="cq-search-decisions")
        cards = gr.HTML("", label="Decisions", js_on_load=CARD_JS, elem_id="cq-decisions", padding=False)
        refs = gr.State({})
    return SimpleNamespace(
        fields=[committee, date_from, date_to, words, outcome],
        words=words,
        outcome=outcome,
        button=button,
        cards=cards,
        refs=refs,
    )


def _documents_tab(max_upload_mb: float) -> SimpleNamespace:
    with gr.Tab("Documents"):
        summary = gr.Markdown(elem_id="cq-summary")
        headers = ["path", "title", "committee", "meeting", "type", "pages", "restricted"]
        documents = gr.Dataframe(headers=headers, label="Indexed documents", interactive=False, wrap=True)
        skipped = gr.Dataframe(
            headers=["path", "reason", "detail"], label="Skipped files", interactive=False, wrap=True
        )
        files = gr.File(
            label=f"Add PDFs (at most {max_upload_mb:g} MB each)", file_count="multiple", file_types=[".pdf"]
        )
        button = gr.Button("Add to the index", variant="primary")
        added = gr.Markdown()
        with gr.Accordion("Fetch from the council's ModernGov site", open=False):
            with gr.Row():
                site = gr.Textbox(label="Site", placeholder="https://democracy.kent.gov.uk", elem_id="cq-fetch-site")
                committee = gr.Textbox(label="Committee", placeholder="name, part of it, or id")
                date_from = gr.Textbox(label="Meetings from", placeholder="YYYY-MM-DD (default: a year ago)")
                date_to = gr.Textbox(label="Meetings to", placeholder="YYYY-MM-DD (default: a year ahead)")
            fetch = gr.Button("Fetch and index", variant="primary", elem_id="cq-fetch")
            fetched = gr.Markdown(elem_id="cq-fetched")
        with gr.Accordion("Restricted papers (officers)", open=False):
            gr.Markdown(
                "A paper marked exempt on its first pages, or restricted on its ModernGov site, is restricted when "
                "it is indexed. Mark another, or clear one, by its path as the table shows it; it holds for every "
                "copy of the paper, at once."
            )
            with gr.Row():
                path = gr.Textbox(label="Paper", placeholder="path, as in the table", elem_id="cq-mark-path")
                why = gr.Textbox(label="Why", placeholder="e.g. exempt under paragraph 3 of Schedule 12A")
            with gr.Row():
                restrict = gr.Button("Restrict", elem_id="cq-restrict")
                unrestrict = gr.Button("Clear restriction", elem_id="cq-unrestrict")
            marked = gr.Markdown(elem_id="cq-marked")
    return SimpleNamespace(
        tables=[summary, documents, skipped],
        files=files,
        button=button,
        added=added,
        fetch_fields=[site, committee, date_from, date_to],
        fetch=fetch,
        fetched=fetched,
        mark_fields=[path, why],
        restrict=restrict,
        unrestrict=unrestrict,
        marked=marked,
    )


def gradio_folder() -> Path:
    """Gradio's upload folder for this process, which Gradio reads from GRADIO_TEMP_DIR at each upload:
    a folder of this user's alone (mode 0700), removed when the process ends, so nothing uploaded outlives
    a restart. Each upload is removed as soon as it is indexed or refused (`Handlers.upload`)."""
    current = os.environ.get("GRADIO_TEMP_DIR", "")
    if Path(current).name.startswith(GRADIO_FOLDER) and Path(current).is_dir():
        return Path(current)
    folder = Path(tempfile.mkdtemp(prefix=GRADIO_FOLDER))
    atexit.register(shutil.rmtree, folder, True)
    os.environ["GRADIO_TEMP_DIR"] = str(folder)
    return folder
