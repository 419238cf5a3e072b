"""The sandbox's control API: what only WeChat's users (and WeChat) do, for tests and demos. Unsigned JSON under
/sandbox/, served by the sandbox only, never part of WeChat Pay's API.

POST /sandbox/sign {"token"} -> {"contract_id", "user_id"}   the parent signs in the mini-program
POST /sandbox/users/{user_id}/terminate                       the user ends the contract in the WeChat client
POST /sandbox/auth-codes {"user_id", "device_id"?} -> {"auth_code"}  a device recognises the face
PUT  /sandbox/users/{user_id}/balance {"amount"}              what the user's payment method can pay (fen)
PUT  /sandbox/users/{user_id}/failing-deductions {"count"}    the user's next deductions fail (PAYERROR NOT_ENOUGH)
GET  /sandbox/clock, POST /sandbox/clock {"advance_seconds"}  the business clock, moved forward
POST /sandbox/face-collections {"organization_id", "user_ids"} WeChat asks for new photos
POST /sandbox/face-collections/{collection_id}/photo          the parent uploads the new photo
POST /sandbox/face-collections/{collection_id}/confirm        the payer confirms it
POST /sandbox/repay-through-link {"repayment_url"} or {"token"}  the family repays through a repayment link, once
POST /sandbox/repay {"user_id"}                               a shortcut: the user repays without a link
POST /sandbox/organizations {"organization_name", "organization_id"?}  a new organization
POST /sandbox/reset                                           back to the seeded state
GET  /sandbox/state                                           the whole state, for debugging
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .business import Business, Refused, repayment_link_token
from .notifications import Notifier

SIGN = "/sandbox/sign"
AUTH_CODES = "/sandbox/auth-codes"
REPAY = "/sandbox/repay"
REPAY_THROUGH_LINK = "/sandbox/repay-through-link"
FACE_COLLECTIONS = "/sandbox/face-collections"
ORGANIZATIONS = "/sandbox/organizations"
RESET = "/sandbox/reset"
CLOCK = "/sandbox/clock"
STATE = "/sandbox/state"

Action = Callable[[Request, dict[str, Any]], Any]


class _BadRequest(Exception):
    pass


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise _BadRequest(f"{name} must be a non-empty string")
    return value


def control_routes(business: Business, notifier: Notifier) -> list[Route]:
    """The control API's routes over ``business``; contract changes notify through ``notifier``."""

    def route(path: str, method: str, action: Action, status: int = 200) -> Route:
        async def endpoint(request: Request) -> Response:
            raw = await request.body()
            try:
                try:
                    body = json.loads(raw) if raw.strip() else {}
                except (ValueError, RecursionError):
                    raise _BadRequest("the body is not JSON") from None
                if not isinstance(body, dict):
                    raise _BadRequest("the body must be a JSON object")
                return JSONResponse(action(request, body), status)
            except _BadRequest as error:
                return JSONResponse({"code": "PARAM_ERROR", "message": str(error)}, 400)
            except Refused as refused:
                return JSONResponse({"code": refused.code, "message": refused.message}, refused.status)

        return Route(path, endpoint, methods=[method])

    def sign(request: Request, body: dict[str, Any]) -> dict[str, str]:
        event = business.sign(_text(body, "token"))
        notifier.deliver_user_state_change(**event)
        return {"contract_id": event["contract_id"], "user_id": event["user_id"]}

    def terminate(request: Request, body: dict[str, Any]) -> dict[str, str]:
        event = business.terminate(request.path_params["user_id"])
        notifier.deliver_user_state_change(**event)
        return {"contract_id": event["contract_id"], "user_id": event["user_id"], "contract_state": "TERMINATED"}

    def balance(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        amount = body.get("amount")
        if type(amount) is not int or amount < 0:
            raise _BadRequest("amount must be a whole number of fen, 0 or more")
        return dict(business.set_balance(request.path_params["user_id"], amount))

    def auth_code(request: Request, body: dict[str, Any]) -> dict[str, str]:
        device_id = body.get("device_id")
        if device_id is not None and (not isinstance(device_id, str) or not device_id):
            raise _BadRequest("device_id must be a non-empty string (the device of getDeviceAuthInfo) or absent")
        return {"auth_code": business.auth_code(_text(body, "user_id"), device_id)}

    def failing_deductions(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        return business.fail_deductions(request.path_params["user_id"], body.get("count"))

    def face_collections(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        user_ids = body.get("user_ids")
        if not isinstance(user_ids, list) or not user_ids or not all(isinstance(u, str) for u in user_ids):
            raise _BadRequest("user_ids must be a non-empty list of user IDs")
        return {"face_collections": business.request_face_collection(_text(body, "organization_id"), user_ids)}

    def step(name: str) -> Action:
        return lambda request, body: business.advance_face_collection(request.path_params["collection_id"], name)

    def organization(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        wanted = body.get("organization_id")
        if wanted is not None and (not isinstance(wanted, str) or not wanted or "/" in wanted):
            raise _BadRequest("organization_id must be a non-empty string without '/'")
        return dict(business.create_organization(_text(body, "organization_name"), wanted))

    def repay_through_link(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        if ("repayment_url" in body) == ("token" in body):
            raise _BadRequest("give repayment_url (as createRepaymentUrl answered it) or its token, one of them")
        if "token" in body:
            return business.repay_through_link(_text(body, "token"))
        token = repayment_link_token(_text(body, "repayment_url"))
        if token is None:
            raise _BadRequest("repayment_url has no token: give the repayment_url createRepaymentUrl answered")
        return business.repay_through_link(token)

    def reset(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        business.reset()
        return {"reset": True}

    return [
        route(SIGN, "POST", sign),
        route("/sandbox/users/{user_id}/terminate", "POST", terminate),
        route(AUTH_CODES, "POST", auth_code),
        route("/sandbox/users/{user_id}/balance", "PUT", balance),
        route("/sandbox/users/{user_id}/failing-deductions", "PUT", failing_deductions),
        route(FACE_COLLECTIONS, "POST", face_collections),
        route(FACE_COLLECTIONS + "/{collection_id}/photo", "POST", step("photo")),
        route(FACE_COLLECTIONS + "/{collection_id}/confirm", "POST", step("confirm")),
        route(REPAY_THROUGH_LINK, "POST", repay_through_link),
        route(REPAY, "POST", lambda request, body: business.repay(_text(body, "user_id"))),
        route(ORGANIZATIONS, "POST", organization, status=201),
        route(RESET, "POST", reset),
        route(STATE, "GET", lambda request, body: business.snapshot()),
        route(CLOCK, "GET", lambda request, body: business.clock_reading()),
        route(CLOCK, "POST", lambda request, body: business.advance_clock(body.get("advance_seconds"))),
    ]
