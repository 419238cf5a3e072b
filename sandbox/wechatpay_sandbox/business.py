"""WeChat Pay's side of the K12 canteen business: organizations, users, contracts, deductions, debts, re-collection.

One ``Business`` per sandbox holds the whole state as plain JSON data behind a lock, so that concurrent requests
never see or leave it half-changed. With a state file it is kept in SQLite (one row, rewritten in one transaction
after each change), so a long-lived sandbox survives a restart. Every rule WeChat Pay applies raises ``Refused``
with the status and code it answers; the handlers (family.py) and the control API (control.py) turn it into an
answer. Nothing here logs, and sensitive fields are stored only as far as an answer needs them (a phone masked).

Where the catalogue (shared/api/offlineface-family.md) is silent the sandbox chooses, and the README says so:
a payment credential pays once; a user's balance is 100 yuan until set; an order the balance cannot pay is paid by
WeChat's advance (debt_state DEBT) in full; a user in debt may still be terminated (the docs' flow is: get the
repayment link, then terminate, so that the family can re-sign with another account) and repays through the link.
A repayment link repays once, until its expire_at (24 h of sandbox time), every order of its user still advanced then.
A deduction made to fail (the control API) is PAYERROR / NOT_ENOUGH; the same request sent again is a re-deduction
(补扣) of that order, or of an advanced one, at most 5 a sandbox day (China time), refused after with RULE_LIMITED.

Business time is the sandbox's clock: the real clock plus an offset the control API moves forward (token, authinfo
and link lifetimes, the re-deduction day, the times in answers). Signatures are made elsewhere, on the real clock.
"""

from __future__ import annotations

import copy
import datetime
import json
import os
import secrets
import sqlite3
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeGuard

TOKEN_SECONDS = 5 * 60  # createAuthToken and presign tokens: the docs say 5 minutes
AUTHINFO_SECONDS = 3600
REPAYMENT_LINK_SECONDS = 24 * 3600
REPAYMENT_LINK_PREFIX = "https://pay.weixin.qq.com/sandbox/repayment?token="
REDEDUCTIONS_PER_DAY = 5  # the K12 guideline: at most 5 re-deductions (补扣) per order per day
MAX_CLOCK_ADVANCE = 10 * 366 * 24 * 3600  # one step of the sandbox's clock: 10 years at most
MAX_CLOCK_OFFSET = 10 * MAX_CLOCK_ADVANCE  # and 100 years ahead in all, far from the calendar's end
MAX_FAILING_DEDUCTIONS = 100
DEFAULT_BALANCE = 10000  # fen
SANDBOX_APPID = "wxd678efh567hg6787"
SEEDED_ORGANIZATIONS = {"OAABBCCDDeeff": "南山中兴小学部"}
_CHINA = datetime.timezone(datetime.timedelta(hours=8))


