"""Pure ASGI middleware: bodies over the configured size get 413 before they are parsed; the
synchronous solve routes have a smaller limit of their own (larger instances go to /v1/jobs)."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import MEDIA, TITLES

SYNC_PATHS = (
    "/v1/staffing/solve",
    "/v1/placements/solve",
    "/v1/placements/shortlist",
    "/v1/placements/replan",
)


class BodyLimit:
    """ASGI middleware refusing request bodies over the size limit (smaller for sync solves)."""

    def __init__(self, app: ASGIApp, max_bytes: int, sync_max_bytes: int | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.sync_max_bytes = min(max_bytes, sync_max_bytes or max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, or answer 413 once its body is over the limit."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "").rstrip("/")
        sync = path in SYNC_PATHS and self.sync_max_bytes < self.max_bytes
        limit = self.sync_max_bytes if sync else self.max_bytes
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(send, limit, sync=sync)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLargeError
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except _TooLargeError:
            if not started:
                await _too_large(send, limit, sync=sync)


class _TooLargeError(Exception):
    pass


async def _too_large(send: Send, limit: int, *, sync: bool = False) -> None:
    detail = f"bodies are limited to {limit} bytes"
    if sync:
        detail += " on synchronous solves; submit larger instances to /v1/jobs"
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES[413],
        "status": 413,
        "code": "too_large_for_sync" if sync else "body_too_large",
        "detail": detail,
        "errors": [],
    }
    raw = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", MEDIA.encode()),
                (b"content-length", str(len(raw)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": raw})
