"""No secret in the frames of an error that reaches the caller: what --showlocals, rich and Sentry record.

Each scenario makes the package raise while it holds the merchant private key PEM, the APIv3 key or a live
Authorization header, then walks the traceback (and the cause and context chains) and looks at every local variable
of every frame that is not the test's own: as text when it is text, else its repr.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from wechatpay_signing import (
    ConfigurationError,
    MerchantSigner,
    PlatformCertificateStore,
    ResponseVerifier,
    SignatureVerificationError,
    WeChatPayAuth,
    auth_from_env,
    auth_from_files,
    load_private_key,
)

from .support import FIXTURES, MCHID, MERCHANT_SERIAL, PUBLIC_KEY_ID, pem, raised, signed_response_headers

TESTS = str(Path(__file__).parent)
APIV3_KEY = "S3cretApiV3Key0123456789abcdefXY"  # 32 characters
KEY_PEM = pem("merchant_key.pem").decode()
KEY_LINES = [line for line in KEY_PEM.splitlines() if line and not line.startswith("-----")]


def errors_in_chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def leaked(error: BaseException, secrets: list[str]) -> list[str]:
    """Where a secret shows in a frame's locals, as 'function.variable'; the test's own frames are not looked at."""
    found = []
    for current in errors_in_chain(error):
        traceback = current.__traceback__
        while traceback is not None:
            frame = traceback.tb_frame
            if not frame.f_code.co_filename.startswith(TESTS):
                for name, value in frame.f_locals.items():
                    if isinstance(value, str | bytes | bytearray):
                        text = value if isinstance(value, str) else bytes(value).decode("latin-1")
                    else:
                        try:
                            text = repr(value)
                        except Exception:  # a half-made object; its repr is not what a tool would show
                            text = ""
                    found += [f"{frame.f_code.co_name}.{name}" for secret in secrets if secret in text]
            traceback = traceback.tb_next
    return found


def signer() -> MerchantSigner:
    return MerchantSigner(MCHID, MERCHANT_SERIAL, pem("merchant_key.pem"))


def test_a_bad_mchid_beside_the_private_key() -> None:
    error = raised(lambda: MerchantSigner("19000001x9!", MERCHANT_SERIAL, KEY_PEM))
    assert isinstance(error, ConfigurationError)
    assert leaked(error, KEY_LINES) == []


def test_a_cut_private_key() -> None:
    cut = "\n".join(KEY_PEM.splitlines()[:-3])
    error = raised(lambda: load_private_key(cut))
    assert isinstance(error, ConfigurationError)
    assert leaked(error, KEY_LINES[:-2]) == []


def test_an_apiv3_key_of_the_wrong_length() -> None:
    error = raised(
        lambda: auth_from_files(
            mchid=MCHID,
            serial_no=MERCHANT_SERIAL,
            private_key_path=FIXTURES / "merchant_key.pem",
            apiv3_key=APIV3_KEY + "!",
        )
    )
    assert isinstance(error, ConfigurationError)
    assert leaked(error, [APIV3_KEY, *KEY_LINES]) == []


def test_an_environment_holding_the_apiv3_key() -> None:
    environment = {
        "WECHATPAY_MCHID": MCHID,
        "WECHATPAY_MERCHANT_SERIAL_NO": MERCHANT_SERIAL,
        "WECHATPAY_PRIVATE_KEY_PATH": str(FIXTURES / "merchant_key.pem"),
        "WECHATPAY_PUBLIC_KEY_ID": PUBLIC_KEY_ID,  # without its file: refused after the key was read
        "WECHATPAY_APIV3_KEY": APIV3_KEY,
    }
    error = raised(lambda: auth_from_env(environment))
    assert isinstance(error, ConfigurationError)
    assert leaked(error, [APIV3_KEY, *KEY_LINES]) == []


def store_answering(handler: Callable[[httpx.Request], httpx.Response], sent: list[str]) -> PlatformCertificateStore:
    def recording(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["Authorization"])
        return handler(request)

    return PlatformCertificateStore(
        signer(), APIV3_KEY, base_url="https://api.mch.weixin.qq.com", transport=httpx.MockTransport(recording)
    )


def test_a_certificate_download_that_times_out() -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("scripted", request=request)

    sent: list[str] = []
    error = raised(store_answering(timeout, sent).refresh_or_raise)
    assert isinstance(error, httpx.ReadTimeout) and sent
    assert leaked(error, [APIV3_KEY, *sent, *KEY_LINES]) == []


def test_a_certificate_download_that_does_not_decrypt() -> None:
    sealed = AESGCM(b"0" * 32).encrypt(b"123456789012", b"not a certificate", b"certificate")
    entry = {
        "serial_no": "ABCDEF",
        "encrypt_certificate": {
            "algorithm": "AEAD_AES_256_GCM",
            "nonce": "123456789012",
            "associated_data": "certificate",
            "ciphertext": base64.b64encode(sealed).decode(),
        },
    }
    sent: list[str] = []
    store = store_answering(lambda request: httpx.Response(200, json={"data": [entry]}), sent)
    error = raised(store.refresh_or_raise)
    assert "APIv3 key is wrong" in str(error)
    assert leaked(error, [APIV3_KEY, *sent, *KEY_LINES]) == []


def test_a_tampered_answer_through_the_auth_flow() -> None:
    sent: list[str] = []

    def tampered(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["Authorization"])
        headers = signed_response_headers(b"{}", timestamp=int(time.time()))
        return httpx.Response(200, headers=headers, content=json.dumps({"amount": 100}).encode())

    auth = WeChatPayAuth(signer(), ResponseVerifier({PUBLIC_KEY_ID: pem("wechatpay_pub_key.pem")}))
    with httpx.Client(auth=auth, transport=httpx.MockTransport(tampered)) as client:
        error = raised(lambda: client.get("https://api.mch.weixin.qq.com/v3/x"))
    assert isinstance(error, SignatureVerificationError) and sent
    assert leaked(error, [*sent, *KEY_LINES]) == []


@pytest.mark.parametrize("secret_holder", ["signer", "store", "auth"])
def test_objects_that_hold_secrets_have_reprs_without_them(secret_holder: str) -> None:
    store = PlatformCertificateStore(signer(), APIV3_KEY)
    holders = {
        "signer": signer(),
        "store": store,
        "auth": WeChatPayAuth(signer(), ResponseVerifier({}, certificates=store)),
    }
    text = repr(holders[secret_holder])
    assert APIV3_KEY not in text and not any(line in text for line in KEY_LINES)
