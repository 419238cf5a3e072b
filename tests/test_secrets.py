"""Nothing this code prints, logs or raises carries a private key, the APIv3 key, a signature or an Authorization.

One scenario drives every path that talks (success, tampered answer, retries, WeChat's errors, a skewed clock, a
malformed body, bad configuration) with every logger at DEBUG, and keeps every repr, str and exception message it
meets. Then each secret is looked for in all of it.
"""

from __future__ import annotations

import logging
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from wechatpay_offlineface.api.face_collections import get_face_collection
from wechatpay_sandbox import FAULT_HEADER, SandboxConfig, SandboxServer
from wechatpay_sandbox import credentials as sandbox_credentials
from wechatpay_signing import (
    DEFAULT_RETRY,
    CertificateDecryptionError,
    MerchantSigner,
    PlatformCertificateStore,
    ResponseVerifier,
    SensitiveFieldError,
    WeChatPayAuth,
    auth_from_env,
    auth_from_files,
    httpx_args,
    load_private_key,
)
from wechatpay_signing.cli import main as cli

from .conftest import client_for
from .support import FIXTURES, MCHID, MERCHANT_SERIAL, RecordingTransport, parse_authorization, pem

FAST_RETRY = DEFAULT_RETRY.copy_with(max_backoff_wait=0.01)
SENSITIVE_PLAINTEXT = "110101200001011234"  # an ID number, sent as a sensitive field


def pem_lines(path: Path) -> set[str]:
    """The base64 lines of a private key file: any one of them showing would be a leak."""
    return {line for line in path.read_text().splitlines() if line and not line.startswith("-----")}


def seen_in(error: BaseException) -> list[str]:
    """What an exception shows: str, repr and args, down its cause and context chain."""
    shown: list[str] = []
    while error is not None:
        shown += [str(error), repr(error), *map(repr, error.args)]
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    return shown


def configuration_errors(wrong_file: Path) -> list[str]:
    """What the errors show for a certificate, a public key or a cut key where the private key goes."""
    attempts: list[Callable[[], object]] = [
        lambda: auth_from_files(
            mchid="19000001x9",
            serial_no=MERCHANT_SERIAL,
            private_key_path=wrong_file,
            public_key_id="PUB_KEY_ID_0114232134912410000000000000",
            public_key_path=FIXTURES / "merchant_key.pem",
        ),
        lambda: load_private_key(wrong_file.read_bytes()[:-40]),
        lambda: ResponseVerifier({"PUB_KEY_ID_1": pem("merchant_key.pem")[:200]}),
    ]
    shown: list[str] = []
    for attempt in attempts:
        with pytest.raises(ValueError) as caught:
            attempt()
        shown.extend(seen_in(caught.value))
    return shown


