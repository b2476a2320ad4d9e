"""The embedded default's mail: one ``.eml`` file per message under ``EMAIL_FILE_PATH``
(``var/mail/``), which a mail client opens as it is."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend


class EmlFileBackend(BaseEmailBackend):
    def __init__(self, file_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.folder = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            target = self.folder / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
            partial = target.with_suffix(".part")
            partial.write_bytes(message.message().as_bytes())
            partial.rename(target)  # a reader never sees half a message
            sent += 1
        return sent
