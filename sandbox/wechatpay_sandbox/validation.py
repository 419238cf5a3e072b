"""Requests checked against openapi/ as WeChat Pay checks them: 400 PARAM_ERROR, with the field at fault.

The rules are ``operations.json``, written from openapi/offlineface.yaml by ``make generate``
(scripts/sandbox_operations.py): each operation's parameters and JSON body schema. Path values are read from the raw
path, one percent-decoded segment each, so an encoded "/" stays inside its value.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jsonschema import Draft202012Validator
from starlette.requests import Request
from wechatpay_signing import protocol

from .handlers import Answer, Handler, Sandbox
from .sensitive import SensitiveFieldRefused, decrypt_fields

OPERATIONS_FILE = Path(__file__).with_name("operations.json")
_INTEGER = re.compile(r"-?[0-9]+")


@functools.cache
def _rules() -> dict[tuple[str, str], dict[str, Any]]:
    operations: list[dict[str, Any]] = json.loads(OPERATIONS_FILE.read_text(encoding="utf-8"))
    return {(op["method"], op["path"]): op for op in operations}


def template(route_path: str) -> str:
    """The spec's path for a Starlette route path: "{name:anything}" back to "{name}"."""
    return re.sub(r"{(\w+):\w+}", r"{\1}", route_path)


def path_values(request: Request, path_template: str) -> dict[str, str]:
    """The template's parameters from the raw path, each exactly one percent-decoded segment, or a 404."""
    pattern = re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(path_template))
    match = re.fullmatch(pattern, request.scope["raw_path"].decode("latin-1"))
    if match is None:
        raise Answer(404, "NOT_FOUND", f"{request.method} {request.url.path} is not served here")
    values = {}
    for name, raw in match.groupdict().items():
        try:
            values[name] = unquote(raw, errors="strict")
        except UnicodeDecodeError:
            raise Answer(400, "PARAM_ERROR", f"参数错误: {name} is not UTF-8") from None
    return values


def _param_error(field: str, value: Any, issue: str, location: str) -> Answer:
    detail = {"field": field, "value": value, "issue": issue[:200], "location": location}
    return Answer(400, "PARAM_ERROR", f"参数错误: {field} {issue[:200]}", detail)


def _check_value(name: str, value: Any, schema: dict[str, Any], location: str) -> None:
    error = next(iter(Draft202012Validator(schema).iter_errors(value)), None)
    if error is not None:
        field = ".".join([name, *(str(part) for part in error.absolute_path)]) if name else error.json_path
        raise _param_error(field, value if location != "body" else None, error.message, location)


def _query_value(name: str, raw: str, schema: dict[str, Any]) -> Any:
    if schema.get("type") == "integer":
        try:
            if _INTEGER.fullmatch(raw):
                return int(raw)
        except ValueError:  # more digits than Python converts
            pass
        raise _param_error(name, raw[:64], "must be an integer", "query")
    return raw


async def check(request: Request, rule: dict[str, Any]) -> None:
    """Raise Answer(400 or 404) when the request breaks the operation's rules."""
    in_path = path_values(request, rule["path"])
    for parameter in rule["parameters"]:
        name, location, schema = parameter["name"], parameter["in"], parameter["schema"]
        if location == "path":
            _check_value(name, in_path[name], schema, "path")
        elif location == "query":
            values = request.query_params.getlist(name)
            if not values:
                if parameter["required"]:
                    raise _param_error(name, "", "is required", "query")
                continue
            if len(values) > 1:
                raise _param_error(name, values[-1], "is given more than once", "query")
            _check_value(name, _query_value(name, values[0], schema), schema, "query")
    if rule["body_schema"] is None:
        return
    raw_body = await request.body()
    if not raw_body and not rule["body_required"]:
        return
    media_type = request.headers.get("Content-Type", "").partition(";")[0].strip().lower()
    if media_type != "application/json":
        raise Answer(415, "INVALID_REQUEST", "Content-Type must be application/json")
    try:
        body = json.loads(raw_body)
    except (ValueError, RecursionError):
        raise _param_error("body", None, "is not JSON", "body") from None
    _check_value("", body, rule["body_schema"], "body")


OPENED_BODY = "wechatpay_opened_body"


async def _open_sensitive(request: Request, sandbox: Sandbox, paths: list[str]) -> None:
    """Decrypt the body's sensitive fields with the key Wechatpay-Serial names, as WeChat Pay does: a field that
    does not open (a plaintext, another key's ciphertext) is a PARAM_ERROR naming it. The opened body is kept on
    the request for the handler (``opened_body``); neither it nor the ciphertexts are logged or echoed."""
    raw_body = await request.body()
    body = json.loads(raw_body) if raw_body else {}
    serial = request.headers.get(protocol.WECHATPAY_SERIAL)
    for path in paths:
        try:
            body = decrypt_fields(sandbox.config.credentials, serial, body, [path])
        except SensitiveFieldRefused as refused:
            issue = f"must be encrypted for WeChat Pay's key (RSA-OAEP, base64): {refused}"
            raise _param_error(path, None, issue, "body") from None
    request.scope[OPENED_BODY] = body


def opened_body(request: Request) -> dict[str, Any]:
    """The request's JSON body with its sensitive fields decrypted (the body itself where it has none)."""
    body = request.scope.get(OPENED_BODY)
    return body if isinstance(body, dict) else {}


def _example_answer(status: int, example: Any) -> Handler:
    async def answer(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
        return status, example

    return answer


def unserved(served: set[tuple[str, str]]) -> list[tuple[str, str, Handler]]:
    """(method, Starlette path, handler) for each spec operation no handler serves: it answers the spec's example.

    So an operation added to the spec is served (with its documented answer, signed) as soon as ``make generate``
    has written operations.json, before anyone writes its handler.
    """
    found: list[tuple[str, str, Handler]] = []
    for (method, path), rule in _rules().items():
        if (method, path) not in served:
            handler = _example_answer(rule["success_status"], rule["success_example"])
            found.append((method, re.sub(r"{(\w+)}", r"{\1:anything}", path), handler))
    return found


def checked(method: str, route_path: str, handler: Handler) -> Handler:
    """The handler, run only for a request its operation's rules accept (operations outside the spec as they are)."""
    rule = _rules().get((method, template(route_path)))
    if rule is None:
        return handler

    async def run(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
        await check(request, rule)
        if rule.get("sensitive"):
            await _open_sensitive(request, sandbox, rule["sensitive"])
        return await handler(request, sandbox)

    return run
