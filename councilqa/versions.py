"""The versions of what reads a paper, which the index stamp names: raise one when what it reads changes for
the same pages, and every index built before is rebuilt rather than mixed. Kept here, not in `ingest/`, so
that opening an index to answer from it imports no ingest code."""

from __future__ import annotations

import pypdf

CHUNKER = "chunks v1"  # ingest/chunk.py
METADATA = "metadata v2"  # ingest/metadata.py: `describe`
MINUTES = "minutes v2"  # ingest/minutes.py, motions.py and forms.py: the items and decisions read
PARSER = f"pypdf {pypdf.__version__}, labels v4"  # ingest/pdf.py with ingest/labels.py: the pages and their labels
