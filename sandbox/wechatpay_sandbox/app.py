"""The sandbox's ASGI application: the operations of openapi/, WeChat Pay's checks, signing and fault injection."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from starlette.applications import Starlette
from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from wechatpay_signing import certificate_serial

from .credentials import SandboxCredentials, expired_platform_certificate
from .signing import Merchant, SignError, check_request, sign_response

FAULT_HEADER = "Wechatpay-Sandbox-Fault"
# Each fault, and what it does to the answer. The README's table lists them too.
FAULTS = {
    "stale-timestamp": "signs the answer with a timestamp 10 minutes old",
    "bad-signature": "sends a signature that does not match",
    "probe-signature": "sends a WECHATPAY/SIGNTEST/ probe signature",
    "unknown-serial": "names a key serial the client does not know",
    "unsigned": "sends no Wechatpay-* signature headers",
    "tampered-body": "changes the body after signing it",
    "429": "answers 429 RATELIMIT_EXCEED with Retry-After: 1",
    "500": "answers 500 SYSTEM_ERROR",
    "561": "answers 561, a status Python has no name for",
    "slow": "waits --slow-seconds before answering",
    "drop": "closes the connection in the middle of the body",
    "non-json": "answers a signed 200 whose body is not JSON",
}
_ERROR_FAULTS = {
    "429": (429, "RATELIMIT_EXCEED", "请求过于频繁"),
    "500": (500, "SYSTEM_ERROR", "系统错误"),
    "561": (561, "SYSTEM_ERROR", "系统繁忙，请稍后重试"),
}
DEFAULT_FIXTURES = Path(__file__).with_name("face_collections.json")
_COLLECTIONS_PREFIX = "/v3/offlineface/face-collections/"


class _AnythingConvertor(Convertor[str]):
    """Any decoded rest of the path, new lines included (Starlette's "path" stops at one); the handler reads
    the raw path to tell an encoded "/" from a real one."""

    regex = "(?s:.*)"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("anything", _AnythingConvertor())


@dataclass
class SandboxConfig:
    credentials: SandboxCredentials
    fixtures: Path = DEFAULT_FIXTURES
    certificate_mode: bool = False
    fault: str | None = None
    slow_seconds: float = 3.0
    extra_merchants: list[Merchant] = field(default_factory=list)
    apiv3_key: str | None = field(default=None, repr=False)
    # Certificate mode: which platform certificate signs (an index; the newest by default). Read on every request,
    # so a test can rotate the signer while the sandbox runs.
    signing_platform: int = -1
    # List an expired certificate in /v3/certificates too (signed answers never use it).
    expired_certificate: bool = False


class Answer(Exception):
    """An answer decided before the handler finishes: an error WeChat Pay would send."""

    def __init__(self, status: int, code: str, message: str, detail: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.payload: dict[str, Any] = {"code": code, "message": message}
        if detail is not None:
            self.payload["detail"] = detail


Handler = Callable[[Request], Awaitable[tuple[int, Any]]]


def create_app(config: SandboxConfig) -> Starlette:
    credentials = config.credentials
    collections: list[dict[str, Any]] = json.loads(config.fixtures.read_text(encoding="utf-8"))["face_collections"]
    by_id = {item["collection_id"]: item for item in collections}
    merchants = {
        m.mchid: m for m in [Merchant(credentials.mchid, credentials.merchant_certificate), *config.extra_merchants]
    }
    apiv3_key = (config.apiv3_key or credentials.apiv3_key).encode()
    listed = list(credentials.platform_certificates)
    if config.expired_certificate:
        listed.insert(0, expired_platform_certificate())

    def signed(body: bytes, fault: str | None, request_id: str) -> dict[str, str]:
        timestamp = int(time.time()) - (600 if fault == "stale-timestamp" else 0)
        if config.certificate_mode:
            platform = credentials.platform_certificates[config.signing_platform]
            signing_key, signing_serial = platform.private_key, platform.serial
        else:
            signing_key, signing_serial = credentials.public_key_private, credentials.public_key_id
        headers = sign_response(signing_key, signing_serial, body, timestamp=timestamp)
        if fault == "bad-signature":
            headers["Wechatpay-Signature"] = base64.b64encode(b"\x00" * 256).decode()
        elif fault == "probe-signature":
            headers["Wechatpay-Signature"] = "WECHATPAY/SIGNTEST/" + headers["Wechatpay-Signature"]
        elif fault == "unknown-serial":
            headers["Wechatpay-Serial"] = "PUB_KEY_ID_0000000000000000000000000000"
        elif fault == "unsigned":
            headers = {}
        return headers | {"Request-ID": request_id, "Content-Type": "application/json"}

    def endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            request_id = _request_id()
            fault = request.headers.get(FAULT_HEADER) or config.fault
            body = await request.body()
            target = request.scope["raw_path"].decode("latin-1")
            if request.scope["query_string"]:
                target += "?" + request.scope["query_string"].decode("latin-1")
            try:
                if fault is not None and fault not in FAULTS:
                    raise Answer(400, "PARAM_ERROR", f"unknown {FAULT_HEADER} {fault!r}; known: {', '.join(FAULTS)}")
                try:
                    check_request(merchants, request.headers.get("Authorization"), request.method, target, body)
                except SignError as error:
                    raise Answer(401, "SIGN_ERROR", f"签名错误: {error}") from None
                if fault in _ERROR_FAULTS:
                    raise Answer(*_ERROR_FAULTS[fault])
                if fault == "slow":
                    await asyncio.sleep(config.slow_seconds)
                status, payload = await handler(request)
            except Answer as answer:
                status, payload = answer.status, answer.payload
            content = b"<html>502 Bad Gateway</html>" if fault == "non-json" else _json(payload)
            headers = signed(content, fault, request_id)
            if status == 429:
                headers["Retry-After"] = "1"
            if fault == "tampered-body":
                content = _tampered(content)
            if fault == "drop":
                return StreamingResponse(_dropped(content), status, headers | {"Content-Length": str(len(content))})
            return Response(content, status, headers)

        return run

    async def get_face_collection(request: Request) -> tuple[int, Any]:
        # Read the segment from the raw path: the decoded one cannot tell an encoded "/" (%2F) from a real one.
        raw_segment = request.scope["raw_path"].decode("latin-1").removeprefix(_COLLECTIONS_PREFIX)
        if not raw_segment or "/" in raw_segment:
            raise Answer(404, "NOT_FOUND", f"GET {request.url.path} is not served here")
        try:
            collection_id = unquote(raw_segment, errors="strict")
        except UnicodeDecodeError:
            raise Answer(400, "PARAM_ERROR", "参数错误: collection_id is not UTF-8") from None
        item = by_id.get(collection_id)
        if item is None:
            detail = {"field": "collection_id", "value": collection_id, "issue": "no such request", "location": "path"}
            raise Answer(404, "RESOURCE_NOT_EXISTS", "重采请求不存在", detail)
        return 200, item

    async def list_face_collections(request: Request) -> tuple[int, Any]:
        organization_id = request.query_params.get("organization_id", "")
        if not organization_id:
            raise _param_error("organization_id", organization_id, "is required")
        offset = _integer(request, "offset", default=0, minimum=0)
        limit = _integer(request, "limit", default=10, minimum=1)
        matching = [item for item in collections if item["organization_id"] == organization_id]
        return 200, {"face_collections": matching[offset : offset + limit]}

    async def certificates(request: Request) -> tuple[int, Any]:
        if not config.certificate_mode:
            raise Answer(404, "RESOURCE_NOT_EXISTS", "商户未申请平台证书，请使用微信支付公钥")
        return 200, {"data": [_encrypted_entry(platform.certificate, apiv3_key) for platform in listed]}

    async def no_route(request: Request, error: Exception) -> Response:
        # Outside the served operations, still answer as WeChat Pay does: JSON with a Request-ID.
        status = getattr(error, "status_code", 404)
        code = "NOT_FOUND" if status == 404 else "INVALID_REQUEST"
        payload = {"code": code, "message": f"{request.method} {request.url.path} is not served here"}
        # Starlette's 405 carries the Allow header that RFC 9110 requires.
        headers = {**(getattr(error, "headers", None) or {}), "Request-ID": _request_id()}
        return Response(_json(payload), status, headers, media_type="application/json")

    return Starlette(
        exception_handlers={404: no_route, 405: no_route},
        routes=[
            Route(_COLLECTIONS_PREFIX + "{collection_id:anything}", endpoint(get_face_collection)),
            Route("/v3/offlineface/face-collections", endpoint(list_face_collections)),
            Route("/v3/certificates", endpoint(certificates)),
        ],
    )


def _request_id() -> str:
    return f"{uuid.uuid4().hex.upper()}-sandbox"


def _json(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _param_error(name: str, value: str, issue: str) -> Answer:
    detail = {"field": name, "value": value, "issue": issue, "location": "query"}
    return Answer(400, "PARAM_ERROR", f"参数错误: {name} {issue}", detail)


def _integer(request: Request, name: str, *, default: int, minimum: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) < minimum:
        raise _param_error(name, raw, f"must be an integer of at least {minimum}")
    return int(raw)


def _encrypted_entry(certificate: x509.Certificate, apiv3_key: bytes) -> dict[str, Any]:
    """One /v3/certificates entry: the PEM encrypted with AES-256-GCM under the APIv3 key (PROTOCOL §3)."""
    nonce, associated_data = uuid.uuid4().hex[:12], "certificate"
    pem = certificate.public_bytes(serialization.Encoding.PEM)
    ciphertext = AESGCM(apiv3_key).encrypt(nonce.encode(), pem, associated_data.encode())
    return {
        "serial_no": certificate_serial(certificate),
        "effective_time": certificate.not_valid_before_utc.astimezone().isoformat(),
        "expire_time": certificate.not_valid_after_utc.astimezone().isoformat(),
        "encrypt_certificate": {
            "algorithm": "AEAD_AES_256_GCM",
            "nonce": nonce,
            "associated_data": associated_data,
            "ciphertext": base64.b64encode(ciphertext).decode(),
        },
    }


def _tampered(content: bytes) -> bytes:
    """The body changed after it was signed, whatever it is: a state flipped and an organization swapped where the
    answer has them, else a field added (JSON) or a byte (anything else). Never the signed bytes."""
    changed = content.replace(b"COLLECTION_REQUIRED", b"COMPLETE").replace(b'"123"', b'"999"')
    if changed != content:
        return changed
    try:
        payload = json.loads(content)
    except ValueError:
        return content + b" "
    if isinstance(payload, dict):
        return _json({**payload, "sandbox_tampered": True})
    return content + b" "


async def _dropped(content: bytes) -> AsyncIterator[bytes]:
    yield content[: len(content) // 2]
    raise ConnectionAbortedError("sandbox fault 'drop': connection closed in the middle of the body")
