"""wechatpay doctor: local checks, then one real signed call to the sandbox whose answer is verified, step by step."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from wechatpay_sandbox import SandboxConfig, SandboxServer
from wechatpay_sandbox import credentials as sandbox_credentials
from wechatpay_signing.cli import EXIT_API_ERROR, EXIT_OK, main

from .hostile_server import hostile_server, write_answer
from .support import FIXTURES, signed_response_headers


@pytest.fixture(scope="module")
def creds(tmp_path_factory: pytest.TempPathFactory) -> sandbox_credentials.SandboxCredentials:
    return sandbox_credentials.create(tmp_path_factory.mktemp("doctor-sandbox"))


@pytest.fixture(scope="module")
def sandbox(creds: sandbox_credentials.SandboxCredentials) -> Iterator[SandboxServer]:
    with SandboxServer(SandboxConfig(credentials=creds)) as server:
        yield server


def use(monkeypatch: pytest.MonkeyPatch, creds: Any, url: str, **changes: str) -> None:
    for name, value in {**creds.env(), "WECHATPAY_BASE_URL": url, **changes}.items():
        monkeypatch.setenv(name, value)


def doctor(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    status = main(["doctor", *args])
    return status, capsys.readouterr().out.splitlines()


def line(lines: list[str], start: str) -> str:
    (found,) = [each for each in lines if each.startswith(start)]
    return found


def test_public_key_mode_signed_call_accepted_and_error_answer_verified(
    creds: Any, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use(monkeypatch, creds, sandbox.url)
    monkeypatch.delenv("WECHATPAY_APIV3_KEY_PATH")
    status, lines = doctor(capsys)
    assert status == EXIT_OK, lines
    assert [each[:5] for each in lines] == ["OK   "] * len(lines)
    signed = line(lines, f"OK   signed GET {sandbox.url}/v3/certificates: WeChat Pay accepted the signature")
    assert "HTTP 404 RESOURCE_NOT_EXISTS" in signed and "-sandbox)" in signed  # the Request-ID
    assert (
        line(lines, "OK   answer verified")
        == f"OK   answer verified: the error answer is signed by {creds.public_key_id}"
    )
    assert line(lines, "OK   clock: about")


def test_certificate_mode_downloads_and_verifies(
    creds: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with SandboxServer(SandboxConfig(credentials=creds, certificate_mode=True)) as server:
        use(monkeypatch, creds, server.url)
        for name in ("WECHATPAY_PUBLIC_KEY_ID", "WECHATPAY_PUBLIC_KEY_PATH"):
            monkeypatch.delenv(name)
        status, lines = doctor(capsys)
    assert status == EXIT_OK, lines
    assert line(lines, "OK   signed GET").endswith("WeChat Pay accepted the signature (HTTP 200)")
    newest = creds.platform_certificates[-1].serial
    assert line(lines, "OK   answer verified") == f"OK   answer verified: signed by {newest}"


def test_a_key_the_server_refuses(
    creds: Any, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Another merchant's key under this merchant's serial: the local checks see it, and so does the sandbox.
    use(monkeypatch, creds, sandbox.url, WECHATPAY_PRIVATE_KEY_PATH=str(FIXTURES / "merchant_key.pem"))
    status, lines = doctor(capsys)
    assert status == EXIT_API_ERROR
    assert "FAIL private key does NOT match the merchant certificate" in lines
    refused = line(lines, "FAIL signed GET")
    assert "WeChat Pay refused the signature, HTTP 401 SIGN_ERROR" in refused and "wechatpay explain" in refused


@pytest.mark.parametrize(
    ("fault", "reason"),
    [("tampered-body", "does not match"), ("unknown-serial", "unknown Wechatpay-Serial"), ("stale-timestamp", "clock")],
)
def test_a_forged_answer_is_named(
    creds: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fault: str, reason: str
) -> None:
    with SandboxServer(SandboxConfig(credentials=creds, fault=fault)) as server:
        use(monkeypatch, creds, server.url)
        status, lines = doctor(capsys)
    assert status == EXIT_API_ERROR
    assert reason in line(lines, "FAIL answer NOT verified")


def test_certificate_mode_forged_download_is_named(
    creds: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with SandboxServer(SandboxConfig(credentials=creds, certificate_mode=True, fault="bad-signature")) as server:
        use(monkeypatch, creds, server.url)
        for name in ("WECHATPAY_PUBLIC_KEY_ID", "WECHATPAY_PUBLIC_KEY_PATH"):
            monkeypatch.delenv(name)
        status, lines = doctor(capsys)
    assert status == EXIT_API_ERROR
    assert line(lines, "FAIL answer NOT verified")


def test_no_server_and_offline(creds: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    use(monkeypatch, creds, "http://127.0.0.1:9")
    status, lines = doctor(capsys)
    assert status == EXIT_API_ERROR
    assert line(lines, "FAIL signed GET http://127.0.0.1:9/v3/certificates: no answer (ConnectError")
    status, lines = doctor(capsys, "--offline")
    assert status == EXIT_OK
    assert lines[-1] == "SKIP signed call: not made (--offline)"


def test_another_path(
    creds: Any, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use(monkeypatch, creds, sandbox.url)
    status, lines = doctor(capsys, "--path", "/v3/offlineface/face-collections/FC2353ZJIHOJKHOIIOIJ")
    assert status == EXIT_OK, lines
    assert line(lines, "OK   signed GET").endswith("accepted the signature (HTTP 200)")
    assert line(lines, "OK   answer verified") == f"OK   answer verified: signed by {creds.public_key_id}"


NOT_EXISTS = b'{"code":"RESOURCE_NOT_EXISTS","message":"no certificates"}'


def test_an_unverified_404_is_not_called_accepted(
    creds: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Anything between the merchant and WeChat Pay (a proxy, a wrong host) can answer an unsigned 404.
    headers = {"Content-Type": "application/json", "Request-ID": "proxy-1"}
    with hostile_server(lambda path, request, out: write_answer(out, 404, headers, NOT_EXISTS)) as url:
        use(monkeypatch, creds, url)
        status, lines = doctor(capsys)
    assert status == EXIT_OK, lines  # nothing failed; the call's outcome is not known
    assert not [each for each in lines if "accepted the signature" in each and each.startswith("OK")], lines
    signed = line(lines, f"SKIP signed GET {url}/v3/certificates: reached, answer unverified: HTTP 404")
    assert "RESOURCE_NOT_EXISTS" in signed and "proxy-1" in signed and "no proof" in signed
    assert line(lines, "SKIP answer not verified")


def test_a_404_signed_by_another_key_is_not_called_accepted(
    creds: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Signed, fresh, under the configured public key ID, but by a key that is not WeChat Pay's.
    forged = signed_response_headers(
        NOT_EXISTS, timestamp=int(time.time()), key_file="platform_a_key.pem", serial=creds.public_key_id
    )
    with hostile_server(lambda path, request, out: write_answer(out, 404, forged, NOT_EXISTS)) as url:
        use(monkeypatch, creds, url)
        status, lines = doctor(capsys)
    assert status == EXIT_API_ERROR, lines
    assert not [each for each in lines if "accepted the signature" in each and each.startswith("OK")], lines
    assert line(lines, "SKIP signed GET").startswith(
        f"SKIP signed GET {url}/v3/certificates: reached, answer unverified"
    )
    assert "does not match" in line(lines, "FAIL answer NOT verified")


def test_an_unverified_401_is_a_failure_not_said_to_be_wechat_pays(
    creds: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sign_error = b'{"code":"SIGN_ERROR","message":"bad signature"}'
    with hostile_server(lambda path, request, out: write_answer(out, 401, {}, sign_error)) as url:
        use(monkeypatch, creds, url)
        status, lines = doctor(capsys)
    assert status == EXIT_API_ERROR, lines
    refused = line(lines, "FAIL signed GET")
    assert "refused, answer unverified, HTTP 401 SIGN_ERROR" in refused and "WeChat Pay refused" not in refused
