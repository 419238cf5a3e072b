"""MerchantSigner against signatures made by openssl and headers built by the wechatpayv3 SDK."""

from __future__ import annotations

import re

import pytest
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from wechatpay_signing import ConfigurationError, MerchantSigner, WeChatPayError, request_message
from wechatpayv3 import utils as wechatpayv3_utils

from .support import MCHID, MERCHANT_SERIAL, merchant_public_pem, openssl_verify, parse_authorization, pem

TIMESTAMP = 1554208460
NONCE = "593BEC0C930BF1AFEB40B4A08C8FB242"

# Each expected signature was made once with `printf MESSAGE | openssl dgst -sha256 -sign merchant_key.pem | base64`.
VECTORS = [
    pytest.param(
        "GET",
        "/v3/offlineface/face-collections/FC2353ZJIHOJKHOIIOIJ?appid=wxd678efh567hg6787",
        b"",
        b"GET\n/v3/offlineface/face-collections/FC2353ZJIHOJKHOIIOIJ?appid=wxd678efh567hg6787\n"
        b"1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n",
        "VEiaHMXT0D1VYuJRYH3T6CdKo3byzw7M4KeABN5i2MkwKqbAShCQLHezlF1LyiS1XQTFFw77xDzrT0kJKsf0W8gCJiOgxtQpu2jCiINmm8Y7"
        "WAFUNECWQebXWT9hm8A4WF6CXI+77G/gRIY2dtcZIPpxx8nQwrsG5vqmXTeznl4T/qDE7Lc8VSW5X8aWHPYIeRj/8kETBI+9JH6/d0uiEmuZ"
        "myYrJXOlVSEhAMtXcKRXTpE/vZqeSk7HZmVJP7I56wjyLLWNoL4eJRu4w7ZWeknoe1Iv8U6hcVkWwBW2zgygaidXqCEp58achLzZ0FeTuuAB"
        "/aeM/s/xxSQBqYCi6w==",
        id="get-with-query-empty-body",
    ),
    pytest.param(
        "GET",
        "/v3/offlineface/face-collections/%E4%B8%AD%E6%96%87%2Fa%20b%252F",
        b"",
        b"GET\n/v3/offlineface/face-collections/%E4%B8%AD%E6%96%87%2Fa%20b%252F\n"
        b"1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n",
        "OcCRKIlDF33N+ZivCEelQSzYJhNMofiVpRM6BeY0XA7Mps45nGfCjwSHrwdokI5TCGsmyskZ5LYYQDbVxe+l2dZQB90IPxy8pjkHvTjZvcuD"
        "WeDNipnPMcJ1eLb+o5/iCLEbV8AXDrZ4Q5LySXejq8hqlh7XW8u0YfZHSAs7hnDOqgrvk4ruFZZeg299QExvrSHAZo77FkydGjaNolUsbd6p"
        "3R844eD541YHsPgtLRIpXoGELXliJ71fnu9PDzpEb+QpUtuAzCI1bYfS7Hke3UJrCGJGde5ZRzkpV7OHQsrdz1IHQl9lldsdFTY0s4MaTQUP"
        "dXefB1ut/aiKoQKuKw==",
        id="encoded-chinese-slash-space-percent-id",
    ),
    pytest.param(
        "POST",
        "/v3/offlineface/contracts/presign",
        '{"organization_id":"123","description":"学校食堂 午餐"}'.encode(),
        b"POST\n/v3/offlineface/contracts/presign\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n"
        + '{"organization_id":"123","description":"学校食堂 午餐"}\n'.encode(),
        "jGKOoFJJGUiZUSsSS3iuyMk0YkrDMrqFNu0wBWXdtvvAb0hFW9craZz0ASKgaZPh77iKnv6O96R9JLUG7SmpIEswRLMvFqxN6nBgQQm7z2zX"
        "ELB+yDVc1cbIAFCz/SSdmFNJ8X0qHNz3X1A4o3MdU5LPXG+yL20gzI5YUAHTkYZ61Q9dn4rih1qvf9aaei+mrhHGOZSiWzEBBKS/1gqalvDP"
        "k84tnN0wlzyKnOcMltl25ecQrA11mBlZF81QY34XxZGBvy51egb/JoSd8kqjKMkiukg1+x2NCq1N0PQrY3T07gge7z1c/XoZX9TvKeyZKx38"
        "Q0Dnr/aXRTS8DRTNXA==",
        id="post-chinese-utf8-body",
    ),
]


@pytest.fixture(scope="module")
def signer() -> MerchantSigner:
    return MerchantSigner(MCHID, MERCHANT_SERIAL, pem("merchant_key.pem"))


