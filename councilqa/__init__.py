"""councilqa: search and question answering over local council papers, with page-cited excerpts.

Subpackages: `councilqa.ingest` (PDF files to typed records), `councilqa.index` (embeddings, Chroma,
the catalog), `councilqa.app` (answers, CLI, Gradio) and `councilqa.eval` (question sets and scores).
"""

import os

# No hidden network calls. These libraries read their switches when first imported, so the defaults
# are set here, before any of them can be. A value the user set explicitly wins.
for _name, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}.items():
    os.environ.setdefault(_name, _value)

__version__ = "0.1.0"
