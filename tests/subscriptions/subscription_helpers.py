"""Helpers of the subscription tests (a module of its own name: ``conftest`` is ambiguous across
the suite): a free SMTP port, the in-process SMTP server's inbox, the new-resources bundle."""

from __future__ import annotations

import email
import email.policy
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from factories import Reference

from learn.catalog.models import LearningResource


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


@dataclass
class NewResources:
    ref: Reference
    physics: list[LearningResource]
    math: list[LearningResource]
    quantum: LearningResource
