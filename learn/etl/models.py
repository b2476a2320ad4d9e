"""The ETL's own state: one row per run of a source (what ``learn etl status`` shows)."""

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
