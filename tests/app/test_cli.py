"""The `councilqa` command driven end to end: a real console script, real model, real Chroma."""

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pypdf
import pytest

from councilqa.app.cli import main
from tests.conftest import CORPUS, REPO, collapse, write_pdf
from tests.ingest.moderngov_site import ModernGovSite, start

pytestmark = pytest.mark.slow

SCHEMA = json.loads((REPO / "app" / "answer.schema.json").read_text())


def councilqa(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed console script in a fresh process, as a user would."""
    command = [str(Path(sys.executable).parent / "councilqa"), *args, "--data-dir", str(data_dir)]
    return subprocess.run(command, check=False, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def cli_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("cli")
    first = councilqa("ingest", str(CORPUS), data_dir=data_dir)
    assert first.returncode == 0, first.stderr
    assert "3 added" in first.stdout and "17 pages" in first.stdout
    return data_dir


def test_ingest_twice_second_run_changes_nothing(cli_data_dir: Path):
    second = councilqa("ingest", str(CORPUS), data_dir=cli_data_dir)
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith("0 added, 0 updated, 0 copies of indexed files, 3 unchanged, 0 skipped")
    assert "0 chunks indexed" in second.stdout


def test_ask_json_follows_the_contract(cli_data_dir: Path):
    result = councilqa(
        "ask", "What did Cabinet resolve about the waste collection contract?", "--json", data_dir=cli_data_dir
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    jsonschema.validate(record, SCHEMA)
    assert [c["rank"] for c in record["citations"]] == [1, 2, 3, 4, 5]
    assert all(-1.0 <= c["score"] <= 1.0 for c in record["citations"])  # cosine similarity
    assert not record["abstained"] and record["answer"]
    assert record["quotes"] and record["filters"] == {} and record["filter_note"] is None


def test_ask_filters_follow_the_contract(sample_settings, sample_index, capsys):
    data = ["--data-dir", str(sample_settings.data_dir)]
    argv = ["ask", "What will it cost?", "--json", "--committee", "cabinet", "--from", "2026-04-01", *data]
    assert main([*argv, "--doc-type", "strategy"]) == 0
    record = json.loads(capsys.readouterr().out)
    jsonschema.validate(record, SCHEMA)
    assert record["filters"] == {"committee": "cabinet", "date_from": "2026-04-01", "doc_type": "strategy"}
    assert {c["doc"] for c in record["citations"]} == {"riverford/Climate Action Plan 2026-2030 - Report.pdf"}
    with pytest.raises(SystemExit):
        main([*argv, "--doc-type", "novel"])


def cited_pages_text(citation: dict) -> str:
    reader = pypdf.PdfReader(CORPUS / citation["doc"])
    pages = range(citation["pdf_page"] - 1, citation["pdf_page_end"])
    return collapse(" ".join(reader.pages[i].extract_text() for i in pages))


QUESTIONS = [
    "What did Cabinet resolve about the waste collection contract?",
    "What is the 2030 target for transport emissions?",
    "Who is buying the land at Tanners Yard?",
    "How many survey responses did the leisure centre consultation get?",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_excerpt_occurs_on_the_pages_it_cites(question: str, sample_settings, sample_index, capsys):
    assert main(["ask", question, "--json", "--k", "8", "--data-dir", str(sample_settings.data_dir)]) == 0
    record = json.loads(capsys.readouterr().out)
    beside = record["citations"][8:]  # after the 8 found: a passage beside one of them, cited where quoted
    assert len(record["citations"]) >= 8 and all(c["rank"] in {q["citation"] for q in record["quotes"]} for c in beside)
    for citation in record["citations"]:
        assert collapse(citation["text"]) in cited_pages_text(citation), citation
    answer = record["answer"]
    if record["outcome"]:  # a decision's lead line (checked on its page by the assistant), then quotes
        assert answer.startswith(record["outcome"] + " ")
        answer = answer.removeprefix(record["outcome"] + " ")
    quotes = re.findall(r"(.+?) \[(\d+)\](?: |$)", answer)
    assert quotes and " ".join(f"{q} [{n}]" for q, n in quotes) == answer
    for quote, rank in quotes:
        assert quote in record["citations"][int(rank) - 1]["text"], quote


def test_printed_page_is_the_label_on_the_cited_page(sample_settings, sample_index, capsys):
    main(["ask", "Mill Lane car park tariff", "--json", "--data-dir", str(sample_settings.data_dir)])
    top = json.loads(capsys.readouterr().out)["citations"][0]
    assert (top["doc"], top["pdf_page"], top["printed_page"]) == (
        "riverford/Public reports pack 12th-Mar-2026 18.30 Cabinet.pdf",
        4,
        "Page 2",
    )
    assert "Page 2" in pypdf.PdfReader(CORPUS / top["doc"]).pages[3].extract_text().splitlines()[0]


def test_ask_prints_answer_and_excerpts_for_people(cli_data_dir: Path):
    result = councilqa("ask", "Who is buying the land at Tanners Yard?", data_dir=cli_data_dir)
    assert result.returncode == 0, result.stderr
    assert "Riverford Community Housing Trust" in result.stdout.split("\n\n")[0]
    first = r"^\[1\] riverford/Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf · Cabinet · 2026-03-12 · \d · PDF p.\d"
    assert re.search(first, result.stdout, re.M)


def test_ask_on_an_empty_index_says_so(tmp_path: Path, capsys):
    assert main(["ask", "anything", "--json", "--data-dir", str(tmp_path)]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["abstained"] and record["citations"] == [] and "ingest" in record["answer"]


def test_ingest_of_a_missing_path_is_a_clear_error(tmp_path: Path, capsys):
    assert main(["ingest", str(tmp_path / "nowhere"), "--data-dir", str(tmp_path / "d")]) == 2
    assert "nowhere: no such file or folder" in capsys.readouterr().err


def test_user_mistakes_are_one_line_messages_and_exit_2(tmp_path: Path, capsys, monkeypatch):
    """A bad setting, a question set or thresholds file that is missing or wrong: named, no traceback."""
    data_dir = ["--data-dir", str(tmp_path / "d")]
    monkeypatch.setenv("COUNCILQA_ANSWER__K", "0")
    assert main(["ask", "potholes", *data_dir]) == 2
    assert "councilqa ask: a setting is not valid" in capsys.readouterr().err
    monkeypatch.delenv("COUNCILQA_ANSWER__K")
    write_pdf(tmp_path / "Report.pdf", ["The pool reopens in May."])
    assert main(["ingest", str(tmp_path / "Report.pdf"), *data_dir]) == 0
    assert main(["eval", "--questions", str(tmp_path / "none.jsonl"), *data_dir]) == 2
    assert "none.jsonl: the question set cannot be read (No such file or directory)" in capsys.readouterr().err
    (tmp_path / "floors.toml").write_text('[all]\n"page_recall@5" = "high"\n')
    questions = str(REPO / "eval" / "riverford_sample.jsonl")
    assert main(["eval", "--questions", questions, "--thresholds", str(tmp_path / "floors.toml"), *data_dir]) == 2
    assert 'floors.toml: each [set] table holds "metric" = number' in capsys.readouterr().err


def test_ingest_fails_only_when_nothing_could_be_ingested(tmp_path: Path, capsys):
    (tmp_path / "bad.pdf").write_text("not a pdf")
    assert main(["ingest", str(tmp_path / "bad.pdf"), "--data-dir", str(tmp_path / "d")]) == 1
    assert "skipped bad.pdf: not a PDF" in capsys.readouterr().out


DECISION_KEYS = {
    "meeting_date", "committee", "item", "kind", "outcome", "votes", "proposer", "seconder", "delegated", "unanimous",
    "text", "excerpt", "doc", "title", "pdf_page", "pdf_page_end", "printed_page", "report",
}  # fmt: skip
PACK = "riverford/Public reports pack 12th-Mar-2026 18.30 Cabinet.pdf"


def test_resolutions_json(sample_settings, sample_index, capsys):
    data = ["--data-dir", str(sample_settings.data_dir)]
    assert main(["resolutions", "--committee", "CABINET", "--from", "2026-03-01", "--json", *data]) == 0
    found = json.loads(capsys.readouterr().out)
    assert {r["meeting_date"] for r in found} == {"2026-03-12"} and len(found) == 6
    assert all(set(r) == DECISION_KEYS and r["doc"].startswith("riverford/Printed minutes") for r in found)
    assert all(r["text"] in r["excerpt"] for r in found)
    (lost,) = [r for r in found if r["outcome"] == "lost"]
    assert (lost["kind"], lost["item"], lost["proposer"]) == (
        "amendment",
        "39. Household Waste Collection Contract",
        "Councillor Brennan",
    )
    assert lost["votes"] == {
        "in_favour": 2, "against": 5, "abstained": None, "printed": ["For (2)", "Against (5)"],
        "names_for": [], "names_against": [], "names_abstained": [],
    }  # fmt: skip
    (leisure,) = [r for r in found if r["item"] == "38. Riverside Leisure Centre Refurbishment"]
    assert leisure["report"] == {
        "doc": PACK,
        "title": "Riverside Leisure Centre Refurbishment",
        "pdf_page": 6,
        "pdf_page_end": 9,
        "printed_page": "Page 4",
    }
    (delegate,) = leisure["delegated"]
    assert leisure["votes"] is None and "Director of Communities in consultation with the Portfolio" in delegate


def test_resolutions_text_shows_outcome_votes_and_report(sample_settings, sample_index, capsys):
    data = ["--data-dir", str(sample_settings.data_dir)]
    assert main(["resolutions", "--outcome", "lost", *data]) == 0
    assert capsys.readouterr().out == (
        "2026-03-12 · Cabinet · 39. Household Waste Collection Contract\n"
        "  amendment lost · For (2), Against (5) · proposed by Councillor Brennan\n"
        "  riverford/Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf · 2 · PDF p.2\n"
        f"  report: {PACK} · Page 8 · PDF p.10–11\n"
        "  amendment that the contract length be reduced to five years.\n\n"
        "1 decision(s)\n"
    )
    assert main(["resolutions", "--search", "leisure", *data]) == 0
    assert f"\n  report: {PACK} · Page 4 · PDF p.6–9\n" in capsys.readouterr().out
    assert main(["resolutions", "--outcome", "withdrawn", *data]) == 0
    assert capsys.readouterr().out == "0 decision(s)\n"


def test_resolutions_filters(sample_settings, sample_index, capsys):
    data = ["--data-dir", str(sample_settings.data_dir)]
    assert main(["resolutions", "--search", "parking footfall", "--to", "2026-02-28", *data]) == 0
    out = capsys.readouterr().out
    assert "2026-02-12 · Cabinet · 32. Riverford Town Centre Car Parking Charges\n  resolution agreed\n" in out
    assert "report:" not in out  # minutes of an earlier meeting, carried in a pack: no paper of that meeting
    assert out.rstrip().endswith("1 decision(s)")
    with pytest.raises(SystemExit):
        main(["resolutions", "--from", "12/02/2026", *data])
    assert "argument --from: '12/02/2026' is not a date like 2026-03-12" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["resolutions", "--outcome", "passed", *data])
    assert "invalid choice: 'passed'" in capsys.readouterr().err


def test_progress_is_a_bar_on_a_terminal_and_lines_in_a_log():
    import io

    from councilqa.app.cli import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    log = io.StringIO()
    with Progress(log) as progress:
        progress.update(1, 2, "a.pdf", 10)
        progress.update(2, 2, "b.pdf", 30)
    assert log.getvalue() == "[1/2] a.pdf\n[2/2] b.pdf\n"
    terminal = Terminal()
    with Progress(terminal) as progress:
        progress.update(1, 2, "a.pdf", 10)
        progress.update(2, 2, "b.pdf", 30)
    shown = terminal.getvalue()
    assert "2/2" in shown and "pages/s" in shown and "file" in shown


def test_fetch_then_ingest_cites_the_meeting_the_site_names(tmp_path: Path):
    """`fetch --ingest` against a ModernGov site served on a loopback port: the answer cites a fetched
    paper with the committee and meeting date of its sidecar ("Executive Cabinet"; the papers
    themselves say "Cabinet") and links to the meeting's page."""
    site = ModernGovSite()
    server = start(site)
    argv = ["fetch", site.url, "--committee", "executive", "--from", "2026-01-01", "--to", "2026-12-31"]
    try:
        fetched = councilqa(*argv, "--pause", "0", "--ingest", data_dir=tmp_path / "data")
        revised = write_pdf(tmp_path / "revised.pdf", ["Leisure review, revised: the pool reopens in May 2027."])
        site.files["/documents/s5101/Leisure review.pdf"] = revised.read_bytes()  # the leisure review changes
        again = councilqa(*argv, "--pause", "0", "--ingest", data_dir=tmp_path / "data")
    finally:
        server.shutdown()
    assert fetched.returncode == 1, fetched.stderr  # the site's login page and two bad meetings failed
    assert "4 fetched, 0 updated, 0 unchanged, 1 withheld (restricted), 3 failed" in fetched.stdout
    assert "3 added, 0 updated, 1 copies of indexed files" in fetched.stdout  # the leisure review is the plan's copy
    assert "0 fetched, 1 updated, 3 unchanged" in again.stdout
    assert "0 added, 1 updated, 0 copies of indexed files, 3 unchanged" in again.stdout  # re-ingested
    assert "1 pages and 1 chunks indexed" in again.stdout
    asked = councilqa(
        "ask", "What did Cabinet resolve about Riverside Leisure Centre?", "--json", data_dir=tmp_path / "data"
    )
    record = json.loads(asked.stdout)
    jsonschema.validate(record, SCHEMA)
    first = record["citations"][0]
    assert first["doc"].startswith("Executive Cabinet/2026-03-12/"), first["doc"]
    assert (first["committee"], first["meeting_date"]) == ("Executive Cabinet", "2026-03-12")
    assert first["url"] == f"{site.url}/ieListDocuments.aspx?CId=115&MId=900"
    assert not any("Mill Lane valuation" in c["title"] for c in record["citations"])