class Refused(Exception):
    """A request WeChat Pay refuses: the HTTP status, its code and message, and the field at fault if any."""

    def __init__(
        self, status: int, code: str, message: str, field: str | None = None, *, value: str | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field, self.value = status, code, message, field, value


def _not_found(what: str, field: str, code: str = "RESOURCE_NOT_EXISTS", *, value: str | None = None) -> Refused:
    return Refused(404, code, f"{what}不存在", field, value=value)


def _invalid(message: str, field: str | None = None) -> Refused:
    return Refused(400, "INVALID_REQUEST", message, field)


def repayment_link_token(repayment_url: str) -> str | None:
    """The token of a repayment_url createRepaymentUrl answered (its ``token`` query parameter), or None."""
    tokens = urllib.parse.parse_qs(urllib.parse.urlsplit(repayment_url).query).get("token", [])
    return tokens[0] if len(tokens) == 1 and tokens[0] else None


def rfc3339(seconds: float) -> str:
    return datetime.datetime.fromtimestamp(seconds, _CHINA).isoformat(timespec="seconds")


def _whole(value: object) -> TypeGuard[int]:
    """A JSON whole number (not a bool, which Python counts as an int)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _transaction_id() -> str:
    return "42" + str(secrets.randbelow(10**26)).zfill(26)


def _new_id(prefix: str, length: int = 16) -> str:
    return prefix + secrets.token_hex(length // 2).upper()


# The spec's examples, as a world the sandbox starts with: its organization, and its contracted student with a
# payment credential and one order WeChat advanced (so every documented example answers, repayment link included).
EXAMPLE_USER = {
    "user_id": "FU40F305Z4e2bb7d",
    "out_user_id": "20210301000201",
    "organization_id": "OAABBCCDDeeff",
    "user_name": "张三",
    "user_type": "STUDENT",
    "student_info": {"class_name": "初中一年级2班"},
    "status": "NORMAL",
    "contract_state": "CONTRACTED",
    "face_image_ok": True,
    "contract_id": "CI8CD208Z7e9906f89",
    "openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
    "balance": DEFAULT_BALANCE,
}
EXAMPLE_AUTH_CODE = "cGF5bWVudCBjcmVkZW50aWFsIGZyb20gdGhlIGRldmljZQ=="
EXAMPLE_ADVANCED_ORDER = "SANDBOX20210301ADVANCED"


def seed(collections: list[dict[str, Any]]) -> dict[str, Any]:
    """A fresh state: the seeded organizations and example user, and the fixtures file's face collections."""
    names = dict(SEEDED_ORGANIZATIONS)
    for item in collections:
        names.setdefault(item["organization_id"], f"沙箱学校 {item['organization_id']}")
    organizations = {oid: {"organization_id": oid, "organization_name": name} for oid, name in names.items()}
    user = copy.deepcopy(EXAMPLE_USER)
    contract = {
        "contract_id": user["contract_id"],
        "organization_id": user["organization_id"],
        "user_id": user["user_id"],
        "openid": user["openid"],
        "contract_state": "CONTRACTED",
        "contract_signed_time": "2021-03-01T08:30:00+08:00",
        "contract_mode": "LIMIT_NONE",
        "contract_bank_card_from": "USER_SELECT_FREE",
    }
    advanced = {
        "sp_appid": SANDBOX_APPID,
        "sp_mchid": "1900000109",
        "sub_mchid": "1900000110",
        "payer": {"sp_openid": user["openid"]},
        "amount": {"total": 800, "currency": "CNY"},
        "trade_type": "AUTH",
        "trade_state": "SUCCESS",
        "trade_state_description": "余额不足，微信支付垫资",
        "debt_state": "DEBT",
        "success_time": "2021-03-01T12:05:00+08:00",
        "transaction_id": "4200000985202103010000000001",
        "out_trade_no": EXAMPLE_ADVANCED_ORDER,
    }
    return {
        "organizations": organizations,
        "users": {user["user_id"]: user},  # user_id -> user
        "tokens": {},  # token -> what it was made for
        "contracts": {contract["contract_id"]: contract},  # contract_id -> contract (mchid added by Business)
        "auth_codes": {EXAMPLE_AUTH_CODE: {"user_id": user["user_id"], "used": False}},
        # out_trade_no -> what identifies the order, the deduction answered, and whose it is
        "orders": {EXAMPLE_ADVANCED_ORDER: {"request": {}, "answer": advanced, "user_id": user["user_id"]}},
        "devices": {},  # device_id -> authinfo
        "collections": {item["collection_id"]: dict(item) for item in collections},
        "clock_offset": 0,  # seconds the sandbox's business clock is ahead of the real one
        "repayment_links": {},  # token -> whose debts it repays, until when (business time), used or not
    }


class _Store:
    """Where the state lives between runs: nowhere, or one SQLite row."""

    def __init__(self, path: Path | None) -> None:
        self._path = path

    def load(self) -> dict[str, Any] | None:
        if self._path is None or not self._path.exists():
            return None
        with self._connect() as db:
            row = db.execute("SELECT state FROM sandbox_state WHERE id = 1").fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def save(self, state: dict[str, Any]) -> None:
        if self._path is None:
            return
        text = json.dumps(state, ensure_ascii=False)
        with self._connect() as db:  # one transaction: a crash leaves the old state or the new one
            db.execute("INSERT OR REPLACE INTO sandbox_state (id, state) VALUES (1, ?)", (text,))

    def _connect(self) -> sqlite3.Connection:
        assert self._path is not None  # noqa: S101 - only called with a path
        if not self._path.exists():  # names and classes of children: readable by its owner only
            os.close(os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        db = sqlite3.connect(self._path)
        db.execute("CREATE TABLE IF NOT EXISTS sandbox_state (id INTEGER PRIMARY KEY, state TEXT NOT NULL)")
        return db


_FACE_USER_FIELDS = (
    *("user_id", "out_user_id", "organization_id", "user_name", "user_type", "student_info", "staff_info"),
    *("status", "contract_state", "face_image_ok", "contract_id"),
)


class Business:
    """The state and its rules. Each public method is one step of the business, atomic under the lock."""

    def __init__(
        self,
        mchid: str,
        collections: list[dict[str, Any]],
        *,
        state_file: Path | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.mchid = mchid
        self.clock = clock
        self._seed_collections = collections
        self._store = _Store(state_file)
        self._lock = threading.RLock()
        self._state = self._store.load() or self._seed()
        self._state.setdefault("clock_offset", 0)  # a state file written before the clock was modelled
        self._state.setdefault("repayment_links", {})  # or before repayment links were kept
        self._store.save(self._state)

    def now(self) -> float:
        """Business time: the real clock plus the offset the control API moved it by."""
        with self._lock:
            return self.clock() + float(self._state["clock_offset"])

    @contextmanager
    def _changing(self) -> Iterator[dict[str, Any]]:
        """The state to change; saved when the change is done, untouched (rolled back) when it is refused."""
        with self._lock:
            before = copy.deepcopy(self._state)
            try:
                yield self._state
            except BaseException:
                self._state = before
                raise
            self._store.save(self._state)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._state)

    # The sandbox's clock

    def clock_reading(self) -> dict[str, Any]:
        with self._lock:
            return {"now": rfc3339(self.now()), "offset_seconds": self._state["clock_offset"]}

    def advance_clock(self, seconds: object) -> dict[str, Any]:
        """Move business time forward (never back: times already answered stay in the past)."""
        if not _whole(seconds) or not 0 < seconds <= MAX_CLOCK_ADVANCE:
            message = f"advance_seconds must be a whole number of seconds from 1 to {MAX_CLOCK_ADVANCE} (10 years)"
            raise Refused(400, "PARAM_ERROR", message, "advance_seconds")
        with self._changing() as state:
            if state["clock_offset"] + seconds > MAX_CLOCK_OFFSET:
                message = f"advance_seconds would move the sandbox's clock more than {MAX_CLOCK_OFFSET} s ahead"
                raise Refused(400, "PARAM_ERROR", message + " (100 years); reset() sets it back", "advance_seconds")
            state["clock_offset"] += seconds
            return self.clock_reading()

    def reset(self) -> None:
        with self._changing() as state:
            state.clear()
            state.update(self._seed())

    def _seed(self) -> dict[str, Any]:
        state = seed(self._seed_collections)
        for contract in state["contracts"].values():
            contract["mchid"] = self.mchid
        return state

    # Organizations

    def create_organization(self, organization_name: str, organization_id: str | None = None) -> dict[str, Any]:
        with self._changing() as state:
            oid = organization_id or _new_id("O", 12)
            if oid in state["organizations"]:
                raise Refused(400, "RESOURCE_ALREADY_EXISTS", "机构已存在", "organization_id")
            state["organizations"][oid] = {"organization_id": oid, "organization_name": organization_name}
            return dict(state["organizations"][oid])

    def query_organization(self, organization_id: str | None, organization_name: str | None) -> dict[str, Any]:
        with self._lock:
            organizations = self._state["organizations"].values()
            if organization_id is not None:
                found = [o for o in organizations if o["organization_id"] == organization_id]
            elif organization_name is not None:
                found = [o for o in organizations if o["organization_name"] == organization_name]
            else:
                raise Refused(400, "PARAM_ERROR", "参数错误: organization_id or organization_name is required")
            if not found:
                raise _not_found("机构", "organization_id" if organization_id is not None else "organization_name")
            return dict(found[0])

    def _organization(self, organization_id: str, status: int = 400) -> dict[str, Any]:
        organization: dict[str, Any] | None = self._state["organizations"].get(organization_id)
        if organization is None:
            # The docs: an organization ID WeChat did not assign is a parameter error.
            if status == 404:
                raise _not_found("机构", "organization_id")
            raise Refused(400, "PARAM_ERROR", "参数错误: organization_id is not an organization", "organization_id")
        return organization

    # Enrolment: tokens, presign, signing in the mini-program

    def create_token(self, out_user_id: str, organization_id: str) -> str:
        with self._changing() as state:
            self._organization(organization_id)
            token = secrets.token_hex(16)
            state["tokens"][token] = {
                "kind": "auth",
                "out_user_id": out_user_id,
                "organization_id": organization_id,
                "expires_at": self.now() + TOKEN_SECONDS,
                "contract_mode": "LIMIT_NONE",
                "used": False,
            }
            return token

    def presign(self, out_user_id: str, organization_id: str, contract_mode: str, limit_bank_card: bool) -> str:
        with self._changing() as state:
            self._organization(organization_id)
            if contract_mode in ("LIMIT_BANK_CARD", "PRIORITY_BANK_CARD") and not limit_bank_card:
                raise Refused(400, "PARAM_ERROR", f"参数错误: {contract_mode} needs limit_bank_card", "limit_bank_card")
            token = "PT" + secrets.token_hex(16).upper()
            state["tokens"][token] = {
                "kind": "presign",
                "out_user_id": out_user_id,
                "organization_id": organization_id,
                "expires_at": self.now() + TOKEN_SECONDS,
                "contract_mode": contract_mode,
                "limited_card": limit_bank_card,
                "used": False,
            }
            return token

    def sign(self, token: str) -> dict[str, Any]:
        """The parent signs in the mini-program with a token: the contract, and the user (made at the first sign)."""
        with self._changing() as state:
            entry = state["tokens"].get(token)
            if entry is None:
                raise _invalid("授权凭证无效", "token")
            if entry["used"]:
                raise _invalid("授权凭证已使用", "token")
            if self.now() > entry["expires_at"]:
                raise _invalid("授权凭证已过期 (valid 5 minutes)", "token")
            user = self._user_by_out_id(entry["organization_id"], entry["out_user_id"])
            if user is not None and user["contract_state"] == "CONTRACTED":
                raise _invalid("用户已签约", "token")
            entry["used"] = True
            if user is None:
                user = {
                    "user_id": _new_id("FU"),
                    "out_user_id": entry["out_user_id"],
                    "organization_id": entry["organization_id"],
                    "user_type": "STUDENT",
                    "status": "NORMAL",
                    "face_image_ok": True,
                    "openid": "o" + secrets.token_urlsafe(20),
                    "balance": DEFAULT_BALANCE,
                }
                state["users"][user["user_id"]] = user
            contract_id = _new_id("CI")
            limited = entry["kind"] == "presign" and entry.get("limited_card", False)
            state["contracts"][contract_id] = {
                "contract_id": contract_id,
                "mchid": self.mchid,
                "organization_id": user["organization_id"],
                "user_id": user["user_id"],
                "openid": user["openid"],
                "contract_state": "CONTRACTED",
                "contract_signed_time": rfc3339(self.now()),
                "contract_mode": entry["contract_mode"],
                "contract_bank_card_from": "MERCHANT_LIMITED_BANK_CARD" if limited else "USER_SELECT_FREE",
            }
            user["contract_state"], user["contract_id"] = "CONTRACTED", contract_id
            return self._change_event(user)

    def terminate(self, user_id: str, organization_id: str | None = None) -> dict[str, Any]:
        """End the user's contract (the merchant's terminate-contract, or the user in the WeChat client)."""
        with self._changing() as state:
            user = state["users"].get(user_id)
            if user is None or (organization_id is not None and user["organization_id"] != organization_id):
                raise _not_found("用户", "user_id")
            if user["contract_state"] != "CONTRACTED":
                # wechatpay-java#59: terminating a contract already terminated answers PARAM_ERROR.
                raise Refused(400, "PARAM_ERROR", "参数错误: the user has no contract in force", "user_id")
            contract = state["contracts"][user["contract_id"]]
            contract["contract_state"] = "TERMINATED"
            contract["contract_terminated_time"] = rfc3339(self.now())
            user["contract_state"] = "TERMINATED"
            return self._change_event(user)

    def _change_event(self, user: dict[str, Any]) -> dict[str, Any]:
        """The fields of FACEPAY.USER_STATE_CHANGE for the user's contract (mch_id and the time are the notifier's)."""
        return {
            "user_id": user["user_id"],
            "out_user_id": user["out_user_id"],
            "organization_id": user["organization_id"],
            "appid": SANDBOX_APPID,
            "openid": user["openid"],
            "contract_id": user["contract_id"],
        }

    def _user_by_out_id(self, organization_id: str, out_user_id: str) -> dict[str, Any] | None:
        users = self._state["users"].values()
        return next(
            (u for u in users if (u["organization_id"], u["out_user_id"]) == (organization_id, out_user_id)), None
        )

    def _user_by_out_id_or_404(self, organization_id: str, out_user_id: str) -> dict[str, Any]:
        """The user the merchant names by out_user_id in a known organization; 404 for either unknown."""
        self._organization(organization_id, status=404)
        user = self._user_by_out_id(organization_id, out_user_id)
        if user is None:
            raise _not_found("用户", "out_user_id")
        return user

    def _user(self, user_id: str) -> dict[str, Any]:
        user: dict[str, Any] | None = self._state["users"].get(user_id)
        if user is None:
            raise _not_found("用户", "user_id")
        return user

    # Users and contracts

    def face_user(self, organization_id: str, out_user_id: str) -> dict[str, Any]:
        with self._lock:
            user = self._user_by_out_id_or_404(organization_id, out_user_id)
            return {name: copy.deepcopy(user[name]) for name in _FACE_USER_FIELDS if name in user}

    def update_face_user(self, organization_id: str, out_user_id: str, changes: dict[str, Any]) -> None:
        """PATCH the user: ``changes`` has the sensitive fields already opened."""
        with self._changing():
            user = self._user_by_out_id_or_404(organization_id, out_user_id)
            phone = changes.get("phone")
            if phone is not None:
                if not (isinstance(phone, str) and len(phone) == 11 and phone.isascii() and phone.isdigit()):
                    raise Refused(400, "PARAM_ERROR", "参数错误: phone must be 11 digits", "phone")
                user["phone"] = phone[:3] + "****" + phone[-4:]  # kept masked: the state is shown in full
            for name in ("user_name", "user_type", "student_info", "staff_info", "status"):
                if name in changes:
                    user[name] = changes[name]

    def contract(self, contract_id: str) -> dict[str, Any]:
        with self._lock:
            contract = self._state["contracts"].get(contract_id)
            if contract is None:
                raise _not_found("签约", "contract_id", value=contract_id)
            return dict(contract)

    def device_authinfo(self, organization_id: str, device_id: str) -> str:
        with self._changing() as state:
            self._organization(organization_id)
            authinfo = "AUTHINFO" + secrets.token_urlsafe(24)
            state["devices"][device_id] = {
                "organization_id": organization_id,
                "authinfo": authinfo,
                "expires_at": self.now() + AUTHINFO_SECONDS,
            }
            return authinfo

    # Payments

    def set_balance(self, user_id: str, amount: int) -> dict[str, Any]:
        with self._changing():
            user = self._user(user_id)
            user["balance"] = amount
            return {"user_id": user_id, "balance": amount}

    def fail_deductions(self, user_id: str, count: object) -> dict[str, Any]:
        """The user's next ``count`` deduction attempts fail for insufficient balance (PAYERROR, NOT_ENOUGH)."""
        if not _whole(count) or not 0 <= count <= MAX_FAILING_DEDUCTIONS:
            message = f"count must be a whole number from 0 to {MAX_FAILING_DEDUCTIONS}"
            raise Refused(400, "PARAM_ERROR", message, "count")
        with self._changing():
            user = self._user(user_id)
            user["failing_deductions"] = count
            return {"user_id": user_id, "failing_deductions": count}

    def auth_code(self, user_id: str, device_id: str | None = None) -> str:
        """A device recognises the user's face: a payment credential, good for one payment. A device named must
        hold an authinfo of the user's organization that has not expired (the device SDK needs it)."""
        with self._changing() as state:
            user = self._user(user_id)
            if user["contract_state"] != "CONTRACTED":
                raise _invalid("用户未签约", "user_id")
            if device_id is not None:
                device = state["devices"].get(device_id)
                if device is None or device["organization_id"] != user["organization_id"]:
                    message = f"device {device_id} has no authinfo of organization {user['organization_id']}"
                    raise _invalid(message + " (getDeviceAuthInfo first)", "device_id")
                if self.now() > device["expires_at"]:
                    message = f"device {device_id}'s authinfo expired (valid {AUTHINFO_SECONDS} s; device error"
                    raise _invalid(message + " 271382020): get a new one with getDeviceAuthInfo", "device_id")
            code = "AC" + secrets.token_urlsafe(30)
            state["auth_codes"][code] = {"user_id": user_id, "used": False}
            return code

    def deduct(self, request: dict[str, Any], sp_mchid: str) -> dict[str, Any]:
        """createDeduction: the same order asked again answers the same, or re-deducts it (补扣) when it failed or
        was advanced; the same out_trade_no for another order is refused; the balance pays, or WeChat's advance
        does (DEBT), unless the control API made the attempt fail (PAYERROR)."""
        with self._changing() as state:
            amount = request.get("amount") or {}
            out_trade_no = request.get("out_trade_no") or _new_id("SANDBOX")
            identity = {
                "auth_code": request["auth_code"],
                "total": amount.get("total"),
                "sub_mchid": request.get("sub_mchid"),
            }
            known = state["orders"].get(out_trade_no)
            if known is not None:
                if known["request"] != identity:
                    raise _invalid("商户订单号重复: out_trade_no was used for another order", "out_trade_no")
                if known["answer"]["trade_state"] == "PAYERROR" or known["answer"]["debt_state"] == "DEBT":
                    return self._rededuct(known)
                return copy.deepcopy(known["answer"])
            credential = state["auth_codes"].get(request["auth_code"])
            if credential is None or credential["used"]:
                raise _invalid("支付凭证无效或已使用 (auth_code)", "auth_code")
            user = self._user(credential["user_id"])
            self._check_payer(user)
            total = amount.get("total")
            if not isinstance(total, int) or total <= 0:
                raise Refused(400, "PARAM_ERROR", "参数错误: amount.total must be a positive number of fen", "amount")
            credential["used"] = True
            answer = {
                "sp_appid": request.get("sp_appid") or SANDBOX_APPID,
                "sp_mchid": sp_mchid,
                "sub_mchid": request.get("sub_mchid") or "1900000110",
                "payer": {"sp_openid": user["openid"]},
                "amount": {"total": total, "currency": amount.get("currency", "CNY")},
                "trade_type": "AUTH",
                "transaction_id": _transaction_id(),
                "out_trade_no": out_trade_no,
            }
            for name in ("sub_appid", "description", "attach"):
                if request.get(name) is not None:
                    answer[name] = request[name]
            if isinstance(request.get("scene_info"), dict):
                answer["scene_info"] = {"device_ip": request["scene_info"].get("device_ip", "")}
            self._charge(user, answer)
            state["orders"][out_trade_no] = {"request": identity, "answer": answer, "user_id": user["user_id"]}
            return copy.deepcopy(answer)

    def _check_payer(self, user: dict[str, Any]) -> None:
        if user["contract_state"] != "CONTRACTED":
            raise _invalid("用户未签约", "auth_code")
        if user["status"] != "NORMAL":
            raise _invalid("用户已被禁用 (status DISABLED)", "auth_code")

    def _charge(self, user: dict[str, Any], answer: dict[str, Any]) -> None:
        """One attempt at a new or failed order: it fails if the control API said so, else the balance pays, else
        WeChat advances it."""
        total = answer["amount"]["total"]
        if user.get("failing_deductions", 0) > 0:
            user["failing_deductions"] -= 1
            answer.update(trade_state="PAYERROR", trade_state_description="余额不足，扣款失败", error_type="NOT_ENOUGH")
            answer["debt_state"] = "NOT_DEBT"  # nothing advanced: the order is still the family's to pay
            return
        answer.pop("error_type", None)
        paid_by_balance = user["balance"] >= total
        if paid_by_balance:
            user["balance"] -= total
        answer.update(
            bank_type="CMB_DEBIT" if paid_by_balance else "OTHERS",
            trade_state="SUCCESS",
            trade_state_description="支付成功" if paid_by_balance else "余额不足，微信支付垫资",
            debt_state="NOT_DEBT" if paid_by_balance else "DEBT",
            success_time=rfc3339(self.now()),
        )

    def _rededuct(self, order: dict[str, Any]) -> dict[str, Any]:
        """补扣: the same request again for a failed or advanced order, at most REDEDUCTIONS_PER_DAY a sandbox day
        (China time). A failed order is attempted again; an advanced one is repaid when the balance now covers it."""
        user = self._user(order["user_id"])
        self._check_payer(user)
        day = datetime.datetime.fromtimestamp(self.now(), _CHINA).date().isoformat()
        counted = order.get("redeductions") or {}
        attempts = counted.get("count", 0) if counted.get("day") == day else 0
        if attempts >= REDEDUCTIONS_PER_DAY:
            message = f"业务规则限制: at most {REDEDUCTIONS_PER_DAY} re-deductions (补扣) of an order a day"
            raise Refused(403, "RULE_LIMITED", message, "out_trade_no", value=order["answer"]["out_trade_no"])
        order["redeductions"] = {"day": day, "count": attempts + 1}
        answer: dict[str, Any] = order["answer"]
        if answer["trade_state"] == "PAYERROR":
            self._charge(user, answer)
        elif user.get("failing_deductions", 0) > 0:  # the advance stays owed
            user["failing_deductions"] -= 1
        elif user["balance"] >= answer["amount"]["total"]:
            user["balance"] -= answer["amount"]["total"]
            answer["debt_state"] = "REPAYMENT"
            answer["repayment_transaction_id"] = _transaction_id()
        return copy.deepcopy(answer)

    def order(self, out_trade_no: str, sub_mchid: str) -> dict[str, Any]:
        with self._lock:
            known = self._state["orders"].get(out_trade_no)
            if known is None or known["answer"]["sub_mchid"] != sub_mchid:
                raise _not_found("订单", "out_trade_no", code="ORDER_NOT_EXIST", value=out_trade_no)
            return copy.deepcopy(known["answer"])

    def _debts(self, user_id: str) -> list[dict[str, Any]]:
        orders = self._state["orders"].values()
        return [o["answer"] for o in orders if o["user_id"] == user_id and o["answer"]["debt_state"] == "DEBT"]

    def repayment_url(self, organization_id: str, out_user_id: str) -> dict[str, str]:
        """createRepaymentUrl: a new link each time, kept so that the family can repay through it once, until its
        expire_at (whole seconds, as answered)."""
        with self._changing() as state:
            user = self._user_by_out_id_or_404(organization_id, out_user_id)
            if not self._debts(user["user_id"]):
                raise _invalid("用户没有待还款的垫资订单 (no advanced order to repay)", "out_user_id")
            token = secrets.token_urlsafe(24)
            expires_at = int(self.now() + REPAYMENT_LINK_SECONDS)
            state["repayment_links"][token] = {"user_id": user["user_id"], "expires_at": expires_at, "used": False}
            return {
                "repayment_url": f"{REPAYMENT_LINK_PREFIX}{token}",
                "expire_at": rfc3339(expires_at),
            }

    def repay_through_link(self, token: str) -> dict[str, Any]:
        """The family opens the link createRepaymentUrl gave and pays: every order of its user still advanced
        becomes REPAYMENT. A link it never gave, one already used, or one past its expire_at is refused."""
        with self._changing() as state:
            link = state["repayment_links"].get(token)
            if link is None:
                raise _invalid("还款链接无效: not a link createRepaymentUrl gave", "token")
            if link["used"]:
                message = "还款链接已使用: a repayment link repays once (createRepaymentUrl gives another)"
                raise _invalid(message, "token")
            if self.now() > link["expires_at"]:
                message = f"还款链接已过期: it expired at {rfc3339(link['expires_at'])} (valid 24 h of sandbox time)"
                raise _invalid(message + "; createRepaymentUrl gives another", "token")
            link["used"] = True
            return self._repay(link["user_id"], "token")

    def repay(self, user_id: str) -> dict[str, Any]:
        """A shortcut for tests: the user pays back what WeChat advanced without a link (none is needed or used)."""
        with self._changing():
            self._user(user_id)
            return self._repay(user_id, "user_id")

    def _repay(self, user_id: str, field: str) -> dict[str, Any]:
        """Every DEBT order of the user becomes REPAYMENT (under _changing: refused, nothing changes)."""
        debts = self._debts(user_id)
        if not debts:
            raise _invalid("用户没有待还款的垫资订单 (no advanced order to repay)", field)
        for order in debts:
            order["debt_state"] = "REPAYMENT"
            order["repayment_transaction_id"] = _transaction_id()
        return {
            "user_id": user_id,
            "repaid": [order["out_trade_no"] for order in debts],
            "amount": sum(order["amount"]["total"] for order in debts),
        }

    # Face re-collection

    def request_face_collection(self, organization_id: str, user_ids: list[str]) -> list[dict[str, Any]]:
        with self._changing() as state:
            self._organization(organization_id)
            made = []
            for user_id in user_ids:
                user = self._user(user_id)
                if user["organization_id"] != organization_id:
                    raise _invalid(f"user {user_id} is not in organization {organization_id}", "user_ids")
                collection_id = _new_id("FC", 18)
                item = {
                    "collection_id": collection_id,
                    "use_id": user_id,
                    "organization_id": organization_id,
                    "collection_state": "COLLECTION_REQUIRED",
                }
                state["collections"][collection_id] = item
                user["face_image_ok"] = False
                made.append(dict(item))
            return made

    def advance_face_collection(self, collection_id: str, step: str) -> dict[str, Any]:
        """``step`` "photo": the parent uploads a new photo; "confirm": the payer confirms it."""
        with self._changing() as state:
            item = state["collections"].get(collection_id)
            if item is None:
                raise _not_found("重采请求", "collection_id")
            expected, after, stamp = {
                "photo": ("COLLECTION_REQUIRED", "PHOTO_UPLOADED", "register_photo_upload_time"),
                "confirm": ("PHOTO_UPLOADED", "COMPLETE", "confirm_time"),
            }[step]
            if item["collection_state"] != expected:
                raise _invalid(f"the request is {item['collection_state']}, not {expected}", "collection_id")
            item["collection_state"], item[stamp] = after, rfc3339(self.now())
            if after == "COMPLETE" and item["use_id"] in state["users"]:
                state["users"][item["use_id"]]["face_image_ok"] = True
            return dict(item)

    def face_collections(self, organization_id: str) -> list[dict[str, Any]]:
        with self._lock:
            items = self._state["collections"].values()
            return [dict(item) for item in items if item["organization_id"] == organization_id]

    def face_collection(self, collection_id: str) -> dict[str, Any]:
        with self._lock:
            item = self._state["collections"].get(collection_id)
            if item is None:
                raise _not_found("重采请求", "collection_id", value=collection_id)
            return dict(item)
