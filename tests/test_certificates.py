"""Platform-certificate mode against the sandbox: download, rotation, expiry, tampering, refresh, cache, migration."""

from __future__ import annotations

import asyncio
import base64
import json
import stat
import threading
import time
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from wechatpay_offlineface import Client
from wechatpay_offlineface.api.face_collections import get_face_collection
from wechatpay_sandbox import SandboxConfig, SandboxServer
from wechatpay_sandbox import credentials as sandbox_credentials
from wechatpay_signing import (
    CertificateDecryptionError,
    CertificateError,
    ClockSkewError,
    ConfigurationError,
    MerchantSigner,
    PlatformCertificate,
    PlatformCertificateStore,
    ResponseVerifier,
    SignatureVerificationError,
    WeChatPayAuth,
    auth_from_env,
    certificate_serial,
)
from wechatpay_signing.cache import CertificateCache
from wechatpay_signing.cli import main as cli

Credentials = sandbox_credentials.SandboxCredentials
CERTIFICATES = "/v3/certificates"


@pytest.fixture(scope="module")
def cert_sandbox(creds: Credentials) -> Iterator[SandboxServer]:
    """The session's credentials, in certificate mode: answers signed by the newer of two overlapping certificates."""
    with SandboxServer(SandboxConfig(credentials=creds, certificate_mode=True)) as server:
        yield server


@pytest.fixture(autouse=True)
def newest_signs(cert_sandbox: SandboxServer) -> Iterator[None]:
    yield
    cert_sandbox.config.signing_platform = -1


def signer_of(creds: Credentials) -> MerchantSigner:
    return MerchantSigner(creds.mchid, creds.merchant_serial, (creds.folder / "apiclient_key.pem").read_bytes())


def certificate_env(creds: Credentials, url: str, **extra: str) -> dict[str, str]:
    """The sandbox's settings without the public key: the APIv3 key is the only way to verify."""
    env = {k: v for k, v in creds.env().items() if not k.startswith("WECHATPAY_PUBLIC_KEY")}
    return {**env, "WECHATPAY_BASE_URL": url, **extra}


def serials(creds: Credentials) -> list[str]:
    return [platform.serial for platform in creds.platform_certificates]


class Downloads(httpx.BaseTransport):
    """httpx's transport for the store, counting downloads; optionally slow, failing, or rewriting the body."""

    def __init__(self, *, delay: float = 0.0, status: int | None = None, rewrite: Any = None) -> None:
        self.inner = httpx.HTTPTransport()
        self.count = 0
        self.delay = delay
        self.status = status
        self.rewrite = rewrite
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.count += 1
        time.sleep(self.delay)
        if self.status is not None:
            body = json.dumps({"code": "SYSTEM_ERROR", "message": "系统错误"}).encode()
            return httpx.Response(self.status, headers={"Request-ID": "refresh-failed"}, content=body)
        response = self.inner.handle_request(request)
        response.read()
        if self.rewrite is None:
            return response
        return httpx.Response(response.status_code, headers=response.headers, content=self.rewrite(response.content))


def store_for(creds: Credentials, url: str, transport: httpx.BaseTransport | None = None, **kwargs: Any) -> Any:
    return PlatformCertificateStore(signer_of(creds), creds.apiv3_key, base_url=url, transport=transport, **kwargs)


def client_with_store(creds: Credentials, url: str, store: PlatformCertificateStore, **kwargs: Any) -> Client:
    auth = WeChatPayAuth(signer_of(creds), ResponseVerifier({}, certificates=store))
    return Client(base_url=url, httpx_args={"auth": auth, **kwargs})


