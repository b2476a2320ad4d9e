"""Fixtures of the subscription tests: a real SMTP server (aiosmtpd) in-process, a small
catalog of "new" resources, and a Tantivy index wired as the app's search backend."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from factories import Reference, make_reference_data, make_resource

from learn.catalog.models import LearningResource
from learn.search.backends import reset_backend
from learn.search.backends.tantivy import TantivyBackend


def free_port(low: int = 8470, high: int = 8479) -> int:
    for port in range(low, high + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free SMTP port in 8470-8479")


@dataclass
class Inbox:
    """What the SMTP server accepted; ``refuse`` makes it answer 451 to every message."""

    messages: list[EmailMessage] = field(default_factory=list)
    refuse: bool = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 4.3.0 try again later"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


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


@dataclass
class NewResources:
    ref: Reference
    physics: list[LearningResource]
    math: list[LearningResource]
    quantum: LearningResource


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
