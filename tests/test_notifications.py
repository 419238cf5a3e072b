"""parse_notification and WeChatPayAuth.parse_notification against notifications built independently of our code.

Each notification is encrypted here with the cryptography AES-GCM primitive and signed by openssl (tests/support.py);
the wechatpayv3 SDK's own decryption confirms that what the test builds is what WeChat Pay sends.
"""

from __future__ import annotations

import base64
import datetime
import json
import logging
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from wechatpay_signing import (
    ConfigurationError,
    MerchantSigner,
    Notification,
    NotificationDecryptionError,
    ResponseVerifier,
    SignatureVerificationError,
    WeChatPayAuth,
    WeChatPayError,
    auth_from_files,
    parse_notification,
)
from wechatpayv3 import utils as wechatpayv3_utils

from .support import (
    FIXTURES,
    MCHID,
    MERCHANT_SERIAL,
    NOTIFICATION_APIV3_KEY,
    PLATFORM_A_SERIAL,
    PUBLIC_KEY_ID,
    USER_STATE_CHANGE,
    encrypt_resource,
    notification_body,
    pem,
    signed_notification,
    signed_response_headers,
)

NOW = 1_764_460_800
WRONG_KEY = "Z" * 32
VERIFIER = ResponseVerifier(
    {PUBLIC_KEY_ID: pem("wechatpay_pub_key.pem"), PLATFORM_A_SERIAL: pem("platform_a_cert.pem")}
)
AUTH = WeChatPayAuth(
    MerchantSigner(MCHID, MERCHANT_SERIAL, pem("merchant_key.pem")), VERIFIER, apiv3_key=NOTIFICATION_APIV3_KEY
)


def parse_both(headers: Mapping[str, str], body: bytes | str, *, now: float = NOW) -> list[Notification]:
    """The notification as the function and as the auth's method read it."""
    return [
        parse_notification(headers, body, verifier=VERIFIER, apiv3_key=NOTIFICATION_APIV3_KEY, now=now),
        AUTH.parse_notification(headers, body, now=now),
    ]


def refused_by_both(headers: Mapping[str, str], body: bytes, error: type[WeChatPayError], match: str) -> None:
    with pytest.raises(error, match=match):
        parse_notification(headers, body, verifier=VERIFIER, apiv3_key=NOTIFICATION_APIV3_KEY, now=NOW)
    with pytest.raises(error, match=match):
        AUTH.parse_notification(headers, body, now=NOW)


def resign(body: bytes) -> dict[str, str]:
    """Headers signed anew over a changed body: the signature holds, only the resource is wrong."""
    return signed_response_headers(body, timestamp=NOW)


def test_a_genuine_notification_is_verified_and_decrypted_by_both() -> None:
    headers, body = signed_notification(timestamp=NOW)
    for notification in parse_both(headers, body):
        assert notification.id == "EV-2018022511223320873"
        assert notification.event_type == "FACEPAY.USER_STATE_CHANGE"
        assert notification.resource_type == "encrypt-resource"
        assert notification.summary == "刷脸用户签约状态变更"
        assert notification.create_time == datetime.datetime(2026, 11, 30, 0, 0, 1, tzinfo=datetime.UTC)
        assert notification.create_time.utcoffset() == datetime.timedelta(hours=8)
        assert notification.resource == USER_STATE_CHANGE


def test_the_test_builds_what_wechatpayv3_decrypts() -> None:
    """The oracle: the SDK opens the resource the test encrypted, to the same JSON our parser returns."""
    _, body = signed_notification(timestamp=NOW)
    sealed = json.loads(body)["resource"]
    opened = wechatpayv3_utils.aes_decrypt(
        nonce=sealed["nonce"],
        ciphertext=sealed["ciphertext"],
        associated_data=sealed["associated_data"],
        apiv3_key=NOTIFICATION_APIV3_KEY,
    )
    assert json.loads(opened) == parse_both(*signed_notification(timestamp=NOW))[0].resource


def test_a_notification_signed_with_a_platform_certificate_verifies() -> None:
    headers, body = signed_notification(timestamp=NOW, key_file="platform_a_key.pem", serial=PLATFORM_A_SERIAL.lower())
    assert parse_both(headers, body)[1].resource == USER_STATE_CHANGE


def test_header_names_in_any_case_and_a_str_body() -> None:
    headers, body = signed_notification(timestamp=NOW)
    lower = {name.lower(): value for name, value in headers.items()}
    upper = {name.upper(): value for name, value in headers.items()}
    for variant in (lower, upper):
        assert parse_both(variant, body.decode())[0].resource == USER_STATE_CHANGE