def test_first_download_decrypts_and_checks_both_overlapping_certificates(
    cert_sandbox: SandboxServer, creds: Credentials
) -> None:
    store = store_for(creds, cert_sandbox.url)
    held = store.refresh_or_raise()
    assert [c.serial for c in held] == serials(creds)  # the one expiring in 5 days first
    for got, platform in zip(held, creds.platform_certificates, strict=True):
        assert (
            got.pem()
            == (creds.folder / "wechatpay_side" / f"platform_{serials(creds).index(got.serial)}_cert.pem").read_bytes()
        )
        assert certificate_serial(platform.certificate) == got.serial


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_service_with_only_the_apiv3_key_verifies_from_its_first_call(
    cert_sandbox: SandboxServer, creds: Credentials, mode: str
) -> None:
    auth = auth_from_env(certificate_env(creds, cert_sandbox.url))
    client = Client(base_url=cert_sandbox.url, httpx_args={"auth": auth})
    if mode == "sync":
        collection = get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client)
    else:
        collection = await get_face_collection.asyncio("FC2353ZJIHOJKHOIIOIJ", client=client)
    assert collection.organization_id == "123"
    store = auth.verifier.certificates
    assert isinstance(store, PlatformCertificateStore)
    assert store.downloads == 1 and [c.serial for c in store.certificates] == serials(creds)


def test_rotation_to_the_new_certificate_is_picked_up_on_its_first_answer(
    cert_sandbox: SandboxServer, creds: Credentials, tmp_path: Path
) -> None:
    # A service that last downloaded before the new certificate appeared: its cache holds only the old one.
    old = creds.platform_certificates[0]
    cache = CertificateCache(tmp_path, creds.apiv3_key.encode(), creds.mchid)
    cache.save([PlatformCertificate(old.serial, old.certificate)], time.time())
    wire = Downloads()
    store = store_for(creds, cert_sandbox.url, wire, cache_dir=tmp_path)
    client = client_with_store(creds, cert_sandbox.url, store)
    cert_sandbox.config.signing_platform = 0
    assert get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client).collection_id
    assert wire.count == 0  # the cache was enough
    cert_sandbox.config.signing_platform = 1  # WeChat Pay starts signing with the new one
    assert get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client).collection_id
    assert wire.count == 1 and sorted(store.public_key(s) is not None for s in serials(creds)) == [True, True]
    cert_sandbox.config.signing_platform = 0  # both sign during the overlap
    assert get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client).collection_id
    assert wire.count == 1


def test_an_expired_certificate_in_the_download_is_left_out(creds: Credentials) -> None:
    config = SandboxConfig(credentials=creds, certificate_mode=True, expired_certificate=True)
    with SandboxServer(config) as server:
        raw = httpx.get(
            server.url + CERTIFICATES,
            headers={"Authorization": signer_of(creds).authorization("GET", CERTIFICATES, b"")},
        )
        listed = [entry["serial_no"] for entry in raw.json()["data"]]
        held = store_for(creds, server.url).refresh_or_raise()
    assert len(listed) == 3
    assert [c.serial for c in held] == serials(creds)


def tamper_first_ciphertext(body: bytes) -> bytes:
    payload = json.loads(body)
    sealed = payload["data"][0]["encrypt_certificate"]
    raw = bytearray(base64.b64decode(sealed["ciphertext"]))
    raw[10] ^= 1
    sealed["ciphertext"] = base64.b64encode(bytes(raw)).decode()
    return json.dumps(payload).encode()


def test_a_tampered_ciphertext_is_named(cert_sandbox: SandboxServer, creds: Credentials) -> None:
    store = store_for(creds, cert_sandbox.url, Downloads(rewrite=tamper_first_ciphertext))
    with pytest.raises(CertificateDecryptionError, match="tampered") as caught:
        store.refresh_or_raise()
    assert caught.value.cause == "tampered" and caught.value.request_id
    assert caught.value.status_code == 200
    assert store.certificates == []


def test_a_wrong_apiv3_key_is_named(cert_sandbox: SandboxServer, creds: Credentials) -> None:
    store = PlatformCertificateStore(signer_of(creds), "0" * 32, base_url=cert_sandbox.url)
    with pytest.raises(CertificateDecryptionError, match="the APIv3 key is wrong") as caught:
        store.refresh_or_raise()
    assert caught.value.cause == "apiv3_key"
    assert (caught.value.status_code, bool(caught.value.request_id)) == (200, True)
    assert "0" * 32 not in str(caught.value)


def test_a_download_not_signed_by_its_own_certificates_is_refused(
    cert_sandbox: SandboxServer, creds: Credentials
) -> None:
    def drop_the_signer(body: bytes) -> bytes:  # the entry of the certificate that signed goes missing
        payload = json.loads(body)
        payload["data"] = payload["data"][:1]
        return json.dumps(payload).encode()

    store = store_for(creds, cert_sandbox.url, Downloads(rewrite=drop_the_signer))
    with pytest.raises(CertificateError, match="not signed by a certificate it contains") as caught:
        store.refresh_or_raise()
    assert (caught.value.status_code, bool(caught.value.request_id)) == (200, True)


