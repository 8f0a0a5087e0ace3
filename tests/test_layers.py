"""The design, checked from the source: stages import forward only, answering imports no ingest code,
answering, the app and the eval use the index through its two faces (`Index`, `index.papers`), and every
error the package raises on purpose is a `CouncilQAError` (so the CLI and app show it as a message, and
anything else as the bug it is)."""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from councilqa.errors import CouncilQAError
from tests.conftest import REPO

STAGES = ("ingest", "index", "answer", "app", "eval")  # each may import the ones before it, never one after
BASE = "councilqa"  # records, settings, errors, text, process: importable by every stage; imports none


def modules(folder: str) -> list[Path]:
    return sorted(path for path in (REPO / folder).glob("*.py") if path.name != "__init__.py")


def imported(path: Path) -> set[str]:
    """Every councilqa module `path` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.split(".")[0] == "councilqa"}


def stage_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in STAGES else BASE


@pytest.mark.parametrize("folder", [BASE, *STAGES])
def test_stages_import_forward_only(folder: str) -> None:
    allowed = {BASE} if folder == BASE else {BASE, *STAGES[: STAGES.index(folder) + 1]}
    wrong = {
        f"{path.relative_to(REPO)} imports {module}"
        for path in modules(folder)
        for module in imported(path)
        if stage_of(module) not in allowed
    }
    assert not wrong, sorted(wrong)


def test_answering_a_question_imports_no_ingest_code() -> None:
    """Opening an index and answering from it (`open_index`, `Assistant`) loads nothing of `ingest/`: the
    versions the index stamp names live in councilqa/versions.py. Checked in a fresh interpreter."""
    code = (
        "import sys; import councilqa.index.store, councilqa.answer.ask; "
        "print(sorted(m for m in sys.modules if m.startswith('councilqa.ingest')))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert loaded.strip() == "[]", loaded


def test_only_the_index_build_reads_papers() -> None:
    """Of index/, only build.py imports ingest/: it stores what `ingest.read.read_paper` reads."""
    reading = sorted(
        path.name for path in modules("index") if any(stage_of(module) == "ingest" for module in imported(path))
    )
    assert reading == ["build.py"]


def test_answering_the_app_and_the_eval_use_the_index_through_its_two_faces() -> None:
    """No `index.catalog`, `.vectors`, `.keywords` or `.decision_search` in answer/, app/ or eval/: the index
    answers for its parts, through `Index` (search and writes) and `index.papers` (what it holds)."""
    parts = {"catalog", "vectors", "keywords", "decision_search", "_catalog"}
    reached = [
        f"{path.relative_to(REPO)}:{node.lineno} .{node.attr}"
        for path in modules("answer") + modules("app") + modules("eval")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr in parts
    ]
    assert not reached, reached


def test_the_two_faces_share_no_method_and_the_read_face_writes_nothing() -> None:
    """`Index` keeps search and writes, `Papers` what the index holds: no method is on both (no pass-through),
    and `Papers` asks the catalog only what reads it (its SQL goes through `Catalog.rows`, whose connection is
    query-only: tests/index/test_papers.py)."""
    from councilqa.index.papers import Papers
    from councilqa.index.store import Index

    def public(cls: type) -> set[str]:
        return {name for name, _ in inspect.getmembers(cls) if not name.startswith("_")}

    assert public(Index) & public(Papers) == set()
    reads = {"rows", "rows_by_keys", "documents", "document", "pages", "restricted", "skipped", "roots", "chunk_counts"}
    asked = {
        node.attr
        for node in ast.walk(ast.parse((REPO / "index" / "papers.py").read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute) and node.value.attr == "_catalog"
    }
    assert asked and asked <= reads, sorted(asked - reads)


def test_every_error_we_define_is_a_councilqa_error() -> None:
    defined = []
    for folder in (BASE, *STAGES):
        for path in modules(folder):
            module = importlib.import_module(
                f"councilqa.{path.stem}" if folder == BASE else f"councilqa.{folder}.{path.stem}"
            )
            defined += [
                (module.__name__, cls)
                for _, cls in inspect.getmembers(module, inspect.isclass)
                if issubclass(cls, BaseException) and cls.__module__ == module.__name__
            ]
    assert len(defined) >= 15
    assert [f"{name}.{cls.__name__}" for name, cls in defined if not issubclass(cls, CouncilQAError)] == []
