"""The offline face family's operations, answered from the business state (business.py).

A request reaches a handler once validation.py has checked it against the spec (parameters, body) and opened its
sensitive fields. Each handler reads what it needs, asks the business, and answers its result; a business rule
that refuses raises business.Refused, which app.py answers with WeChat Pay's code, signed. Contract changes send
FACEPAY.USER_STATE_CHANGE to the notify URL. Request bodies are parsed, never logged.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request

from .handlers import Answer, Operation, Sandbox
from .validation import opened_body, path_values

NO_CONTENT = 204


async def _body(request: Request) -> dict[str, Any]:
    """The JSON object body (validation.check has accepted it against the spec before the handler runs)."""
    body = json.loads(await request.body())
    if not isinstance(body, dict):
        raise Answer(400, "PARAM_ERROR", "参数错误: the body must be a JSON object", {"location": "body"})
    return body


ORGANIZATIONS = "/v3/offlinefacemch/organizations"
FACE_USER = ORGANIZATIONS + "/{organization_id}/users/out-user-id/{out_user_id}"
TERMINATE = ORGANIZATIONS + "/{organization_id}/users/user-id/{user_id}/terminate-contract"
CONTRACT = "/v3/offlineface/contracts/{contract_id}"
DEDUCTION = "/v3/offlineface/transactions/out-trade-no/{out_trade_no}"


async def query_organization(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    query = request.query_params
    found = sandbox.business.query_organization(query.get("organization_id"), query.get("organization_name"))
    return 200, found


async def create_auth_token(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    init = (await _body(request))["web_init_data"]
    return 200, {"token": sandbox.business.create_token(init["out_user_id"], init["organization_id"])}


async def get_face_user(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    ids = path_values(request, FACE_USER)
    return 200, sandbox.business.face_user(ids["organization_id"], ids["out_user_id"])


async def update_face_user(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    ids = path_values(request, FACE_USER)
    sandbox.business.update_face_user(ids["organization_id"], ids["out_user_id"], opened_body(request))
    return NO_CONTENT, None


async def terminate_contract(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    ids = path_values(request, TERMINATE)
    event = sandbox.business.terminate(ids["user_id"], ids["organization_id"])
    sandbox.notifier.deliver_user_state_change(**event)
    return NO_CONTENT, None


async def get_device_auth_info(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    body = await _body(request)
    return 200, {"authinfo": sandbox.business.device_authinfo(body["organization_id"], body["device_id"])}


async def presign_contract(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    body = opened_body(request)
    user = body["facepay_user"]
    mode = body.get("contract_mode") or "LIMIT_NONE"
    token = sandbox.business.presign(user["out_user_id"], user["organization_id"], mode, "limit_bank_card" in body)
    return 200, {"presign_token": token}


async def get_contract(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    return 200, sandbox.business.contract(path_values(request, CONTRACT)["contract_id"])


async def create_deduction(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    body = await _body(request)
    return 200, sandbox.business.deduct(body, body.get("sp_mchid") or sandbox.config.credentials.mchid)


async def get_deduction(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    out_trade_no = path_values(request, DEDUCTION)["out_trade_no"]
    return 200, sandbox.business.order(out_trade_no, request.query_params["sub_mchid"])


async def create_repayment_url(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    body = await _body(request)
    return 200, sandbox.business.repayment_url(body["organization_id"], body["out_user_id"])


def _route(template: str) -> str:
    """A Starlette path for the template: each parameter matches anything, the handler reads the raw path."""
    return re.sub(r"{(\w+)}", r"{\1:anything}", template)


ROUTES = [
    Operation("GET", ORGANIZATIONS, query_organization),
    Operation("POST", "/v3/offlinefacemch/tokens", create_auth_token),
    Operation("GET", _route(FACE_USER), get_face_user),
    Operation("PATCH", _route(FACE_USER), update_face_user),
    Operation("POST", _route(TERMINATE), terminate_contract),
    Operation("POST", "/v3/offlineface/authinfo", get_device_auth_info),
    Operation("POST", "/v3/offlineface/contracts/presign", presign_contract),
    Operation("GET", _route(CONTRACT), get_contract),
    Operation("POST", "/v3/offlineface/transactions", create_deduction),
    Operation("GET", _route(DEDUCTION), get_deduction),
    Operation("POST", "/v3/offlineface/repayment-url", create_repayment_url),
]
