"""The sandbox's test hooks, outside WeChat Pay's API and unsigned: send a notification now, list deliveries."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .notifications import Notifier

NOTIFY_HOOK = "/sandbox/notifications/user-state-change"
DELIVERIES_HOOK = "/sandbox/notifications"
_USER_STATE_FIELDS = ("user_id", "out_user_id", "organization_id", "appid", "openid", "contract_id")


def notification_hooks(notifier: Notifier) -> list[Route]:
    """POST NOTIFY_HOOK with the contract's fields sends FACEPAY.USER_STATE_CHANGE (202 with its id); GET
    DELIVERIES_HOOK lists each delivery's attempts."""

    async def send_user_state_change(request: Request) -> Response:
        try:
            fields = json.loads(await request.body())
        except ValueError:
            fields = None
        if not isinstance(fields, dict) or not all(isinstance(value, str) for value in fields.values()):
            return JSONResponse({"code": "PARAM_ERROR", "message": "send a JSON object of strings"}, 400)
        notification_id = notifier.deliver_user_state_change(
            **{name: fields.get(name, "") for name in _USER_STATE_FIELDS}
        )
        if notification_id is None:
            message = "no notify URL: start the sandbox with --notify-url URL (or set SandboxConfig.notify_url)"
            return JSONResponse({"code": "NO_NOTIFY_URL", "message": message}, 409)
        return JSONResponse({"id": notification_id}, 202)

    async def list_deliveries(request: Request) -> Response:
        return JSONResponse({"deliveries": [delivery.as_json() for delivery in notifier.deliveries]})

    return [
        Route(NOTIFY_HOOK, send_user_state_change, methods=["POST"]),
        Route(DELIVERIES_HOOK, list_deliveries, methods=["GET"]),
    ]
