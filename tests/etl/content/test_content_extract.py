"""Text extraction: in-process Tika (iscc-tika) on real PDFs and HTML; transcripts; bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import text_pdf

from learn.etl.content.extract import (
    ExtractionError,
    NativeTika,
    TikaServer,
    extract_file,
    get_extractor,
    native_tika,
)
from learn.etl.content.sandbox import SandboxedTika


def test_pdf_text_layer_is_extracted_with_metadata() -> None:
    pdf = text_pdf("Introduction to Machine Learning - page 1", "café and naïve")
    extracted = native_tika().extract(pdf, "notes.pdf")
    assert "Introduction to Machine Learning - page 1" in extracted.text
    assert "café and naïve" in extracted.text
    assert extracted.content_type == "application/pdf"
    assert (extracted.title, extracted.author) == ("Lecture notes", "A. Teacher")


def test_shared_notes_pdf_is_an_image_only_pdf_without_ocr(shared_dir: Path) -> None:
    data = (shared_dir / "fixtures" / "sources" / "pdf" / "notes.pdf").read_bytes()
    extracted = native_tika("no_ocr").extract(data, "notes.pdf")
    assert extracted.content_type == "application/pdf"
    assert extracted.first("xmpTPg:NPages") == "1"
    assert extracted.first("pdf:charsPerPage") == "0"  # a screenshot: no text layer
    assert extracted.text.strip() == ""


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs tesseract-ocr (apt)")
def test_shared_notes_pdf_text_by_ocr(shared_dir: Path) -> None:
    data = (shared_dir / "fixtures" / "sources" / "pdf" / "notes.pdf").read_bytes()
    extracted = NativeTika("auto").extract(data, "notes.pdf")
    assert "Learn with MIT" in extracted.text
    assert "Featured Courses" in extracted.text
    assert extracted.first("pdf:ocrPageCount") == "1"


def test_html_and_plain_text() -> None:
    html = b"<html><head><title>Syllabus</title></head><body><h2>Grading</h2><p>caf\xc3\xa9</p>"
    extracted = native_tika().extract(html + b"</body></html>", "syllabus.html")
    assert "Grading" in extracted.text and "café" in extracted.text
    assert extracted.title == "Syllabus"
    assert extracted.content_type == "text/html"


def test_corrupt_pdf_raises_a_clear_error() -> None:
    with pytest.raises(ExtractionError) as info:
        native_tika().extract(b"%PDF-1.4 this is not really a pdf", "broken.pdf")
    assert info.value.name == "broken.pdf"
    assert "Tika could not parse it" in str(info.value)


def test_empty_file_has_empty_text() -> None:
    assert native_tika().extract(b"", "empty.pdf").text == ""


def test_transcripts_go_to_our_parsers_not_tika() -> None:
    srt = (
        b"1\n00:00:01,000 --> 00:00:02,500\nHello <i>there</i>\n\n"
        b"2\n00:00:03,000 --> 00:00:04,000\nBye\n"
    )
    extracted = extract_file(srt, "lecture.srt", native_tika())
    assert extracted.text == "Hello there\nBye"
    assert extracted.content_type == "text/srt"
    with pytest.raises(ExtractionError, match="sjson: not JSON"):
        extract_file(b"{broken", "subs_x.srt.sjson", native_tika())


def test_get_extractor_picks_the_server_when_tika_url_is_set() -> None:
    from learn.config.env import LearnEnv

    local = get_extractor(LearnEnv(tika_url=None))
    assert isinstance(local, SandboxedTika)  # Tika in a limited child process
    local.close()
    server = get_extractor(LearnEnv(tika_url="http://127.0.0.1:9/", tika_access_token="tok"))
    assert isinstance(server, TikaServer)
    assert server.base_url == "http://127.0.0.1:9"
    server.close()
