"""The wechatpay command against the sandbox, with its documented exit codes."""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import platform
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from wechatpay_sandbox import SandboxConfig, SandboxServer
from wechatpay_sandbox import credentials as sandbox_credentials
from wechatpay_signing import (
    AnswerError,
    CertificateDecryptionError,
    CertificateError,
    ClockSkewError,
    ConfigurationError,
    DeadlineExceededError,
    ResponseTooLargeError,
    SignatureVerificationError,
    WeChatPayError,
)
from wechatpay_signing.cli import (
    EXIT_API_ERROR,
    EXIT_CLOCK,
    EXIT_CODES,
    EXIT_NETWORK,
    EXIT_OK,
    EXIT_UNVERIFIED,
    EXIT_USAGE,
    exit_code,
    main,
)

from .support import FIXTURES, MCHID, MERCHANT_SERIAL, openssl_sign, parse_authorization


@pytest.fixture(scope="module")
def creds(tmp_path_factory: pytest.TempPathFactory) -> sandbox_credentials.SandboxCredentials:
    return sandbox_credentials.create(tmp_path_factory.mktemp("cli-sandbox"))


@pytest.fixture(scope="module")
def sandbox(creds: sandbox_credentials.SandboxCredentials) -> Iterator[SandboxServer]:
    with SandboxServer(SandboxConfig(credentials=creds)) as server:
        yield server


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, creds: Any, sandbox: SandboxServer) -> dict[str, str]:
    settings = {**creds.env(), "WECHATPAY_BASE_URL": sandbox.url}
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    return settings


def test_get_prints_verified_json(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["get", "/v3/offlineface/face-collections/FC2353ZJIHOJKHOIIOIJ"]) == EXIT_OK
    assert '"collection_state": "COLLECTION_REQUIRED"' in capsys.readouterr().out


def test_api_error_prints_code_message_and_request_id(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["get", "/v3/offlineface/face-collections/NOPE"]) == EXIT_API_ERROR
    error = capsys.readouterr().err
    assert re.search(r"HTTP 404 RESOURCE_NOT_EXISTS: 重采请求不存在 \(Request-ID: \w+-sandbox\)", error)


