"""Recipe: WeChat Pay notifications in FastAPI, verified and decrypted by a dependency.

    app = create_app(auth_from_env(), handle)   # handle(notification) does your work, idempotently

WeChat Pay wants a 2xx when the notification is taken, and retries on anything else (4xx/5xx with
{"code": "FAIL", "message": ...}). It may deliver the same notification more than once: de-duplicate by its id.
"""

# No "from __future__ import annotations": FastAPI reads the endpoint's annotations, which name a local alias.
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from wechatpay_signing import Notification, NotificationDecryptionError, WeChatPayAuth, WeChatPayError

NOTIFY_PATH = "/wechatpay/notifications"


class NotificationRefused(Exception):
    """Answered {"code": "FAIL", "message": ...} with its status, so that WeChat Pay delivers again."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def verified_notification(auth: WeChatPayAuth) -> Callable[[Request], Awaitable[Notification]]:
    """The dependency: the raw body and headers of the request, checked and opened by the auth."""

    async def dependency(request: Request) -> Notification:
        body = await request.body()  # the raw bytes: re-serialised JSON would not match the signature
        try:
            return auth.parse_notification(request.headers, body)
        except NotificationDecryptionError:
            raise NotificationRefused(500, "notification does not decrypt") from None  # WeChat retries it
        except WeChatPayError:
            raise NotificationRefused(401, "notification signature rejected") from None

    return dependency


def create_app(auth: WeChatPayAuth, handle: Callable[[Notification], None]) -> FastAPI:
    app = FastAPI()
    Verified = Annotated[Notification, Depends(verified_notification(auth))]

    @app.exception_handler(NotificationRefused)
    async def refused(request: Request, error: NotificationRefused) -> JSONResponse:
        return JSONResponse({"code": "FAIL", "message": error.message}, status_code=error.status)

    @app.post(NOTIFY_PATH, status_code=204)
    def receive(notification: Verified) -> Response:
        # De-duplicate here: WeChat Pay redelivers, so skip a notification.id already processed (e.g. a unique
        # key in your database). An exception from handle becomes a 500, and WeChat Pay delivers it again.
        handle(notification)
        return Response(status_code=204)

    return app
