"""What the semantic layer remembers: one row per vector point, with the checksum of its input.

A point whose input checksum is unchanged is never re-embedded; a point whose payload alone changed
gets its payload rewritten. Ids are plain integers (not foreign keys) so that removing a resource
from the catalog still lets us find and delete its points.
"""

from __future__ import annotations

from django.db import models


class EmbeddedPoint(models.Model):
    point_id = models.UUIDField(primary_key=True)
    collection = models.CharField(max_length=32)
    resource_id = models.BigIntegerField(db_index=True)
    content_file_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    # "resource", "course_metadata" or "file": one group of points is replaced as a whole.
    source = models.CharField(max_length=16)
    chunk_number = models.IntegerField(default=0)
    text_checksum = models.CharField(max_length=64)
    payload_checksum = models.CharField(max_length=64)
    model = models.CharField(max_length=128)
    embedded_on = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["collection", "resource_id", "source"])]

    def __str__(self) -> str:
        return f"{self.collection}:{self.point_id}"


class EmbeddingFailure(models.Model):
    """The last provider error for a resource; cleared by the next successful embedding."""

    resource_id = models.BigIntegerField(primary_key=True)
    error = models.TextField()
    attempts = models.IntegerField(default=1)
    failed_on = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.resource_id}: {self.error[:60]}"


class PendingEmbedding(models.Model):
    """Resources changed while no task queue was configured (embedded mode): the catch-up embeds
    them. With a broker the change hook sends tasks to the ``embeddings`` queue instead."""

    resource_id = models.BigIntegerField(primary_key=True)
    queued_on = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.resource_id)
