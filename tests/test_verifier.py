"""ResponseVerifier against responses signed by openssl and by the wechatpayv3 SDK."""

from __future__ import annotations

import re
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from cryptography.x509 import load_pem_x509_certificate
from wechatpay_signing import (
    ClockSkewError,
    ConfigurationError,
    ResponseVerifier,
    SignatureVerificationError,
    WeChatPayError,
)
from wechatpayv3 import utils as wechatpayv3_utils

from .support import PLATFORM_A_SERIAL, PLATFORM_B_SERIAL, PUBLIC_KEY_ID, pem, signed_response_headers

NOW = 1_700_000_000
BODY = '{"collection_id":"FC2353ZJIHOJKHOIIOIJ","use_id":"u1","organization_id":"123","collection_state":"COMPLETE",'
BODY += '"confirm_time":"2019-08-02T14:34:56+08:00","note":"学校食堂"}'
BODY_BYTES = BODY.encode()


@pytest.fixture(scope="module")
def verifier() -> ResponseVerifier:
    """Mixed mode, as during a migration: two platform certificates and a public key in one map."""
    return ResponseVerifier(
        {
            PLATFORM_A_SERIAL: pem("platform_a_cert.pem"),
            PLATFORM_B_SERIAL.lower(): pem("platform_b_cert.pem").decode(),
            PUBLIC_KEY_ID: pem("wechatpay_pub_key.pem"),
        }
    )


@pytest.fixture(scope="module")
def public_key_headers() -> dict[str, str]:
    return signed_response_headers(BODY_BYTES, timestamp=NOW)


@pytest.mark.parametrize(
    ("key_file", "serial"),
    [
        ("wechatpay_pub_key_private.pem", PUBLIC_KEY_ID),
        ("platform_a_key.pem", PLATFORM_A_SERIAL),
        ("platform_b_key.pem", PLATFORM_B_SERIAL),
        ("platform_b_key.pem", PLATFORM_B_SERIAL.lower()),
    ],
)
def test_every_key_of_a_mixed_map_verifies(verifier: ResponseVerifier, key_file: str, serial: str) -> None:
    verifier.verify(
        signed_response_headers(BODY_BYTES, timestamp=NOW, key_file=key_file, serial=serial), BODY_BYTES, now=NOW
    )


def test_a_key_does_not_verify_under_another_serial(verifier: ResponseVerifier) -> None:
    headers = signed_response_headers(BODY_BYTES, timestamp=NOW, key_file="platform_a_key.pem", serial=PUBLIC_KEY_ID)
    with pytest.raises(SignatureVerificationError, match="does not match"):
        verifier.verify(headers, BODY_BYTES, now=NOW)


def test_signature_made_by_wechatpayv3_verifies_and_ours_is_accepted_by_it(verifier: ResponseVerifier) -> None:
    key = load_pem_private_key(pem("platform_a_key.pem"), password=None)
    signature = wechatpayv3_utils.rsa_sign(key, f"{NOW}\nnonce42\n{BODY}\n")
    headers = {
        "wechatpay-timestamp": str(NOW),
        "WECHATPAY-NONCE": "nonce42",
        "Wechatpay-Signature": signature,
        "Wechatpay-Serial": PLATFORM_A_SERIAL,
    }
    verifier.verify(headers, BODY_BYTES, now=NOW)  # Header names in any case; Signature-Type may be absent.
    public_key = load_pem_x509_certificate(pem("platform_a_cert.pem")).public_key()
    assert wechatpayv3_utils.rsa_verify(str(NOW), "nonce42", BODY, signature, public_key)


def test_loaded_keys_and_certificates_are_accepted() -> None:
    verifier = ResponseVerifier(
        {
            PLATFORM_A_SERIAL: load_pem_x509_certificate(pem("platform_a_cert.pem")),
            PUBLIC_KEY_ID: load_pem_public_key(pem("wechatpay_pub_key.pem")),  # type: ignore[dict-item]
        }
    )
    verifier.verify(signed_response_headers(BODY_BYTES, timestamp=NOW), BODY_BYTES, now=NOW)
    assert verifier.public_key_id == PUBLIC_KEY_ID


def test_tampered_body_is_rejected(verifier: ResponseVerifier, public_key_headers: dict[str, str]) -> None:
    tampered = BODY_BYTES.replace(b"COMPLETE", b"COLLECTION_REQUIRED")
    with pytest.raises(SignatureVerificationError, match="does not match") as caught:
        verifier.verify(public_key_headers, tampered, now=NOW)
    assert caught.value.serial == PUBLIC_KEY_ID
    assert caught.value.request_id == "08F78BB5AF0610D302180B2A8A0E00-0"
    assert "08F78BB5AF0610D302180B2A8A0E00-0" in str(caught.value)
    assert public_key_headers["Wechatpay-Signature"] not in str(caught.value)


