"""The control API from the caller's side: ``sandbox.sign(token)``, ``sandbox.auth_code(user_id)``, …

A mixin for the objects that run a sandbox (SandboxServer in a thread, SandboxProcess in another process): each
method is one unsigned call to /sandbox/ (control.py) and returns its JSON, or raises SandboxControlError with the
sandbox's code and message.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import httpx


class SandboxControlError(Exception):
    """The control API refused: ``status``, ``code`` (WeChat Pay's, e.g. INVALID_REQUEST) and the message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"HTTP {status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


class SandboxControls(ABC):
    """What only WeChat's users (and WeChat) do, done to the sandbox at ``self.url``."""

    @property
    @abstractmethod
    def url(self) -> str:
        """The sandbox's base URL."""

    def _control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = httpx.request(method, self.url + path, json=body, timeout=10)
        payload = response.json()
        if response.is_error:
            raise SandboxControlError(response.status_code, payload.get("code", ""), payload.get("message", ""))
        return payload

    def sign(self, token: str) -> dict[str, str]:
        """The parent signs with a createAuthToken or presign token: {"contract_id", "user_id"}."""
        result: dict[str, str] = self._control("POST", "/sandbox/sign", {"token": token})
        return result

    def terminate(self, user_id: str) -> dict[str, str]:
        """The user ends the contract in the WeChat client."""
        result: dict[str, str] = self._control("POST", f"/sandbox/users/{user_id}/terminate")
        return result

    def auth_code(self, user_id: str, device_id: str | None = None) -> str:
        """A device recognises the user's face: a payment credential for createDeduction (good for one payment).
        With ``device_id``, that device must hold an unexpired authinfo (getDeviceAuthInfo) of the user's school."""
        body = {"user_id": user_id} if device_id is None else {"user_id": user_id, "device_id": device_id}
        code: str = self._control("POST", "/sandbox/auth-codes", body)["auth_code"]
        return code

    def set_balance(self, user_id: str, amount: int) -> dict[str, Any]:
        """What the user's payment method can pay, in fen (an order above it is paid by WeChat's advance)."""
        result: dict[str, Any] = self._control("PUT", f"/sandbox/users/{user_id}/balance", {"amount": amount})
        return result

    def fail_next_deductions(self, user_id: str, count: int = 1) -> dict[str, Any]:
        """The user's next ``count`` deduction attempts (new orders or re-deductions) fail for insufficient balance:
        ``trade_state`` PAYERROR, ``error_type`` NOT_ENOUGH. 0 ends it."""
        body = {"count": count}
        result: dict[str, Any] = self._control("PUT", f"/sandbox/users/{user_id}/failing-deductions", body)
        return result

    def advance_clock(self, seconds: int) -> dict[str, Any]:
        """Move the sandbox's business clock forward: {"now" (RFC 3339, China time), "offset_seconds"}. Answers
        are still signed with the real time."""
        result: dict[str, Any] = self._control("POST", "/sandbox/clock", {"advance_seconds": seconds})
        return result

    def clock(self) -> dict[str, Any]:
        """The sandbox's business clock: {"now", "offset_seconds"} (reset() sets it back to the real time)."""
        result: dict[str, Any] = self._control("GET", "/sandbox/clock")
        return result

    def request_face_collection(self, organization_id: str, user_ids: list[str]) -> list[dict[str, Any]]:
        """WeChat asks these users for new photos: the re-collection requests, COLLECTION_REQUIRED."""
        body = {"organization_id": organization_id, "user_ids": user_ids}
        items: list[dict[str, Any]] = self._control("POST", "/sandbox/face-collections", body)["face_collections"]
        return items

    def upload_photo(self, collection_id: str) -> dict[str, Any]:
        """The parent uploads the new photo: PHOTO_UPLOADED."""
        item: dict[str, Any] = self._control("POST", f"/sandbox/face-collections/{collection_id}/photo")
        return item

    def confirm_photo(self, collection_id: str) -> dict[str, Any]:
        """The payer confirms the new photo: COMPLETE."""
        item: dict[str, Any] = self._control("POST", f"/sandbox/face-collections/{collection_id}/confirm")
        return item

    def repay_through_link(self, repayment_url: str) -> dict[str, Any]:
        """The family opens the link createRepaymentUrl answered and repays every order of the user still advanced:
        {"user_id", "repaid" (out_trade_nos), "amount"}. A link repays once, until its ``expire_at`` on the sandbox's
        clock; an unknown, used or expired link is refused (400 INVALID_REQUEST)."""
        body = {"repayment_url": repayment_url}
        result: dict[str, Any] = self._control("POST", "/sandbox/repay-through-link", body)
        return result

    def repay(self, user_id: str) -> dict[str, Any]:
        """A shortcut: the user pays back what WeChat advanced without a link (none needed, none used up):
        {"user_id", "repaid" (out_trade_nos), "amount"}. ``repay_through_link`` is the way WeChat Pay does it."""
        result: dict[str, Any] = self._control("POST", "/sandbox/repay", {"user_id": user_id})
        return result

    def create_organization(self, organization_name: str, organization_id: str | None = None) -> dict[str, str]:
        """A new organization (school), with a new ID unless one is given."""
        body = {"organization_name": organization_name}
        if organization_id is not None:
            body["organization_id"] = organization_id
        result: dict[str, str] = self._control("POST", "/sandbox/organizations", body)
        return result

    def reset(self) -> None:
        """Back to the seeded state (the pytest plugin does this before each test)."""
        self._control("POST", "/sandbox/reset")

    def state(self) -> dict[str, Any]:
        """The whole business state, for debugging."""
        result: dict[str, Any] = self._control("GET", "/sandbox/state")
        return result