def test_a_changed_body_is_refused() -> None:
    headers, body = signed_notification(timestamp=NOW)
    changed = body.replace(b"EV-2018022511223320873", b"EV-2018022511223320874")
    refused_by_both(headers, changed, SignatureVerificationError, "does not match")


def test_a_signature_by_another_key_is_refused() -> None:
    headers, body = signed_notification(timestamp=NOW, key_file="platform_b_key.pem", serial=PUBLIC_KEY_ID)
    refused_by_both(headers, body, SignatureVerificationError, "does not match")


def test_an_unknown_serial_is_refused() -> None:
    headers, body = signed_notification(timestamp=NOW, key_file="platform_b_key.pem", serial="45C0D2F6CE3B9D3A")
    refused_by_both(headers, body, SignatureVerificationError, "unknown Wechatpay-Serial")


@pytest.mark.parametrize("age", [301, -301, 86_400])
def test_a_stale_or_future_timestamp_is_refused_as_a_forgery(age: int) -> None:
    headers, body = signed_notification(timestamp=NOW - age)
    refused_by_both(headers, body, SignatureVerificationError, "stale notification")


def test_the_edge_of_the_window_is_accepted() -> None:
    assert parse_both(*signed_notification(timestamp=NOW - 300))


def test_the_probe_signature_is_refused() -> None:
    headers, body = signed_notification(timestamp=NOW)
    headers["Wechatpay-Signature"] = "WECHATPAY/SIGNTEST/" + headers["Wechatpay-Signature"]
    refused_by_both(headers, body, SignatureVerificationError, "probe")


@pytest.mark.parametrize("name", ["Wechatpay-Signature", "Wechatpay-Serial", "Wechatpay-Timestamp", "Wechatpay-Nonce"])
def test_a_missing_header_is_refused(name: str) -> None:
    headers, body = signed_notification(timestamp=NOW)
    del headers[name]
    refused_by_both(headers, body, SignatureVerificationError, f"missing header {name}")


def test_no_headers_at_all_is_refused() -> None:
    _, body = signed_notification(timestamp=NOW)
    refused_by_both({}, body, SignatureVerificationError, "missing header")


def test_a_line_break_in_the_nonce_cannot_move_body_lines_into_it() -> None:
    """A body with a line break, signed genuinely; its first line moved into the nonce signs the same bytes."""
    nonce = "fd4a0c3f5ae4a4a8d2d8f8e9b6c2a1e0"
    sealed = encrypt_resource(USER_STATE_CHANGE)
    body = b"{\n" + notification_body(sealed)[1:]
    headers = signed_response_headers(body, timestamp=NOW, nonce=nonce)
    assert parse_both(headers, body)
    moved = headers | {"Wechatpay-Nonce": nonce + "\n{"}
    refused_by_both(moved, body[2:], SignatureVerificationError, "control character")
    carriage = headers | {"Wechatpay-Serial": PUBLIC_KEY_ID + "\r"}
    refused_by_both(carriage, body, SignatureVerificationError, "control character")


def test_a_header_given_twice_in_different_cases_is_refused() -> None:
    headers, body = signed_notification(timestamp=NOW)
    doubled = headers | {"wechatpay-serial": PLATFORM_A_SERIAL}
    refused_by_both(doubled, body, SignatureVerificationError, "given twice")


def test_a_wrong_apiv3_key_is_a_decryption_error_that_does_not_show_the_key() -> None:
    headers, body = signed_notification(timestamp=NOW, apiv3_key=WRONG_KEY)
    refused_by_both(headers, body, NotificationDecryptionError, "does not decrypt")
    with pytest.raises(NotificationDecryptionError) as caught:
        parse_notification(headers, body, verifier=VERIFIER, apiv3_key=NOTIFICATION_APIV3_KEY, now=NOW)
    assert caught.value.cause == "decrypt"
    assert caught.value.request_id == headers["Request-ID"]
    shown = str(caught.value) + repr(caught.value)
    assert NOTIFICATION_APIV3_KEY not in shown and WRONG_KEY not in shown


def test_no_frame_of_a_decryption_error_holds_the_key_or_the_plaintext() -> None:
    """With locals captured, as error trackers do, the key is nowhere in the traceback: only its cipher is."""
    tampered = encrypt_resource(USER_STATE_CHANGE)
    tampered["ciphertext"] = base64.b64encode(b"\x00" + base64.b64decode(tampered["ciphertext"])[1:]).decode()
    not_json = encrypt_resource(USER_STATE_CHANGE)
    sealed_text = AESGCM(NOTIFICATION_APIV3_KEY.encode()).encrypt(b"5K8264ILTKCH", b"secret-plaintext-1", b"facepay")
    not_json["ciphertext"] = base64.b64encode(sealed_text).decode()
    for sealed in (tampered, not_json):
        body = notification_body(sealed)
        for error in (decryption_error(resign(body), body, by_auth=False), decryption_error(resign(body), body)):
            frames = "".join(traceback.TracebackException.from_exception(error, capture_locals=True).format())
            assert "_decrypt" in frames  # the frames are there, with their locals
            assert NOTIFICATION_APIV3_KEY not in frames
            assert "secret-plaintext-1" not in frames


