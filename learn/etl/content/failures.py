"""Extraction failures remembered across ingests: a file that failed is not extracted again.

A file whose extraction failed for a reason about the file itself (over a memory, time or page
limit, the extractor crashing on it, a parse error: :attr:`ExtractionError.about_the_file`) is
recorded by its key and the SHA-256 of its bytes (:class:`learn.etl.models.ExtractionFailure`).
The next ingest meeting the same bytes under the same key skips them with the remembered reason
(the stored copy is kept, as for any failed file) instead of burning a worker on them again;
changed bytes are tried again, a success forgets the failure, and ``retry`` tries every
remembered file again. Transient errors (Tika server unreachable or timing out, the extraction
child not starting) say nothing about the file and are never remembered.

:class:`FailureMemory` holds one course run's remembered failures and collects what this ingest
learned; it touches no database (``learn.etl.content.ingest`` loads it, saves each new failure
as it happens through ``on_failed``, and the skips and cleared failures after the course).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from learn.etl.content.extract import Extracted, ExtractionError, TextExtractor, extract_file

RETRY_HINT = "`learn etl content ingest --retry-failed` or `learn etl content failures --clear`"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class KnownFailure:
    sha256: str
    reason: str
    first_seen: datetime | None = None
    attempts: int = 1


@dataclass
class FailureMemory:
    """One course run's remembered failures (``known``, by file key) and this ingest's news."""

    known: Mapping[str, KnownFailure] = field(default_factory=dict)
    retry: bool = False  # try remembered files again (an explicit request, never automatic)
    failed: dict[str, tuple[str, str]] = field(default_factory=dict)  # key → (sha256, reason)
    recalled: dict[str, KnownFailure] = field(default_factory=dict)  # skipped this time
    cleared: set[str] = field(default_factory=set)  # extracted, unchanged or changed: forget
    seen: set[str] = field(default_factory=set)  # remembered keys this ingest met
    # called at once with (key, sha256, reason) for each new failure, so it is saved even when
    # the ingest is stopped before the course ends (a time limit after several slow files)
    on_failed: Callable[[str, str, str], None] | None = None
    _digests: dict[str, str] = field(default_factory=dict, repr=False)

    def _sha(self, key: str, data: bytes) -> str:
        if key not in self._digests:
            self._digests[key] = sha256_of(data)
        return self._digests[key]

    def recall(self, key: str, data: bytes) -> str | None:
        """The problem to report instead of extracting ``data`` when these very bytes failed
        before under ``key``; ``None`` when they should be extracted."""
        known = self.known.get(key)
        if known is None:
            return None
        self.seen.add(key)
        if known.sha256 != self._sha(key, data):
            self.cleared.add(key)  # other bytes now: they get their own chance
            return None
        if self.retry:
            return None
        self.recalled[key] = known
        since = f" since {known.first_seen:%Y-%m-%d %H:%M} UTC" if known.first_seen else ""
        return (
            f"not extracted again: these bytes failed before{since} "
            f"({known.attempts} attempt{'s' if known.attempts != 1 else ''}): {known.reason}; "
            f"to try again: {RETRY_HINT}"
        )

    def unchanged(self, key: str) -> None:
        """``key``'s stored copy is current: a remembered failure of other bytes is moot."""
        if key in self.known:
            self.seen.add(key)
            self.cleared.add(key)

    @property
    def vanished(self) -> set[str]:
        """Remembered keys this ingest did not meet: the file left the course (or was not read,
        e.g. over the size limit): nothing left to skip."""
        return set(self.known) - self.seen - self.failed.keys()

    def extract(self, key: str, data: bytes, filename: str, extractor: TextExtractor) -> Extracted:
        """:func:`extract_file`, remembering a failure about the file and forgetting on success."""
        try:
            extracted = extract_file(data, filename, extractor)
        except ExtractionError as exc:
            if exc.about_the_file:
                sha = self._sha(key, data)
                self.failed[key] = (sha, exc.message)
                self.cleared.discard(key)
                if self.on_failed is not None:
                    self.on_failed(key, sha, exc.message)
            raise
        finally:
            self._digests.pop(key, None)
        if key in self.known:
            self.cleared.add(key)
        return extracted