@pytest.mark.parametrize(("body", "words"), [(b"{}", "no data list"), (b"[1]", "not a JSON object")])
def test_an_unusable_download_names_its_status_and_request_id(
    cert_sandbox: SandboxServer, creds: Credentials, body: bytes, words: str
) -> None:
    store = store_for(creds, cert_sandbox.url, Downloads(rewrite=lambda _: body))
    with pytest.raises(CertificateError, match=words) as caught:
        store.refresh_or_raise()
    assert (caught.value.status_code, bool(caught.value.request_id)) == (200, True)


def test_a_stale_download_is_a_clock_problem_with_its_status_and_request_id(creds: Credentials) -> None:
    with SandboxServer(SandboxConfig(credentials=creds, certificate_mode=True, fault="stale-timestamp")) as stale:
        store = store_for(creds, stale.url)
        with pytest.raises(ClockSkewError, match="local clock is off") as caught:
            store.refresh_or_raise()
    assert (caught.value.status_code, bool(caught.value.request_id)) == (200, True)
    assert store.certificates == []


class UnknownSerial(httpx.BaseTransport):
    """Answers arrive naming a certificate serial nobody has: a forgery, or a certificate not yet downloaded."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        headers = {**response.headers, "Wechatpay-Serial": "7E2A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C"}
        return httpx.Response(response.status_code, headers=headers, content=response.content)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The store's clock, set forward by the test: clock[0] += seconds."""
    now = [time.time()]
    monkeypatch.setattr("wechatpay_signing.store.time", types.SimpleNamespace(time=lambda: now[0]))
    return now


def test_unknown_serials_refresh_at_once_but_at_most_once_a_minute(
    cert_sandbox: SandboxServer, creds: Credentials, clock: list[float]
) -> None:
    wire = Downloads()
    store = store_for(creds, cert_sandbox.url, wire)
    store.refresh_or_raise()
    client = client_with_store(creds, cert_sandbox.url, store, transport=UnknownSerial())
    clock[0] += 61
    for _ in range(50):  # a flood of answers with a serial nobody has
        with pytest.raises(SignatureVerificationError, match=r"unknown Wechatpay-Serial.*downloaded certificates"):
            get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client)
    assert wire.count == 2  # the first download, and one refresh for the whole flood
    clock[0] += 61
    with pytest.raises(SignatureVerificationError):
        get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client)
    assert wire.count == 3


def test_concurrent_threads_during_a_refresh_share_one_download(
    cert_sandbox: SandboxServer, creds: Credentials
) -> None:
    wire = Downloads(delay=0.3)
    store = store_for(creds, cert_sandbox.url, wire)
    client = client_with_store(creds, cert_sandbox.url, store)
    results: list[str] = []

    def call() -> None:
        results.append(get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client).collection_id)

    threads = [threading.Thread(target=call) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == ["FC2353ZJIHOJKHOIIOIJ"] * 16
    assert wire.count == 1


async def test_concurrent_tasks_during_a_refresh_share_one_download(
    cert_sandbox: SandboxServer, creds: Credentials
) -> None:
    wire = Downloads(delay=0.3)
    store = store_for(creds, cert_sandbox.url, wire)
    client = client_with_store(creds, cert_sandbox.url, store)
    ticks = 0

    async def heartbeat() -> None:  # the event loop keeps running while the download blocks a worker thread
        nonlocal ticks
        while wire.count == 0 or not store.certificates:
            ticks += 1
            await asyncio.sleep(0.01)

    calls = [get_face_collection.asyncio("FC2353ZJIHOJKHOIIOIJ", client=client) for _ in range(16)]
    collections, _ = await asyncio.gather(asyncio.gather(*calls), heartbeat())
    assert [c.collection_id for c in collections] == ["FC2353ZJIHOJKHOIIOIJ"] * 16
    assert wire.count == 1
    assert ticks >= 10


def test_a_failed_refresh_keeps_the_certificates_and_says_why(cert_sandbox: SandboxServer, creds: Credentials) -> None:
    wire = Downloads()
    store = store_for(creds, cert_sandbox.url, wire, min_interval=0)
    store.refresh_or_raise()
    wire.status = 500
    assert store.refresh() is False
    assert "SYSTEM_ERROR" in str(store.last_error) and "refresh-failed" in str(store.last_error)
    assert [c.serial for c in store.certificates] == serials(creds)
    client = client_with_store(creds, cert_sandbox.url, store)
    assert get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client).collection_id