def decryption_error(headers: dict[str, str], body: bytes, *, by_auth: bool = True) -> NotificationDecryptionError:
    try:
        if by_auth:
            AUTH.parse_notification(headers, body, now=NOW)
        else:
            parse_notification(headers, body, verifier=VERIFIER, apiv3_key=NOTIFICATION_APIV3_KEY, now=NOW)
    except NotificationDecryptionError as error:
        return error
    raise AssertionError("not refused")


MESSAGES = {"decrypt": "does not decrypt", "algorithm": "unknown resource algorithm", "malformed": "must be strings"}


def cut_tag(sealed: dict[str, str]) -> dict[str, str]:
    return sealed | {"ciphertext": base64.b64encode(base64.b64decode(sealed["ciphertext"])[:-1] + b"!").decode()}


@pytest.mark.parametrize(
    ("change", "cause"),
    [
        (
            lambda s: s | {"ciphertext": base64.b64encode(base64.b64decode(s["ciphertext"])[:-1] + b"!").decode()},
            "decrypt",
        ),
        (lambda s: s | {"associated_data": "certificate"}, "decrypt"),
        (lambda s: s | {"nonce": "5K8264ILTKCI"}, "decrypt"),
        (lambda s: s | {"ciphertext": "not base64!"}, "decrypt"),
        (lambda s: s | {"algorithm": "AEAD_SM4_GCM"}, "algorithm"),
        (lambda s: {k: v for k, v in s.items() if k != "nonce"}, "malformed"),
    ],
)
def test_a_tampered_resource_under_a_genuine_signature_is_a_decryption_error(change: Any, cause: str) -> None:
    body = notification_body(change(encrypt_resource(USER_STATE_CHANGE)))
    refused_by_both(resign(body), body, NotificationDecryptionError, MESSAGES[cause])
    with pytest.raises(NotificationDecryptionError) as caught:
        AUTH.parse_notification(resign(body), body, now=NOW)
    assert caught.value.cause == cause


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"not json", "not JSON"),
        (b"[]", "not a JSON object"),
        (b'{"id": "EV-1"}', "lacks create_time"),
        (notification_body(encrypt_resource(USER_STATE_CHANGE)).replace(b"+08:00", b""), "no time zone"),
        (notification_body(encrypt_resource(["a list"])), "not a JSON object"),
    ],
)
def test_a_signed_body_that_is_no_notification_is_refused(body: bytes, match: str) -> None:
    refused_by_both(resign(body), body, NotificationDecryptionError, match)


def test_bad_arguments_are_named_before_anything_else() -> None:
    headers, body = signed_notification(timestamp=NOW)
    with pytest.raises(ConfigurationError, match="32 bytes, not 31"):
        parse_notification(headers, body, verifier=VERIFIER, apiv3_key="k" * 31, now=NOW)
    with pytest.raises(ConfigurationError, match="raw bytes"):
        parse_notification(headers, json.loads(body), verifier=VERIFIER, apiv3_key=NOTIFICATION_APIV3_KEY, now=NOW)
    with pytest.raises(ConfigurationError, match="must be str"):
        parse_notification(
            {k.encode(): v.encode() for k, v in headers.items()},  # type: ignore[arg-type]
            body,
            verifier=VERIFIER,
            apiv3_key=NOTIFICATION_APIV3_KEY,
            now=NOW,
        )
    without_key = WeChatPayAuth(AUTH.signer, VERIFIER)
    with pytest.raises(ConfigurationError, match="WECHATPAY_APIV3_KEY"):
        without_key.parse_notification(headers, body, now=NOW)
    with pytest.raises(ConfigurationError, match="verifier must be a ResponseVerifier, not NoneType"):
        parse_notification(headers, body, verifier=None, apiv3_key=NOTIFICATION_APIV3_KEY)  # type: ignore[arg-type]
    for now in ("1700000000", True):
        with pytest.raises(ConfigurationError, match="now must be Unix seconds"):
            AUTH.parse_notification(headers, body, now=now)  # type: ignore[arg-type]


