"""Bad arguments to the plugin's constructors are named by a ConfigurationError when the object is made, not a
TypeError or AttributeError at the first call; above all, httpx_args without a WeChatPayAuth is refused, since its
transport would otherwise send unsigned requests and hand back unverified answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from wechatpay_signing import (
    ConfigurationError,
    MerchantSigner,
    PlatformCertificateStore,
    ResponseVerifier,
    WeChatPayAuth,
    auth_from_files,
    certificate_serial,
    httpx_args,
    load_certificate,
    read_env_file,
    request_message,
    response_message,
    retrying_transport,
)

from .support import MCHID, MERCHANT_SERIAL, PUBLIC_KEY_ID, pem
from .test_client import make_auth

KEYS = {PUBLIC_KEY_ID: pem("wechatpay_pub_key.pem")}
AUTH = make_auth()

BAD: dict[str, tuple[Callable[[], object], str]] = {
    "signer None": (lambda: WeChatPayAuth(None, AUTH.verifier), "signer must be a MerchantSigner, not NoneType"),  # type: ignore[arg-type]
    "verifier None": (lambda: WeChatPayAuth(AUTH.signer, None), "verifier must be a ResponseVerifier, not NoneType"),  # type: ignore[arg-type]
    "max_body_size str": (
        lambda: WeChatPayAuth(AUTH.signer, AUTH.verifier, max_body_size="1"),  # type: ignore[arg-type]
        "max_body_size must be a positive number of bytes, not '1'",
    ),
    "deadline str": (
        lambda: WeChatPayAuth(AUTH.signer, AUTH.verifier, deadline="1"),  # type: ignore[arg-type]
        "deadline must be a positive number of seconds or None, not '1'",
    ),
    "max_skew str": (lambda: ResponseVerifier(KEYS, max_skew="5"), "max_skew must be a number of seconds"),  # type: ignore[arg-type]
    "mchid None": (lambda: MerchantSigner(None, MERCHANT_SERIAL, pem("merchant_key.pem")), "mchid must be"),  # type: ignore[arg-type]
    "serial_no None": (lambda: MerchantSigner(MCHID, None, pem("merchant_key.pem")), "serial_no must be"),  # type: ignore[arg-type]
    "httpx_args None": (lambda: httpx_args(None), "httpx_args needs a WeChatPayAuth, not NoneType"),  # type: ignore[arg-type]
    "retry str": (lambda: httpx_args(AUTH, retry="always"), "retry must be an httpx_retries.Retry"),  # type: ignore[arg-type]
    "httpx_args transport str": (
        lambda: httpx_args(AUTH, transport="http://proxy"),  # type: ignore[arg-type]
        "transport must be an httpx.BaseTransport, not str",
    ),
    "httpx_args async_transport sync only": (
        lambda: httpx_args(AUTH, async_transport=httpx.HTTPTransport()),  # type: ignore[arg-type]
        "async_transport must be an httpx.AsyncBaseTransport, not HTTPTransport",
    ),
    "retrying_transport None": (
        lambda: retrying_transport(None),  # type: ignore[arg-type]
        "retrying_transport needs a WeChatPayAuth, not NoneType",
    ),
    "retrying_transport retry str": (
        lambda: retrying_transport(AUTH, "always"),  # type: ignore[arg-type]
        "retry must be an httpx_retries.Retry or None, not 'always'",
    ),
    "retrying_transport transport str": (
        lambda: retrying_transport(AUTH, transport="x"),  # type: ignore[arg-type]
        "transport must be an httpx.BaseTransport, not str",
    ),
    "serial int": (
        lambda: ResponseVerifier({5: pem("wechatpay_pub_key.pem")}),  # type: ignore[dict-item]
        "filed under its serial or ID (str), not int",
    ),
    "store signer None": (lambda: store(signer=None), "signer must be a MerchantSigner, not NoneType"),
    "store APIv3 key int": (lambda: store(apiv3_key=12345), "the APIv3 key must be str or bytes, not int"),
    "store cache_dir int": (lambda: store(cache_dir=5), "cache_dir must be a path or None, not int"),
    "store transport": (lambda: store(transport=httpx.Client()), "transport must be an httpx.BaseTransport"),
    "store refresh_interval str": (lambda: store(refresh_interval="6h"), "refresh_interval must be a number"),
    "store min_interval negative": (lambda: store(min_interval=-1), "min_interval must be a number of seconds"),
    "store timeout NaN": (lambda: store(timeout=float("nan")), "timeout must be a positive number of seconds"),
    "private key path None": (
        lambda: auth_from_files(mchid=MCHID, serial_no=MERCHANT_SERIAL, private_key_path=None),  # type: ignore[arg-type]
        "the merchant private key file must be given as a path, not NoneType",
    ),
}


def store(**changes: Any) -> PlatformCertificateStore:
    arguments = {"signer": AUTH.signer, "apiv3_key": "0" * 32, **changes}
    return PlatformCertificateStore(**arguments)


@pytest.mark.parametrize("case", BAD)
def test_bad_arguments_are_named_when_made(case: str) -> None:
    make, message = BAD[case]
    with pytest.raises(ConfigurationError) as raised:
        make()
    assert message in str(raised.value)


def test_no_unsigned_request_through_httpx_args_without_an_auth() -> None:
    sent: list[httpx.Request] = []
    mock = httpx.MockTransport(lambda request: sent.append(request) or httpx.Response(200))  # type: ignore[func-returns-value]
    with pytest.raises(ConfigurationError):
        httpx.Client(**httpx_args(None, transport=mock))  # type: ignore[arg-type]
    assert sent == []


SIGNED_HEADERS = {
    "Wechatpay-Timestamp": "1700000000",
    "Wechatpay-Nonce": "n",
    "Wechatpay-Serial": PUBLIC_KEY_ID,
    "Wechatpay-Signature": "AAAA",
}


BAD_CALLS: dict[str, tuple[Callable[[], object], str]] = {
    "authorization method None": (
        lambda: AUTH.signer.authorization(None, "/v3/x"),  # type: ignore[arg-type]
        "method must be an upper-case HTTP method such as GET, not None",
    ),
    "authorization url None": (
        lambda: AUTH.signer.authorization("GET", None),  # type: ignore[arg-type]
        "url must be the request target exactly as sent",
    ),
    "authorization body dict": (
        lambda: AUTH.signer.authorization("POST", "/v3/x", {"a": 1}),  # type: ignore[arg-type]
        "body must be the bytes sent (or a str, sent as UTF-8), not dict",
    ),
    "verify headers None": (
        lambda: AUTH.verifier.verify(None, b"{}"),  # type: ignore[arg-type]
        "verify takes the answer's headers (a mapping) and its body (bytes), not NoneType and bytes",
    ),
    "request_message float timestamp": (
        lambda: request_message("GET", "/v3/x", 1.5, "n", b""),  # type: ignore[arg-type]
        "request_message: timestamp must be int, not float",
    ),
    "request_message bool timestamp": (
        lambda: request_message("GET", "/v3/x", True, "n", b""),
        "request_message: timestamp must be int, not bool",
    ),
    "sign None": (lambda: AUTH.sign(None), "sign takes an httpx.Request, not NoneType"),  # type: ignore[arg-type]
    "check None": (lambda: AUTH.check(None), "check takes an httpx.Response, not NoneType"),  # type: ignore[arg-type]
    "store get None": (lambda: store().get(None), "serial must be a certificate serial (str), not NoneType"),  # type: ignore[arg-type]
    "verify body str": (
        lambda: AUTH.verifier.verify({}, "{}"),  # type: ignore[arg-type]
        "not dict and str",
    ),
    "authorization nonce int": (
        lambda: AUTH.signer.authorization("GET", "/v3/x", nonce=5),  # type: ignore[arg-type]
        "nonce must be letters, digits, '-', '_' or '.' (a str), not int",
    ),
    "authorization nonce bytes": (
        lambda: AUTH.signer.authorization("GET", "/v3/x", nonce=b"abc"),  # type: ignore[arg-type]
        "not bytes",
    ),
    # The header would say 1700000000.5 and the signed message 1700000000: an Authorization that never verifies.
    "authorization timestamp float": (
        lambda: AUTH.signer.authorization("GET", "/v3/x", timestamp=1700000000.5),  # type: ignore[arg-type]
        "timestamp must be Unix seconds (int), not float",
    ),
    "authorization timestamp str": (
        lambda: AUTH.signer.authorization("GET", "/v3/x", timestamp="1700000000"),  # type: ignore[arg-type]
        "timestamp must be Unix seconds (int), not str",
    ),
    "authorization timestamp bool": (
        lambda: AUTH.signer.authorization("GET", "/v3/x", timestamp=True),
        "timestamp must be Unix seconds (int), not bool",
    ),
    "sign message str": (
        lambda: AUTH.signer.sign("GET\n/v3/x\n"),  # type: ignore[arg-type]
        "message must be bytes, not str",
    ),
    "verify header value int": (
        lambda: AUTH.verifier.verify({**SIGNED_HEADERS, "Wechatpay-Timestamp": 1700000000}, b"{}"),  # type: ignore[dict-item]
        "header names and values must be str, not int",
    ),
    "verify header value bytes": (
        lambda: AUTH.verifier.verify({**SIGNED_HEADERS, "Wechatpay-Nonce": b"n"}, b"{}"),  # type: ignore[dict-item]
        "header names and values must be str, not bytes",
    ),
    "verify header name None": (
        lambda: AUTH.verifier.verify({None: "x", **SIGNED_HEADERS}, b"{}"),  # type: ignore[dict-item]
        "header names and values must be str, not NoneType",
    ),
    "verify signature type None": (
        lambda: AUTH.verifier.verify({**SIGNED_HEADERS, "Wechatpay-Signature-Type": None}, b"{}"),  # type: ignore[dict-item]
        "header names and values must be str, not NoneType",
    ),
    "request_message method None": (
        lambda: request_message(None, "/v3/x", 1700000000, "n", b""),  # type: ignore[arg-type]
        "request_message: method must be str, not NoneType",
    ),
    "request_message body str": (
        lambda: request_message("GET", "/v3/x", 1700000000, "n", ""),  # type: ignore[arg-type]
        "request_message: body must be bytes, not str",
    ),
    "response_message timestamp int": (
        lambda: response_message(1700000000, "n", b""),  # type: ignore[arg-type]
        "response_message: timestamp must be str, not int",
    ),
    "response_message body str": (
        lambda: response_message("1700000000", "n", "{}"),  # type: ignore[arg-type]
        "response_message: body must be bytes, not str",
    ),
    "verifier keys a list": (
        lambda: ResponseVerifier([PUBLIC_KEY_ID]),  # type: ignore[arg-type]
        "public_keys must be a mapping of serial or ID to key, not list",
    ),
    "verifier keys None with a store": (
        lambda: ResponseVerifier(None, certificates=store()),  # type: ignore[arg-type]
        "public_keys must be a mapping of serial or ID to key, not NoneType",
    ),
    "certificate_serial of PEM bytes": (
        lambda: certificate_serial(pem("platform_a_cert.pem")),  # type: ignore[arg-type]
        "certificate_serial takes an X.509 certificate (load_certificate), not bytes",
    ),
    "load_certificate None": (
        lambda: load_certificate(None),  # type: ignore[arg-type]
        "a certificate must be PEM text (str or bytes), not NoneType",
    ),
    "read_env_file None": (
        lambda: read_env_file(None),  # type: ignore[arg-type]
        "the settings file must be given as a path, not NoneType",
    ),
}


@pytest.mark.parametrize("case", BAD_CALLS)
def test_bad_arguments_to_sign_or_verify_are_named(case: str) -> None:
    """Signing and verifying by hand: a wrong type is a ConfigurationError naming it, not a TypeError or an
    AttributeError from deep inside."""
    call, message = BAD_CALLS[case]
    with pytest.raises(ConfigurationError) as raised:
        call()
    assert message in str(raised.value)