@pytest.mark.parametrize(("method", "url", "body", "message", "signature"), VECTORS)
def test_signature_matches_openssl(
    signer: MerchantSigner, method: str, url: str, body: bytes, message: bytes, signature: str
) -> None:
    assert request_message(method, url, TIMESTAMP, NONCE, body) == message
    header = signer.authorization(method, url, body, timestamp=TIMESTAMP, nonce=NONCE)
    assert parse_authorization(header) == {
        "mchid": MCHID,
        "nonce_str": NONCE,
        "signature": signature,
        "timestamp": str(TIMESTAMP),
        "serial_no": MERCHANT_SERIAL,
    }


@pytest.mark.parametrize(("method", "url", "body", "message", "signature"), VECTORS)
def test_header_equals_wechatpayv3(
    signer: MerchantSigner,
    monkeypatch: pytest.MonkeyPatch,
    method: str,
    url: str,
    body: bytes,
    message: bytes,
    signature: str,
) -> None:
    monkeypatch.setattr(wechatpayv3_utils.time, "time", lambda: TIMESTAMP)
    key = load_pem_private_key(pem("merchant_key.pem"), password=None)
    theirs = wechatpayv3_utils.build_authorization(
        url, method, MCHID, MERCHANT_SERIAL, key, data=body.decode() or None, nonce_str=NONCE
    )
    assert signer.authorization(method, url, body, timestamp=TIMESTAMP, nonce=NONCE) == theirs


def test_str_body_is_signed_as_utf8(signer: MerchantSigner) -> None:
    text = '{"description":"学校食堂 午餐"}'
    as_text = signer.authorization("POST", "/v3/x", text, timestamp=TIMESTAMP, nonce=NONCE)
    assert as_text == signer.authorization("POST", "/v3/x", text.encode(), timestamp=TIMESTAMP, nonce=NONCE)


def test_defaults_are_now_and_a_fresh_32_character_nonce(signer: MerchantSigner) -> None:
    import time

    before = int(time.time())
    first = parse_authorization(signer.authorization("GET", "/v3/certificates"))
    second = parse_authorization(signer.authorization("GET", "/v3/certificates"))
    assert before <= int(first["timestamp"]) <= int(time.time())
    assert re.fullmatch(r"[0-9A-Za-z]{32}", first["nonce_str"])
    assert first["nonce_str"] != second["nonce_str"]
    message = b"GET\n/v3/certificates\n%s\n%s\n\n" % (first["timestamp"].encode(), first["nonce_str"].encode())
    assert openssl_verify(merchant_public_pem(), message, first["signature"])


def test_accepts_a_loaded_key() -> None:
    key = load_pem_private_key(pem("merchant_key.pem"), password=None)
    signer = MerchantSigner(MCHID, MERCHANT_SERIAL, key)  # type: ignore[arg-type]
    header = signer.authorization("GET", VECTORS[0].values[1], timestamp=TIMESTAMP, nonce=NONCE)  # type: ignore[arg-type]
    assert parse_authorization(header)["signature"] == VECTORS[0].values[4]


@pytest.mark.parametrize(
    ("kwargs", "names"),
    [
        ({"private_key": pem("merchant_cert.pem")}, "apiclient_key.pem"),
        ({"private_key": b"not a key"}, "PEM private key"),
        ({"private_key": pem("wechatpay_pub_key.pem")}, "PEM private key"),
        ({"serial_no": "PUB_KEY_ID_0114232134912410000000000000"}, "public key ID"),
        ({"serial_no": "5157F09E FD"}, "hex serial"),
        ({"mchid": '19"00'}, "mchid"),
        ({"mchid": ""}, "mchid"),
    ],
)
def test_bad_credentials_are_named(kwargs: dict[str, object], names: str) -> None:
    arguments: dict[str, object] = {
        "mchid": MCHID,
        "serial_no": MERCHANT_SERIAL,
        "private_key": pem("merchant_key.pem"),
        **kwargs,
    }
    with pytest.raises(ConfigurationError, match=names) as caught:
        MerchantSigner(**arguments)  # type: ignore[arg-type]
    assert isinstance(caught.value, WeChatPayError)
    assert "PRIVATE KEY" not in str(caught.value)


@pytest.mark.parametrize(
    ("method", "url", "nonce", "names"),
    [
        ("get", "/v3/x", None, "method"),
        ("GET", "v3/x", None, "url"),
        ("GET", "https://api.mch.weixin.qq.com/v3/x", None, "url"),
        ("GET", "/v3/face-collections/中文", None, "url"),
        ("GET", "/v3/face-collections/a b", None, "url"),
        ("GET", "/v3/face-collections/a#b", None, "url"),
        ("GET", "/v3/x", 'bad"nonce', "nonce"),
    ],
)
def test_bad_request_input_is_named(
    signer: MerchantSigner, method: str, url: str, nonce: str | None, names: str
) -> None:
    with pytest.raises(ConfigurationError, match=names):
        signer.authorization(method, url, nonce=nonce)


def test_repr_shows_no_key(signer: MerchantSigner) -> None:
    assert repr(signer) == f"MerchantSigner(mchid='{MCHID}', serial_no='{MERCHANT_SERIAL}')"
    assert not hasattr(signer, "__dict__")
