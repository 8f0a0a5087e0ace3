"""What a councilqa process sets once, at its edge, before the libraries that read it are imported:
`councilqa` (`cli.main`, and so `serve`), the benchmark scripts and the tests call `prepare()` first.

Importing councilqa changes nothing; a program using it as a library calls `prepare()` itself (or sets
the variables). Each library is switched off in code as well where it allows: the model loads with
`local_files_only`, Chroma's client with `anonymized_telemetry=False`, Gradio's Blocks with
`analytics_enabled=False`.
"""

from __future__ import annotations

import logging
import os

# No hidden network calls. These libraries read their switches when first imported. A value the user set wins.
OFFLINE = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


def prepare() -> None:
    """Set the no-network defaults above for this process, and keep pypdf's warnings to the ingest summary
    (`ingest.pdf` collects them by file) rather than printed as well."""
    for name, value in OFFLINE.items():
        os.environ.setdefault(name, value)
    logging.getLogger("pypdf").propagate = False
