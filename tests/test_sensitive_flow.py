"""The auth encrypts what a request's ``wechatpay.sensitive_fields`` names, sets Wechatpay-Serial and signs the
bytes it sends; every other request goes out untouched. Checked on the bytes that arrive: decrypted with the
cryptography primitives and the test's WeChat Pay private key, signatures verified by openssl."""

from __future__ import annotations

import base64
import copy
import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from traceback import walk_tb
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from httpx_retries import Retry
from wechatpay_sandbox import SandboxConfig, SandboxServer
from wechatpay_sandbox import credentials as sandbox_credentials
from wechatpay_sandbox.signing import sign_response
from wechatpay_signing import (
    ConfigurationError,
    MerchantSigner,
    PlatformCertificateStore,
    ResponseVerifier,
    SensitiveFieldError,
    WeChatPayAuth,
    auth_from_files,
    httpx_args,
    load_private_key,
)

from .support import (
    FIXTURES,
    MCHID,
    MERCHANT_SERIAL,
    PLATFORM_B_SERIAL,
    PUBLIC_KEY_ID,
    merchant_public_pem,
    openssl_verify,
    pem,
    raised,
    shown_by,
    signed_request_message,
    signed_response_headers,
)

OAEP = padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None)  # noqa: S303
EXTENSION = "wechatpay.sensitive_fields"
PATHS = (
    "user_name",
    "phone",
    "limit_bank_card.identification.identification_number",
    "limit_bank_card.phone",
    "limit_bank_card.bank_card_number",
)
BODY: dict[str, Any] = {
    "user_name": "张三",
    "user_type": "STUDENT",
    "student_info": {"class_name": "高中一年三班"},
    "phone": "13800138000",
    "limit_bank_card": {
        "identification": {"identification_type": "IDCARD", "identification_number": "110101200001011234"},
        "phone": None,
        "valid_thru": "12/30",
    },
    "status": "NORMAL",
}
PLAINTEXTS = ["张三", "13800138000", "110101200001011234"]
URL = "https://api.mch.weixin.qq.com/v3/offlinefacemch/organizations/O1/users/out-user-id/u%201"


class WeChatPay:
    """A MockTransport handler: keeps each request that arrives, answers a signed 204 (or the statuses given)."""

    def __init__(
        self,
        statuses: tuple[int, ...] = (204,),
        sign: Callable[[bytes], dict[str, str]] | None = None,
    ) -> None:
        self.statuses = list(statuses)
        self.sign = sign or (lambda body: signed_response_headers(body, timestamp=int(time.time())))
        self.received: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        # A copy: a retry resends the same request object, signed again in place.
        self.received.append(
            httpx.Request(request.method, request.url, headers=request.headers, content=request.content)
        )
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        if status == 307:
            return httpx.Response(307, headers={"Location": URL + "-moved"})
        return httpx.Response(status, headers=self.sign(b""), content=b"")


def public_key_auth() -> WeChatPayAuth:
    signer = MerchantSigner(MCHID, MERCHANT_SERIAL, pem("merchant_key.pem"))
    return WeChatPayAuth(signer, ResponseVerifier({PUBLIC_KEY_ID: pem("wechatpay_pub_key.pem")}))


def opened(request: httpx.Request, key: rsa.RSAPrivateKey, paths: tuple[str, ...] = PATHS) -> Any:
    """The body that arrived, with each field at the paths decrypted by the cryptography primitives."""
    document = json.loads(request.content)
    for path in paths:
        *parents, name = path.split(".")
        node = document
        for part in parents:
            node = node.get(part) or {}
        if isinstance(node.get(name), str):
            ciphertext = base64.b64decode(node[name], validate=True)
            assert len(ciphertext) == 256
            node[name] = key.decrypt(ciphertext, OAEP).decode("utf-8")
    return document


