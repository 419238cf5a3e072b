"""The offline face family's other operations: fixed, spec-conforming answers (the business flow comes later).

A request reaches a handler once validation.py has checked it against the spec (parameters, body). Each handler
answers a fixed body in the shape the OpenAPI document gives, echoing the IDs the caller sent so that a test can see
they arrived intact. The two operations the
document answers with 204 answer 204 with an empty, signed body. Request bodies are parsed, never logged.
"""

from __future__ import annotations

import datetime
import json
import re
import uuid
from typing import Any

from starlette.requests import Request

from .handlers import Answer, Operation, Sandbox
from .validation import path_values

ORGANIZATION_ID = "OAABBCCDDeeff"
NO_CONTENT = 204


async def _body(request: Request) -> dict[str, Any]:
    """The JSON object body (validation.check has accepted it against the spec before the handler runs)."""
    body = json.loads(await request.body())
    if not isinstance(body, dict):
        raise Answer(400, "PARAM_ERROR", "参数错误: the body must be a JSON object", {"location": "body"})
    return body


def _text(body: dict[str, Any], name: str, default: str) -> str:
    value = body.get(name)
    return value if isinstance(value, str) else default


def _now(days: int = 0) -> str:
    moment = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=days)
    return moment.astimezone(datetime.timezone(datetime.timedelta(hours=8))).isoformat(timespec="seconds")


ORGANIZATIONS = "/v3/offlinefacemch/organizations"
FACE_USER = ORGANIZATIONS + "/{organization_id}/users/out-user-id/{out_user_id}"
TERMINATE = ORGANIZATIONS + "/{organization_id}/users/user-id/{user_id}/terminate-contract"
CONTRACT = "/v3/offlineface/contracts/{contract_id}"
DEDUCTION = "/v3/offlineface/transactions/out-trade-no/{out_trade_no}"


async def query_organization(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    organization_id = request.query_params.get("organization_id") or ORGANIZATION_ID
    organization_name = request.query_params.get("organization_name") or "南山中兴小学部"
    return 200, {"organization_id": organization_id, "organization_name": organization_name}


async def create_auth_token(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    await _body(request)
    return 200, {"token": uuid.uuid4().hex}


async def get_face_user(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    ids = path_values(request, FACE_USER)
    return 200, {
        "user_id": "FU40F305Z4e2bb7d",
        "out_user_id": ids["out_user_id"],
        "organization_id": ids["organization_id"],
        "user_name": "张三",
        "user_type": "STUDENT",
        "student_info": {"class_name": "初中一年级2班"},
        "status": "NORMAL",
        "contract_state": "CONTRACTED",
        "face_image_ok": True,
        "contract_id": "CI8CD208Z7e9906f89",
    }


async def update_face_user(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    path_values(request, FACE_USER)
    await _body(request)
    return NO_CONTENT, None


async def terminate_contract(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    path_values(request, TERMINATE)
    return NO_CONTENT, None


async def get_device_auth_info(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    await _body(request)
    return 200, {"authinfo": "sandbox-authinfo-" + uuid.uuid4().hex}


async def presign_contract(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    await _body(request)
    return 200, {"presign_token": "PT" + uuid.uuid4().hex[:16]}


async def get_contract(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    ids = path_values(request, CONTRACT)
    return 200, {
        "contract_id": ids["contract_id"],
        "mchid": sandbox.config.credentials.mchid,
        "organization_id": ORGANIZATION_ID,
        "user_id": "FU40F305Z4e2bb7d",
        "openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
        "contract_state": "CONTRACTED",
        "contract_signed_time": "2021-03-01T08:30:00+08:00",
        "contract_mode": "LIMIT_NONE",
        "contract_bank_card_from": "USER_SELECT_FREE",
    }


def _deduction(out_trade_no: str, sp_mchid: str, sub_mchid: str, amount: Any) -> dict[str, Any]:
    total = amount.get("total") if isinstance(amount, dict) else None
    return {
        "sp_appid": "wxd678efh567hg6787",
        "sp_mchid": sp_mchid,
        "sub_mchid": sub_mchid,
        "payer": {"sp_openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
        "amount": {"total": total if type(total) is int else 1250, "currency": "CNY"},
        "bank_type": "CMB_DEBIT",
        "trade_type": "AUTH",
        "trade_state": "SUCCESS",
        "trade_state_description": "支付成功",
        "debt_state": "NOT_DEBT",
        "success_time": _now(),
        "transaction_id": "4200000985202103011234567890",
        "out_trade_no": out_trade_no,
    }


async def create_deduction(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    body = await _body(request)
    out_trade_no = _text(body, "out_trade_no", "sandbox-" + uuid.uuid4().hex[:16])
    sp_mchid = _text(body, "sp_mchid", sandbox.config.credentials.mchid)
    return 200, _deduction(out_trade_no, sp_mchid, _text(body, "sub_mchid", "1900000110"), body.get("amount"))


async def get_deduction(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    ids = path_values(request, DEDUCTION)
    query = request.query_params
    return 200, _deduction(ids["out_trade_no"], query["sp_mchid"], query["sub_mchid"], None)


async def create_repayment_url(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    await _body(request)
    token = uuid.uuid4().hex
    return 200, {"repayment_url": f"https://pay.weixin.qq.com/repayment?token={token}", "expire_at": _now(days=7)}


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