@pytest.mark.parametrize("field", ["Wechatpay-Signature", "Wechatpay-Nonce", "Wechatpay-Timestamp"])
def test_tampered_signed_header_is_rejected(
    verifier: ResponseVerifier, public_key_headers: dict[str, str], field: str
) -> None:
    headers = dict(public_key_headers)
    value = headers[field]
    if field == "Wechatpay-Signature":
        headers[field] = ("B" if value[0] == "A" else "A") + value[1:]
    elif field == "Wechatpay-Nonce":
        headers[field] = value + "x"
    else:
        headers[field] = str(int(value) + 1)
    with pytest.raises(SignatureVerificationError, match="does not match"):
        verifier.verify(headers, BODY_BYTES, now=NOW)


def test_unknown_serial_is_rejected(verifier: ResponseVerifier) -> None:
    headers = signed_response_headers(BODY_BYTES, timestamp=NOW, serial="PUB_KEY_ID_0999999999999999999999999999")
    with pytest.raises(SignatureVerificationError, match="unknown Wechatpay-Serial") as caught:
        verifier.verify(headers, BODY_BYTES, now=NOW)
    assert caught.value.serial == "PUB_KEY_ID_0999999999999999999999999999"


@pytest.mark.parametrize(
    "probe",
    [
        "WECHATPAY/SIGNTEST/",
        "WECHATPAY/SIGNTEST/8pIJ6R+tDe9LdrpaJvr1oEXxUcqAngrEwjZHCFSVuV0=",
        "WECHATPAY/SIGNTEST/@@not base64@@",
    ],
)
def test_probe_signature_fails_cleanly(
    verifier: ResponseVerifier, public_key_headers: dict[str, str], probe: str
) -> None:
    headers = {**public_key_headers, "Wechatpay-Signature": probe}
    with pytest.raises(SignatureVerificationError, match="probe"):
        verifier.verify(headers, BODY_BYTES, now=NOW)


@pytest.mark.parametrize("signature", ["%%%not-base64%%%", "QUJD", "QUJ"])
def test_garbage_signature_fails_cleanly(
    verifier: ResponseVerifier, public_key_headers: dict[str, str], signature: str
) -> None:
    with pytest.raises(SignatureVerificationError):
        verifier.verify({**public_key_headers, "Wechatpay-Signature": signature}, BODY_BYTES, now=NOW)


@pytest.mark.parametrize(
    "missing", ["Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Signature", "Wechatpay-Serial"]
)
def test_missing_header_is_named(verifier: ResponseVerifier, public_key_headers: dict[str, str], missing: str) -> None:
    headers = {name: value for name, value in public_key_headers.items() if name != missing}
    with pytest.raises(SignatureVerificationError, match=f"missing header {missing}"):
        verifier.verify(headers, BODY_BYTES, now=NOW)


def test_unsigned_response_is_rejected(verifier: ResponseVerifier) -> None:
    with pytest.raises(SignatureVerificationError, match="missing header"):
        verifier.verify({"Content-Type": "application/json"}, BODY_BYTES, now=NOW)


@pytest.mark.parametrize("signature_type", ["WECHATPAY2-SM2-WITH-SM3", "wechatpay2-sha256-rsa2048", ""])
def test_wrong_signature_type_is_rejected(
    verifier: ResponseVerifier, public_key_headers: dict[str, str], signature_type: str
) -> None:
    headers = {**public_key_headers, "Wechatpay-Signature-Type": signature_type}
    with pytest.raises(SignatureVerificationError, match="Signature-Type"):
        verifier.verify(headers, BODY_BYTES, now=NOW)


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [(-301, False), (-300, True), (-299, True), (0, True), (299, True), (300, True), (301, False)],
)
def test_timestamp_skew_boundary(
    verifier: ResponseVerifier, public_key_headers: dict[str, str], offset: int, accepted: bool
) -> None:
    # The response was signed at NOW; the local clock reads NOW - offset, so the response is `offset` s ahead.
    if accepted:
        verifier.verify(public_key_headers, BODY_BYTES, now=NOW - offset)
    else:
        # The response is ahead, so the local clock is behind it, and the other way round.
        direction = "behind" if offset > 0 else "ahead of"
        expected = f"local clock is about 5 min {direction} .*" + re.escape(f"({offset:+d} s")
        with pytest.raises(ClockSkewError, match=expected) as caught:
            verifier.verify(public_key_headers, BODY_BYTES, now=NOW - offset)
        assert caught.value.skew == offset