def test_the_decrypted_resource_stays_out_of_reprs_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    notification = parse_both(*signed_notification(timestamp=NOW))[0]
    for body in (notification_body(encrypt_resource(USER_STATE_CHANGE, apiv3_key=WRONG_KEY)), b"not json"):
        with pytest.raises(NotificationDecryptionError):
            AUTH.parse_notification(resign(body), body, now=NOW)
    headers, body = signed_notification(timestamp=NOW - 600)
    with pytest.raises(SignatureVerificationError):
        AUTH.parse_notification(headers, body, now=NOW)
    shown = repr(notification) + str(notification) + repr(AUTH) + caplog.text
    assert "EV-2018022511223320873" in shown  # the check looks at the right text
    assert "refused notification" in caplog.text
    personal = [USER_STATE_CHANGE[name] for name in ("user_id", "out_user_id", "openid", "contract_id", "appid")]
    for secret in [NOTIFICATION_APIV3_KEY, WRONG_KEY, *personal]:
        assert secret not in shown, secret


@dataclass
class UserState:
    """Stands in for a generated attrs model: a class with from_dict."""

    openid: str
    out_user_id: str

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> UserState:
        return cls(openid=src_dict["openid"], out_user_id=src_dict["out_user_id"])


def test_resource_as_gives_the_typed_resource() -> None:
    notification = parse_both(*signed_notification(timestamp=NOW))[1]
    state = notification.resource_as(UserState)
    assert state == UserState(USER_STATE_CHANGE["openid"], USER_STATE_CHANGE["out_user_id"])
    headers, body = signed_notification({"user_id": "1"}, timestamp=NOW)
    with pytest.raises(NotificationDecryptionError, match="is not a UserState"):
        parse_both(headers, body)[0].resource_as(UserState)


def test_the_spec_model_is_the_typed_view_of_a_user_state_change() -> None:
    """FACEPAY.USER_STATE_CHANGE's resource as the generated UserStateChangeResource; a resource that lacks a field
    the spec requires is refused with NotificationDecryptionError, not a KeyError."""
    from wechatpay_offlineface.models import UserStateChangeResource
    from wechatpay_offlineface.types import UNSET

    for notification in parse_both(*signed_notification(timestamp=NOW)):
        state = notification.resource_as(UserStateChangeResource)
        assert isinstance(state, UserStateChangeResource)
        assert state.to_dict() == USER_STATE_CHANGE
    without_contract = {k: v for k, v in USER_STATE_CHANGE.items() if k != "contract_id"}  # optional in the spec
    assert (
        parse_both(*signed_notification(without_contract, timestamp=NOW))[0]
        .resource_as(UserStateChangeResource)
        .contract_id
        is UNSET
    )
    without_openid = {k: v for k, v in USER_STATE_CHANGE.items() if k != "openid"}
    with pytest.raises(NotificationDecryptionError, match="is not a UserStateChangeResource"):
        parse_both(*signed_notification(without_openid, timestamp=NOW))[1].resource_as(UserStateChangeResource)


def test_the_apiv3_key_with_a_public_key_starts_no_certificate_download() -> None:
    auth = auth_from_files(
        mchid=MCHID,
        serial_no=MERCHANT_SERIAL,
        private_key_path=FIXTURES / "merchant_key.pem",
        public_key_id=PUBLIC_KEY_ID,
        public_key_path=FIXTURES / "wechatpay_pub_key.pem",
        apiv3_key=NOTIFICATION_APIV3_KEY,
    )
    assert auth.verifier.certificates is None
    assert auth.parse_notification(*signed_notification(timestamp=NOW), now=NOW).resource == USER_STATE_CHANGE
    downloading = auth_from_files(
        mchid=MCHID,
        serial_no=MERCHANT_SERIAL,
        private_key_path=FIXTURES / "merchant_key.pem",
        apiv3_key=NOTIFICATION_APIV3_KEY,
    )
    assert downloading.verifier.certificates is not None  # certificate mode still downloads
    with pytest.raises(ConfigurationError, match="32 bytes"):
        WeChatPayAuth(AUTH.signer, VERIFIER, apiv3_key="short")


def test_many_threads_parse_with_one_auth() -> None:
    """Parsing holds no shared state but the keys: 8 threads, 200 notifications, each parsed to its own id."""
    from concurrent.futures import ThreadPoolExecutor

    signed = [signed_notification(timestamp=NOW, notification_id=f"EV-{index:04d}") for index in range(25)] * 8
    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(lambda pair: AUTH.parse_notification(*pair, now=NOW).id, signed))
    assert ids == [f"EV-{index:04d}" for index in range(25)] * 8
