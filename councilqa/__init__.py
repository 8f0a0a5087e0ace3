"""councilqa: search and question answering over local council papers, with page-cited excerpts.

Subpackages: `councilqa.ingest` (PDF files to typed records), `councilqa.index` (embeddings, Chroma,
the catalog), `councilqa.app` (answers, CLI, Gradio) and `councilqa.eval` (question sets and scores).
Importing any of them sets nothing: a process calls `councilqa.process.prepare()` at its edge.
"""

__version__ = "0.1.0"
