"""The digests' beat entries: MIT Learn's times on the default queue, weekly on Mondays."""

from __future__ import annotations

from learn.cli.main import load_schedules
from learn.config.celery import app


def test_digests_run_at_mit_learns_times_on_the_default_queue() -> None:
    load_schedules()
    entries = {k: v for k, v in app.conf.beat_schedule.items() if k.startswith("subscriptions-")}
    assert set(entries) == {
        "subscriptions-channel-daily",
        "subscriptions-channel-weekly",
        "subscriptions-search-daily",
        "subscriptions-search-weekly",
    }
    for name, entry in entries.items():
        kind, period = name.split("-")[1:]
        schedule = entry["schedule"]
        assert entry["task"] == "learn.subscriptions.send_subscription_emails"
        assert entry["options"] == {"queue": "default"}
        assert entry["kwargs"] == {
            "subscription_type": f"{kind}_subscription_type",
            "period": period,
        }
        assert (schedule.hour, schedule.minute) == (
            ({18}, {30}) if kind == "channel" else ({19}, {0})
        )
        assert schedule.day_of_week == ({1} if period == "weekly" else set(range(7)))
    app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    assert "learn.subscriptions.send_subscription_emails" in app.tasks
    assert "learn.subscriptions.send_digest_batch" in app.tasks
