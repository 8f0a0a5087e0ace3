"""corpus/ is written by corpus/build_sample.py: the committed PDFs must be what the script makes."""

import json
import subprocess
import sys

from tests.conftest import CORPUS, REPO


def test_build_script_reproduces_the_committed_pdfs(tmp_path):
    script = (CORPUS / "build_sample.py").read_text()
    copy = tmp_path / "corpus" / "build_sample.py"
    copy.parent.mkdir()
    copy.write_text(script)
    subprocess.run([sys.executable, str(copy)], check=True, capture_output=True)
    made = sorted((tmp_path / "corpus" / "riverford").glob("*.pdf"))
    committed = sorted((CORPUS / "riverford").glob("*.pdf"))
    assert [p.name for p in made] == [p.name for p in committed]
    for new, old in zip(made, committed, strict=True):
        assert new.read_bytes() == old.read_bytes(), f"{old.name}: run `make sample` and commit the PDFs"


def test_sample_question_set_points_at_sample_pages():
    import pypdf

    for line in (REPO / "eval" / "riverford_sample.jsonl").read_text().splitlines():
        question = json.loads(line)
        assert set(question) == {"id", "question", "answer", "accept", "sources", "evidence", "type"}
        for source in question["sources"]:
            reader = pypdf.PdfReader(CORPUS / source["doc"])
            text = " ".join(" ".join(reader.pages[p - 1].extract_text().split()) for p in source["pdf_pages"])
            assert any(a.lower() in text.lower() for a in question["accept"]), (question["id"], source["doc"])
        if question["type"] == "unanswerable":
            assert question["answer"] is None and not question["accept"] and not question["sources"]
