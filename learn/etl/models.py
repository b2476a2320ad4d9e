"""The ETL's own state: one row per run of a source (what ``learn etl status`` shows), and the
content files whose extraction failed for a reason about the file (not tried again)."""

from __future__ import annotations

from django.db import models


class RunStatus(models.TextChoices):
    running = "running", "Running"
    ok = "ok", "OK"
    partial = "partial", "Completed with failed records"
    failed = "failed", "Failed"
    suspicious = "suspicious", "Suspicious"
    skipped = "skipped", "Skipped"


class EtlRun(models.Model):
    """One extract → transform → load of a source, with its counts and per-record errors."""

    source = models.CharField(max_length=64, db_index=True)
    origin = models.CharField(max_length=2048, blank=True, default="")
    started_on = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_on = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.running)
    forced = models.BooleanField(default=False)
    extracted = models.IntegerField(default=0)
    created = models.IntegerField(default=0)
    updated = models.IntegerField(default=0)
    unchanged = models.IntegerField(default=0)
    unpublished = models.IntegerField(default=0)
    skipped = models.IntegerField(default=0)
    failed = models.IntegerField(default=0)
    # [{"record": "<readable id or item id>", "message": "..."}]
    errors = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return f"{self.source} {self.status} @ {self.started_on:%Y-%m-%d %H:%M}"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_on is None:
            return None
        return (self.finished_on - self.started_on).total_seconds()


class ExtractionFailure(models.Model):
    """A content file whose text extraction failed for a reason about the file itself.

    Over a memory, time or page limit, the extractor crashing on it, or a parse error: the same
    bytes would fail again, so ingestion does not extract them again (their stored copy is kept
    and the run reports them as skipped with this reason) until the bytes change or someone asks
    (``learn etl content ingest --retry-failed``, ``learn etl content failures --clear``).
    Transient errors (the Tika server unreachable, the child not starting) are never recorded.
    """

    platform = models.CharField(max_length=32)
    run_id = models.CharField(max_length=128)  # the catalog's LearningResourceRun.run_id
    key = models.CharField(max_length=1024)  # the content file's key in that run
    sha256 = models.CharField(max_length=64)  # of the bytes that failed
    reason = models.TextField()
    first_seen = models.DateTimeField()  # first failure of these bytes
    last_seen = models.DateTimeField()  # last ingest that met these bytes (tried or skipped)
    attempts = models.PositiveIntegerField(default=1)  # extractions of these bytes that failed
    skipped = models.PositiveIntegerField(default=0)  # ingests that did not extract them again
    etl_run = models.ForeignKey(
        EtlRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # the last run that met them

    class Meta:
        ordering = ["platform", "run_id", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "run_id", "key"], name="etl_extraction_failure_file"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.run_id} {self.key}: {self.reason}"
