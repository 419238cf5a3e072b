"""Recipe: WeChat Pay notifications in Flask.

    app = create_app(auth_from_env(), handle)   # handle(notification) does your work, idempotently

WeChat Pay wants a 2xx when the notification is taken, and retries on anything else (4xx/5xx with
{"code": "FAIL", "message": ...}). It may deliver the same notification more than once: de-duplicate by its id.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, jsonify, request
from wechatpay_signing import Notification, NotificationDecryptionError, WeChatPayAuth, WeChatPayError

NOTIFY_PATH = "/wechatpay/notifications"


def create_app(auth: WeChatPayAuth, handle: Callable[[Notification], None]) -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024  # notifications are small; refuse a flood early

    @app.post(NOTIFY_PATH)
    def receive() -> tuple[Response, int] | tuple[str, int]:
        try:
            # The raw bytes: re-serialised JSON would not match the signature.
            notification = auth.parse_notification(request.headers, request.get_data())
        except NotificationDecryptionError:
            return jsonify(code="FAIL", message="notification does not decrypt"), 500  # WeChat retries it
        except WeChatPayError:
            return jsonify(code="FAIL", message="notification signature rejected"), 401
        # De-duplicate here: WeChat Pay redelivers, so skip a notification.id already processed (e.g. a unique
        # key in your database). An exception from handle becomes a 500, and WeChat Pay delivers it again.
        handle(notification)
        return "", 204

    return app
