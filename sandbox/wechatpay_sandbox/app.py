"""The sandbox's ASGI application: the operations of handlers.ROUTES, WeChat Pay's checks, signing and faults.

Every operation goes through one pipeline (``_serve``): check the request's signature as WeChat Pay does, run the
handler, sign the answer, and apply the fault asked for (faults.FAULT_TABLE) at each of its steps.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from wechatpay_signing import protocol

from .business import Refused
from .config import DEFAULT_FIXTURES, SandboxConfig
from .control import control_routes
from .family import ROUTES as FAMILY_ROUTES
from .faults import FAULT_HEADER, FAULT_TABLE, FAULTS, Fault
from .handlers import ROUTES, Answer, Handler, Sandbox
from .hooks import notification_hooks
from .signing import SignError, check_request, sign_response
from .validation import checked, template, unserved

__all__ = ["DEFAULT_FIXTURES", "FAULTS", "FAULT_HEADER", "SandboxConfig", "create_app"]

_NO_FAULT = Fault("none")


class _AnythingConvertor(Convertor[str]):
    """Any decoded rest of the path, new lines included (Starlette's "path" stops at one); the handler reads
    the raw path to tell an encoded "/" from a real one."""

    regex = "(?s:.*)"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("anything", _AnythingConvertor())


def create_app(config: SandboxConfig) -> Starlette:
    sandbox = Sandbox.from_config(config)
    # One route per path with all its methods, so a 405 lists them all in Allow; literal paths before those with
    # parameters, so /contracts/presign is not taken for a contract ID.
    by_path: dict[str, dict[str, Handler]] = {}
    served = [(op.method, op.path, op.handler) for op in [*ROUTES, *FAMILY_ROUTES]]
    # Operations of the spec without a handler yet answer the spec's example.
    served += unserved({(method, template(path)) for method, path, _ in served})
    for method, path, handler in served:
        by_path.setdefault(path, {})[method] = checked(method, path, handler)
    paths = sorted(by_path, key=lambda path: "{" in path)
    routes = [Route(path, _endpoint(by_path[path], sandbox), methods=list(by_path[path])) for path in paths]
    routes += notification_hooks(sandbox.notifier)  # test hooks, outside WeChat Pay's API: not signed
    routes += control_routes(sandbox.business, sandbox.notifier)  # the control API (control.py): not signed
    return Starlette(exception_handlers={404: _no_route, 405: _no_route}, routes=routes)


def _endpoint(handlers: dict[str, Handler], sandbox: Sandbox) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        # Starlette answers HEAD where GET is served.
        handler = handlers.get(request.method) or handlers["GET"]
        return await _serve(request, handler, sandbox)

    return endpoint


async def _serve(request: Request, handler: Handler, sandbox: Sandbox) -> Response:
    request_id = _request_id()
    name = request.headers.get(FAULT_HEADER) or sandbox.config.fault
    fault = FAULT_TABLE.get(name, _NO_FAULT) if name is not None else _NO_FAULT
    body = await request.body()
    target = request.scope["raw_path"].decode("latin-1")
    if request.scope["query_string"]:
        target += "?" + request.scope["query_string"].decode("latin-1")
    try:
        if name is not None and name not in FAULT_TABLE:
            raise Answer(400, "PARAM_ERROR", f"unknown {FAULT_HEADER} {name!r}; known: {', '.join(FAULTS)}")
        authorization = request.headers.get(protocol.AUTHORIZATION)
        try:
            check_request(sandbox.merchants, authorization, request.method, target, body)
        except SignError as error:
            raise Answer(401, "SIGN_ERROR", f"签名错误: {error}") from None
        early = await fault.before(sandbox.config)
        status, payload = early if early is not None else await handler(request, sandbox)
    except Answer as answer:
        status, payload = answer.status, answer.payload
    except Refused as refused:
        status, payload = refused.status, refused_payload(refused)
    # A 204 has no body, and is signed all the same (over the empty body).
    content = fault.body(b"" if status == 204 else _json(payload))
    headers = fault.signed(_signature_headers(sandbox, content, age=fault.age))
    headers |= {protocol.REQUEST_ID: request_id}
    if status != 204:
        headers["Content-Type"] = "application/json"
    if status == 429:
        headers["Retry-After"] = "1"
    return fault.respond(fault.sent(content), status, headers)


def refused_payload(refused: Refused) -> dict[str, Any]:
    """WeChat Pay's error body for a business rule: code, message, and the field at fault."""
    payload: dict[str, Any] = {"code": refused.code, "message": refused.message}
    if refused.field is not None:
        payload["detail"] = {"field": refused.field, "issue": refused.message}
        if refused.value is not None:  # an ID the caller sent, echoed so they can see it arrived as sent
            payload["detail"]["value"] = refused.value
    return payload


def _signature_headers(sandbox: Sandbox, content: bytes, *, age: int) -> dict[str, str]:
    """The Wechatpay-* headers, signed with the public key, or in certificate mode the configured certificate."""
    signing_key, signing_serial = sandbox.config.signing_key()
    return sign_response(signing_key, signing_serial, content, timestamp=int(time.time()) - age)


async def _no_route(request: Request, error: Exception) -> Response:
    # Outside the served operations, still answer as WeChat Pay does: JSON with a Request-ID.
    status = getattr(error, "status_code", 404)
    code = "NOT_FOUND" if status == 404 else "INVALID_REQUEST"
    payload = {"code": code, "message": f"{request.method} {request.url.path} is not served here"}
    # Starlette's 405 carries the Allow header that RFC 9110 requires.
    headers = {**(getattr(error, "headers", None) or {}), protocol.REQUEST_ID: _request_id()}
    return Response(_json(payload), status, headers, media_type="application/json")


def _request_id() -> str:
    return f"{uuid.uuid4().hex.upper()}-sandbox"


def _json(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
