"""Show a cited page: render it locally with pypdfium2 and mark the cited passage on it.

The passage is found in pdfium's own text of the page by comparing the two with all whitespace
removed and case folded, because pypdf (which made the excerpt) and pdfium break lines and space
words differently. The characters found give pdfium's text rectangles, drawn as translucent boxes.
Where the text cannot be found (a passage that runs onto the next page, a scan) the page is shown
unmarked, never wrongly marked.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from PIL import Image, ImageDraw

from councilqa.errors import InvalidInput
from councilqa.text import split_sentences

Color = tuple[int, int, int, int]
SCALE = 1.5  # 108 dpi: readable in the viewer, about 0.9 megapixels for an A4 page
EXCERPT_FILL: Color = (255, 214, 0, 70)  # the cited excerpt: light yellow
QUOTE_FILL: Color = (255, 140, 0, 110)  # the answering sentences: orange
QUOTE_OUTLINE: Color = (204, 85, 0, 255)
IGNORED = frozenset("\x02\xad\ufffe")  # pdfium's soft hyphens and generated marks

# pdfium is not thread-safe: one document is open and rendered at a time.
_PDFIUM = threading.Lock()


@dataclass(frozen=True)
class PageRef:
    """A page to show: the document as cited (path relative to its ingest root), the PDF page, how
    users read its place ("Page 30 · PDF p.32"), the excerpt to mark, and the answering sentences
    in it, marked more strongly."""

    doc: str
    pdf_page: int
    where: str
    title: str = ""
    excerpt: str = ""
    quotes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RenderedPage:
    """A page image, and how many passages were found and marked on it."""

    image: Image.Image
    marked: int
    n_pages: int


def render_page(
    pdf: Path, pdf_page: int, excerpt: str = "", quotes: Sequence[str] = (), scale: float = SCALE
) -> RenderedPage:
    """Page `pdf_page` (1-based) of `pdf` as an RGB image, with `excerpt` and `quotes` marked where
    they are found. Example::

        render_page(Path("corpus/riverford/x.pdf"), 4, excerpt="Mill Lane car park ...").image.save("p4.png")
    """
    import pypdfium2 as pdfium

    with _PDFIUM:
        document = pdfium.PdfDocument(str(pdf))
        try:
            n_pages = len(document)
            if not 1 <= pdf_page <= n_pages:
                raise InvalidInput(f"{pdf.name} has {n_pages} pages; there is no PDF page {pdf_page}")
            page = document[pdf_page - 1]
            image = page.render(scale=scale).to_pil().convert("RGB")
            left, _, _, top = page.get_bbox()
            textpage = page.get_textpage()
            text = textpage.get_text_range(0, textpage.count_chars())
            marks: list[tuple[tuple[int, int], Color, Color | None]]
            marks = [(span, EXCERPT_FILL, None) for span in (_spans(text, [excerpt]) if excerpt else [])]
            marks += [(span, QUOTE_FILL, QUOTE_OUTLINE) for span in _spans(text, quotes)]
            boxes = [(_rects(textpage, span), fill, outline) for span, fill, outline in marks]
        finally:
            document.close()
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for rects, fill, outline in boxes:
        for x0, y0, x1, y1 in rects:
            box = ((x0 - left) * scale - 2, (top - y1) * scale - 2, (x1 - left) * scale + 2, (top - y0) * scale + 2)
            draw.rectangle(box, fill=fill, outline=outline, width=2 if outline else 0)
    marked = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    return RenderedPage(marked, len(boxes), n_pages)


def _rects(textpage: Any, span: tuple[int, int]) -> list[tuple[float, float, float, float]]:
    """pdfium's rectangles (left, bottom, right, top, in points) around the characters of `span`."""
    start, end = span
    return [textpage.get_rect(i) for i in range(textpage.count_rects(start, end - start))]


def _spans(page_text: str, wanted: Sequence[str]) -> list[tuple[int, int]]:
    """Character ranges of `page_text` holding each of `wanted`, compared without whitespace and case.
    A text not found whole is looked for sentence by sentence (an excerpt that runs onto the next
    page has its first sentences here)."""
    squeezed, positions = squeeze(page_text)
    found = []
    for text in wanted:
        for part in [text, *split_sentences(text)]:
            needle = squeeze(part)[0]
            start = squeezed.find(needle) if len(needle) >= 8 else -1
            if start >= 0:
                found.append((positions[start], positions[start + len(needle) - 1] + 1))
                if part is text:
                    break
    return _merge(found)


def squeeze(text: str) -> tuple[str, list[int]]:
    """`text` case-folded with whitespace and soft hyphens removed, and the index in `text` of each
    character kept.

    >>> squeeze("Mill  Lane\\r\\ncar")
    ('milllanecar', [0, 1, 2, 3, 6, 7, 8, 9, 12, 13, 14])
    """
    kept = [(i, ch) for i, ch in enumerate(text) if not ch.isspace() and ch not in IGNORED]
    return "".join(ch for _, ch in kept).lower(), [i for i, _ in kept]


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def file_url(path: Path, pdf_page: int) -> str:
    """The URL at which the app serves `path` (under its allowed paths), opened at `pdf_page`."""
    return f"/gradio_api/file={quote(str(path))}#page={pdf_page}"
