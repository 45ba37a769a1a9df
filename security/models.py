from __future__ import annotations

from django.db import models


class RateCounter(models.Model):
    """One rate-limit window's count, for installations without Redis (the SQLite demo,
    a small server). ``security.ratelimit`` adds to it with ``UPDATE … SET count = count
    + 1``, which the database applies one at a time, so the limit holds under concurrency
    (the database cache's ``incr`` read, then wrote: parallel calls overwrote each other)."""

    key = models.CharField(max_length=100, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
