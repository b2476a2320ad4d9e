"""Fixtures of the subscription tests: a real SMTP server (aiosmtpd) in-process, a small
catalog of "new" resources, and a Tantivy index wired as the app's search backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from factories import make_reference_data, make_resource
from subscription_helpers import Inbox, NewResources, free_port

from learn.search.backends import reset_backend
from learn.search.backends.tantivy import TantivyBackend


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def smtp(smtp_server: tuple[Inbox, int], settings: Any) -> Inbox:
    """Mail goes through Django's SMTP backend to the in-process server."""
    inbox, port = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 5
    return inbox


@pytest.fixture
def search_backend(tmp_path: Path) -> Iterator[TantivyBackend]:
    backend = TantivyBackend(tmp_path / "search")
    reset_backend(backend)
    yield backend
    reset_backend(None)


@pytest.fixture
def new_resources(db: None) -> NewResources:
    ref = make_reference_data()
    physics = [
        make_resource(ref, "course", f"phys-{n}", f"Classical Mechanics {n}", topics=("Physics",))
        for n in range(3)
    ]
    quantum = make_resource(
        ref, "course", "quantum-1", "Quantum Computing Basics", topics=("Physics",)
    )
    math = [
        make_resource(ref, "course", f"math-{n}", f"Linear Algebra {n}", topics=("Mathematics",))
        for n in range(2)
    ]
    return NewResources(ref=ref, physics=[*physics, quantum], math=math, quantum=quantum)