def test_a_refresh_runs_on_schedule(cert_sandbox: SandboxServer, creds: Credentials, clock: list[float]) -> None:
    wire = Downloads()
    store = store_for(creds, cert_sandbox.url, wire)
    assert store.refresh_interval <= 12 * 3600
    client = client_with_store(creds, cert_sandbox.url, store)
    get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client)
    clock[0] += store.refresh_interval - 10
    get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client)
    assert wire.count == 1
    clock[0] += 20
    get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client)
    assert wire.count == 2


def test_the_cache_lets_a_restarted_service_verify_before_downloading(
    cert_sandbox: SandboxServer, creds: Credentials, tmp_path: Path
) -> None:
    cache = tmp_path / "certs"
    store_for(creds, cert_sandbox.url, cache_dir=cache).refresh_or_raise()
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    files = sorted(cache.iterdir())
    assert [f.name for f in files] == sorted([*(f"{s}.pem" for s in serials(creds)), "wechatpay-certificates.json"])
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)

    wire = Downloads()
    restarted = store_for(creds, cert_sandbox.url, wire, cache_dir=cache)
    client = client_with_store(creds, cert_sandbox.url, restarted)
    assert get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client).collection_id
    assert wire.count == 0


def test_a_merchant_without_certificates_verifies_with_its_public_key(
    sandbox: SandboxServer, creds: Credentials
) -> None:
    """Public-key mode: /v3/certificates answers 404 RESOURCE_NOT_EXISTS; the public key still verifies."""
    public_key = {creds.public_key_id: (creds.folder / "pub_key.pem").read_bytes()}
    store = store_for(creds, sandbox.url)
    auth = WeChatPayAuth(signer_of(creds), ResponseVerifier(public_key, certificates=store))
    client = Client(base_url=sandbox.url, httpx_args={"auth": auth})
    for _ in range(3):
        assert get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client).collection_id
    assert store.downloads == 1 and not store.has_certificates and store.last_error is None


def test_the_apiv3_key_beside_a_public_key_downloads_nothing(sandbox: SandboxServer, creds: Credentials) -> None:
    """With the public key the APIv3 key is kept for notifications only: no store, no download."""
    auth = auth_from_env({**creds.env(), "WECHATPAY_BASE_URL": sandbox.url})
    assert "WECHATPAY_APIV3_KEY_PATH" in creds.env()
    assert auth.verifier.certificates is None
    client = Client(base_url=sandbox.url, httpx_args={"auth": auth})
    assert get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client).collection_id


def test_no_key_to_verify_with_is_an_error_at_construction(creds: Credentials) -> None:
    env = {k: v for k, v in creds.env().items() if not k.startswith(("WECHATPAY_PUBLIC_KEY", "WECHATPAY_APIV3"))}
    with pytest.raises(ConfigurationError, match=r"nothing to verify .* WECHATPAY_APIV3_KEY"):
        auth_from_env(env)
    with pytest.raises(ConfigurationError, match="APIv3 key must be 32 bytes"):
        PlatformCertificateStore(signer_of(creds), "short")


def test_the_certificates_command_writes_and_lists_them(
    cert_sandbox: SandboxServer,
    creds: Credentials,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in certificate_env(creds, cert_sandbox.url).items():
        monkeypatch.setenv(name, value)
    assert cli(["certificates", "--output", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in printed] == serials(creds)
    assert all(" valid " in line and " UTC " in line for line in printed)
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted([*(f"{s}.pem" for s in serials(creds)), "wechatpay-certificates.json"])

    monkeypatch.setenv("WECHATPAY_APIV3_KEY", "f" * 32)
    assert cli(["certificates", "--output", str(tmp_path / "other")]) == 3
    assert "APIv3 key is wrong" in capsys.readouterr().err
