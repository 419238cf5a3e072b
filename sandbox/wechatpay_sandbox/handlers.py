"""The operations the sandbox serves: one handler each, and ROUTES, the list that serves them.

A handler takes the request and the sandbox's state and returns the status and the JSON payload of a success, or
raises Answer with WeChat Pay's error. Signature checks, signing and faults are done around it (app.py), so a
handler holds only the operation's own logic. Adding an operation is writing its handler and adding it to ROUTES.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from starlette.requests import Request
from wechatpay_signing import certificate_serial, protocol

from .business import Business
from .config import SandboxConfig
from .credentials import PlatformCertificate, expired_platform_certificate
from .notifications import Notifier
from .signing import Merchant


class Answer(Exception):
    """An answer decided before the handler finishes: an error WeChat Pay would send."""

    def __init__(self, status: int, code: str, message: str, detail: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.payload: dict[str, Any] = {"code": code, "message": message}
        if detail is not None:
            self.payload["detail"] = detail


@dataclass
class Sandbox:
    """What the handlers answer from, made once from the config when the app is created."""

    config: SandboxConfig
    business: Business  # the K12 canteen's state and rules (business.py)
    merchants: dict[str, Merchant]
    apiv3_key: bytes
    listed_certificates: list[PlatformCertificate]
    notifier: Notifier  # the business model sends notifications through it (deliver_user_state_change)

    @classmethod
    def from_config(cls, config: SandboxConfig) -> Sandbox:
        credentials = config.credentials
        collections: list[dict[str, Any]] = json.loads(config.fixtures.read_text(encoding="utf-8"))["face_collections"]
        merchants = [Merchant(credentials.mchid, credentials.merchant_certificate), *config.extra_merchants]
        listed = list(credentials.platform_certificates)
        if config.expired_certificate:
            listed.insert(0, expired_platform_certificate())
        apiv3_key = (config.apiv3_key or credentials.apiv3_key).encode()
        business = Business(credentials.mchid, collections, state_file=config.state_file)
        notifier = Notifier(
            notify_url=lambda: config.notify_url,
            apiv3_key=apiv3_key,
            mchid=credentials.mchid,
            signing_key=config.signing_key,
            retry_delays=lambda: config.notify_retry_delays,
            business_time=business.now,
        )
        return cls(
            config=config,
            business=business,
            merchants={merchant.mchid: merchant for merchant in merchants},
            apiv3_key=apiv3_key,
            listed_certificates=listed,
            notifier=notifier,
        )


Handler = Callable[[Request, Sandbox], Awaitable[tuple[int, Any]]]

COLLECTIONS_PATH = "/v3/offlineface/face-collections"


async def get_face_collection(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    # Read the segment from the raw path: the decoded one cannot tell an encoded "/" (%2F) from a real one.
    raw_segment = request.scope["raw_path"].decode("latin-1").removeprefix(COLLECTIONS_PATH + "/")
    if not raw_segment or "/" in raw_segment:
        raise Answer(404, "NOT_FOUND", f"GET {request.url.path} is not served here")
    try:
        collection_id = unquote(raw_segment, errors="strict")
    except UnicodeDecodeError:
        raise Answer(400, "PARAM_ERROR", "参数错误: collection_id is not UTF-8") from None
    return 200, sandbox.business.face_collection(collection_id)


async def list_face_collections(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    organization_id = request.query_params.get("organization_id", "")
    if not organization_id:
        raise _param_error("organization_id", organization_id, "is required")
    offset = _integer(request, "offset", default=0, minimum=0)
    limit = _integer(request, "limit", default=10, minimum=1)
    matching = sandbox.business.face_collections(organization_id)
    return 200, {"face_collections": matching[offset : offset + limit]}


async def certificates(request: Request, sandbox: Sandbox) -> tuple[int, Any]:
    if not sandbox.config.certificate_mode:
        raise Answer(404, "RESOURCE_NOT_EXISTS", "商户未申请平台证书，请使用微信支付公钥")
    entries = [_encrypted_entry(p.certificate, sandbox.apiv3_key) for p in sandbox.listed_certificates]
    return 200, {"data": entries}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # a Starlette path; {name:anything} matches the decoded rest of the path, "/" included
    handler: Handler


# Every operation the sandbox serves. A request that matches none gets WeChat Pay's JSON 404 or 405.
ROUTES = [
    Operation("GET", COLLECTIONS_PATH + "/{collection_id:anything}", get_face_collection),
    Operation("GET", COLLECTIONS_PATH, list_face_collections),
    Operation("GET", protocol.CERTIFICATES_PATH, certificates),
]


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
            "algorithm": protocol.AEAD_AES_256_GCM,
            "nonce": nonce,
            "associated_data": associated_data,
            "ciphertext": base64.b64encode(ciphertext).decode(),
        },
    }
