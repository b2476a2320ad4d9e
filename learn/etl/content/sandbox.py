"""Tika in a child process with memory, wall-clock and page limits.

:class:`SandboxedTika` is the in-process extractor's replacement: Apache Tika (``iscc-tika``)
runs in one long-lived child process (``python -m learn.etl.content.sandbox``) that this
process feeds one file at a time over its stdin/stdout. The child limits its own memory once
Tika is loaded (``RLIMIT_AS`` over the address space Tika's native heap has reserved, and
``RLIMIT_DATA`` on what it commits); the parent kills it when a file takes longer than the
wall-clock limit. A PDF declaring more pages than the page limit is refused before parsing and
a parse reporting more is dropped. Each of these raises :class:`ExtractionError` with
``limit=True`` naming the limit; the worker itself never runs the parse, so a crafted file costs
one child (started again for the next file), never the worker.

The child imports nothing of Django: only this module, the standard library and ``iscc_tika``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import select
import signal
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import IO, Any

_FRAME = struct.Struct(">Q")
PDF_MAGIC = b"%PDF"
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_PAGE_COUNT = re.compile(rb"/Count\s+(\d{1,12})")
MEMORY_EXIT = 99  # what Tika's native image exits with when it cannot commit heap


@dataclass(frozen=True)
class ExtractionLimits:
    memory_bytes: int = 1024 * 1024 * 1024
    seconds: float = 60.0
    max_pages: int = 2_000


def pdf_pages(data: bytes) -> int:
    """The pages a PDF declares (its page objects or its largest ``/Count``), before parsing."""
    if not data.startswith(PDF_MAGIC):
        return 0
    counts = [int(m.group(1)) for m in _PAGE_COUNT.finditer(data)]
    return max([len(_PAGE_OBJECT.findall(data)), *counts])


# ---------------------------------------------------------------- wire format


def _send(stream: IO[bytes], payload: bytes) -> None:
    stream.write(_FRAME.pack(len(payload)) + payload)
    stream.flush()


def _read_exact(stream: IO[bytes], size: int) -> bytes:
    chunks: list[bytes] = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            raise EOFError("the other side closed the pipe")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _receive(stream: IO[bytes]) -> bytes:
    (size,) = _FRAME.unpack(_read_exact(stream, _FRAME.size))
    return _read_exact(stream, size)


# ---------------------------------------------------------------- child


def _status_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _child(memory_bytes: int, ocr_strategy: str, max_chars: int) -> None:
    from iscc_tika import Extractor, PdfOcrStrategy, PdfParserConfig, TesseractOcrConfig

    extractor = Extractor().set_extract_string_max_length(max_chars)
    extractor = extractor.set_pdf_config(
        PdfParserConfig().set_ocr_strategy(getattr(PdfOcrStrategy, ocr_strategy.upper()))
    )
    if ocr_strategy != "no_ocr":
        extractor = extractor.set_ocr_config(TesseractOcrConfig().set_skip_ocr(False))
    extractor.extract_bytes_to_string(bytearray(b"warm up"))  # creates the native isolate
    # Tika's native image reserves its whole heap's address space up front: the address-space
    # limit bounds growth beyond that reservation, the data limit bounds what the heap commits.
    address = _status_kib("VmSize") * 1024 + memory_bytes
    data = _status_kib("VmData") * 1024 + memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (address, address))
    resource.setrlimit(resource.RLIMIT_DATA, (data, data))
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    _send(stdout, b"ready")
    while True:
        try:
            request = _receive(stdin)
        except EOFError:
            return
        try:
            text, meta = extractor.extract_bytes_to_string(bytearray(request))
            reply: dict[str, Any] = {"text": str(text), "metadata": meta}
        except MemoryError:
            _send(stdout, json.dumps({"memory": True}).encode())
            return
        except Exception as exc:  # the binding raises TypeError(ParseError(...)) on bad input
            reply = {"error": f"Tika could not parse it: {exc}"}
        _send(stdout, json.dumps(reply, default=str).encode())


# ---------------------------------------------------------------- parent


class SandboxedTika:
    """A :class:`~learn.etl.content.extract.TextExtractor` running Tika in a limited child."""

    name = "tika-sandboxed"
    # files handed to any child in this process (observable by tests and benchmarks)
    files_sent_total = 0

    def __init__(
        self,
        limits: ExtractionLimits | None = None,
        ocr_strategy: str = "no_ocr",
        max_chars: int = 5_000_000,
        start_timeout: float = 120.0,
    ) -> None:
        self.limits = limits or ExtractionLimits()
        self.ocr_strategy = ocr_strategy
        self.max_chars = max_chars
        self.start_timeout = start_timeout
        self._process: subprocess.Popen[bytes] | None = None
        # the child's peak resident memory (VmHWM, sampled while it works), for reports
        self.last_peak_bytes = 0
        self.calls = 0  # extract() calls with bytes (a page-limit refusal included)
        self.files_sent = 0  # files handed to the child (each one a real parse)

    # -- child lifecycle

    def _start(self) -> subprocess.Popen[bytes]:
        command = [
            sys.executable, "-m", "learn.etl.content.sandbox",
            str(self.limits.memory_bytes), self.ocr_strategy, str(self.max_chars),
        ]  # fmt: skip
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        try:
            ready = self._reply(process, time.monotonic() + self.start_timeout)
        except (TimeoutError, EOFError):
            self._stop(process)
            raise
        if ready != b"ready":
            self._stop(process)
            raise EOFError("the extraction child did not start")
        return process

    def _stop(self, process: subprocess.Popen[bytes]) -> int:
        """Kill the child (if still alive), reap it, record its peak memory; its exit code."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)  # its own session: Tika's threads go too
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        try:
            _pid, status, _usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
        except ChildProcessError:  # already reaped
            process.wait()
        if self._process is process:
            self._process = None
        return int(process.returncode)

    def close(self) -> None:
        if self._process is not None:
            self._stop(self._process)

    def __enter__(self) -> SandboxedTika:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # interpreter shutdown
            self.close()

    def _sample_peak(self, process: subprocess.Popen[bytes]) -> None:
        """Keep the child's VmHWM (its own peak since exec; rusage would count this process's
        memory too, shared with the child until it exec'd)."""
        try:
            with open(f"/proc/{process.pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        peak = int(line.split()[1]) * 1024
                        self.last_peak_bytes = max(self.last_peak_bytes, peak)
        except (OSError, ValueError):
            pass  # gone (or a zombie): the last sample stands

    def _reply(self, process: subprocess.Popen[bytes], deadline: float) -> bytes:
        stdout = process.stdout
        assert stdout is not None
        buffer = b""
        need = _FRAME.size
        size: int | None = None
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([stdout], [], [], min(left, 0.1))
            self._sample_peak(process)
            if not ready:
                continue
            chunk = os.read(stdout.fileno(), 1 << 20)
            if not chunk:
                raise EOFError
            buffer += chunk
            if size is None and len(buffer) >= need:
                (size,) = _FRAME.unpack(buffer[:need])
            if size is not None and len(buffer) >= need + size:
                return buffer[need : need + size]

    # -- extraction

    def extract(self, data: bytes, filename: str) -> Any:
        from learn.etl.content.extract import Extracted, ExtractionError, metadata_of

        def limited(message: str) -> ExtractionError:
            return ExtractionError(filename, message, limit=True)

        if not data:
            return Extracted("")
        self.calls += 1
        pages = pdf_pages(data)
        if pages > self.limits.max_pages:
            raise limited(
                f"refused: it declares {pages} pages, over the {self.limits.max_pages}-page limit"
            )
        try:
            process = self._process or self._start()
        except (TimeoutError, EOFError, OSError) as exc:
            raise ExtractionError(
                filename, f"the extraction process did not start ({exc!r})", transient=True
            ) from None
        self._process = process
        assert process.stdin is not None
        self.files_sent += 1
        SandboxedTika.files_sent_total += 1
        try:
            _send(process.stdin, data)
            raw = self._reply(process, time.monotonic() + self.limits.seconds)
        except TimeoutError:
            self._stop(process)
            raise limited(
                f"stopped: extraction took longer than the {self.limits.seconds:g} s limit"
            ) from None
        except (EOFError, BrokenPipeError):
            code = self._stop(process)
            mib = self.limits.memory_bytes // (1024 * 1024)
            if code in (MEMORY_EXIT, -signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT):
                raise limited(
                    f"stopped: extraction went over the {mib} MiB memory limit (exit {code})"
                ) from None
            raise limited(f"stopped: the extraction process died (exit {code})") from None
        reply = json.loads(raw)
        if reply.get("memory"):
            self._stop(process)
            mib = self.limits.memory_bytes // (1024 * 1024)
            raise limited(f"stopped: extraction went over the {mib} MiB memory limit")
        if "error" in reply:
            raise ExtractionError(filename, str(reply["error"]))
        extracted = Extracted(str(reply["text"]), metadata_of(reply.get("metadata")))
        declared = extracted.first("xmpTPg:NPages")
        if declared and declared.isdigit() and int(declared) > self.limits.max_pages:
            raise limited(
                f"dropped: it has {declared} pages, over the {self.limits.max_pages}-page limit"
            )
        return extracted


if __name__ == "__main__":
    _child(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
