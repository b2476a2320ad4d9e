"""Text extraction behind one interface: Tika (``iscc-tika``) in a limited child, or a Tika server.

:func:`get_extractor` picks the Tika server adapter when ``TIKA_URL`` is set, else Apache Tika
compiled to native code running in a child process with memory, wall-clock and page limits
(:mod:`learn.etl.content.sandbox`; ``CONTENT_EXTRACT_MEMORY_BYTES``, ``CONTENT_EXTRACT_SECONDS``,
``CONTENT_EXTRACT_MAX_PAGES``). A file over a limit fails with ``limit=True``: it is reported
with the reason and its stored copy kept, like any failed file, the worker is unharmed, and the
same bytes are not extracted again by later ingests.
:func:`extract_file` sends transcripts (``.srt``/``.vtt``/``.sjson``) to the project's own parsers
and everything else to Tika.
Any failure (parse error, HTTP error, timeout) raises :class:`ExtractionError` naming the file;
callers report and skip that file and keep what was stored before. A failure about the file
(``about_the_file``: a limit, a crash, a parse error) is remembered so the same bytes are not
extracted again (:mod:`learn.etl.content.failures`); a transient one is not.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Protocol
from urllib.parse import quote

import httpx

from learn.config.env import LearnEnv, get_env
from learn.etl.content.sandbox import ExtractionLimits, SandboxedTika, pdf_pages
from learn.etl.content.transcripts import TRANSCRIPT_EXTENSIONS, TranscriptError, parse_transcript

MAX_TEXT_CHARS = 5_000_000
# After this many consecutive timeouts or connection failures the server adapter stops calling
# the server for the rest of its life (one ingest run): each remaining file fails at once.
SERVER_FAILURE_LIMIT = 3
# Tika server answers about the file itself: too large, unsupported type, unparseable. Any other
# status (5xx, auth, routing, rate limits) is transient: the file may extract next time.
FILE_REFUSALS = frozenset({413, 415, 422})


class ExtractionError(Exception):
    """Text could not be extracted from ``name``; the file is reported and skipped."""

    def __init__(
        self, name: str, message: str, *, transient: bool = False, limit: bool = False
    ) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message
        self.transient = transient
        self.limit = limit  # over a memory, time or page limit: never worth an automatic retry

    @property
    def about_the_file(self) -> bool:
        """Whether the same bytes would fail again (a limit, a crash or a parse error), so the
        failure is remembered (:mod:`learn.etl.content.failures`); a transient one is not."""
        return self.limit or not self.transient


@dataclass(frozen=True)
class Extracted:
    text: str
    metadata: dict[str, list[str]] = field(default_factory=dict)

    def first(self, *keys: str) -> str | None:
        for key in keys:
            values = self.metadata.get(key)
            if values and str(values[0]).strip():
                return str(values[0]).strip()
        return None

    @property
    def content_type(self) -> str | None:
        value = self.first("Content-Type")
        return value.split(";", 1)[0].strip() if value else None

    @property
    def title(self) -> str | None:
        return self.first("dc:title", "title")

    @property
    def author(self) -> str | None:
        return self.first("dc:creator", "meta:author", "Author")

    @property
    def language(self) -> str | None:
        return self.first("dc:language", "language", "Content-Language")


class TextExtractor(Protocol):
    name: str

    def extract(self, data: bytes, filename: str) -> Extracted: ...


def metadata_of(raw: Any) -> dict[str, list[str]]:
    if not isinstance(raw, dict):
        return {}
    return {
        str(key): [str(v) for v in value] if isinstance(value, list) else [str(value)]
        for key, value in raw.items()
    }


class NativeTika:
    """Apache Tika compiled to native code (``iscc-tika``), in this process, no Java needed."""

    name = "tika-native"

    def __init__(self, ocr_strategy: str = "no_ocr", max_chars: int = MAX_TEXT_CHARS) -> None:
        from iscc_tika import Extractor, PdfOcrStrategy, PdfParserConfig, TesseractOcrConfig

        strategy = getattr(PdfOcrStrategy, ocr_strategy.upper())
        extractor = Extractor().set_extract_string_max_length(max_chars)
        extractor = extractor.set_pdf_config(PdfParserConfig().set_ocr_strategy(strategy))
        if ocr_strategy != "no_ocr":
            extractor = extractor.set_ocr_config(TesseractOcrConfig().set_skip_ocr(False))
        self._extractor = extractor
        # One native isolate: calls are serialised so threads never race inside it.
        self._lock = threading.Lock()

    def extract(self, data: bytes, filename: str) -> Extracted:
        if not data:
            return Extracted("")
        try:
            with self._lock:
                text, meta = self._extractor.extract_bytes_to_string(bytearray(data))
        except Exception as exc:  # the binding raises TypeError(ParseError(...)) on bad input
            raise ExtractionError(filename, f"Tika could not parse it: {exc}") from None
        return Extracted(str(text), metadata_of(meta))


class TikaServer:
    """Apache Tika's REST API: ``PUT /tika`` (Accept: text/plain) and ``PUT /meta`` (JSON)."""

    name = "tika-server"

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 60.0,
        access_token: str | None = None,
        ocr_strategy: str = "no_ocr",
        with_metadata: bool = True,
        client: httpx.Client | None = None,
        max_pages: int = ExtractionLimits.max_pages,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.max_pages = max_pages
        self.with_metadata = with_metadata
        headers = {"X-Tika-PDFOcrStrategy": ocr_strategy}
        if access_token:
            headers["X-Access-Token"] = access_token
        self._client = client or httpx.Client(timeout=timeout, headers=headers)
        self._owns_client = client is None
        self._failures = 0

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> TikaServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _put(self, path: str, data: bytes, filename: str, accept: str) -> httpx.Response:
        if self._failures >= SERVER_FAILURE_LIMIT:
            raise ExtractionError(
                filename,
                f"Tika server {self.base_url} skipped after {self._failures} consecutive failures",
                transient=True,
            )
        headers = {
            "Accept": accept,
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename, safe='')}",
        }
        try:
            response = self._client.put(f"{self.base_url}{path}", content=data, headers=headers)
        except httpx.TimeoutException:
            self._failures += 1
            raise ExtractionError(
                filename, f"Tika server timed out on PUT {path}", transient=True
            ) from None
        except httpx.TransportError as exc:
            self._failures += 1
            raise ExtractionError(
                filename, f"Tika server unreachable on PUT {path}: {exc}", transient=True
            ) from None
        self._failures = 0
        if response.status_code != 200:
            detail = response.text[:200].strip()
            raise ExtractionError(
                filename,
                f"Tika server answered HTTP {response.status_code} to PUT {path}"
                + (f": {detail}" if detail else ""),
                # only a refusal of the file itself is about the file (not auth, routing, load)
                transient=response.status_code not in FILE_REFUSALS,
            )
        return response

    def extract(self, data: bytes, filename: str) -> Extracted:
        if not data:
            return Extracted("")
        pages = pdf_pages(data)
        if pages > self.max_pages:
            raise ExtractionError(
                filename,
                f"refused: it declares {pages} pages, over the {self.max_pages}-page limit",
                limit=True,
            )
        text = self._put("/tika", data, filename, "text/plain").text
        meta: dict[str, list[str]] = {}
        if self.with_metadata:
            response = self._put("/meta", data, filename, "application/json")
            try:
                meta = metadata_of(response.json())
            except ValueError:
                raise ExtractionError(
                    filename, "Tika server /meta did not answer JSON", transient=True
                ) from None
        return Extracted(text, meta)


