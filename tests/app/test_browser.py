"""The app in a real browser: Debian's chromium driven by Playwright, over the sample index.

A user picks a question the app offers to try (one of the papers' own decisions), asks it, waits for
the answer and its citation cards, clicks a card, and the cited page
appears with its passage marked. The screenshot is saved to build/screenshots/browser.png. Another
user fetches a committee's papers from a ModernGov site (served on a loopback port) in the Documents
tab, then follows a card's link to the meeting's page.
Every request the page makes must go to this machine: the app fetches nothing from outside.
"""

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

from councilqa.answer.ask import Assistant
from councilqa.app.accounts import Accounts
from councilqa.app.serve import launch
from councilqa.app.ui import build_app
from councilqa.index.build import ingest
from councilqa.index.store import open_index
from councilqa.settings import AnswerSettings, FetchSettings, LlmSettings, Settings
from tests.answer.llm_server import scripted_server
from tests.conftest import REPO, free_port, write_pdf
from tests.ingest.moderngov_site import ModernGovSite, start

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = REPO / "build" / "screenshots" / "browser.png"  # docs/app.png, in the README, is one of these


def missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found: apt-get install -y chromium (.ci/run does)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (it is in the [dev] extra and requirements.lock)"
    return None


@pytest.fixture(scope="module")
def browser():
    reason = missing()
    if reason and os.environ.get("CI"):
        pytest.fail(f"CI must run the browser test: {reason}")
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield browser
        browser.close()


def test_ask_click_a_card_and_see_the_page(browser, served: str):
    page = browser.new_page(viewport={"width": 1500, "height": 1150})
    elsewhere: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((served, "data:", "blob:")) else elsewhere.append(r.url))
    page.goto(served)
    offered = page.locator("#cq-try").get_by_text("What did Cabinet decide about Riverside Leisure Centre")
    offered.first.click()  # a question the papers answer, offered to try: it fills the question box
    question = page.locator("#cq-question textarea")
    page.wait_for_function("() => document.querySelector('#cq-question textarea').value.includes('Riverside')")
    assert question.input_value().startswith("What did Cabinet decide about Riverside Leisure Centre")
    page.locator("#cq-ask").click()

    answer = page.locator("#cq-chat .message.bot, #cq-chat [data-testid='bot']").last
    answer.wait_for(timeout=60_000)
    card = page.locator("#cq-answer-cards .cq-card", has_text="Page ").first
    card.wait_for(timeout=60_000)
    where = card.locator(".cq-where").inner_text()
    assert where.startswith("Page ") and "PDF p." in where
    assert "Riverside Leisure Centre" in page.locator("#cq-chat").inner_text()

    card.click()
    page.locator("#cq-page img").first.wait_for(timeout=60_000)
    caption = page.locator("#cq-page-caption")
    caption.get_by_text("the passage is marked").wait_for(timeout=30_000)
    assert where in caption.inner_text()
    link = caption.locator("a").get_attribute("href") or ""
    assert link.startswith("/gradio_api/file=") and link.endswith(f"#page={where.split('PDF p.')[1].split('–')[0]}")
    assert page.request.get(served.rstrip("/") + link.split("#")[0]).headers["content-type"] == "application/pdf"

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    print(f"screenshot: {SCREENSHOT}")
    assert elsewhere == [], f"the page reached outside this machine: {elsewhere}"
    page.close()


