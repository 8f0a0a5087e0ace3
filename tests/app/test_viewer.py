"""The page viewer: real sample pages rendered with pypdfium2, the cited passage marked on them."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from councilqa.app.viewer import EXCERPT_FILL, QUOTE_FILL, file_url, render_page
from councilqa.errors import InvalidInput
from tests.conftest import CORPUS

PACK = CORPUS / "riverford" / "Public reports pack 12th-Mar-2026 18.30 Cabinet.pdf"
TARIFF = "raise the two-hour tariff at Mill Lane car park from £2.20 to £2.50"


def tinted(image: Image.Image, fill: tuple[int, int, int, int]) -> int:
    """Pixels of a white background seen through `fill`, as drawn over it (within rounding)."""
    r, g, b, a = fill
    want = tuple(round(c * a / 255 + 255 * (1 - a / 255)) for c in (r, g, b))
    pixels = np.asarray(image.convert("RGB"), dtype=int)
    return int((np.abs(pixels - np.array(want)) <= 2).all(axis=2).sum())


@pytest.mark.model
def test_renders_a_real_page_with_the_passage_marked(sample_index, tmp_path: Path):
    citation = next(c for c in _ask(sample_index, "Mill Lane car park tariff") if c.pdf_page == 4)
    page = render_page(PACK, 4, excerpt=citation.text, quotes=[TARIFF])
    assert page.marked >= 2 and page.n_pages == 11
    out = tmp_path / "p4.png"
    page.image.save(out)
    image = Image.open(out).convert("RGB")
    assert image.size == (round(595.28 * 1.5), round(841.89 * 1.5))
    assert tinted(image, EXCERPT_FILL) > 2000  # the excerpt's lines
    assert tinted(image, QUOTE_FILL) > 500  # and the answering sentence, more strongly


def test_text_not_on_the_page_is_not_marked():
    page = render_page(PACK, 4, excerpt="Nothing like this sentence is printed anywhere in the pack.")
    assert page.marked == 0 and page.image.size[0] > 800


def test_a_page_past_the_end_is_refused():
    with pytest.raises(InvalidInput, match="has 11 pages"):
        render_page(PACK, 12)


def test_file_url_opens_the_pdf_at_the_page():
    assert file_url(Path("/srv/papers/a b.pdf"), 4) == "/gradio_api/file=/srv/papers/a%20b.pdf#page=4"


def _ask(index, question):
    from councilqa.answer.ask import Assistant

    return Assistant(index.settings, index).ask(question).citations
