"""Building WeChatPayAuth from files and WECHATPAY_* variables, and keeping secrets out of reprs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from wechatpay_signing import ConfigurationError, WeChatPayAuth, auth_from_env, auth_from_files

from .support import FIXTURES, MCHID, MERCHANT_SERIAL, PLATFORM_A_SERIAL, PLATFORM_B_SERIAL, PUBLIC_KEY_ID, pem

ENV = {
    "WECHATPAY_MCHID": MCHID,
    "WECHATPAY_MERCHANT_SERIAL_NO": MERCHANT_SERIAL,
    "WECHATPAY_PRIVATE_KEY_PATH": str(FIXTURES / "merchant_key.pem"),
    "WECHATPAY_PUBLIC_KEY_ID": PUBLIC_KEY_ID,
    "WECHATPAY_PUBLIC_KEY_PATH": str(FIXTURES / "wechatpay_pub_key.pem"),
}


def test_from_env_public_key_mode() -> None:
    auth = auth_from_env(ENV)
    assert auth.signer.mchid == MCHID
    assert auth.verifier.serials == {PUBLIC_KEY_ID}
    assert auth.verifier.public_key_id == PUBLIC_KEY_ID


def test_from_env_both_modes_with_certificates_named_by_their_serials() -> None:
    paths = os.pathsep.join(str(FIXTURES / name) for name in ("platform_a_cert.pem", "platform_b_cert.pem"))
    auth = auth_from_env({**ENV, "WECHATPAY_PLATFORM_CERTIFICATE_PATHS": paths})
    assert auth.verifier.serials == {PUBLIC_KEY_ID, PLATFORM_A_SERIAL, PLATFORM_B_SERIAL}


def test_from_files_certificates_only() -> None:
    auth = auth_from_files(
        mchid=MCHID,
        serial_no=MERCHANT_SERIAL,
        private_key_path=FIXTURES / "merchant_key.pem",
        platform_certificate_paths=[FIXTURES / "platform_a_cert.pem"],
    )
    assert auth.verifier.serials == {PLATFORM_A_SERIAL}
    assert auth.verifier.public_key_id is None


@pytest.mark.parametrize(
    ("change", "names"),
    [
        ({"WECHATPAY_MCHID": ""}, "WECHATPAY_MCHID is not set"),
        ({"WECHATPAY_PRIVATE_KEY_PATH": "/nonexistent/apiclient_key.pem"}, "merchant private key file"),
        ({"WECHATPAY_PUBLIC_KEY_ID": ""}, "give both or neither"),
        ({"WECHATPAY_PUBLIC_KEY_ID": "0114232134912410000000000000"}, "must start with PUB_KEY_ID_"),
        ({"WECHATPAY_PUBLIC_KEY_ID": "", "WECHATPAY_PUBLIC_KEY_PATH": ""}, "nothing to verify .* WECHATPAY_APIV3_KEY"),
    ],
)
def test_missing_or_wrong_settings_are_named(change: dict[str, str], names: str) -> None:
    with pytest.raises(ConfigurationError, match=names):
        auth_from_env({**ENV, **change})


def test_reprs_and_errors_hold_no_secret(tmp_path: Path) -> None:
    auth = auth_from_env(ENV)
    key_text = pem("merchant_key.pem").decode()
    body_lines = [line for line in key_text.splitlines() if "-----" not in line]
    for text in (repr(auth), str(auth), repr(auth.signer), repr(auth.verifier)):
        assert MCHID in text or PUBLIC_KEY_ID in text
        assert not any(line in text for line in body_lines)
        assert "PRIVATE" not in text
    broken = tmp_path / "apiclient_key.pem"
    broken.write_text(key_text[: len(key_text) // 2])
    with pytest.raises(ConfigurationError) as caught:
        auth_from_env({**ENV, "WECHATPAY_PRIVATE_KEY_PATH": str(broken)})
    assert not any(line in str(caught.value) for line in body_lines)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_auth_is_an_httpx_auth_reading_both_bodies() -> None:
    import httpx

    assert issubclass(WeChatPayAuth, httpx.Auth)
    assert WeChatPayAuth.requires_request_body and WeChatPayAuth.requires_response_body
