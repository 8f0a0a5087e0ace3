"""Read the words of a page that has no text layer (a scan) with an OCR engine. The engine sits behind
a Protocol, as the parser does.

`TesseractOcr` runs Debian's Tesseract 5 (`tesseract-ocr`, `tesseract-ocr-eng`) on the page rendered by
pypdfium2 at 300 dpi, one page at a time with a time limit each. Nothing is downloaded: the engine and its
English model come from the system's packages. Where Tesseract is not installed, `available_ocr()` says
so, and scans are reported as needing OCR with the command that would enable it.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Protocol

import pypdfium2

from councilqa.errors import CouncilQAError

DPI = 300
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-eng"


class OcrFailed(CouncilQAError):
    """A page the engine could not read in time, or at all."""


class Ocr(Protocol):
    @property
    def version(self) -> str:
        """Names the engine and its version; part of the index stamp."""
        ...

    def read_page(self, pdf: Path, index: int) -> str:
        """The text of page `index` (0-based) of the PDF at `pdf`; `OcrFailed` when it can't be read."""
        ...


class TesseractOcr:
    """Tesseract 5 on a page rendered at 300 dpi in grey, page segmentation 3 (automatic), English."""

    def __init__(self, seconds_per_page: float = 60.0, executable: str = "tesseract") -> None:
        self.seconds_per_page = seconds_per_page
        self.executable = executable
        done = subprocess.run([executable, "--version"], capture_output=True, text=True, check=True)
        self.version = " ".join(done.stdout.split()[:2]) + f", {DPI} dpi"

    def read_page(self, pdf: Path, index: int) -> str:
        document = pypdfium2.PdfDocument(str(pdf))
        try:
            image = document[index].render(scale=DPI / 72, grayscale=True).to_pil()
        finally:
            document.close()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        try:
            done = subprocess.run(
                [self.executable, "stdin", "stdout", "-l", "eng", "--psm", "3"],
                input=buffer.getvalue(),
                capture_output=True,
                timeout=self.seconds_per_page,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise OcrFailed(f"OCR took more than {self.seconds_per_page:.0f} s") from error
        if done.returncode != 0:
            raise OcrFailed(done.stderr.decode("utf-8", "replace").strip()[-200:] or f"exit {done.returncode}")
        return done.stdout.decode("utf-8", "replace")


def available_ocr(seconds_per_page: float = 60.0) -> TesseractOcr | None:
    """Tesseract where it is installed, else None."""
    if shutil.which("tesseract") is None:
        return None
    return TesseractOcr(seconds_per_page)
