"""Recipe: WeChat Pay notifications in a plain ASGI application, no framework.

    app = notification_app(auth_from_env(), handle)   # mount it at the notify URL; handle(notification) is yours

WeChat Pay wants a 2xx when the notification is taken, and retries on anything else (4xx/5xx with
{"code": "FAIL", "message": ...}). It may deliver the same notification more than once: de-duplicate by its id.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from wechatpay_signing import Notification, NotificationDecryptionError, WeChatPayAuth, WeChatPayError

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
MAX_BODY = 64 * 1024  # notifications are small; refuse a flood early


def notification_app(auth: WeChatPayAuth, handle: Callable[[Notification], None]) -> Callable[..., Awaitable[None]]:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["method"] != "POST":
            return await answer(send, 405, "POST only")
        body = b""
        while True:  # the raw bytes, as they came: re-serialised JSON would not match the signature
            message = await receive()
            body += message.get("body", b"")
            if len(body) > MAX_BODY:
                return await answer(send, 413, "body too large")
            if not message.get("more_body"):
                break
        # ASGI headers are bytes pairs; a list of pairs keeps a doubled header visible to the check.
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in scope["headers"]]
        try:
            notification = auth.parse_notification(headers, body)
        except NotificationDecryptionError:
            return await answer(send, 500, "notification does not decrypt")  # WeChat retries it
        except WeChatPayError:
            return await answer(send, 401, "notification signature rejected")
        # De-duplicate here: WeChat Pay redelivers, so skip a notification.id already processed (e.g. a unique
        # key in your database). An exception from handle becomes a 500, and WeChat Pay delivers it again.
        handle(notification)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return app


async def answer(send: Send, status: int, message: str) -> None:
    body = json.dumps({"code": "FAIL", "message": message}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})
