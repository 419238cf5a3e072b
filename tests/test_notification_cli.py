"""`wechatpay notification`: a saved callback, built independently of our code, verified, decrypted and printed."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from wechatpay_signing.cli import EXIT_OK, EXIT_UNVERIFIED, EXIT_USAGE, main

from .support import (
    FIXTURES,
    MCHID,
    MERCHANT_SERIAL,
    NOTIFICATION_APIV3_KEY,
    PUBLIC_KEY_ID,
    USER_STATE_CHANGE,
    signed_notification,
)

NOW = 1_764_460_800


@pytest.fixture(autouse=True)
def settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    key_file = tmp_path / "apiv3_key.txt"
    key_file.write_text(NOTIFICATION_APIV3_KEY + "\n")
    for name, value in {
        "WECHATPAY_MCHID": MCHID,
        "WECHATPAY_MERCHANT_SERIAL_NO": MERCHANT_SERIAL,
        "WECHATPAY_PRIVATE_KEY_PATH": str(FIXTURES / "merchant_key.pem"),
        "WECHATPAY_PUBLIC_KEY_ID": PUBLIC_KEY_ID,
        "WECHATPAY_PUBLIC_KEY_PATH": str(FIXTURES / "wechatpay_pub_key.pem"),
        "WECHATPAY_APIV3_KEY_PATH": str(key_file),
        "WECHATPAY_BASE_URL": "http://127.0.0.1:9",  # nothing listens: the command must not need the network
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("WECHATPAY_APIV3_KEY", raising=False)
    monkeypatch.delenv("WECHATPAY_PLATFORM_CERTIFICATE_PATHS", raising=False)


def saved(tmp_path: Path, headers: dict[str, str], body: bytes, *, as_json: bool = False) -> list[str]:
    """The callback written as a proxy log would keep it; the command's file arguments."""
    headers_file, body_file = tmp_path / "headers.txt", tmp_path / "body.json"
    if as_json:
        headers_file.write_text(json.dumps(headers))
    else:
        lines = ["POST /wechatpay/notifications HTTP/1.1", *(f"{name}: {value}" for name, value in headers.items())]
        headers_file.write_bytes("\r\n".join(lines).encode() + b"\r\n\r\n")
    body_file.write_bytes(body)
    return ["notification", "--headers-file", str(headers_file), "--body-file", str(body_file)]


@pytest.mark.parametrize("as_json", [False, True])
def test_a_saved_notification_is_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str], as_json: bool) -> None:
    headers, body = signed_notification(timestamp=NOW)
    assert main([*saved(tmp_path, headers, body, as_json=as_json), "--now", str(NOW + 60)]) == EXIT_OK
    printed = json.loads(capsys.readouterr().out)
    assert printed["id"] == "EV-2018022511223320873"
    assert printed["create_time"] == "2026-11-30T08:00:01+08:00"
    assert printed["resource"] == USER_STATE_CHANGE


def test_a_forged_or_stale_notification_exits_3_and_prints_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    headers, body = signed_notification(timestamp=NOW)
    assert main([*saved(tmp_path, headers, body + b" "), "--now", str(NOW)]) == EXIT_UNVERIFIED
    assert main(saved(tmp_path, headers, body)) == EXIT_UNVERIFIED  # stale now: 2025 is long gone
    printed = capsys.readouterr()
    assert printed.out == ""
    assert "does not match" in printed.err and "stale notification" in printed.err


def test_a_wrong_apiv3_key_exits_3_without_showing_either_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    headers, body = signed_notification(timestamp=NOW, apiv3_key="W" * 32)
    assert main([*saved(tmp_path, headers, body), "--now", str(NOW)]) == EXIT_UNVERIFIED
    printed = capsys.readouterr()
    assert "does not decrypt" in printed.err and printed.out == ""
    assert NOTIFICATION_APIV3_KEY not in printed.err and "W" * 32 not in printed.err


def test_missing_files_or_key_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    headers, body = signed_notification(timestamp=NOW)
    arguments = saved(tmp_path, headers, body)
    assert main([*arguments[:-1], str(tmp_path / "absent.json")]) == EXIT_USAGE
    assert "cannot read the notification body file" in capsys.readouterr().err
    (tmp_path / "headers.txt").write_text("{not json")
    assert main(arguments) == EXIT_USAGE
    monkeypatch.delenv("WECHATPAY_APIV3_KEY_PATH")
    assert main(saved(tmp_path, headers, body)) == EXIT_USAGE
    assert "WECHATPAY_APIV3_KEY" in capsys.readouterr().err


def test_control_characters_in_a_notification_are_printed_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A C1 CSI (\\x9b), a DEL and a right-to-left override in a value: json.dumps leaves them raw."""
    resource = {**USER_STATE_CHANGE, "out_user_id": "stu\x9b2J\x7f\u202eevil"}
    headers, body = signed_notification(resource, timestamp=NOW)
    assert main([*saved(tmp_path, headers, body), "--now", str(NOW + 60)]) == EXIT_OK
    out = capsys.readouterr().out
    assert not any(character in out for character in "\x9b\x7f\u202e")
    assert "stu\\x9b2J\\x7f\\u202eevil" in out


@pytest.fixture
def key_pipe(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The APIv3 key file given as a pipe, as ``--apiv3-key-file <(pass show wechatpay/apiv3)`` gives it: it reads
    once, then is empty."""
    read_end, write_end = os.pipe()
    os.write(write_end, NOTIFICATION_APIV3_KEY.encode() + b"\n")
    os.close(write_end)
    monkeypatch.setenv("WECHATPAY_APIV3_KEY_PATH", f"/dev/fd/{read_end}")
    yield f"/dev/fd/{read_end}"
    os.close(read_end)


@pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="needs /dev/fd (process substitution)")
def test_the_apiv3_key_file_is_read_once(key_pipe: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    headers, body = signed_notification(timestamp=NOW)
    assert main([*saved(tmp_path, headers, body), "--now", str(NOW)]) == EXIT_OK, capsys.readouterr().err
    assert json.loads(capsys.readouterr().out)["resource"] == USER_STATE_CHANGE
