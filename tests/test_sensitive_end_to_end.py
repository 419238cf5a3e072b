"""The generated presignContract and updateFaceUserByOutUserId, end to end over loopback: the caller passes plaintext
in the body model, and a WeChat Pay started by the test finds each sensitive field encrypted for its key, opens it
(the cryptography primitives with the test's WeChat Pay private key), and finds what the caller passed."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from wechatpay_offlineface import Client
from wechatpay_offlineface.api.contracts import presign_contract
from wechatpay_offlineface.api.face_users import update_face_user_by_out_user_id
from wechatpay_offlineface.models import (
    FaceUserUpdate,
    Identification,
    LimitBankCard,
    PresignFacepayUser,
    PresignRequest,
    StudentInfo,
)
from wechatpay_signing import (
    MerchantSigner,
    ResponseVerifier,
    SensitiveFieldError,
    WeChatPayAuth,
    httpx_args,
    load_private_key,
)

from .support import (
    MCHID,
    MERCHANT_SERIAL,
    PUBLIC_KEY_ID,
    merchant_public_pem,
    openssl_verify,
    pem,
    signed_message,
    signed_response_headers,
)

OAEP = padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None)  # noqa: S303
# What the catalogue marks sensitive, written here by hand: the spec's marks must match it.
SENSITIVE = {
    "/v3/offlineface/contracts/presign": [
        "facepay_user.identification.identification_number",
        "facepay_user.phone",
        "limit_bank_card.bank_card_number",
        "limit_bank_card.identification_name",
        "limit_bank_card.identification.identification_number",
        "limit_bank_card.phone",
    ],
    "/v3/offlinefacemch/organizations/O123/users/out-user-id/stu-20260001": ["user_name", "phone"],
}


class Arrival:
    """One request as WeChat Pay received it, and its body with the sensitive fields opened."""

    def __init__(self, method: str, target: str, headers: dict[str, str], body: bytes, opened: Any) -> None:
        self.method, self.target, self.headers, self.body, self.opened = method, target, headers, body, opened


class WeChatPay(BaseHTTPRequestHandler):
    """Checks nothing itself but the encryption: opens each sensitive field, or answers 400 PARAM_ERROR."""

    arrivals: list[Arrival]
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self._answer(200, {"presign_token": "PT-0001"})

    def do_PATCH(self) -> None:
        self._answer(204, None)

    def _answer(self, status: int, payload: Any) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        key = load_private_key(pem("wechatpay_pub_key_private.pem"))
        document = json.loads(body)
        opened = json.loads(body)
        try:
            assert self.headers["Wechatpay-Serial"] == PUBLIC_KEY_ID
            for path in SENSITIVE[self.path]:
                *parents, name = path.split(".")
                node, plain = document, opened
                for part in parents:
                    node, plain = node.get(part) or {}, plain.get(part) or {}
                if name in node:
                    plain[name] = key.decrypt(base64.b64decode(node[name], validate=True), OAEP).decode()
        except (AssertionError, ValueError, KeyError, TypeError):
            status, payload = 400, {"code": "PARAM_ERROR", "message": "敏感字段解密失败"}
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.arrivals.append(Arrival(self.command, self.path, headers, body, opened))
        content = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        signed = signed_response_headers(content, timestamp=int(time.time()))
        for name, value in {**signed, "Content-Type": "application/json", "Content-Length": str(len(content))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet; and a server never logs what it opened


@pytest.fixture
def wechatpay() -> Iterator[tuple[str, list[Arrival]]]:
    arrivals: list[Arrival] = []
    handler = type("Handler", (WeChatPay,), {"arrivals": arrivals})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", arrivals
    finally:
        server.shutdown()
        server.server_close()


def client_for(url: str) -> Client:
    signer = MerchantSigner(MCHID, MERCHANT_SERIAL, pem("merchant_key.pem"))
    auth = WeChatPayAuth(signer, ResponseVerifier({PUBLIC_KEY_ID: pem("wechatpay_pub_key.pem")}))
    return Client(base_url=url, httpx_args=httpx_args(auth))


def assert_signed_as_sent(arrival: Arrival) -> None:
    message, signature = signed_message(arrival.method, arrival.target, arrival.body, arrival.headers["authorization"])
    assert openssl_verify(merchant_public_pem(), message, signature)


PRESIGN = PresignRequest(
    business_name="K12",
    facepay_user=PresignFacepayUser(
        out_user_id="stu-20260001",
        organization_id="O123",
        identification=Identification(identification_type="IDCARD", identification_number="110101200001011234"),
        phone="13800138000",
    ),
    limit_bank_card=LimitBankCard(
        bank_card_number="6222020200112233445",
        identification_name="张三",
        identification=Identification(identification_type="IDCARD", identification_number="11010119800101123X"),
        valid_thru="12/30",
        phone="13900139000",
    ),
    contract_mode="LIMIT_BANK_CARD",
)
UPDATE = FaceUserUpdate(
    user_name="李小明", user_type="STUDENT", student_info=StudentInfo(class_name="高中一年三班"), phone="13800138000"
)
PLAINTEXTS = ["110101200001011234", "13800138000", "6222020200112233445", "张三", "李小明", "13900139000"]


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_generated_calls_send_sensitive_fields_encrypted_and_the_server_opens_what_the_caller_passed(
    wechatpay: tuple[str, list[Arrival]], mode: str
) -> None:
    url, arrivals = wechatpay
    async with client_for(url) as client:
        if mode == "sync":
            result = presign_contract.sync(client=client, body=PRESIGN)
            update_face_user_by_out_user_id.sync("O123", "stu-20260001", client=client, body=UPDATE)
        else:
            result = await presign_contract.asyncio(client=client, body=PRESIGN)
            await update_face_user_by_out_user_id.asyncio("O123", "stu-20260001", client=client, body=UPDATE)
    assert result.presign_token == "PT-0001"
    presign, update = arrivals
    assert presign.opened == PRESIGN.to_dict()  # every field as passed: the sensitive ones opened, the rest as is
    assert update.opened == UPDATE.to_dict()
    for arrival in arrivals:
        assert arrival.headers["wechatpay-serial"] == PUBLIC_KEY_ID
        for plaintext in PLAINTEXTS:
            assert plaintext.encode() not in arrival.body
        assert_signed_as_sent(arrival)


def test_the_server_refuses_a_sensitive_field_sent_in_the_clear(wechatpay: tuple[str, list[Arrival]]) -> None:
    """The check above can fail: the same body through the escape hatch, without the extension, is refused."""
    url, arrivals = wechatpay
    with client_for(url) as client:
        response = client.get_httpx_client().post("/v3/offlineface/contracts/presign", json=PRESIGN.to_dict())
    assert response.status_code == 400
    assert arrivals[0].opened == PRESIGN.to_dict() and b"110101200001011234" in arrivals[0].body


def test_a_field_too_long_to_encrypt_is_refused_before_anything_is_sent(wechatpay: tuple[str, list[Arrival]]) -> None:
    url, arrivals = wechatpay
    with client_for(url) as client, pytest.raises(SensitiveFieldError, match="user_name: the plaintext is 216 bytes"):
        update_face_user_by_out_user_id.sync("O123", "u1", client=client, body=FaceUserUpdate(user_name="张" * 72))
    assert arrivals == []
