"""Header values a hostile server or a man in the middle might send: control characters and silly numbers.

Each is refused with this package's errors (the Request-ID kept), never a bare OverflowError or ValueError, and a
signed message is never built from a value holding a newline. Signatures are made by openssl (tests/support.py).
"""

from __future__ import annotations

import json
import time
import types
from collections.abc import Iterator

import httpx
import pytest
from wechatpay_offlineface import Client, errors
from wechatpay_offlineface.api.face_collections import get_face_collection
from wechatpay_signing import DEFAULT_RETRY, ResponseVerifier, SignatureVerificationError, httpx_args

from .support import PUBLIC_KEY_ID, openssl_sign, pem, signed_response_headers
from .test_client import COLLECTION, make_auth

NOW = 1_700_000_000
HOST = "https://api.mch.weixin.qq.com"
BODY = json.dumps(COLLECTION).encode()
REQUEST_ID = "08F78BB5AF0610D302180B2A8A0E00-0"


def verifier() -> ResponseVerifier:
    return ResponseVerifier({PUBLIC_KEY_ID: pem("wechatpay_pub_key.pem")})


def test_a_nonce_with_a_newline_is_refused_although_its_signature_is_genuine() -> None:
    # Nonce "A\nB" and body X sign the same bytes as nonce "A" and body "B\nX": one signature, two answers.
    nonce, body = "A\nB", b'{"amount":1}'
    signature = openssl_sign("wechatpay_pub_key_private.pem", b"%d\n%s\n%s\n" % (NOW, nonce.encode(), body))
    headers = {
        "Wechatpay-Timestamp": str(NOW),
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Signature": signature,
        "Wechatpay-Serial": PUBLIC_KEY_ID,
        "Request-ID": REQUEST_ID,
    }
    with pytest.raises(SignatureVerificationError, match="Wechatpay-Nonce holds a control character") as caught:
        verifier().verify(headers, body, now=NOW)
    assert caught.value.request_id == REQUEST_ID


SIGNED_HEADERS = ["Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Serial", "Wechatpay-Signature"]


@pytest.mark.parametrize("header", SIGNED_HEADERS)
@pytest.mark.parametrize("character", ["\r", "\n", "\x00", "\x1b", "\x7f"])
def test_control_characters_in_any_signed_header_are_refused(header: str, character: str) -> None:
    headers = signed_response_headers(BODY, timestamp=NOW)
    headers[header] = headers[header][:4] + character + headers[header][4:]
    with pytest.raises(SignatureVerificationError, match=f"{header} holds a control character") as caught:
        verifier().verify(headers, BODY, now=NOW)
    assert caught.value.serial is None  # the hostile value is not repeated in the error
    assert character not in str(caught.value)


def test_a_400_digit_timestamp_is_a_verification_error_with_the_request_id() -> None:
    headers = signed_response_headers(BODY, timestamp=NOW)
    headers["Wechatpay-Timestamp"] = "9" * 400
    with pytest.raises(SignatureVerificationError, match="not a Unix time") as caught:
        verifier().verify(headers, BODY, now=NOW)
    assert caught.value.request_id == REQUEST_ID


def test_a_400_digit_timestamp_through_the_client_raises_a_verification_error() -> None:
    def server(request: httpx.Request) -> httpx.Response:
        headers = signed_response_headers(BODY, timestamp=int(time.time()))
        return httpx.Response(200, headers={**headers, "Wechatpay-Timestamp": "1" * 400}, content=BODY)

    client = Client(base_url=HOST, httpx_args={"auth": make_auth(), "transport": httpx.MockTransport(server)})
    with pytest.raises(SignatureVerificationError) as caught:
        get_face_collection.sync("FC1", client=client, appid="wx1")
    assert caught.value.request_id == REQUEST_ID


@pytest.mark.parametrize("date", ["Mon, 01 Jan 99999999999 00:00:00 GMT", "Mon, 01 Jan 99999999999999999999 00:00 GMT"])
def test_a_401_with_a_date_in_a_silly_year_is_an_api_error_with_the_request_id(date: str) -> None:
    def server(request: httpx.Request) -> httpx.Response:
        error = {"code": "SIGN_ERROR", "message": "签名错误"}
        return httpx.Response(401, headers={"Date": date, "Request-ID": REQUEST_ID}, json=error)

    client = Client(base_url=HOST, httpx_args={"auth": make_auth(), "transport": httpx.MockTransport(server)})
    with pytest.raises(errors.ApiError) as caught:
        get_face_collection.sync("FC1", client=client, appid="wx1")
    assert (caught.value.status_code, caught.value.request_id) == (401, REQUEST_ID)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """The waits the retry loop asks for, without waiting."""
    recorded: list[float] = []
    monkeypatch.setattr("httpx_retries.retry.time", types.SimpleNamespace(sleep=recorded.append))
    yield recorded


@pytest.mark.parametrize(
    "retry_after",
    ["9" * 400, "99999999", "Mon, 01 Jan 99999999999 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "1e999"],
)
def test_a_silly_retry_after_is_no_hint(sleeps: list[float], retry_after: str) -> None:
    answers = iter([httpx.Response(503, headers={"Retry-After": retry_after, "Request-ID": REQUEST_ID}, json={})])

    def server(request: httpx.Request) -> httpx.Response:
        return next(answers, None) or httpx.Response(
            200, headers=signed_response_headers(BODY, timestamp=int(time.time())), content=BODY
        )

    mock = httpx.MockTransport(server)
    args = httpx_args(make_auth(), retry=DEFAULT_RETRY.copy_with(backoff_jitter=0), transport=mock)
    client = Client(base_url=HOST, httpx_args=args)
    collection_id = str(COLLECTION["collection_id"])
    assert get_face_collection.sync(collection_id, client=client, appid="wx1").collection_id == collection_id
    # The usual first backoff (0.5 s), not the longest wait (5 s) nor an OverflowError.
    assert sleeps == [0.5]


def test_a_sensible_retry_after_is_still_followed(sleeps: list[float]) -> None:
    retry = DEFAULT_RETRY.copy_with(backoff_jitter=0)
    assert retry._calculate_sleep(httpx.Headers({"Retry-After": "2"})) == 2.0
    assert retry._calculate_sleep(httpx.Headers({"Retry-After": "600"})) == 5.0  # capped, as before
