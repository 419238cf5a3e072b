"""Notifications the sandbox sends, as WeChat Pay does: encrypted with the APIv3 key, signed like its answers,
POSTed to the merchant's notify URL and retried on anything but a 2xx, with WeChat Pay's back-off.

The business model calls ``Notifier.deliver_user_state_change`` when a contract is signed or terminated; tests
trigger one through ``POST /sandbox/notifications/user-state-change``.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import json
import logging
import secrets
import string
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from wechatpay_signing import protocol

from .signing import sign_response

logger = logging.getLogger("wechatpay_sandbox.notifications")

USER_STATE_CHANGE = "FACEPAY.USER_STATE_CHANGE"
# WeChat Pay's redelivery schedule after a failed delivery, in seconds: 15 s, 15 s, 30 s, 3 min, 10 min, 20 min,
# 30 min x3, 1 h, 3 h x3, 6 h x2 (its documentation for notifications).
WECHAT_RETRY_DELAYS: tuple[float, ...] = (15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800)
WECHAT_RETRY_DELAYS += (21600, 21600)
_CHINA = datetime.timezone(datetime.timedelta(hours=8))
_NONCE_ALPHABET = string.ascii_letters + string.digits


def _china_time(seconds: float) -> str:
    return datetime.datetime.fromtimestamp(seconds, _CHINA).isoformat(timespec="seconds")


@dataclass
class Delivery:
    """One notification and what became of each attempt: an HTTP status, or the transport error's name."""

    id: str
    event_type: str
    attempts: list[str] = field(default_factory=list)
    delivered: bool = False
    gave_up: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "event_type": self.event_type,
            "attempts": self.attempts,
            "delivered": self.delivered,
            "gave_up": self.gave_up,
        }


def encrypt_resource(resource: dict[str, Any], apiv3_key: bytes, *, associated_data: str) -> dict[str, str]:
    """The ``resource`` object: the JSON encrypted with AEAD_AES_256_GCM under the APIv3 key, tag appended."""
    nonce = "".join(secrets.choice(_NONCE_ALPHABET) for _ in range(12))
    plaintext = json.dumps(resource, ensure_ascii=False, separators=(",", ":")).encode()
    ciphertext = AESGCM(apiv3_key).encrypt(nonce.encode(), plaintext, associated_data.encode())
    return {
        "original_type": "facepay",
        "algorithm": "AEAD_AES_256_GCM",
        "ciphertext": base64.b64encode(ciphertext).decode(),
        "associated_data": associated_data,
        "nonce": nonce,
    }


def notification_body(
    event_type: str, summary: str, sealed: dict[str, str], *, created: float | None = None
) -> tuple[str, bytes]:
    """A new notification's id and JSON body; ``created`` is its create_time (default now)."""
    notification_id = f"EV-{uuid.uuid4().hex[:29].upper()}"
    envelope = {
        "id": notification_id,
        "create_time": _china_time(time.time() if created is None else created),
        "resource_type": "encrypt-resource",
        "event_type": event_type,
        "summary": summary,
        "resource": sealed,
    }
    return notification_id, json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()


class Notifier:
    """Sends notifications to ``notify_url()`` from the sandbox's event loop, each in its own task.

    ``signing_key()`` names the key that signs answers (it changes in certificate mode when a test rotates), so
    notifications are signed exactly like them. Every attempt is signed afresh, with a new timestamp and nonce.
    """

    def __init__(
        self,
        *,
        notify_url: Callable[[], str | None],
        apiv3_key: bytes,
        mchid: str,
        signing_key: Callable[[], tuple[rsa.RSAPrivateKey, str]],
        retry_delays: Callable[[], Sequence[float]],
        transport: httpx.AsyncBaseTransport | None = None,
        business_time: Callable[[], float] = time.time,
    ) -> None:
        self._notify_url = notify_url
        self._apiv3_key = apiv3_key
        self._mchid = mchid
        self._signing_key = signing_key
        self._retry_delays = retry_delays
        self._transport = transport
        self._business_time = business_time  # the times inside a notification; its signature takes the real time
        self._tasks: set[asyncio.Task[None]] = set()
        self.deliveries: list[Delivery] = []

    def __repr__(self) -> str:
        return f"Notifier(notify_url={self._notify_url()!r}, deliveries={len(self.deliveries)})"

    def deliver_user_state_change(
        self,
        *,
        user_id: str,
        out_user_id: str,
        organization_id: str,
        appid: str,
        openid: str,
        contract_id: str,
    ) -> str | None:
        """Send FACEPAY.USER_STATE_CHANGE for a contract just signed or terminated; its id, or None without a
        notify URL. Call it from the sandbox's event loop (a request handler): delivery runs in the background."""
        resource = {
            "user_id": user_id,
            "out_user_id": out_user_id,
            "organization_id": organization_id,
            "mch_id": self._mchid,
            "notify_create_time": _china_time(self._business_time()),
            "appid": appid,
            "openid": openid,
            "contract_id": contract_id,
        }
        return self.deliver(USER_STATE_CHANGE, "刷脸用户签约状态变更", resource)

    def deliver(self, event_type: str, summary: str, resource: dict[str, Any]) -> str | None:
        """Encrypt ``resource`` and send it as an ``event_type`` notification in the background."""
        url = self._notify_url()
        if url is None:
            return None
        sealed = encrypt_resource(resource, self._apiv3_key, associated_data="facepay")
        notification_id, body = notification_body(event_type, summary, sealed, created=self._business_time())
        delivery = Delivery(notification_id, event_type)
        self.deliveries.append(delivery)
        task = asyncio.get_running_loop().create_task(self._send(url, body, delivery))
        self._tasks.add(task)  # held until done: the loop keeps only weak references to tasks
        task.add_done_callback(self._tasks.discard)
        return notification_id

    async def _send(self, url: str, body: bytes, delivery: Delivery) -> None:
        delays = [0.0, *self._retry_delays()]
        async with httpx.AsyncClient(transport=self._transport, timeout=5.0) as client:
            for delay in delays:
                await asyncio.sleep(delay)
                private_key, serial = self._signing_key()
                headers = sign_response(private_key, serial, body, timestamp=int(time.time()))
                headers |= {"Content-Type": "application/json", protocol.REQUEST_ID: uuid.uuid4().hex.upper()}
                try:
                    response = await client.post(url, content=body, headers=headers)
                except httpx.HTTPError as error:
                    delivery.attempts.append(type(error).__name__)
                    continue
                delivery.attempts.append(str(response.status_code))
                if response.is_success:
                    delivery.delivered = True
                    logger.info("notification %s delivered to %s", delivery.id, url)
                    return
        delivery.gave_up = True
        logger.warning("notification %s not delivered to %s after %d attempts", delivery.id, url, len(delays))