def test_no_secret_in_reprs_errors_or_debug_logs(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    creds = sandbox_credentials.create(tmp_path / "sandbox")
    config = SandboxConfig(credentials=creds, apiv3_key=creds.apiv3_key)
    auth = auth_from_env(creds.env())
    wire = RecordingTransport()
    shown: list[str] = []

    def call(
        headers: dict[str, str] | None = None, the_auth: WeChatPayAuth = auth, cid: str = "FC2353ZJIHOJKHOIIOIJ"
    ) -> None:
        args = httpx_args(the_auth, retry=FAST_RETRY, transport=wire)
        client = client_for(server, the_auth, httpx_args=args, headers=headers or {})
        try:
            shown.append(repr(get_face_collection.sync(cid, client=client)))
        except Exception as error:
            shown.extend(seen_in(error))

    caplog.set_level(logging.DEBUG)
    with SandboxServer(config) as server:
        call()  # verified
        call(cid="FC_NOPE")  # 404 ApiError
        for fault in ["tampered-body", "bad-signature", "unsigned", "stale-timestamp", "500", "429", "non-json"]:
            call({FAULT_HEADER: fault})
        stranger = WeChatPayAuth(MerchantSigner(MCHID, creds.merchant_serial, pem("merchant_key.pem")), auth.verifier)
        call(the_auth=stranger)  # 401 SIGN_ERROR
        skewed = types.SimpleNamespace(time=lambda: 1_000_000_000)
        monkeypatch.setattr("wechatpay_signing.signer.time", skewed)
        monkeypatch.setattr("wechatpay_signing.auth.time", skewed)
        call()  # ClockSkewError
        monkeypatch.undo()
        # A sensitive field: sent encrypted, then refused as too long (before anything is sent).
        sensitive = {"wechatpay.sensitive_fields": ("facepay_user.identification.identification_number",)}
        for number in [SENSITIVE_PLAINTEXT, SENSITIVE_PLAINTEXT * 12]:
            body = {"business_name": "K12", "facepay_user": {"identification": {"identification_number": number}}}
            with httpx.Client(base_url=server.url, **httpx_args(auth, retry=None, transport=wire)) as raw:
                try:
                    shown.append(repr(raw.post("/v3/offlineface/contracts/presign", json=body, extensions=sensitive)))
                except SensitiveFieldError as error:
                    shown.extend(seen_in(error))
        assert any("identification_number: the plaintext is 216 bytes" in text for text in shown)
        shown += [repr(server.config), repr(creds), repr(config.credentials.platform_certificates)]

    # Certificate mode: a download with the APIv3 key, one with a wrong key, and the command that writes them.
    wrong_key = "W" * 32
    with SandboxServer(SandboxConfig(credentials=creds, certificate_mode=True)) as server:
        store = PlatformCertificateStore(auth.signer, creds.apiv3_key, base_url=server.url)
        shown += [repr(store.refresh_or_raise()), repr(store), repr(WeChatPayAuth(auth.signer, auth.verifier))]
        with pytest.raises(CertificateDecryptionError) as caught:
            PlatformCertificateStore(auth.signer, wrong_key, base_url=server.url).refresh_or_raise()
        shown.extend(seen_in(caught.value))
        for name, value in {**creds.env(), "WECHATPAY_BASE_URL": server.url}.items():
            monkeypatch.setenv(name, value)
        for key in [creds.apiv3_key, wrong_key]:
            monkeypatch.setenv("WECHATPAY_APIV3_KEY", key)
            cli(["certificates", "--output", str(tmp_path / "certs")])
            printed = capsys.readouterr()
            shown += [printed.out, printed.err]

    # Configuration mistakes: a certificate, a public key or garbage where the private key goes.
    for wrong in ["merchant_cert.pem", "wechatpay_pub_key.pem", "merchant_key.pem"]:
        shown.extend(configuration_errors(FIXTURES / wrong))
    shown += [repr(auth), str(auth), repr(auth.signer), repr(auth.verifier), repr(httpx_args(auth))]
    shown += [record.getMessage() for record in caplog.records]
    shown += [caplog.text]

    signatures = {parse_authorization(value)["signature"] for value in wire.authorizations}
    on_the_wire = {*wire.authorizations, *signatures, *wire.response_signatures}
    secrets: set[str] = on_the_wire | {creds.apiv3_key, wrong_key, SENSITIVE_PLAINTEXT}
    secrets |= pem_lines(creds.folder / "apiclient_key.pem") | pem_lines(FIXTURES / "merchant_key.pem")
    secrets |= pem_lines(creds.folder / "wechatpay_side" / "pub_key_private.pem")
    assert len(on_the_wire) > 20, "the scenario must have signed and received many messages"
    assert any(record.levelname == "DEBUG" and record.name.startswith("httpcore") for record in caplog.records)
    assert any(record.name == "wechatpay_signing" for record in caplog.records)
    everything = "\n".join(shown)
    leaked = sorted(secret[:12] + "…" for secret in secrets if secret in everything)
    assert not leaked, f"secrets shown: {leaked}"


def test_the_scenario_would_catch_a_leak() -> None:
    """The check above can fail: a signature put in a message is found."""
    signature = MerchantSigner(MCHID, MERCHANT_SERIAL, pem("merchant_key.pem")).sign(b"message")
    assert signature in "\n".join(seen_in(ValueError(f"oops {signature}")))


def test_key_objects_show_no_key_material() -> None:
    key = load_private_key(pem("merchant_key.pem"))
    signer = MerchantSigner(MCHID, MERCHANT_SERIAL, key)
    numbers = key.private_numbers()
    for text in [repr(signer), str(signer), repr(signer.__slots__)]:
        for number in [numbers.d, numbers.p, numbers.q]:
            assert str(number)[:30] not in text and format(number, "x")[:30] not in text
    assert "MerchantSigner(mchid='1900000109', serial_no='5157F09E" in repr(signer)


def test_httpx_reprs_of_a_signed_request_hide_the_authorization() -> None:
    """httpx's own reprs of a signed request and its headers hide the Authorization value."""
    verifier = ResponseVerifier({"PUB_KEY_ID_0114232134912410000000000000": pem("wechatpay_pub_key.pem")})
    auth = WeChatPayAuth(MerchantSigner(MCHID, MERCHANT_SERIAL, pem("merchant_key.pem")), verifier)
    request = httpx.Request("GET", "https://api.mch.weixin.qq.com/v3/certificates")
    next(auth.auth_flow(request))
    shown: Any = [repr(request), repr(request.headers), str(request.headers)]
    assert request.headers["Authorization"] not in "\n".join(shown)
