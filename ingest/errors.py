"""Why a file could not be ingested. Each message names the file and says what to do."""

from __future__ import annotations

from councilqa.errors import CouncilQAError


class IngestError(CouncilQAError):
    """A file that was skipped. `reason` is a short kind, e.g. "encrypted", for summaries."""

    reason = "unreadable"

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(f"{path}: {detail}")
        self.path = path
        self.detail = detail


class NotAPDF(IngestError):
    reason = "not a PDF"


class CorruptPDF(IngestError):
    reason = "corrupt"


class EncryptedPDF(IngestError):
    reason = "encrypted"


class EmptyPDF(IngestError):
    reason = "no pages"


class NoTextLayer(IngestError):
    reason = "no text layer"
