"""A notify URL for tests: receives the sandbox's notifications in-process, verified and decrypted by the auth.

``with NotificationReceiver(auth) as receiver:`` serves on a free loopback port (``receiver.url``); each
notification that verifies is kept once per id in ``receiver.notifications``, as a merchant should de-duplicate.
"""

from __future__ import annotations

import threading
import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from wechatpay_signing import Notification, WeChatPayAuth, WeChatPayError

from .server import BackgroundServer


class NotificationReceiver(BackgroundServer):
    """Answers 204 to a notification that verifies and decrypts, 401/500 with {"code": "FAIL"} otherwise."""

    def __init__(self, auth: WeChatPayAuth, host: str = "127.0.0.1", port: int = 0) -> None:
        self.auth = auth
        self.notifications: list[Notification] = []
        self.refused: list[str] = []  # why each refused delivery was refused
        self.raw: list[tuple[dict[str, str], bytes]] = []  # every POST as it came: headers (lower case) and body
        self._failures: list[int] = []
        self._changed = threading.Condition()
        app = Starlette(routes=[Route("/", self._receive, methods=["POST"])])
        super().__init__(app, host, port)

    def fail_next(self, *statuses: int) -> None:
        """Answer the next deliveries with these statuses (e.g. 500, 503), to see the sandbox retry."""
        with self._changed:
            self._failures.extend(statuses)

    def wait_for(self, count: int = 1, *, timeout: float = 10.0) -> list[Notification]:
        """The notifications once ``count`` have arrived; AssertionError if they do not within ``timeout`` s."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.notifications) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"{len(self.notifications)} of {count} notifications arrived in {timeout} s;"
                        f" refused: {self.refused}"
                    )
                self._changed.wait(left)
            return list(self.notifications)

    async def _receive(self, request: Request) -> Response:
        body = await request.body()
        with self._changed:
            self.raw.append((dict(request.headers.items()), body))
            failure = self._failures.pop(0) if self._failures else None
        if failure is not None:
            return JSONResponse({"code": "FAIL", "message": "failing on purpose"}, status_code=failure)
        try:
            notification = self.auth.parse_notification(request.headers, body)
        except WeChatPayError as error:
            with self._changed:
                self.refused.append(str(error))
                self._changed.notify_all()
            return JSONResponse({"code": "FAIL", "message": type(error).__name__}, status_code=401)
        with self._changed:
            if all(seen.id != notification.id for seen in self.notifications):
                self.notifications.append(notification)
            self._changed.notify_all()
        return Response(status_code=204)