def test_a_prose_answer_streams_in_checked_and_the_quotes_are_a_click_away(browser, embedder, tmp_path: Path):
    """With a language model configured (the scripted OpenAI-compatible server of tests/answer/llm_server.py,
    over real HTTP; a real model is tested in tests/answer/test_llm_server.py), the answer is its prose, each
    sentence with its citation chip, and a toggle shows the quotes it was checked against."""
    from playwright.sync_api import expect

    llm = LlmSettings(url="", model="echo")
    with scripted_server() as server:
        answer = AnswerSettings(llm=llm.model_copy(update={"url": server.url}))
        settings = Settings(data_dir=tmp_path / "data", answer=answer)  # its own: the served sample's is locked
        assistant = Assistant(settings, open_index(settings, embedder))
        ingest([REPO / "corpus"], assistant.index)
        app, port = build_app(assistant), free_port()
        launch(app, assistant, port=port, prevent_thread_lock=True, quiet=True)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1150})
            page.goto(f"http://127.0.0.1:{port}/")
            page.locator("#cq-question textarea").fill("What did Cabinet resolve about Riverside Leisure Centre?")
            page.locator("#cq-ask").click()
            chat = page.locator("#cq-chat")
            expect(chat).to_contain_text("Written by a language model", timeout=60_000)
            expect(chat).not_to_contain_text("Writing", timeout=60_000)  # the model is done …
            expect(chat).to_contain_text("Written by a language model", timeout=5_000)  # … and its prose stands
            page.locator("#cq-answer-cards .cq-card").first.wait_for(timeout=30_000)
            sent = server.requests[-1][0]["messages"][-1]["content"]
            first = sent.split('<excerpt number="1"', 1)[1].split(">\n", 1)[1].split(". ")[0][:40]
            expect(chat).to_contain_text(first, use_inner_text=True)  # the model's sentence, the quotes closed
            assert "[1]" in chat.inner_text()
            toggle = chat.get_by_text("The quotes from the papers").last
            toggle.click()
            quotes = chat.locator("details").last
            assert quotes.get_attribute("open") is not None and "“" in quotes.inner_text()
            page.close()
        finally:
            app.close()


def test_resolutions_and_documents_tabs(browser, served: str):
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.goto(served)
    page.get_by_role("tab", name="Resolutions").click()
    page.get_by_label("Words").fill("leisure")
    page.locator("#cq-search-decisions").click()
    card = page.locator("#cq-decisions .cq-card").first
    card.wait_for(timeout=30_000)
    assert "38. Riverside Leisure Centre Refurbishment" in card.inner_text()
    assert "resolution agreed" in card.locator(".cq-outcome").inner_text()
    card.locator(".cq-excerpt").click()
    caption = page.locator("#cq-page-caption")
    caption.get_by_text("Page 2 · PDF p.2").wait_for(timeout=30_000)
    assert "the passage is marked" in caption.inner_text()
    card.locator("a.cq-report").click()  # the item's report, in the reports pack
    caption.get_by_text("Page 4 · PDF p.6–9").wait_for(timeout=30_000)
    assert "Public reports pack" in caption.inner_text() and "the passage is marked" in caption.inner_text()

    page.get_by_label("Words").fill("")
    page.locator("#cq-decision-outcome input").click()
    page.get_by_role("option", name="lost").click()  # choosing an outcome searches again
    lost = page.locator("#cq-decisions .cq-card", has_text="amendment lost")
    lost.wait_for(timeout=30_000)
    assert page.locator("#cq-decisions .cq-card").count() == 1
    assert "For (2), Against (5) · proposed by Councillor Brennan" in lost.inner_text()

    page.get_by_role("tab", name="Documents").click()  # still there after switching tabs
    summary = page.locator("#cq-summary")
    summary.get_by_text("documents").wait_for(timeout=30_000)
    assert "3 documents (0 identical copies), 17 pages" in summary.inner_text()
    assert (
        "riverford/Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf"
        in page.get_by_label("Indexed documents").inner_text()
    )
    page.close()


