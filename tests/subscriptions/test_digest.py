"""Digests end to end in-process: subscriptions, the match, real SMTP delivery, the record."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from subscription_helpers import Inbox, NewResources

from learn.accounts.models import Profile
from learn.subscriptions import service
from learn.subscriptions.models import PercolateQuery, SourceType, SubscriptionDelivery
from learn.subscriptions.tasks import send_digest_batch, send_subscription_emails

pytestmark = pytest.mark.usefixtures("embedded_tasks", "search_backend")


def user(name: str, optin: bool | None = True) -> User:
    u = User.objects.create_user(name, email=f"{name}@example.org")
    Profile.objects.update_or_create(user=u, defaults={"email_optin": optin})
    return u


def titles(message: Any) -> list[str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return sorted(re.findall(r"^- (.+) \(", text, flags=re.M))


def run(kind: str = SourceType.search, period: str = "daily") -> dict[str, Any]:
    return send_subscription_emails.delay(kind, period).get()


def test_one_mail_per_user_with_exactly_the_matching_resources(
    smtp: Inbox, new_resources: NewResources
) -> None:
    physics, maths, both = user("physics"), user("maths"), user("both")
    service.subscribe(physics, {"topic": ["Physics"]})
    service.subscribe(maths, {"topic": ["Mathematics"], "sortby": ["-id"]})
    service.subscribe(both, {"topic": ["Physics"]})
    service.subscribe(both, {"q": ["linear algebra"]})
    service.subscribe(user("nothing"), {"q": ["ancient greek pottery"]})

    summary = run()

    assert summary["users"] == 3 and summary["invalid_queries"] == {}
    assert len(smtp.messages) == 3
    want_physics = sorted(r.title for r in new_resources.physics)
    want_maths = sorted(r.title for r in new_resources.math)
    (to_physics,) = smtp.to("physics@example.org")
    (to_maths,) = smtp.to("maths@example.org")
    (to_both,) = smtp.to("both@example.org")
    assert titles(to_physics) == want_physics
    assert titles(to_maths) == want_maths
    assert titles(to_both) == sorted(want_physics + want_maths)
    assert SubscriptionDelivery.objects.filter(user=physics).count() == len(want_physics)


def test_the_mail_has_both_parts_images_links_and_one_click_headers(
    smtp: Inbox, new_resources: NewResources
) -> None:
    reader = user("reader")
    service.subscribe(reader, {"topic": ["Physics"]})
    new_resources.quantum.image = None
    new_resources.quantum.save()
    run()
    (message,) = smtp.messages
    assert message["Subject"].startswith("Learn: New Courses from Physics: ")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = "".join(str(message["List-Unsubscribe"]).split())
    unsubscribe = re.fullmatch(r"<(.+)>", header)
    assert unsubscribe and "/api/v1/unsubscribe/" in unsubscribe.group(1)
    html = message.get_body(preferencelist=("html",)).get_content()
    text = message.get_body(preferencelist=("plain",)).get_content()
    for r in new_resources.physics:
        assert r.title in html and r.title in text
    assert "https://images.example.edu/phys-0.jpg" in html
    assert "/images/default_resource.jpg" in html  # the resource without an image
    assert "View more" in html and "sortby=new" in html
    assert "sortby=new" in text.split("View more:")[1].splitlines()[0]


def test_at_most_ten_items_and_nothing_twice(smtp: Inbox, new_resources: NewResources) -> None:
    from factories import make_resource

    for n in range(12):
        make_resource(new_resources.ref, "course", f"extra-{n}", f"Optics {n}", topics=("Physics",))
    reader = user("reader")
    service.subscribe(reader, {"topic": ["Physics"]})
    run()
    (first,) = smtp.messages
    assert len(titles(first)) == 10
    run()  # the next run mails the rest, never the same resources again
    assert len(smtp.messages) == 2
    assert not set(titles(first)) & set(titles(smtp.messages[1]))
    assert len(titles(first)) + len(titles(smtp.messages[1])) == 16
    run()
    assert len(smtp.messages) == 2


def test_no_mail_when_opted_out_and_weekly_users_wait_for_the_weekly_run(
    smtp: Inbox, new_resources: NewResources
) -> None:
    service.subscribe(user("quiet", optin=False), {"topic": ["Physics"]})
    weekly = user("weekly")
    service.subscribe(weekly, {"topic": ["Physics"]}, frequency="weekly")
    run()
    assert smtp.messages == []
    run(period="weekly")
    assert [m["To"] for m in smtp.messages] == ["weekly@example.org"]


def test_channel_follows_run_apart_from_searches(smtp: Inbox, new_resources: NewResources) -> None:
    follower = user("follower")
    service.subscribe(follower, {"topic": ["Physics"]}, source_type=SourceType.channel)
    run(SourceType.search)
    assert smtp.messages == []
    run(SourceType.channel)
    assert len(smtp.messages) == 1


def test_a_query_that_no_longer_parses_is_reported_and_skipped(
    smtp: Inbox, new_resources: NewResources
) -> None:
    broken_user, fine_user = user("broken"), user("fine")
    broken = service.subscribe(broken_user, {"topic": ["Physics"]})
    service.subscribe(fine_user, {"q": ["mechanics"]})
    PercolateQuery.objects.filter(pk=broken.pk).update(
        query={"endpoint": "learning_resource", "topic": ["Physics"], "retired_param": ["x"]}
    )
    summary = run()
    assert list(summary["invalid_queries"]) == [str(broken.pk)]
    assert "retired_param" in summary["invalid_queries"][str(broken.pk)]
    assert [m["To"] for m in smtp.messages] == ["fine@example.org"]


def test_a_refusing_server_loses_and_duplicates_nothing(
    smtp: Inbox, new_resources: NewResources
) -> None:
    reader = user("reader")
    service.subscribe(reader, {"topic": ["Physics"]})
    from django.utils import timezone

    from learn.subscriptions import digest

    planned = digest.plan(SourceType.search, "daily", timezone.now())
    batch = {str(k): v for k, v in planned.users.items()}
    smtp.refuse = True
    with pytest.raises(Exception, match="451|try again"):
        send_digest_batch.apply(args=[batch], throw=True, retries=8)
    assert SubscriptionDelivery.objects.count() == 0  # nothing recorded for an unsent mail
    smtp.refuse = False
    send_digest_batch.apply(args=[batch], throw=True)
    send_digest_batch.apply(args=[batch], throw=True)  # a duplicate delivery of the batch
    assert len(smtp.messages) == 1
    assert SubscriptionDelivery.objects.filter(user=reader).count() == 4


def test_an_unreachable_server_is_retried(settings: Any, new_resources: NewResources) -> None:
    from django.utils import timezone
    from subscription_helpers import free_port

    from learn.subscriptions import digest

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    service.subscribe(user("reader"), {"topic": ["Physics"]})
    planned = digest.plan(SourceType.search, "daily", timezone.now())
    result = send_digest_batch.apply(args=[{str(k): v for k, v in planned.users.items()}])
    assert isinstance(result.result, OSError)
    assert SubscriptionDelivery.objects.count() == 0


def test_the_embedded_default_writes_eml_files(
    settings: Any, tmp_path: Any, new_resources: NewResources
) -> None:
    import email as email_lib

    settings.EMAIL_BACKEND = "learn.subscriptions.mailfiles.EmlFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    service.subscribe(user("reader"), {"topic": ["Mathematics"]})
    run()
    (eml,) = (tmp_path / "mail").glob("*.eml")
    message = email_lib.message_from_bytes(eml.read_bytes(), policy=email_lib.policy.default)
    assert message["To"] == "reader@example.org"
    assert message.get_body(preferencelist=("html",)) is not None
    assert mail.outbox == []


def test_learn_digests_send_writes_the_mail_file(
    settings: Any, tmp_path: Any, new_resources: NewResources
) -> None:
    import json

    from typer.testing import CliRunner

    from learn.cli.main import SUBCOMMANDS
    from learn.subscriptions.cli import app

    assert ("learn.subscriptions.cli", "digests") in SUBCOMMANDS

    settings.EMAIL_BACKEND = "learn.subscriptions.mailfiles.EmlFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.CELERY_TASK_ALWAYS_EAGER = True
    service.subscribe(user("reader"), {"topic": ["Physics"]}, source_type=SourceType.channel)
    done = CliRunner().invoke(app, ["send", "--type", "channel"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output.strip().splitlines()[-1])["users"] == 1
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 1
    assert CliRunner().invoke(app, ["send", "--type", "nope"]).exit_code != 0