def test_max_skew_is_configurable(public_key_headers: dict[str, str]) -> None:
    strict = ResponseVerifier({PUBLIC_KEY_ID: pem("wechatpay_pub_key.pem")}, max_skew=10)
    strict.verify(public_key_headers, BODY_BYTES, now=NOW + 10)
    with pytest.raises(ClockSkewError, match="about 11 s ahead of"):
        strict.verify(public_key_headers, BODY_BYTES, now=NOW + 11)


@pytest.mark.parametrize(
    ("skew", "words"),
    [(-600, "about 10 min ahead of"), (3600 * 5, "about 5.0 h behind"), (400, "about 7 min behind")],
)
def test_clock_skew_says_by_about_how_much(public_key_headers: dict[str, str], skew: int, words: str) -> None:
    verifier = ResponseVerifier({PUBLIC_KEY_ID: pem("wechatpay_pub_key.pem")})
    with pytest.raises(ClockSkewError, match=words) as caught:
        verifier.verify(public_key_headers, BODY_BYTES, now=NOW - skew)
    # The local machine's problem, not a forgery; the answer is refused all the same.
    assert not isinstance(caught.value, SignatureVerificationError) and isinstance(caught.value, WeChatPayError)
    assert caught.value.skew == pytest.approx(skew, abs=1)
    assert "local clock is off" in str(caught.value) and "NTP" in str(caught.value)


@pytest.mark.parametrize("timestamp", ["", "abc", "1700000000.5", "-1700000000", "１７"])
def test_malformed_timestamp_is_rejected(
    verifier: ResponseVerifier, public_key_headers: dict[str, str], timestamp: str
) -> None:
    with pytest.raises(SignatureVerificationError):
        verifier.verify({**public_key_headers, "Wechatpay-Timestamp": timestamp}, BODY_BYTES, now=NOW)


@pytest.mark.parametrize(
    ("keys", "names"),
    [
        ({}, "needs a WeChat Pay public key, a platform certificate, or a certificate store"),
        ({PLATFORM_B_SERIAL: pem("platform_a_cert.pem")}, f"has serial {PLATFORM_A_SERIAL}"),
        ({PUBLIC_KEY_ID: pem("merchant_key.pem")}, "private key"),
        ({PUBLIC_KEY_ID: b"garbage"}, "not a PEM public key"),
    ],
)
def test_bad_key_maps_are_named(keys: dict[str, bytes], names: str) -> None:
    with pytest.raises(ConfigurationError, match=names) as caught:
        ResponseVerifier(keys)
    assert isinstance(caught.value, WeChatPayError)


def test_repr_lists_serials_only(verifier: ResponseVerifier) -> None:
    text = repr(verifier)
    assert PUBLIC_KEY_ID in text and PLATFORM_A_SERIAL in text
    assert "KEY-----" not in text and "CERTIFICATE" not in text


class StaticCertificates:
    """A CertificateGetter that is not the store: the verifier needs only get, all and newest."""

    def __init__(self, keys: dict[str, Any]) -> None:
        self.keys = keys
        self.asked: list[str] = []

    def get(self, serial: str) -> Any:
        self.asked.append(serial)
        return self.keys.get(serial.upper())

    def all(self) -> dict[str, Any]:
        return dict(self.keys)

    def newest(self) -> str | None:
        return max(self.keys, default=None)


def test_any_certificate_getter_supplies_keys_the_map_does_not_hold() -> None:
    key = load_pem_x509_certificate(pem("platform_a_cert.pem")).public_key()
    getter = StaticCertificates({PLATFORM_A_SERIAL: key})
    verifier = ResponseVerifier({}, certificates=getter)
    signed = signed_response_headers(BODY_BYTES, timestamp=NOW, key_file="platform_a_key.pem", serial=PLATFORM_A_SERIAL)
    verifier.verify(signed, BODY_BYTES, now=NOW)
    assert getter.asked == [PLATFORM_A_SERIAL]
    # A serial the getter does not hold fails closed, naming what it does hold.
    other = signed_response_headers(BODY_BYTES, timestamp=NOW, key_file="platform_b_key.pem", serial=PLATFORM_B_SERIAL)
    with pytest.raises(SignatureVerificationError, match="unknown Wechatpay-Serial") as refused:
        verifier.verify(other, BODY_BYTES, now=NOW)
    assert refused.value.reason.endswith(f"downloaded certificates: {PLATFORM_A_SERIAL}")
    # Its key for another serial is not taken for this one: B's signature filed under A's serial does not verify.
    swapped = signed_response_headers(
        BODY_BYTES, timestamp=NOW, key_file="platform_b_key.pem", serial=PLATFORM_A_SERIAL
    )
    with pytest.raises(SignatureVerificationError, match="does not match"):
        verifier.verify(swapped, BODY_BYTES, now=NOW)
