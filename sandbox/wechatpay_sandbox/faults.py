"""The faults the sandbox injects, by name: each is a small strategy with hooks at the steps of an answer.

An answer goes: check the request's signature, then ``before`` (answer in the handler's place, or wait), the
handler, ``body`` (what is signed), signing with the timestamp ``age`` seconds old, ``signed`` (the signature
headers), ``sent`` (the body sent), ``respond`` (how it is sent). A hook left out changes nothing. Adding a fault
is adding an entry to FAULT_TABLE; the README's table lists them too.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response, StreamingResponse
from wechatpay_signing import protocol

from .config import SandboxConfig

FAULT_HEADER = "Wechatpay-Sandbox-Fault"

EarlyAnswer = tuple[int, dict[str, Any]]


async def _no_early_answer(config: SandboxConfig) -> EarlyAnswer | None:
    return None


def _same(value: Any) -> Any:
    return value


def _send(content: bytes, status: int, headers: dict[str, str]) -> Response:
    return Response(content, status, headers)


@dataclass(frozen=True)
class Fault:
    description: str
    before: Callable[[SandboxConfig], Awaitable[EarlyAnswer | None]] = _no_early_answer
    body: Callable[[bytes], bytes] = _same
    age: int = 0
    signed: Callable[[dict[str, str]], dict[str, str]] = _same
    sent: Callable[[bytes], bytes] = _same
    respond: Callable[[bytes, int, dict[str, str]], Response] = _send


def _error(status: int, code: str, message: str) -> Callable[[SandboxConfig], Awaitable[EarlyAnswer]]:
    async def answer(config: SandboxConfig) -> EarlyAnswer:
        return status, {"code": code, "message": message}

    return answer


async def _wait(config: SandboxConfig) -> None:
    await asyncio.sleep(config.slow_seconds)


def _replace(name: str, value: str) -> Callable[[dict[str, str]], dict[str, str]]:
    return lambda headers: headers | {name: value}


def _probe(headers: dict[str, str]) -> dict[str, str]:
    signature = protocol.PROBE_SIGNATURE_PREFIX + headers[protocol.WECHATPAY_SIGNATURE]
    return headers | {protocol.WECHATPAY_SIGNATURE: signature}


def _tamper(content: bytes) -> bytes:
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
        return json.dumps({**payload, "sandbox_tampered": True}, ensure_ascii=False, separators=(",", ":")).encode()
    return content + b" "


def _drop(content: bytes, status: int, headers: dict[str, str]) -> Response:
    return StreamingResponse(_half(content), status, headers | {"Content-Length": str(len(content))})


async def _half(content: bytes) -> AsyncIterator[bytes]:
    yield content[: len(content) // 2]
    raise ConnectionAbortedError("sandbox fault 'drop': connection closed in the middle of the body")


FAULT_TABLE: dict[str, Fault] = {
    "stale-timestamp": Fault("signs the answer with a timestamp 10 minutes old", age=600),
    "bad-signature": Fault(
        "sends a signature that does not match",
        signed=_replace(protocol.WECHATPAY_SIGNATURE, base64.b64encode(b"\x00" * 256).decode()),
    ),
    "probe-signature": Fault(f"sends a {protocol.PROBE_SIGNATURE_PREFIX} probe signature", signed=_probe),
    "unknown-serial": Fault(
        "names a key serial the client does not know",
        signed=_replace(protocol.WECHATPAY_SERIAL, protocol.PUBLIC_KEY_ID_PREFIX + "0" * 28),
    ),
    "unsigned": Fault("sends no Wechatpay-* signature headers", signed=lambda headers: {}),
    "tampered-body": Fault("changes the body after signing it", sent=_tamper),
    "429": Fault(
        "answers 429 RATELIMIT_EXCEED with Retry-After: 1", before=_error(429, "RATELIMIT_EXCEED", "请求过于频繁")
    ),
    "500": Fault("answers 500 SYSTEM_ERROR", before=_error(500, "SYSTEM_ERROR", "系统错误")),
    "561": Fault(
        "answers 561, a status Python has no name for", before=_error(561, "SYSTEM_ERROR", "系统繁忙，请稍后重试")
    ),
    "slow": Fault("waits --slow-seconds before answering", before=_wait),
    "drop": Fault("closes the connection in the middle of the body", respond=_drop),
    "non-json": Fault(
        "answers a signed 200 whose body is not JSON", body=lambda content: b"<html>502 Bad Gateway</html>"
    ),
}
# Each fault, and what it does to the answer.
FAULTS = {name: fault.description for name, fault in FAULT_TABLE.items()}