def assert_signed_as_sent(request: httpx.Request) -> None:
    """The Authorization verifies (openssl) over the target and the exact body bytes that arrived."""
    assert int(request.headers["Content-Length"]) == len(request.content)
    message, signature = signed_request_message(request)
    assert openssl_verify(merchant_public_pem(), message, signature)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_sensitive_fields_arrive_encrypted_for_the_named_key_and_signed_as_sent(mode: str) -> None:
    wechatpay = WeChatPay()
    auth = public_key_auth()
    body = copy.deepcopy(BODY)
    if mode == "sync":
        with httpx.Client(transport=httpx.MockTransport(wechatpay), auth=auth) as client:
            response = client.patch(URL, json=body, extensions={EXTENSION: PATHS})
    else:
        async with httpx.AsyncClient(transport=httpx.MockTransport(wechatpay), auth=auth) as async_client:
            response = await async_client.patch(URL, json=body, extensions={EXTENSION: PATHS})
    assert response.status_code == 204
    assert body == BODY  # the caller's object is not changed
    (request,) = wechatpay.received
    assert request.headers["Wechatpay-Serial"] == PUBLIC_KEY_ID
    for plaintext in PLAINTEXTS:
        assert plaintext.encode() not in request.content
    assert opened(request, load_private_key(pem("wechatpay_pub_key_private.pem"))) == BODY
    assert request.content.startswith(b'{"user_name":"')  # field order and httpx's compact JSON are kept
    assert request.url.raw_path == b"/v3/offlinefacemch/organizations/O1/users/out-user-id/u%201"
    assert request.method == "PATCH"
    assert_signed_as_sent(request)


def certificate_auth() -> WeChatPayAuth:
    return auth_from_files(
        mchid=MCHID,
        serial_no=MERCHANT_SERIAL,
        private_key_path=FIXTURES / "merchant_key.pem",
        platform_certificate_paths=[FIXTURES / "platform_a_cert.pem", FIXTURES / "platform_b_cert.pem"],
    )


def platform_b_signed(body: bytes) -> dict[str, str]:
    return signed_response_headers(
        body, timestamp=int(time.time()), key_file="platform_b_key.pem", serial=PLATFORM_B_SERIAL
    )


def test_without_the_extension_nothing_changes() -> None:
    # Certificate mode sends no Wechatpay-Serial of its own: only encryption sets one.
    wechatpay = WeChatPay(sign=platform_b_signed)
    unusual = b'{ "phone" : "13800138000",\n  "user_name": "\\u5f20\\u4e09" }'  # not httpx's own formatting
    with httpx.Client(transport=httpx.MockTransport(wechatpay), auth=certificate_auth()) as client:
        client.post(URL, content=unusual, headers={"Content-Type": "application/json"})
        client.post(URL, content=unusual, extensions={EXTENSION: ("student_info.class_name", "absent")})
        client.post(URL, content=b'{"phone":null}', extensions={EXTENSION: ("phone",)})
        client.post(URL, extensions={EXTENSION: ("phone",)})
        client.patch(URL, json=BODY, extensions={EXTENSION: PATHS})
    *untouched, encrypted = wechatpay.received
    assert [request.content for request in untouched] == [unusual, unusual, b'{"phone":null}', b""]
    for request in untouched:
        assert "Wechatpay-Serial" not in request.headers
        assert_signed_as_sent(request)
    assert encrypted.headers["Wechatpay-Serial"] == PLATFORM_B_SERIAL
    assert opened(encrypted, load_private_key(pem("platform_b_key.pem"))) == BODY
    assert_signed_as_sent(encrypted)


def test_a_retry_resends_the_same_ciphertexts_signed_afresh() -> None:
    wechatpay = WeChatPay(statuses=(500, 503, 204))
    auth = public_key_auth()
    retry = Retry(total=2, allowed_methods=["PATCH"], status_forcelist=[500, 503], backoff_factor=0)
    with httpx.Client(**httpx_args(auth, retry=retry, transport=httpx.MockTransport(wechatpay))) as client:
        assert client.patch(URL, json=BODY, extensions={EXTENSION: PATHS}).status_code == 204
    assert len(wechatpay.received) == 3
    assert len({request.content for request in wechatpay.received}) == 1  # encrypted once
    assert len({request.headers["Authorization"] for request in wechatpay.received}) == 3  # signed each time
    for request in wechatpay.received:
        assert request.headers["Wechatpay-Serial"] == PUBLIC_KEY_ID
        assert opened(request, load_private_key(pem("wechatpay_pub_key_private.pem"))) == BODY
        assert_signed_as_sent(request)


