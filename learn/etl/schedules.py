"""Beat entries for every registered source (UTC), after the reference's timetable.

Daily for most sources, every 6 h for MITx Online, 4 h for YouTube videos, 6 h for YouTube
transcripts, 3 h for news/events; sources not listed here run daily at 05:15. ``demo`` and
``oll`` (loaded by hand, as in the reference) are not scheduled.
"""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

from learn.config.celery import register_schedule
from learn.etl.pipeline import registry
from learn.etl.tasks import task_name

TIMETABLE: dict[str, Any] = {
    "see": crontab(hour=4, minute=30),
    "sloan": crontab(hour=4, minute=30),
    "mit_edx": crontab(hour=5, minute=0),
    "mit_edx_programs": crontab(hour=5, minute=10),
    "xpro": crontab(hour=5, minute=0),
    "mit_climate": crontab(hour=5, minute=30),
    "micromasters": crontab(hour=5, minute=40),
    "prolearn": crontab(hour=5, minute=50),
    "ocw": crontab(hour=3, minute=0),
    "oll": crontab(hour=3, minute=30),
    "mitxonline": crontab(hour="*/6", minute=0),
    "podcast": crontab(hour="6,23", minute=0),
    "mitpe": crontab(hour=21, minute=0),
    "youtube": crontab(hour="*/4", minute=30),
    "youtube_transcripts": crontab(hour="*/6", minute=45),
    "ovs": crontab(hour=9, minute=0),
    "ovs_transcripts": crontab(hour=9, minute=30),
    "news_events": crontab(hour="*/3", minute=15),
}
DEFAULT = crontab(hour=5, minute=15)
UNSCHEDULED = {"demo", "oll"}  # as the reference: OLL is loaded by hand


def register_all() -> list[str]:
    names = []
    for name, spec in registry().items():
        if name in UNSCHEDULED:
            continue
        entry = f"etl-{name}"
        register_schedule(
            entry,
            {
                "task": task_name(name),
                "schedule": TIMETABLE.get(name, DEFAULT),
                "options": {"queue": spec.queue},
            },
        )
        names.append(entry)
    return names


REGISTERED = register_all()
