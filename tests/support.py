"""Test helpers: the test-only keys, and signing and verifying done by an independent implementation (openssl)."""

from __future__ import annotations

import base64
import json
import subprocess
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

import httpx

FIXTURES = Path(__file__).parent / "fixtures"

MCHID = "1900000109"
MERCHANT_SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
PLATFORM_A_SERIAL = "3775B6A45ACD588826D15E583A95F5DD04AEA0C3"
PLATFORM_B_SERIAL = "45C0D2F6CE3B9D3A9D9C40A8F6F0B0B1C2D3E4F5"
PUBLIC_KEY_ID = "PUB_KEY_ID_0114232134912410000000000000"


def pem(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def openssl_sign(key_file: str, message: bytes) -> str:
    """Base64 RSA-SHA256 PKCS#1 v1.5 signature made by the openssl command, not by our code."""
    signature = subprocess.run(
        ["openssl", "dgst", "-sha256", "-sign", str(FIXTURES / key_file)],
        input=message,
        capture_output=True,
        check=True,
    ).stdout
    return base64.b64encode(signature).decode()


def openssl_verify(public_pem: bytes, message: bytes, signature_b64: str) -> bool:
    """Whether the openssl command accepts a base64 signature over message with a PEM public key."""
    with tempfile.TemporaryDirectory() as folder:
        key_path = Path(folder, "key.pem")
        signature_path = Path(folder, "signature.bin")
        key_path.write_bytes(public_pem)
        signature_path.write_bytes(base64.b64decode(signature_b64))
        result = subprocess.run(
            ["openssl", "dgst", "-sha256", "-verify", str(key_path), "-signature", str(signature_path)],
            input=message,
            capture_output=True,
            check=False,
        )
    return result.returncode == 0


def merchant_public_pem() -> bytes:
    """The merchant certificate's public key as PEM, extracted by openssl."""
    return subprocess.run(
        ["openssl", "x509", "-in", str(FIXTURES / "merchant_cert.pem"), "-pubkey", "-noout"],
        capture_output=True,
        check=True,
    ).stdout


def parse_authorization(value: str) -> dict[str, str]:
    """The fields of a WECHATPAY2-SHA256-RSA2048 Authorization value, parsed independently of our signer."""
    scheme, _, fields = value.partition(" ")
    assert scheme == "WECHATPAY2-SHA256-RSA2048"
    parsed = {}
    for pair in fields.split(","):
        name, _, quoted = pair.partition("=")
        assert quoted.startswith('"') and quoted.endswith('"'), pair
        parsed[name] = quoted[1:-1]
    return parsed


def signed_request_message(request: httpx.Request) -> tuple[bytes, str]:
    """The message a request's Authorization should sign, built from the wire form, and its signature."""
    return signed_message(request.method, request.url.raw_path, request.content, request.headers["Authorization"])


def signed_message(method: str, target: bytes | str, body: bytes, authorization: str) -> tuple[bytes, str]:
    """The message an Authorization should sign over a request as it arrived (method, target, body), and its
    signature: built here from WeChat Pay's rules, independently of our signer."""
    fields = parse_authorization(authorization)
    wire_target = target.encode() if isinstance(target, str) else target
    message = b"%s\n%s\n%s\n%s\n%s\n" % (
        method.encode(),
        wire_target,
        fields["timestamp"].encode(),
        fields["nonce_str"].encode(),
        body,
    )
    return message, fields["signature"]


def signed_response_headers(
    body: bytes,
    *,
    timestamp: int,
    key_file: str = "wechatpay_pub_key_private.pem",
    serial: str = PUBLIC_KEY_ID,
    nonce: str = "fd4a0c3f5ae4a4a8d2d8f8e9b6c2a1e0",
) -> dict[str, str]:
    """The headers WeChat Pay would sign a response with, the signature made by openssl."""
    message = b"%d\n%s\n%s\n" % (timestamp, nonce.encode(), body)
    return {
        "Wechatpay-Timestamp": str(timestamp),
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Signature": openssl_sign(key_file, message),
        "Wechatpay-Serial": serial,
        "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        "Request-ID": "08F78BB5AF0610D302180B2A8A0E00-0",
    }


class RecordingTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """httpx's own transports, keeping each Authorization sent and each Wechatpay-Signature received."""

    def __init__(self) -> None:
        self.sync = httpx.HTTPTransport()
        self.async_ = httpx.AsyncHTTPTransport()
        self.authorizations: list[str] = []
        self.response_signatures: list[str] = []

    def _received(self, response: httpx.Response) -> httpx.Response:
        if "Wechatpay-Signature" in response.headers:
            self.response_signatures.append(response.headers["Wechatpay-Signature"])
        return response

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.authorizations.append(request.headers["Authorization"])
        return self._received(self.sync.handle_request(request))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.authorizations.append(request.headers["Authorization"])
        return self._received(await self.async_.handle_async_request(request))


# A notification as WeChat Pay sends one, built here with the cryptography primitives and openssl, not our code.
NOTIFICATION_APIV3_KEY = "a7Qm2ZrT9xWc4LpN8vBk3HsE6yJd1FgU"  # 32 characters, test only
USER_STATE_CHANGE = {
    "user_id": "100000000000000001",
    "out_user_id": "stu-20260001",
    "organization_id": "123",
    "mch_id": "1900000109",
    "notify_create_time": "2026-11-30T08:00:00+08:00",
    "appid": "wx2421b1c4370ec43b",
    "openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
    "contract_id": "CT20261130000001",
}


def encrypt_resource(
    resource: object, *, apiv3_key: str = NOTIFICATION_APIV3_KEY, nonce: str = "5K8264ILTKCH", aad: str = "facepay"
) -> dict[str, str]:
    """An encrypted ``resource`` object: AES-256-GCM by the cryptography primitive, ciphertext with its tag."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    plaintext = json.dumps(resource, ensure_ascii=False).encode()
    ciphertext = AESGCM(apiv3_key.encode()).encrypt(nonce.encode(), plaintext, aad.encode())
    return {
        "original_type": "facepay",
        "algorithm": "AEAD_AES_256_GCM",
        "ciphertext": base64.b64encode(ciphertext).decode(),
        "associated_data": aad,
        "nonce": nonce,
    }


def notification_body(sealed: dict[str, str], *, notification_id: str = "EV-2018022511223320873") -> bytes:
    envelope = {
        "id": notification_id,
        "create_time": "2026-11-30T08:00:01+08:00",
        "resource_type": "encrypt-resource",
        "event_type": "FACEPAY.USER_STATE_CHANGE",
        "summary": "刷脸用户签约状态变更",
        "resource": sealed,
    }
    return json.dumps(envelope, ensure_ascii=False).encode()


def signed_notification(
    resource: object = USER_STATE_CHANGE,
    *,
    timestamp: int,
    apiv3_key: str = NOTIFICATION_APIV3_KEY,
    key_file: str = "wechatpay_pub_key_private.pem",
    serial: str = PUBLIC_KEY_ID,
    notification_id: str = "EV-2018022511223320873",
) -> tuple[dict[str, str], bytes]:
    """Headers and raw body of a FACEPAY.USER_STATE_CHANGE notification, signed by openssl."""
    body = notification_body(encrypt_resource(resource, apiv3_key=apiv3_key), notification_id=notification_id)
    headers = signed_response_headers(body, timestamp=timestamp, key_file=key_file, serial=serial)
    return headers | {"Content-Type": "application/json"}, body


def shown_by(error: BaseException, frames_of: str = "") -> list[str]:
    """Everything an error carries: str, repr, args, and the repr of each local variable of each frame of its
    traceback and of every exception chained to it; of the frames whose file path contains ``frames_of``, except
    the tests' own frames (which hold the secrets they test)."""
    shown: list[str] = []
    seen: BaseException | None = error
    while seen is not None:
        shown += [str(seen), repr(seen), *map(repr, seen.args)]
        for frame, _ in traceback.walk_tb(seen.__traceback__):
            path = Path(frame.f_code.co_filename)
            if path.parent != Path(__file__).parent and frames_of in str(path):
                shown += [f"{name}={value!r}" for name, value in frame.f_locals.items()]
        seen = seen.__cause__ or seen.__context__
    return shown


def raised(call: Callable[[], object]) -> BaseException:
    try:
        call()
    except Exception as error:
        return error
    raise AssertionError("no error raised")
