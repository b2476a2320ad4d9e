"""An ASGI guard in front of Django: request bodies are read here, asynchronously, with a deadline.

Under WSGI a client that announces ``Content-Length: 100000`` and sends one byte holds a worker
thread while the server waits for the rest; four such clients froze the whole API, health checks
included. Behind this guard a slow body costs one coroutine, not a thread: the body is read in the
event loop, and Django (which runs views in threads) is called only once it has fully arrived.

- a body that does not arrive within ``BODY_READ_TIMEOUT`` seconds (or stalls for
  ``BODY_IDLE_TIMEOUT`` seconds between chunks) gets a JSON 408 and the connection is closed;
- a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (by its ``Content-Length`` or as it arrives)
  gets a JSON 413 without being buffered.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Any  # Django's ASGIHandler and other ASGI callables


async def _json_error(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                (b"x-content-type-options", b"nosniff"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyGuard:
    def __init__(
        self, app: ASGIApp, max_bytes: int, total_timeout: float, idle_timeout: float
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.total_timeout = total_timeout
        self.idle_timeout = idle_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":  # Django has no lifespan handling: acknowledge it
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await _json_error(
                send, 413, f"Request body too large: at most {self.max_bytes} bytes are accepted."
            )
            return
        try:
            messages = await asyncio.wait_for(self._read(receive), self.total_timeout)
        except TimeoutError:
            await _json_error(send, 408, "The request body did not arrive in time.")
            return
        except _TooLarge:
            await _json_error(
                send, 413, f"Request body too large: at most {self.max_bytes} bytes are accepted."
            )
            return
        except _Disconnected:
            return
        replay = iter(messages)

        async def replayed() -> Message:
            try:
                return next(replay)
            except StopIteration:
                return await receive()  # after the body: wait for the disconnect as usual

        await self.app(scope, replayed, send)

    async def _read(self, receive: Receive) -> list[Message]:
        messages: list[Message] = []
        size = 0
        while True:
            message = await asyncio.wait_for(receive(), self.idle_timeout)
            if message["type"] == "http.disconnect":
                raise _Disconnected
            messages.append(message)
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                raise _TooLarge
            if not message.get("more_body", False):
                return messages


class _TooLarge(Exception):
    pass


class _Disconnected(Exception):
    pass


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
