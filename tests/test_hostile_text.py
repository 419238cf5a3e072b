"""Text a server controls (an unsigned error's message, a header) reaches logs, errors and the terminal escaped and cut.

An unsigned answer can say anything: a newline followed by a fake log line, terminal escape sequences, 100 KB.
"""

from __future__ import annotations

import json
import logging
import time
from typing import IO

import httpx
import pytest
from wechatpay_offlineface import Client, errors
from wechatpay_offlineface.api.face_collections import get_face_collection
from wechatpay_signing import MerchantSigner, PlatformCertificateStore, ResponseVerifier, SignatureVerificationError
from wechatpay_signing.cli import EXIT_API_ERROR, EXIT_OK, EXIT_USAGE, main
from wechatpay_signing.text import escape_controls, shown

from .hostile_server import hostile_server, write_answer
from .support import FIXTURES, MCHID, MERCHANT_SERIAL, PUBLIC_KEY_ID, openssl_sign, pem, signed_response_headers

HOST = "https://api.mch.weixin.qq.com"
FAKE_LINE = "\n2026-11-30 12:00:00 INFO payment 4200001 confirmed\r\n\x1b[2J\x1b[1;1HHTTP 200 OK"
HUGE_MESSAGE = "refused" + FAKE_LINE + "x" * 100_000


def hostile_error(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        500, headers={"Request-ID": "evil\x1b[31m"}, json={"code": "SYSTEM\nERROR", "message": HUGE_MESSAGE}
    )


def assert_tamed(text: str, limit: int = 1000) -> None:
    assert "\n" not in text and "\r" not in text and "\x1b" not in text
    assert len(text) < limit


def test_escape_controls_keeps_chinese_and_escapes_what_moves_a_terminal() -> None:
    assert escape_controls("学校食堂\n\x1b[2J\x9b\u202e") == "学校食堂\\n\\x1b[2J\\x9b\\u202e"
    assert shown("x" * 500) == "x" * 200 + "... (500 characters)"


def test_an_unsigned_certificate_error_neither_forges_log_lines_nor_grows_later_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    signer = MerchantSigner(MCHID, MERCHANT_SERIAL, pem("merchant_key.pem"))
    store = PlatformCertificateStore(signer, "0" * 32, base_url=HOST, transport=httpx.MockTransport(hostile_error))
    with caplog.at_level(logging.DEBUG):
        assert store.refresh() is False
    warnings = [record.getMessage() for record in caplog.records if record.name.startswith("wechatpay_signing")]
    assert warnings
    for message in warnings:
        assert_tamed(message)
    # Every later refusal mentions the last refresh error: that mention is cut too.
    headers = signed_response_headers(b"{}", timestamp=int(time.time()), serial="ABCDEF")
    with pytest.raises(SignatureVerificationError) as caught:
        ResponseVerifier({}, certificates=store).verify(headers, b"{}")
    assert "last refresh failed" in str(caught.value)
    assert_tamed(str(caught.value))


def test_an_api_error_message_is_escaped_and_cut_in_str_but_kept_whole_in_the_attribute() -> None:
    client = Client(base_url=HOST, httpx_args={"transport": httpx.MockTransport(hostile_error)}, unverified=True)
    with pytest.raises(errors.ApiError) as caught:
        get_face_collection.sync("FC1", client=client, appid="wx1")
    assert_tamed(str(caught.value))
    assert "refused\\n2026-11-30" in str(caught.value)
    assert caught.value.message == HUGE_MESSAGE  # a program that wants the whole text still has it


def test_unexpected_status_shows_a_cut_escaped_body() -> None:
    assert_tamed(str(errors.UnexpectedStatus(418, HUGE_MESSAGE.encode())).split("Response content:\n", 1)[1])


def cli_settings(base_url: str) -> list[str]:
    return [
        "--base-url",
        base_url,
        "--mchid",
        MCHID,
        "--serial-no",
        MERCHANT_SERIAL,
        "--private-key",
        str(FIXTURES / "merchant_key.pem"),
        "--public-key-id",
        PUBLIC_KEY_ID,
        "--public-key",
        str(FIXTURES / "wechatpay_pub_key.pem"),
    ]


def test_the_cli_prints_an_unsigned_message_on_one_escaped_line(capsys: pytest.CaptureFixture[str]) -> None:
    def answer(path: str, headers: dict[str, str], out: IO[bytes]) -> None:
        body = json.dumps({"code": "PARAM_ERROR", "message": HUGE_MESSAGE}).encode()
        write_answer(out, 400, {"Content-Type": "application/json", "Request-ID": "r1"}, body)

    with hostile_server(answer) as url:
        assert main([*cli_settings(url), "get", "/v3/x"]) == EXIT_API_ERROR
    captured = capsys.readouterr()
    assert captured.out == ""
    printed = captured.err.removesuffix("\n")
    assert_tamed(printed)
    assert printed.startswith("HTTP 400 PARAM_ERROR: refused\\n2026-11-30 12:00:00 INFO")


def test_the_cli_escapes_controls_in_a_verified_answer_too(capsys: pytest.CaptureFixture[str]) -> None:
    body = json.dumps({"note": "\x9b2J\u202eKO", "text": "学校\n"}, ensure_ascii=False).encode()

    def answer(path: str, headers: dict[str, str], out: IO[bytes]) -> None:
        write_answer(out, 200, signed_response_headers(body, timestamp=int(time.time())), body)

    with hostile_server(answer) as url:
        assert main([*cli_settings(url), "get", "/v3/x"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "\x9b" not in out and "\u202e" not in out
    assert '"note": "\\x9b2J\\u202eKO"' in out and '"text": "学校\\n"' in out


EXPLAIN = [*cli_settings("http://127.0.0.1:9"), "explain", "GET", "/v3/certificates", "--nonce", "n0nce"]


def test_explain_redacts_the_signature_unless_asked(capsys: pytest.CaptureFixture[str]) -> None:
    timestamp = int(time.time())
    signature = openssl_sign("merchant_key.pem", f"GET\n/v3/certificates\n{timestamp}\nn0nce\n\n".encode())
    assert main([*EXPLAIN, "--timestamp", str(timestamp)]) == EXIT_OK
    out = capsys.readouterr().out
    assert signature not in out
    assert 'signature="[redacted; --show-signature prints it]"' in out
    assert f"  3 {timestamp}\\n" in out  # the message itself is shown, for comparing with what SIGN_ERROR means
    assert main([*EXPLAIN, "--timestamp", str(timestamp), "--show-signature"]) == EXIT_OK
    assert f'signature="{signature}"' in capsys.readouterr().out


@pytest.mark.parametrize("show", [[], ["--show-signature"]])
def test_explain_never_signs_for_the_future(show: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    future = int(time.time()) + 3600
    assert main([*EXPLAIN, "--timestamp", str(future), *show]) == EXIT_USAGE
    captured = capsys.readouterr()
    assert "Authorization" not in captured.out and "in the future" in captured.err