_native: dict[tuple[str, int], NativeTika] = {}
_native_lock = threading.Lock()


def native_tika(ocr_strategy: str = "no_ocr") -> NativeTika:
    """One shared in-process extractor per OCR strategy (start-up costs ~0.2 s)."""
    key = (ocr_strategy, MAX_TEXT_CHARS)
    with _native_lock:
        if key not in _native:
            _native[key] = NativeTika(ocr_strategy)
        return _native[key]


def get_extractor(config: LearnEnv | None = None) -> TextExtractor:
    env = config or get_env()
    if env.tika_url:
        return TikaServer(
            env.tika_url,
            timeout=env.tika_timeout,
            access_token=env.tika_access_token,
            ocr_strategy=env.tika_ocr_strategy,
            max_pages=env.content_extract_max_pages,
        )
    return SandboxedTika(extraction_limits(env), env.tika_ocr_strategy, MAX_TEXT_CHARS)


def extraction_limits(config: LearnEnv | None = None) -> ExtractionLimits:
    env = config or get_env()
    return ExtractionLimits(
        env.content_extract_memory_bytes, env.content_extract_seconds,
        env.content_extract_max_pages,
    )  # fmt: skip


def close_extractor(extractor: TextExtractor) -> None:
    if isinstance(extractor, TikaServer | SandboxedTika):
        extractor.close()


def extension_of(filename: str) -> str:
    return PurePosixPath(filename).suffix.lower()


def extract_file(data: bytes, filename: str, extractor: TextExtractor) -> Extracted:
    """Text and metadata of one file: transcripts by our parsers, the rest by Tika."""
    extension = extension_of(filename)
    if extension in TRANSCRIPT_EXTENSIONS:
        try:
            text = parse_transcript(data, extension)
        except TranscriptError as exc:
            raise ExtractionError(filename, str(exc)) from None
        return Extracted(text, {"Content-Type": [f"text/{extension.lstrip('.')}"]})
    return extractor.extract(data, filename)
