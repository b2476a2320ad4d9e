"""Values derived from a resource's runs and prices: best run, next start date, free.

Called by every writer (the ETL loader, the demo generator, admin saves) after runs change, so the
API and the search index read stored values instead of recomputing them per request.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from learn.catalog.constants import ResourceType
from learn.catalog.models import LearningResource, LearningResourceRun, compute_free


def _enrollable_now(run: LearningResourceRun, now: datetime) -> bool:
    opens = run.enrollment_start or run.start_date
    closes = run.enrollment_end or run.end_date
    return (opens is None or opens <= now) and (closes is None or closes > now)


def pick_best_run(
    runs: list[LearningResourceRun], now: datetime | None = None
) -> LearningResourceRun | None:
    """MIT Learn's rule for the run to show.

    Enrollable now (earliest start), else the next upcoming, else the latest start, else the first.
    """
    now = now or timezone.now()
    public = [r for r in runs if r.published and not r.is_variant]
    if not public:
        return None
    far_past = datetime.min.replace(tzinfo=now.tzinfo)
    enrollable = [
        r for r in public if _enrollable_now(r, now) and (r.start_date or r.enrollment_start)
    ]
    if enrollable:
        return min(enrollable, key=lambda r: (r.start_date or far_past, r.pk or 0))
    upcoming = [r for r in public if r.start_date and r.start_date > now]
    if upcoming:
        return min(upcoming, key=lambda r: (r.start_date, r.pk or 0))
    dated = [r for r in public if r.start_date]
    if dated:
        return max(dated, key=lambda r: (r.start_date, r.pk or 0))
    return public[0]


def next_start_date(
    runs: list[LearningResourceRun], now: datetime | None = None
) -> datetime | None:
    now = now or timezone.now()
    upcoming = [
        r for r in runs if r.published and not r.is_variant and r.start_date and r.start_date > now
    ]
    if not upcoming:
        return None
    nxt = min(upcoming, key=lambda r: r.start_date or now)
    candidates = [d for d in (nxt.start_date, nxt.enrollment_start) if d is not None]
    return max(candidates)


RUN_DEPENDENT_FIELDS = (
    "availability",
    "location",
    "duration",
    "min_weeks",
    "max_weeks",
    "time_commitment",
    "min_weekly_hours",
    "max_weekly_hours",
)


def refresh_derived_values(resource: LearningResource, save: bool = True) -> list[str]:
    """Recompute best run, next start date, run-copied logistics, prices and ``free``.

    Returns the names of the fields that changed (saved when ``save`` is true).
    """
    if "runs" in getattr(resource, "_prefetched_objects_cache", {}):
        runs = list(resource.runs.all())  # the caller prefetched runs (and their prices)
    else:
        runs = list(resource.runs.all().prefetch_related("resource_prices"))
    changed: list[str] = []

    def assign(field: str, value: object) -> None:
        if getattr(resource, field) != value:
            setattr(resource, field, value)
            changed.append(field)

    best = pick_best_run(runs)
    assign("best_run_id", best.pk if best else None)
    assign("next_start_date", next_start_date(runs))
    if best is not None and resource.published:
        for field in RUN_DEPENDENT_FIELDS:
            value = getattr(best, field)
            if value not in (None, ""):
                assign(field, value)
        if resource.certification and best.prices:
            prices = sorted(
                {str(Decimal(str(p)).quantize(Decimal("0.01"))) for p in best.prices}, key=Decimal
            )
            assign("prices", prices)
    free = compute_free(resource.resource_type, resource.professional, resource.prices)
    if resource.resource_type in (ResourceType.course, ResourceType.program) and not free:
        # A free run (an audit track) makes the resource free too.
        free = not resource.professional and any(
            Decimal("0") in [Decimal(str(p)) for p in r.prices] for r in runs if r.published
        )
    assign("free", free)
    if save and changed:
        resource.save(update_fields=[*changed, "updated_on"])
    if save and best is not None and resource.certification and best.pk:
        resource.resource_prices.set(best.resource_prices.all())
    return changed
