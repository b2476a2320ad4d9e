"""A digest run on a real Celery worker (Redis broker, SQLite catalog, real SMTP): the worker
is killed (SIGKILL) after its first batch; the run is retried on a new worker, and every
subscriber ends up with exactly one mail holding exactly their matching resources."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from subscription_helpers import Inbox

from learn.config.env import get_env

pytestmark = pytest.mark.redis
TESTS = Path(__file__).resolve().parents[1]

SETUP = """
import sys, django
sys.path.insert(0, sys.argv[1])
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth.models import User
from factories import make_reference_data, make_resource
from learn.accounts.models import Profile
from learn.subscriptions import service
ref = make_reference_data()
for n in range(3):
    make_resource(ref, "course", f"phys-{n}", f"Classical Mechanics {n}", topics=("Physics",))
for n in range(2):
    make_resource(ref, "course", f"math-{n}", f"Linear Algebra {n}", topics=("Mathematics",))
for name, params in [("ada", {"topic": ["Physics"]}), ("bob", {"topic": ["Mathematics"]}),
                     ("cy", {"q": ["linear algebra"]}), ("dee", {"topic": ["Physics"]})]:
    user = User.objects.create_user(name, email=f"{name}@example.org")
    Profile.objects.update_or_create(user=user, defaults={"email_optin": True})
    service.subscribe(user, params)
"""

WORKER = """
import os, signal, sys, django
django.setup()
if sys.argv[1] == "die-after-first-user":
    from learn.subscriptions import digest
    original = digest.send_user_digest
    def send_then_die(*args, **kwargs):
        outcome = original(*args, **kwargs)  # this user's mail is sent and recorded
        os.kill(os.getpid(), signal.SIGKILL)
    digest.send_user_digest = send_then_die
from learn.config.celery import app
app.worker_main(["worker", "-Q", "default", "-c", "1", "--pool", "solo", "--loglevel",
                 "WARNING", "-n", sys.argv[2]])
"""

EXPECTED = {
    "ada@example.org": [f"Classical Mechanics {n}" for n in range(3)],
    "bob@example.org": [f"Linear Algebra {n}" for n in range(2)],
    "cy@example.org": [f"Linear Algebra {n}" for n in range(2)],
    "dee@example.org": [f"Classical Mechanics {n}" for n in range(3)],
}


@contextmanager
def worker(env: dict[str, str], mode: str, name: str) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER, mode, f"{name}-{os.getpid()}@%h"], env=env
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)


def titles(message: object) -> list[str]:
    text = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[attr-defined]
    return sorted(re.findall(r"^- (.+) \(", text, flags=re.M))


def test_killed_between_batches_then_retried_mails_everyone_once(
    tmp_path: Path, smtp_server: tuple[Inbox, int]
) -> None:
    redis_url = get_env().redis_url
    if not redis_url:
        pytest.skip("REDIS_URL is not set: the worker round trip needs a real Redis")
    from learn.config.celery import app

    inbox, port = smtp_server
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        REDIS_URL=redis_url, CELERY_TASK_ALWAYS_EAGER="false", LEARN_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="learn.config.settings", EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port), SUBSCRIPTION_BATCH_SIZE="1", LOG_LEVEL="WARNING",
    )  # fmt: skip
    subprocess.run([sys.executable, "-c", SETUP, str(TESTS)], env=env, check=True, timeout=300)
    run = ("learn.subscriptions.send_subscription_emails", ["search_subscription_type", "daily"])

    with worker(env, "die-after-first-user", "digest-dies") as doomed:
        first = app.send_task(run[0], args=run[1], queue="default")
        assert first.get(timeout=120)["batches"] == 4
        assert doomed.wait(timeout=120) == -9
    assert len(inbox.messages) == 1  # one batch went out before the kill

    with worker(env, "normal", "digest-retry"):
        retry = app.send_task(run[0], args=run[1], queue="default")  # the retried run
        # The dead run's queued batches and the retry both reach this worker: whoever comes
        # second finds the users already mailed.
        assert retry.get(timeout=120)["users"] <= 3  # the user mailed before the kill is not
        # Queued behind every batch (one worker, first in first out): when it has run, they have.
        app.send_task(run[0], args=["channel_subscription_type", "daily"], queue="default").get(
            timeout=300
        )
        deadline = time.monotonic() + 60
        while len(inbox.messages) < 4 and time.monotonic() < deadline:
            time.sleep(0.2)

    received = sorted(m["To"] for m in inbox.messages)
    assert received == sorted(EXPECTED)  # everyone, once
    for message in inbox.messages:
        assert titles(message) == EXPECTED[message["To"]]