def test_fetch_from_the_documents_tab_then_follow_a_card_to_the_meeting(browser, embedder, tmp_path: Path):
    """The Documents tab fetches a committee's papers from a ModernGov site on a loopback port, showing
    its progress; an answer's card then names the site's meeting and links to its page."""
    settings = Settings(data_dir=tmp_path / "data", fetch=FetchSettings(pause_seconds=0.3))
    assistant = Assistant(settings, open_index(settings, embedder))
    app, site = build_app(assistant), ModernGovSite()
    server, port = start(site), free_port()
    launch(app, assistant, port=port, prevent_thread_lock=True, quiet=True)
    try:
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(f"http://127.0.0.1:{port}/")
        page.get_by_role("tab", name="Documents").click()
        page.get_by_text("Fetch from the council's ModernGov site").click()
        page.locator("#cq-fetch-site input, #cq-fetch-site textarea").fill(site.url)
        page.get_by_label("Committee", exact=True).last.fill("executive")
        page.get_by_label("Meetings from").last.fill("2026-01-01")
        page.get_by_label("Meetings to").last.fill("2026-12-31")
        page.locator("#cq-fetch").click()
        progress = (
            r"() => /\d\/3 meetings[\s\S]*fetching Executive Cabinet, 2026-/"
            ".test(document.querySelector('#cq-fetched').innerText)"
        )
        page.wait_for_function(progress, timeout=30_000)  # the progress bar: "1/3 meetings … fetching …"
        result = page.locator("#cq-fetched")
        result.get_by_text("4 fetched").wait_for(timeout=120_000)
        assert "1 withheld (restricted), 3 failed" in result.inner_text()
        # the documents table is refreshed by the event that follows the fetch, so it may come a moment later
        documents = page.get_by_label("Indexed documents")
        documents.get_by_text("Executive Cabinet/2026-03-12/Printed minutes.pdf").wait_for(timeout=30_000)

        page.get_by_role("tab", name="Ask").click()
        page.locator("#cq-question textarea").fill("What did Cabinet resolve about Riverside Leisure Centre?")
        page.locator("#cq-ask").click()
        card = page.locator("#cq-answer-cards .cq-card").first
        card.wait_for(timeout=60_000)
        assert "Executive Cabinet · 2026-03-12" in card.inner_text()
        with page.expect_popup() as popup:
            card.get_by_role("link", name="The meeting's page on the council's site").click()
        assert popup.value.url == f"{site.url}/ieListDocuments.aspx?CId=115&MId=900"
        assert "Click a source card" in page.locator("#cq-page-caption").inner_text()  # the link opened no page
        page.close()
    finally:
        app.close()
        server.shutdown()


def test_tabs_as_a_reader_and_as_a_member(browser, embedder, tmp_path: Path):
    """Logged in through the login page: a reader's Ask, Resolutions and Documents tabs hold nothing of a
    restricted paper (its phrase, title, path); a member's Documents tab lists it with why it is restricted."""
    root = tmp_path / "papers"
    shutil.copytree(REPO / "corpus" / "riverford", root / "riverford")
    (root / "exempt").mkdir()
    write_pdf(root / "exempt" / "Quillfeather valuation.pdf", ["EXEMPT\nThe sealed bid QX-7731 for the depot."])
    settings = Settings(data_dir=tmp_path / "data")
    accounts = Accounts(settings.data_dir)
    accounts.add("rita", "reader password", "reader")
    accounts.add("mo", "member password", "member")
    assistant = Assistant(settings, open_index(settings, embedder))
    ingest([root], assistant.index)
    app, port = build_app(assistant), free_port()
    launch(app, assistant, port=port, prevent_thread_lock=True, quiet=True)
    try:
        for name, password in (("rita", "reader password"), ("mo", "member password")):
            context = browser.new_context(viewport={"width": 1500, "height": 1000})
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_label("username").fill(name)
            page.get_by_label("password").fill(password)
            page.get_by_role("button", name="Login").click()
            page.locator("#cq-question textarea").fill("What was the sealed bid for the depot?")
            page.locator("#cq-ask").click()
            page.locator("#cq-answer-cards .cq-card").first.wait_for(timeout=60_000)
            shown = page.locator("#cq-answer-cards").inner_text() + page.locator("#cq-chat").inner_text()
            page.get_by_role("tab", name="Resolutions").click()
            page.get_by_label("Words").fill("depot")
            page.locator("#cq-search-decisions").click()
            page.locator("#cq-decisions").get_by_text("decision").first.wait_for(timeout=30_000)
            shown += page.locator("#cq-decisions").inner_text()
            page.get_by_role("tab", name="Documents").click()
            table = page.get_by_label("Indexed documents")
            table.get_by_text("riverford/Printed minutes").first.wait_for(timeout=30_000)
            shown += page.locator("body").inner_text()
            if name == "rita":
                assert "QX-7731" not in shown and "Quillfeather" not in shown and "exempt/" not in shown
                assert "3 documents" in page.locator("#cq-summary").inner_text()
            else:
                table.get_by_text("exempt/Quillfeather valuation.pdf").wait_for(timeout=30_000)
                assert "QX-7731" in shown and "4 documents" in page.locator("#cq-summary").inner_text()
                assert "marked exempt, page 1: “EXEMPT”" in table.inner_text()
            context.close()
    finally:
        app.close()