def test_a_redirect_does_not_encrypt_twice() -> None:
    wechatpay = WeChatPay(statuses=(307, 204))
    with httpx.Client(transport=httpx.MockTransport(wechatpay), auth=public_key_auth(), follow_redirects=True) as c:
        c.patch(URL, json=BODY, extensions={EXTENSION: PATHS})
    first, moved = wechatpay.received
    assert moved.content == first.content
    assert opened(moved, load_private_key(pem("wechatpay_pub_key_private.pem"))) == BODY


@pytest.mark.parametrize(
    ("body", "extension", "error", "message"),
    [
        ({"phone": 13800138000}, ("phone",), SensitiveFieldError, "sensitive field phone must be a string.*number"),
        ({"a": {"b": ["x"]}}, ("a.b",), SensitiveFieldError, "sensitive field a.b must be a string.*array"),
        ({"a": "x"}, ("a.b",), SensitiveFieldError, "sensitive field a.b: a is a JSON string, not an object"),
        ({"user_name": "张" * 72}, ("user_name",), SensitiveFieldError, "user_name: the plaintext is 216 bytes"),
        (b"phone=138", ("phone",), SensitiveFieldError, "must have a JSON body"),
        ({"phone": "138"}, "phone", ConfigurationError, "must be a tuple of dotted JSON paths"),
        ({"phone": "138"}, ("phone", ""), ConfigurationError, "must be a tuple of dotted JSON paths"),
    ],
)
def test_bad_sensitive_fields_are_refused_before_anything_is_sent(
    body: Any, extension: Any, error: type[Exception], message: str
) -> None:
    wechatpay = WeChatPay()
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    client = httpx.Client(transport=httpx.MockTransport(wechatpay), auth=public_key_auth())
    with client, pytest.raises(error, match=message):
        client.post(URL, content=content, extensions={EXTENSION: extension})
    assert wechatpay.received == []


def test_a_failing_request_shows_no_plaintext_in_errors_frames_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "110101200001011234"
    wechatpay = WeChatPay()
    with httpx.Client(transport=httpx.MockTransport(wechatpay), auth=public_key_auth()) as client:
        client.patch(URL, json={"user_name": secret}, extensions={EXTENSION: ("user_name",)})
        for body in ({"user_name": secret, "phone": 1}, {"user_name": secret * 12}):
            error = raised(lambda: client.patch(URL, json=body, extensions={EXTENSION: ("user_name", "phone")}))  # noqa: B023
            assert isinstance(error, SensitiveFieldError)
            # httpx's own frames keep the caller's arguments (json=...); the package's frames keep no plaintext.
            assert any("wechatpay_signing" in frame.f_code.co_filename for frame, _ in walk_tb(error.__traceback__))
            assert secret not in "\n".join(shown_by(error, frames_of="wechatpay_signing"))
    assert len(wechatpay.received) == 1
    assert secret not in caplog.text
    assert "encrypted sensitive fields of PATCH" in caplog.text


async def test_certificate_mode_downloads_a_certificate_to_encrypt_for_in_a_worker_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    creds = sandbox_credentials.create(tmp_path / "sandbox")
    newest = creds.platform_certificates[1]

    def newest_signed(body: bytes) -> dict[str, str]:
        return sign_response(newest.private_key, newest.serial, body, timestamp=int(time.time()))

    wechatpay = WeChatPay(sign=newest_signed)
    with SandboxServer(SandboxConfig(credentials=creds, certificate_mode=True)) as server:
        auth = auth_from_files(
            mchid=creds.mchid,
            serial_no=creds.merchant_serial,
            private_key_path=creds.folder / "apiclient_key.pem",
            apiv3_key=creds.apiv3_key,
            base_url=server.url,
        )
        store = auth.verifier.certificates
        assert isinstance(store, PlatformCertificateStore)
        threads: list[int] = []
        download = store.refresh

        def recorded(**kwargs: Any) -> bool:
            threads.append(threading.get_ident())
            return download(**kwargs)

        monkeypatch.setattr(store, "refresh", recorded)
        async with httpx.AsyncClient(transport=httpx.MockTransport(wechatpay), auth=auth) as client:
            await client.patch(URL, json=BODY, extensions={EXTENSION: PATHS})
    assert threads and threading.get_ident() not in threads  # the event loop went on meanwhile
    (request,) = wechatpay.received
    assert request.headers["Wechatpay-Serial"] == newest.serial
    assert opened(request, newest.private_key) == BODY
    assert store.downloads == 1