def test_unverified_answer_exits_3_and_prints_no_data(
    creds: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with SandboxServer(SandboxConfig(credentials=creds, fault="tampered-body")) as tampering:
        for name, value in {**creds.env(), "WECHATPAY_BASE_URL": tampering.url}.items():
            monkeypatch.setenv(name, value)
        assert main(["get", "/v3/offlineface/face-collections/FC2353ZJIHOJKHOIIOIJ"]) == EXIT_UNVERIFIED
    captured = capsys.readouterr()
    assert captured.out == "" and "does not match" in captured.err and "Request-ID=" in captured.err


def test_post_signs_the_body_and_reports_the_answer(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    # The sandbox serves no POST operation: WeChat-style or not, the answer is an error, reported as such.
    assert main(["post", "/v3/offlineface/face-collections", "--data", '{"organization_id":"123"}']) == EXIT_API_ERROR
    assert re.search(r"HTTP 405 INVALID_REQUEST: .* \(Request-ID: \w+-sandbox\)", capsys.readouterr().err)


def test_bad_json_and_missing_settings_exit_2(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["post", "/v3/x", "--data", "{not json"]) == EXIT_USAGE
    assert "--data is not JSON" in capsys.readouterr().err
    monkeypatch.delenv("WECHATPAY_MCHID")
    assert main(["get", "/v3/x"]) == EXIT_USAGE
    assert "--mchid or $WECHATPAY_MCHID is required" in capsys.readouterr().err


def test_network_error_exits_4(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WECHATPAY_BASE_URL", "http://127.0.0.1:9")
    assert main(["get", "/v3/x"]) == EXIT_NETWORK


def test_explain_shows_the_message_and_a_header_openssl_agrees_with(capsys: pytest.CaptureFixture[str]) -> None:
    arguments = [
        "--mchid",
        MCHID,
        "--serial-no",
        MERCHANT_SERIAL,
        "--private-key",
        str(FIXTURES / "merchant_key.pem"),
        "--base-url",
        "http://127.0.0.1:9",
    ]
    path = "/v3/offlineface/face-collections/中文 id?appid=wx1"
    explain = ["explain", "get", path, "--timestamp", "1554208460", "--nonce", "n0nce", "--show-signature"]
    assert main([*arguments, *explain]) == EXIT_OK
    out = capsys.readouterr().out
    target = "/v3/offlineface/face-collections/%E4%B8%AD%E6%96%87%20id?appid=wx1"
    assert f"  1 GET\\n\n  2 {target}\\n\n  3 1554208460\\n\n  4 n0nce\\n\n  5 \\n\n" in out
    header = out.split("Authorization: ", 1)[1].strip()
    expected = openssl_sign("merchant_key.pem", f"GET\n{target}\n1554208460\nn0nce\n\n".encode())
    assert parse_authorization(header)["signature"] == expected


def test_doctor_passes_on_good_credentials(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert all(line.startswith("OK   ") for line in lines)
    assert any("matches the merchant certificate" in line for line in lines)
    assert any(line.startswith("OK   clock:") for line in lines)


def test_doctor_names_each_problem(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WECHATPAY_PRIVATE_KEY_PATH", str(FIXTURES / "merchant_key.pem"))
    monkeypatch.setenv("WECHATPAY_MERCHANT_SERIAL_NO", MERCHANT_SERIAL)
    monkeypatch.setenv("WECHATPAY_PUBLIC_KEY_ID", "PUB_KEY_ID_12")
    assert main(["doctor"]) == EXIT_API_ERROR
    out = capsys.readouterr().out
    assert "FAIL private key does NOT match the merchant certificate" in out
    assert f"FAIL serial {MERCHANT_SERIAL} is NOT the certificate's" in out
    assert "FAIL public key ID PUB_KEY_ID_12 should be" in out


def test_help_documents_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "exit status:" in out and "3  the answer failed signature verification" in out


def test_version_names_the_installed_release(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    release = importlib.metadata.version("wechatpay-offlineface")
    assert out.startswith(f"wechatpay {release} (Python {platform.python_version()}, httpx {httpx.__version__},")


def test_clock_skew_exits_5_and_prints_no_data(
    creds: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with SandboxServer(SandboxConfig(credentials=creds, fault="stale-timestamp")) as stale:
        for name, value in {**creds.env(), "WECHATPAY_BASE_URL": stale.url}.items():
            monkeypatch.setenv(name, value)
        assert main(["get", "/v3/offlineface/face-collections/FC2353ZJIHOJKHOIIOIJ"]) == EXIT_CLOCK
    captured = capsys.readouterr()
    assert captured.out == "" and "local clock is off" in captured.err and "Request-ID=" in captured.err


# Each documented exit status: (arguments, sandbox fault, settings).
EXIT_CASES: dict[int, tuple[list[str], str | None, dict[str, str]]] = {
    EXIT_OK: (["get", "/v3/offlineface/face-collections/FC2353ZJIHOJKHOIIOIJ"], None, {}),
    EXIT_API_ERROR: (["get", "/v3/offlineface/face-collections/NOPE"], None, {}),
    EXIT_USAGE: (["get", "/v3/x"], None, {"WECHATPAY_MCHID": ""}),
    EXIT_UNVERIFIED: (["get", "/v3/offlineface/face-collections/FC2353ZJIHOJKHOIIOIJ"], "bad-signature", {}),
    EXIT_NETWORK: (["get", "/v3/x"], None, {"WECHATPAY_BASE_URL": "http://127.0.0.1:9"}),
    EXIT_CLOCK: (["get", "/v3/offlineface/face-collections/FC2353ZJIHOJKHOIIOIJ"], "stale-timestamp", {}),
}


def test_every_documented_exit_status_is_tested() -> None:
    documented = {int(number) for number in re.findall(r"^  (\d)  ", EXIT_CODES, re.MULTILINE)}
    assert documented == set(EXIT_CASES) == {0, 1, 2, 3, 4, 5}


@pytest.mark.parametrize("status", sorted(EXIT_CASES))
def test_the_command_exits_with_each_documented_status(
    creds: Any, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], status: int
) -> None:
    arguments, fault, settings = EXIT_CASES[status]
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(SandboxServer(SandboxConfig(credentials=creds, fault=fault))).url if fault else None
        for name, value in {**creds.env(), "WECHATPAY_BASE_URL": url or sandbox.url, **settings}.items():
            monkeypatch.setenv(name, value)
        assert main(["--timeout", "5", *arguments]) == status
    captured = capsys.readouterr()
    assert (captured.out != "") == (status == EXIT_OK)  # nothing unverified or failed is printed as data
    assert (captured.err != "") == (status != EXIT_OK)


def test_the_installed_command_passes_the_status_to_the_shell() -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith("WECHATPAY_")}
    command = [str(Path(sys.executable).with_name("wechatpay")), "get", "/v3/x"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == EXIT_USAGE
    assert done.stderr.strip() == "error: --mchid or $WECHATPAY_MCHID is required"


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (ConfigurationError("bad"), EXIT_USAGE),
        (WeChatPayError("other"), EXIT_USAGE),
        (SignatureVerificationError("forged", status_code=200), EXIT_UNVERIFIED),
        (CertificateDecryptionError("wrong key", cause="apiv3_key"), EXIT_UNVERIFIED),
        (CertificateError("not signed by a certificate it contains", status_code=200), EXIT_UNVERIFIED),
        (CertificateError("SYSTEM_ERROR: busy", status_code=500), EXIT_API_ERROR),
        (AnswerError("answered", status_code=404), EXIT_API_ERROR),
        (ClockSkewError("off", skew=600, status_code=401), EXIT_CLOCK),
        (ResponseTooLargeError("over 4 MiB", status_code=200), EXIT_UNVERIFIED),
        (DeadlineExceededError("30 s passed"), EXIT_NETWORK),
        (httpx.ConnectError("refused"), EXIT_NETWORK),
        (httpx.ReadTimeout("slow"), EXIT_NETWORK),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_each_error_class_maps_to_its_exit_status(error: Exception, status: int) -> None:
    assert exit_code(error) == status
