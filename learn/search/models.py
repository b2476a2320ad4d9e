"""The durable index queue: catalog changes wait here until a worker writes them to the engine."""

from __future__ import annotations

from django.db import models


class IndexQueueItem(models.Model):
    class Action(models.TextChoices):
        upsert = "upsert", "Upsert"
        delete = "delete", "Delete"

    index = models.CharField(max_length=16, default="resource")
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=8, choices=Action.choices)
    enqueued_on = models.DateTimeField(auto_now_add=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["index", "object_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.index}:{self.object_id}"
