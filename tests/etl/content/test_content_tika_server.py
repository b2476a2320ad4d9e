"""The Tika server adapter against a local stand-in speaking Tika's REST API."""

from __future__ import annotations

import pytest
from conftest import text_pdf

from learn.etl.content.extract import SERVER_FAILURE_LIMIT, ExtractionError, TikaServer, native_tika
from learn.etl.content.tika_standin import TikaStandin


def test_put_tika_and_meta_give_the_same_text_as_in_process(tika_standin: TikaStandin) -> None:
    pdf = text_pdf("Rotational dynamics", "naïve torque")
    with TikaServer(tika_standin.url, access_token="secret", ocr_strategy="no_ocr") as server:
        extracted = server.extract(pdf, "lecture 1.pdf")
    assert extracted.text == native_tika().extract(pdf, "x.pdf").text
    assert "naïve torque" in extracted.text
    assert extracted.content_type == "application/pdf"
    assert extracted.title == "Lecture notes"
    paths = [(path, accept) for path, accept, _ in tika_standin.requests]
    assert paths == [("/tika", "text/plain"), ("/meta", "application/json")]
    headers = tika_standin.requests[0][2]
    assert headers["X-Access-Token"] == "secret"
    assert headers["X-Tika-PDFOcrStrategy"] == "no_ocr"
    assert headers["Content-Disposition"] == "attachment; filename*=UTF-8''lecture%201.pdf"


def test_text_only_mode_skips_meta(tika_standin: TikaStandin) -> None:
    with TikaServer(tika_standin.url, with_metadata=False) as server:
        assert "Hello" in server.extract(b"<p>Hello</p>", "a.html").text
    assert [path for path, _, _ in tika_standin.requests] == ["/tika"]


def test_server_error_is_a_clear_exception(tika_standin: TikaStandin) -> None:
    tika_standin.fail_status = 500
    with TikaServer(tika_standin.url) as server, pytest.raises(ExtractionError) as info:
        server.extract(b"<p>Hello</p>", "page.html")
    assert info.value.name == "page.html"
    assert "HTTP 500 to PUT /tika: stand-in failure" in info.value.message
    assert info.value.transient


def test_unparseable_file_is_422_and_not_transient(tika_standin: TikaStandin) -> None:
    with TikaServer(tika_standin.url) as server, pytest.raises(ExtractionError) as info:
        server.extract(b"%PDF-1.4 garbage", "broken.pdf")
    assert "HTTP 422" in info.value.message and not info.value.transient


def test_timeouts_then_the_server_is_skipped(tika_standin: TikaStandin) -> None:
    tika_standin.delay = 1.0
    with TikaServer(tika_standin.url, timeout=0.2) as server:
        for _ in range(SERVER_FAILURE_LIMIT):
            with pytest.raises(ExtractionError, match="timed out on PUT /tika"):
                server.extract(b"<p>x</p>", "slow.html")
        sent = len(tika_standin.requests)
        with pytest.raises(ExtractionError, match="skipped after 3 consecutive failures"):
            server.extract(b"<p>x</p>", "next.html")
    assert len(tika_standin.requests) == sent  # no further request was made


def test_unreachable_server() -> None:
    with (
        TikaServer("http://127.0.0.1:9", timeout=1) as server,
        pytest.raises(ExtractionError, match="unreachable on PUT /tika"),
    ):
        server.extract(b"<p>x</p>", "a.html")
