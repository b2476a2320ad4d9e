"""The production mail path: django-anymail's Mailgun backend against a local HTTP server that
answers as Mailgun's messages API does (no Mailgun account here)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from subscription_helpers import NewResources

from learn.accounts.models import Profile
from learn.subscriptions import digest, service
from learn.subscriptions.models import SourceType, SubscriptionDelivery
from learn.subscriptions.tasks import send_digest_batch

pytestmark = pytest.mark.usefixtures("search_backend")


class MailgunStandIn(BaseHTTPRequestHandler):
    requests: list[dict[str, Any]] = []
    status = 200

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).requests.append(
            {"path": self.path, "auth": self.headers["Authorization"], "body": body}
        )
        answer = {"id": "<1@mg.example.org>", "message": "Queued. Thank you."}
        if self.status != 200:
            answer = {"message": "temporarily unavailable"}
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(answer).encode())

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def mailgun(settings: Any) -> Iterator[type[MailgunStandIn]]:
    from subscription_helpers import free_port

    MailgunStandIn.requests = []
    MailgunStandIn.status = 200
    server = ThreadingHTTPServer(("127.0.0.1", free_port(8460, 8469)), MailgunStandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
    settings.ANYMAIL = {
        "MAILGUN_API_KEY": "key-test",
        "MAILGUN_SENDER_DOMAIN": "mg.example.org",
        "MAILGUN_API_URL": f"http://127.0.0.1:{server.server_port}/v3",
    }
    try:
        yield MailgunStandIn
    finally:
        server.shutdown()
        server.server_close()


def _batch(new_resources: NewResources) -> dict[str, Any]:
    user = User.objects.create_user("reader", email="reader@example.org")
    Profile.objects.update_or_create(user=user, defaults={"email_optin": True})
    service.subscribe(user, {"topic": ["Physics"]})
    planned = digest.plan(SourceType.search, "daily", timezone.now())
    return {str(k): v for k, v in planned.users.items()}


def test_digests_go_through_mailgun_with_the_one_click_headers(
    mailgun: type[MailgunStandIn], new_resources: NewResources
) -> None:
    send_digest_batch.apply(args=[_batch(new_resources)], throw=True)
    (request,) = mailgun.requests
    assert request["path"] == "/v3/mg.example.org/messages"
    assert request["auth"].startswith("Basic ")
    form = parse_qs(request["body"].decode())  # Mailgun's form fields
    assert form["to"] == ["reader@example.org"]
    assert form["subject"][0].startswith("Learn: New Courses from Physics: ")
    assert form["h:List-Unsubscribe-Post"] == ["List-Unsubscribe=One-Click"]
    assert "/api/v1/unsubscribe/" in form["h:List-Unsubscribe"][0]
    assert "Classical Mechanics 0" in form["html"][0] and "Classical Mechanics 0" in form["text"][0]
    assert SubscriptionDelivery.objects.count() == 4


def test_a_failing_mailgun_leaves_the_batch_to_retry(
    mailgun: type[MailgunStandIn], new_resources: NewResources
) -> None:
    mailgun.status = 503
    result = send_digest_batch.apply(args=[_batch(new_resources)])
    assert type(result.result).__name__ == "AnymailRequestsAPIError"
    assert SubscriptionDelivery.objects.count() == 0


def test_mailgun_is_chosen_from_the_environment(tmp_path: Any) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "MAILGUN_"))}
    env.update(LEARN_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="learn.config.settings")
    show = "from django.conf import settings as s; print(s.EMAIL_BACKEND)"
    code = f"import django; django.setup(); {show}"

    def backend(**extra: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", code], env={**env, **extra}, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr[-1000:]
        return done.stdout.strip().splitlines()[-1]

    assert backend() == "learn.subscriptions.mailfiles.EmlFileBackend"
    assert backend(EMAIL_HOST="smtp.example.org") == "django.core.mail.backends.smtp.EmailBackend"
    assert backend(MAILGUN_API_KEY="key-x") == "anymail.backends.mailgun.EmailBackend"
