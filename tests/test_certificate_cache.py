"""Attacks on certificate mode's cache, download and output folder (issue 14 items 1, 5, 7, 8, 9).

"Another local user" is a file or folder chowned to another uid, which needs root (those tests are skipped
otherwise). Certificates, their encryption under the APIv3 key and their signatures are made here with the
cryptography primitives directly, not with the package's code.
"""

from __future__ import annotations

import base64
import datetime
import errno
import hashlib
import hmac
import json
import logging
import os
import secrets
import stat
import time
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID
from wechatpay_offlineface import Client
from wechatpay_offlineface.api.face_collections import get_face_collection
from wechatpay_sandbox import SandboxConfig, SandboxServer
from wechatpay_sandbox import credentials as sandbox_credentials
from wechatpay_signing import (
    CertificateError,
    ConfigurationError,
    MerchantSigner,
    PlatformCertificate,
    PlatformCertificateStore,
    ResponseVerifier,
    SignatureVerificationError,
    WeChatPayAuth,
)
from wechatpay_signing.cache import CertificateCache
from wechatpay_signing.cli import main as cli

Credentials = sandbox_credentials.SandboxCredentials
OTHER_UID = 54321  # "another local user": root can chown to any uid
NOWHERE = "http://127.0.0.1:9"  # no download may succeed against it
BODY = b'{"collection_id":"FC2353ZJIHOJKHOIIOIJ","organization_id":"evil"}'

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="simulates another user with chown, which needs root")


@pytest.fixture(scope="module")
def cert_sandbox(creds: Credentials) -> Iterator[SandboxServer]:
    with SandboxServer(SandboxConfig(credentials=creds, certificate_mode=True)) as server:
        yield server


def signer_of(creds: Credentials) -> MerchantSigner:
    return MerchantSigner(creds.mchid, creds.merchant_serial, (creds.folder / "apiclient_key.pem").read_bytes())


def store_for(creds: Credentials, url: str = NOWHERE, **kwargs: Any) -> PlatformCertificateStore:
    return PlatformCertificateStore(signer_of(creds), creds.apiv3_key, base_url=url, **kwargs)


def serials(creds: Credentials) -> list[str]:
    return [platform.serial for platform in creds.platform_certificates]


def new_certificate(not_before: datetime.datetime, not_after: datetime.datetime) -> tuple[rsa.RSAPrivateKey, bytes]:
    """A self-signed RSA-2048 certificate, as a platform certificate is, and its key; the certificate as PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay.com Root CA")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )
    return key, certificate.public_bytes(serialization.Encoding.PEM)


def serial_of(pem: bytes) -> str:
    return format(x509.load_pem_x509_certificate(pem).serial_number, "X")


def utc(days: float = 0) -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=days)


@pytest.fixture(scope="module")
def attacker() -> tuple[rsa.RSAPrivateKey, bytes]:
    """Another local user's key and certificate, valid now."""
    return new_certificate(utc(-1), utc(365))


def signed_headers(key: rsa.RSAPrivateKey, serial: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    nonce = secrets.token_hex(16)
    message = f"{stamp}\n{nonce}\n".encode() + body + b"\n"
    signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    return {
        "Wechatpay-Timestamp": stamp,
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Signature": base64.b64encode(signature).decode(),
        "Wechatpay-Serial": serial,
        "Request-ID": "forged-1",
    }


def forged_answer_is_refused(store: PlatformCertificateStore, attacker: tuple[rsa.RSAPrivateKey, bytes]) -> None:
    key, pem = attacker
    with pytest.raises(SignatureVerificationError):
        ResponseVerifier({}, certificates=store).verify(signed_headers(key, serial_of(pem), BODY), BODY)


def private_folder(path: Path) -> Path:
    path.mkdir(mode=0o700)
    return path


def plant(folder: Path, pem: bytes, *, uid: int | None = None, name: str | None = None) -> Path:
    path = folder / (name or f"{serial_of(pem)}.pem")
    path.write_bytes(pem)
    path.chmod(0o600)
    if uid is not None:
        os.chown(path, uid, uid)
    return path


# Item 1: the cache is not a way in.


@needs_root
def test_a_certificate_planted_by_another_user_is_not_trusted(
    creds: Credentials, tmp_path: Path, attacker: tuple[rsa.RSAPrivateKey, bytes]
) -> None:
    folder = private_folder(tmp_path / "cache")
    plant(folder, attacker[1], uid=OTHER_UID)
    forged_answer_is_refused(store_for(creds, cache_dir=folder), attacker)


def test_a_certificate_file_without_the_merchants_hmac_is_not_trusted(
    creds: Credentials, tmp_path: Path, attacker: tuple[rsa.RSAPrivateKey, bytes]
) -> None:
    folder = private_folder(tmp_path / "cache")
    plant(folder, attacker[1])  # owned by this user, 0600: written by something that lacks the APIv3 key
    forged_answer_is_refused(store_for(creds, cache_dir=folder), attacker)


@needs_root
def test_a_planted_symlink_is_not_followed(
    creds: Credentials, tmp_path: Path, attacker: tuple[rsa.RSAPrivateKey, bytes]
) -> None:
    elsewhere = plant(private_folder(tmp_path / "elsewhere"), attacker[1], uid=OTHER_UID)
    folder = private_folder(tmp_path / "cache")
    (folder / elsewhere.name).symlink_to(elsewhere)
    forged_answer_is_refused(store_for(creds, cache_dir=folder), attacker)


@pytest.mark.parametrize("mode", [0o770, 0o707, 0o777, 0o1777])
def test_a_folder_others_can_write_to_is_refused_at_start(
    creds: Credentials, tmp_path: Path, attacker: tuple[rsa.RSAPrivateKey, bytes], mode: int
) -> None:
    folder = private_folder(tmp_path / "cache")
    plant(folder, attacker[1])
    folder.chmod(mode)
    with pytest.raises(ConfigurationError, match="writable by other users") as caught:
        store_for(creds, cache_dir=folder)
    assert str(folder) in str(caught.value)
    assert stat.S_IMODE(folder.stat().st_mode) == mode  # said, not changed behind the owner's back


def shared_folder(path: Path, mode: int = 0o777) -> Path:
    """A folder other users may write to, as a badly set-up /srv or /var/tmp might be."""
    path.mkdir()
    path.chmod(mode)
    return path


def refused_naming(creds: Credentials, folder: Path, unsafe: Path, reason: str) -> None:
    with pytest.raises(ConfigurationError, match=reason) as caught:
        store_for(creds, cache_dir=folder)
    assert f"{unsafe}," in str(caught.value) and str(folder) in str(caught.value)


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o757], ids=oct)
@pytest.mark.parametrize("depth", [1, 2])
def test_a_folder_whose_parents_others_can_write_to_is_refused(
    creds: Credentials, tmp_path: Path, attacker: tuple[rsa.RSAPrivateKey, bytes], mode: int, depth: int
) -> None:
    # Another user may rename the cache folder (or, two levels down, the folder holding it) away and put theirs there.
    shared = shared_folder(tmp_path / "shared", mode)
    folder = (
        private_folder(shared / "cache") if depth == 1 else private_folder(private_folder(shared / "app") / "cache")
    )
    plant(folder, attacker[1])
    refused_naming(creds, folder, shared, "writable by other users .* without the sticky bit")


def test_a_folder_in_a_sticky_shared_folder_is_accepted(creds: Credentials, tmp_path: Path) -> None:
    # As in /tmp: with the sticky bit, others can rename or remove only what they own.
    folder = private_folder(shared_folder(tmp_path / "tmp", 0o1777) / "cache")
    assert store_for(creds, cache_dir=folder).certificates == []


def test_a_folder_reached_through_a_link_into_a_shared_folder_is_refused(creds: Credentials, tmp_path: Path) -> None:
    shared = shared_folder(tmp_path / "shared")
    private_folder(shared / "cache")
    (private_folder(tmp_path / "mine") / "link").symlink_to(shared)
    refused_naming(creds, tmp_path / "mine" / "link" / "cache", shared, "without the sticky bit")


def test_a_link_and_dot_dot_into_a_shared_folder_is_refused(creds: Credentials, tmp_path: Path) -> None:
    # mine/link/.. is where the link points, then up: shared, not mine (the system resolves the link first).
    shared = shared_folder(tmp_path / "shared")
    private_folder(shared / "deep")
    private_folder(shared / "cache")
    (private_folder(tmp_path / "mine") / "link").symlink_to(shared / "deep")
    refused_naming(creds, tmp_path / "mine" / "link" / ".." / "cache", shared, "without the sticky bit")


def test_a_link_in_a_shared_folder_is_refused_even_to_a_safe_one(creds: Credentials, tmp_path: Path) -> None:
    # The link's target is safe, but anyone may replace the link itself.
    private_folder(private_folder(tmp_path / "safe") / "cache")
    shared = shared_folder(tmp_path / "shared")
    (shared / "link").symlink_to(tmp_path / "safe")
    refused_naming(creds, shared / "link" / "cache", shared, "without the sticky bit")


def test_a_folder_not_made_yet_under_a_shared_folder_is_refused_at_start(creds: Credentials, tmp_path: Path) -> None:
    shared = shared_folder(tmp_path / "shared")
    refused_naming(creds, shared / "not-yet" / "cache", shared, "without the sticky bit")
    assert list(shared.iterdir()) == []  # nothing made there


@pytest.mark.usefixtures("certificate_env")
def test_the_certificates_command_refuses_an_output_folder_in_a_shared_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = shared_folder(tmp_path / "shared")
    out = private_folder(shared / "out")
    assert cli(["certificates", "--output", str(out)]) == 2
    assert f"{shared}, is writable by other users" in capsys.readouterr().err
    assert list(out.iterdir()) == []


@needs_root
def test_a_folder_whose_parent_belongs_to_another_user_is_refused(creds: Credentials, tmp_path: Path) -> None:
    theirs = private_folder(tmp_path / "theirs")
    folder = private_folder(theirs / "cache")
    os.chown(theirs, OTHER_UID, OTHER_UID)
    refused_naming(creds, folder, theirs, f"owned by uid {OTHER_UID}")


@needs_root
def test_a_folder_of_another_user_is_refused_at_start(
    creds: Credentials, tmp_path: Path, attacker: tuple[rsa.RSAPrivateKey, bytes]
) -> None:
    folder = private_folder(tmp_path / "cache")
    plant(folder, attacker[1], uid=OTHER_UID)
    os.chown(folder, OTHER_UID, OTHER_UID)
    with pytest.raises(ConfigurationError, match=f"owned by uid {OTHER_UID}"):
        store_for(creds, cache_dir=folder)


def test_a_symlinked_folder_is_refused_at_start(
    creds: Credentials, tmp_path: Path, attacker: tuple[rsa.RSAPrivateKey, bytes]
) -> None:
    target = private_folder(tmp_path / "target")
    plant(target, attacker[1])
    (tmp_path / "cache").symlink_to(target)
    with pytest.raises(ConfigurationError, match="symbolic link"):
        store_for(creds, cache_dir=tmp_path / "cache")


def test_the_cache_of_another_merchant_is_not_trusted(
    cert_sandbox: SandboxServer, creds: Credentials, tmp_path: Path
) -> None:
    folder = tmp_path / "cache"
    store_for(creds, cert_sandbox.url, cache_dir=folder).refresh_or_raise()
    other = PlatformCertificateStore(signer_of(creds), "f" * 32, base_url=NOWHERE, cache_dir=folder)
    assert other.certificates == []  # written under another APIv3 key: not this merchant's
    restarted = store_for(creds, cache_dir=folder)
    assert [c.serial for c in restarted.certificates] == serials(creds)  # the merchant's own still loads


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [time.time()]
    monkeypatch.setattr("wechatpay_signing.store.time", types.SimpleNamespace(time=lambda: now[0]))
    return now


def test_a_future_mtime_does_not_stop_the_scheduled_download(
    cert_sandbox: SandboxServer, creds: Credentials, tmp_path: Path, clock: list[float]
) -> None:
    folder = tmp_path / "cache"
    store_for(creds, cert_sandbox.url, cache_dir=folder).refresh_or_raise()
    future = time.time() + 10 * 365 * 86400
    for path in folder.iterdir():
        os.utime(path, (future, future))
    restarted = store_for(creds, cert_sandbox.url, cache_dir=folder)
    assert [c.serial for c in restarted.certificates] == serials(creds)
    assert not restarted.should_refresh(None)  # fresh: downloaded a moment ago
    clock[0] += restarted.refresh_interval + 1
    assert restarted.should_refresh(None)


def signed_cache(apiv3_key: str, content: dict[str, Any]) -> bytes:
    """A cache file made as the README says, by the hmac module: HMAC-SHA256 under the APIv3 key of a context line
    and the content's canonical JSON."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()
    tag = hmac.new(apiv3_key.encode(), b"wechatpay-signing certificate cache\n" + canonical, hashlib.sha256)
    return json.dumps({"content": content, "hmac_sha256": tag.hexdigest()}).encode()


def cache_content(creds: Credentials, pems: list[bytes], downloaded_at: float) -> dict[str, Any]:
    certificates = [pem.decode() for pem in pems]
    return {"format": 1, "mchid": creds.mchid, "downloaded_at": int(downloaded_at), "certificates": certificates}


def genuine_pems(creds: Credentials) -> list[bytes]:
    return [(creds.folder / "wechatpay_side" / f"platform_{i}_cert.pem").read_bytes() for i in range(2)]


def test_the_documented_cache_format_is_what_loads(creds: Credentials, tmp_path: Path) -> None:
    folder = private_folder(tmp_path / "cache")
    plant(
        folder,
        signed_cache(creds.apiv3_key, cache_content(creds, genuine_pems(creds), time.time() - 60)),
        name="wechatpay-certificates.json",
    )
    assert [c.serial for c in store_for(creds, cache_dir=folder).certificates] == serials(creds)


def test_an_authenticated_cache_with_a_future_download_time_is_refused(
    creds: Credentials, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = private_folder(tmp_path / "cache")
    content = cache_content(creds, genuine_pems(creds), time.time() + 3600)
    plant(folder, signed_cache(creds.apiv3_key, content), name="wechatpay-certificates.json")
    with caplog.at_level(logging.WARNING, logger="wechatpay_signing"):
        store = store_for(creds, cache_dir=folder)
    assert store.certificates == [] and store.should_refresh(None)
    assert "in the future" in caplog.text


def test_an_edited_cache_is_not_trusted(
    creds: Credentials, tmp_path: Path, attacker: tuple[rsa.RSAPrivateKey, bytes]
) -> None:
    folder = private_folder(tmp_path / "cache")
    genuine = json.loads(signed_cache(creds.apiv3_key, cache_content(creds, genuine_pems(creds), time.time())))
    genuine["content"]["certificates"].append(attacker[1].decode())  # the tag no longer covers the content
    plant(folder, json.dumps(genuine).encode(), name="wechatpay-certificates.json")
    store = store_for(creds, cache_dir=folder)
    assert store.certificates == []
    forged_answer_is_refused(store, attacker)


@needs_root
def test_a_genuine_cache_file_owned_by_another_user_is_not_trusted(creds: Credentials, tmp_path: Path) -> None:
    folder = private_folder(tmp_path / "cache")
    content = cache_content(creds, genuine_pems(creds), time.time())
    plant(folder, signed_cache(creds.apiv3_key, content), name="wechatpay-certificates.json", uid=OTHER_UID)
    assert store_for(creds, cache_dir=folder).certificates == []


def test_a_write_removes_only_the_files_it_wrote_before(creds: Credentials, tmp_path: Path) -> None:
    folder = private_folder(tmp_path / "cache")
    cache = CertificateCache(folder, creds.apiv3_key.encode(), creds.mchid)
    old, new = (PlatformCertificate(p.serial, p.certificate) for p in creds.platform_certificates)
    cache.save([old, new], time.time())
    theirs = {f"wechatpay_{old.serial}.pem": b"another tool", "apiclient_cert.pem": b"merchant", "ABCDEF.pem": b"x"}
    for name, content in theirs.items():
        plant(folder, content, name=name)
    cache.save([new], time.time())
    assert not (folder / f"{old.serial}.pem").exists()  # it listed this one in its last write
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*theirs, f"{new.serial}.pem", "wechatpay-certificates.json"]
    )
    for name, content in theirs.items():
        assert (folder / name).read_bytes() == content


# Item 5: `wechatpay certificates --output DIR` writes its own files only.


@pytest.fixture
def certificate_env(cert_sandbox: SandboxServer, creds: Credentials, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in creds.env().items():
        if not name.startswith("WECHATPAY_PUBLIC_KEY"):
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("WECHATPAY_BASE_URL", cert_sandbox.url)


@pytest.mark.usefixtures("certificate_env")
def test_the_certificates_command_keeps_other_files_and_the_folders_mode(
    creds: Credentials, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir(mode=0o755)
    out.chmod(0o755)
    theirs = {"apiclient_cert.pem": b"merchant certificate", f"wechatpay_{serials(creds)[0]}.pem": b"another tool"}
    for name, content in theirs.items():
        (out / name).write_bytes(content)
    assert cli(["certificates", "--output", str(out)]) == 0
    for name, content in theirs.items():
        assert (out / name).read_bytes() == content
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    for serial in serials(creds):
        assert x509.load_pem_x509_certificate((out / f"{serial}.pem").read_bytes())
    assert cli(["certificates", "--output", str(out)]) == 0  # a second run over its own files
    for name, content in theirs.items():
        assert (out / name).read_bytes() == content


@pytest.mark.usefixtures("certificate_env")
def test_the_certificates_command_does_not_follow_a_symlinked_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = private_folder(tmp_path / "target")
    (tmp_path / "out").symlink_to(target)
    assert cli(["certificates", "--output", str(tmp_path / "out")]) == 2
    assert "symbolic link" in capsys.readouterr().err
    assert list(target.iterdir()) == []


@needs_root
@pytest.mark.usefixtures("certificate_env")
def test_the_certificates_command_refuses_a_folder_holding_another_users_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = private_folder(tmp_path / "out")
    out.chmod(0o755)
    foreign = plant(out, b"theirs", uid=OTHER_UID, name="notes.pem")
    assert cli(["certificates", "--output", str(out)]) == 2
    err = capsys.readouterr().err
    assert str(foreign) in err and f"uid {OTHER_UID}" in err
    assert sorted(p.name for p in out.iterdir()) == ["notes.pem"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o755


# Item 7: an unsigned or unverifiable download answer changes nothing held.


def unsigned(status: int, payload: dict[str, Any]) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(status, json=payload, headers={"Request-ID": "x-1"}))


def test_an_unsigned_404_keeps_the_certificates_held_and_cached(
    cert_sandbox: SandboxServer, creds: Credentials, tmp_path: Path
) -> None:
    folder = tmp_path / "cache"
    store_for(creds, cert_sandbox.url, cache_dir=folder).refresh_or_raise()
    not_exists = {"code": "RESOURCE_NOT_EXISTS", "message": "商户未申请平台证书"}
    store = store_for(creds, cache_dir=folder, transport=unsigned(404, not_exists), min_interval=0)
    assert store.refresh() is False
    assert [c.serial for c in store.certificates] == serials(creds)
    assert store.has_certificates and "RESOURCE_NOT_EXISTS" in str(store.last_error)
    with pytest.raises(CertificateError, match="not signed"):
        store.refresh_or_raise()
    assert [c.serial for c in store_for(creds, cache_dir=folder).certificates] == serials(creds)


def test_an_unsigned_empty_download_keeps_the_certificates_held(
    cert_sandbox: SandboxServer, creds: Credentials
) -> None:
    store = store_for(creds, cert_sandbox.url, min_interval=0)
    store.refresh_or_raise()
    store._transport = unsigned(200, {"data": []})
    store._client = None
    with pytest.raises(CertificateError):
        store.refresh_or_raise()
    assert [c.serial for c in store.certificates] == serials(creds)


# Item 8: an expired certificate verifies nothing.


def sealed_download(apiv3_key: str, pems: list[bytes]) -> list[dict[str, Any]]:
    entries = []
    for pem in pems:
        nonce, associated = secrets.token_hex(6), "certificate"
        sealed = AESGCM(apiv3_key.encode()).encrypt(nonce.encode(), pem, associated.encode())
        entries.append(
            {
                "serial_no": serial_of(pem),
                "effective_time": "2020-01-01T00:00:00+08:00",
                "expire_time": "2030-01-01T00:00:00+08:00",
                "encrypt_certificate": {
                    "algorithm": "AEAD_AES_256_GCM",
                    "nonce": nonce,
                    "associated_data": associated,
                    "ciphertext": base64.b64encode(sealed).decode(),
                },
            }
        )
    return entries


def download_signed_by(key: rsa.RSAPrivateKey, serial: str, entries: list[dict[str, Any]]) -> httpx.MockTransport:
    body = json.dumps({"data": entries}).encode()
    return httpx.MockTransport(
        lambda request: httpx.Response(200, content=body, headers=signed_headers(key, serial, body))
    )


def test_a_download_signed_by_a_certificate_that_expired_a_month_ago_is_refused(creds: Credentials) -> None:
    expired_key, expired = new_certificate(utc(-400), utc(-30))
    _, current = new_certificate(utc(-1), utc(365))
    transport = download_signed_by(
        expired_key, serial_of(expired), sealed_download(creds.apiv3_key, [expired, current])
    )
    store = store_for(creds, transport=transport)
    with pytest.raises(CertificateError, match="not signed by a certificate it contains"):
        store.refresh_or_raise()
    assert store.certificates == []


def test_a_download_signed_by_a_current_certificate_is_taken(creds: Credentials) -> None:
    key, current = new_certificate(utc(-1), utc(365))
    _, expired = new_certificate(utc(-400), utc(-30))
    transport = download_signed_by(key, serial_of(current), sealed_download(creds.apiv3_key, [expired, current]))
    assert [c.serial for c in store_for(creds, transport=transport).refresh_or_raise()] == [serial_of(current)]


@pytest.mark.parametrize(("expired_seconds_ago", "verifies"), [(30 * 86400, False), (3600, False), (60, True)])
def test_an_answer_signed_by_an_expired_configured_certificate_is_refused(
    expired_seconds_ago: int, verifies: bool
) -> None:
    expiry = utc(-expired_seconds_ago / 86400)
    key, pem = new_certificate(expiry - datetime.timedelta(days=365), expiry)
    verifier = ResponseVerifier({serial_of(pem): pem})
    headers = signed_headers(key, serial_of(pem), BODY)
    if verifies:  # within the 5 minutes' tolerance for the clocks of the two sides
        verifier.verify(headers, BODY)
        return
    with pytest.raises(SignatureVerificationError, match="expired"):
        verifier.verify(headers, BODY)


@pytest.mark.parametrize(("starts_in_seconds", "verifies"), [(30 * 86400, False), (3600, False), (60, True)])
def test_an_answer_signed_by_a_configured_certificate_not_valid_yet_is_refused(
    starts_in_seconds: int, verifies: bool
) -> None:
    start = utc(starts_in_seconds / 86400)
    key, pem = new_certificate(start, start + datetime.timedelta(days=365))
    verifier = ResponseVerifier({serial_of(pem): pem})
    headers = signed_headers(key, serial_of(pem), BODY)
    if verifies:  # within the 5 minutes' tolerance for the clocks of the two sides
        verifier.verify(headers, BODY)
        return
    with pytest.raises(SignatureVerificationError, match="not valid until"):
        verifier.verify(headers, BODY)
    assert verifier.encryption_key() is None  # nor is anything encrypted for it


def test_a_downloaded_certificate_not_valid_yet_neither_verifies_nor_encrypts(creds: Credentials) -> None:
    key, current = new_certificate(utc(-1), utc(365))
    future_key, future = new_certificate(utc(1), utc(400))  # expires last: would win newest() if it counted
    transport = download_signed_by(key, serial_of(current), sealed_download(creds.apiv3_key, [future, current]))
    store = store_for(creds, transport=transport)
    assert [c.serial for c in store.refresh_or_raise()] == [serial_of(current)]
    assert store.get(serial_of(future)) is None and store.newest() == serial_of(current)
    verifier = ResponseVerifier({}, certificates=store)
    encryption = verifier.encryption_key()
    assert encryption is not None and encryption[0] == serial_of(current)
    with pytest.raises(SignatureVerificationError, match="unknown Wechatpay-Serial"):
        verifier.verify(signed_headers(future_key, serial_of(future), BODY), BODY)
    # Held, it is still refused at use: checked again when asked for, not only when downloaded.
    store._held = {serial_of(future): PlatformCertificate(serial_of(future), x509.load_pem_x509_certificate(future))}
    assert store.get(serial_of(future)) is None and store.newest() is None


def test_a_download_signed_by_a_certificate_not_valid_yet_is_refused(creds: Credentials) -> None:
    future_key, future = new_certificate(utc(1), utc(400))
    _, current = new_certificate(utc(-1), utc(365))
    transport = download_signed_by(future_key, serial_of(future), sealed_download(creds.apiv3_key, [future, current]))
    store = store_for(creds, transport=transport)
    with pytest.raises(CertificateError, match="not signed by a certificate it contains that is valid now"):
        store.refresh_or_raise()
    assert store.certificates == []


def test_a_cached_certificate_not_valid_yet_is_not_loaded(creds: Credentials, tmp_path: Path) -> None:
    _, future = new_certificate(utc(1), utc(400))
    folder = private_folder(tmp_path / "cache")
    content = cache_content(creds, [future], time.time() - 60)
    plant(folder, signed_cache(creds.apiv3_key, content), name="wechatpay-certificates.json")
    assert store_for(creds, cache_dir=folder).certificates == []


# Item 9: a failed cache write loses no answer and leaves nothing that stops a start-up.


def test_a_full_disk_does_not_turn_a_genuine_answer_into_an_error(
    cert_sandbox: SandboxServer,
    creds: Credentials,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    folder = tmp_path / "cache"

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", disk_full)
    store = store_for(creds, cert_sandbox.url, cache_dir=folder)
    auth = WeChatPayAuth(signer_of(creds), ResponseVerifier({}, certificates=store))
    client = Client(base_url=cert_sandbox.url, httpx_args={"auth": auth})
    with caplog.at_level(logging.WARNING, logger="wechatpay_signing"):
        assert get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client).collection_id
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any(str(folder) in line and "No space left" in line for line in warnings), warnings
    assert list(folder.iterdir()) == []  # no leftover
    monkeypatch.undo()
    assert store_for(creds, cache_dir=folder).certificates == []


def test_a_leftover_temporary_file_does_not_stop_a_start_up(
    cert_sandbox: SandboxServer, creds: Credentials, tmp_path: Path
) -> None:
    folder = tmp_path / "cache"
    store_for(creds, cert_sandbox.url, cache_dir=folder).refresh_or_raise()
    (folder / ".tmp-k2j3h4.pem").write_bytes(b"")  # what a write cut short by a full disk left
    (folder / ".tmp-k2j3h4.pem").chmod(0o600)
    assert [c.serial for c in store_for(creds, cache_dir=folder).certificates] == serials(creds)


def test_a_damaged_cache_is_logged_by_its_file_and_downloaded_again(
    cert_sandbox: SandboxServer, creds: Credentials, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "cache"
    store_for(creds, cert_sandbox.url, cache_dir=folder).refresh_or_raise()
    for path in folder.iterdir():
        path.write_bytes(path.read_bytes()[:50] + b"\x1b[2J\n")
    with caplog.at_level(logging.WARNING, logger="wechatpay_signing"):
        store = store_for(creds, cert_sandbox.url, cache_dir=folder)
    assert store.certificates == []
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any(str(folder) in line for line in warnings), warnings
    assert not any("\x1b" in line for line in warnings)
    assert [c.serial for c in store.refresh_or_raise()] == serials(creds)


def test_a_write_cleans_its_own_old_leftovers_only(creds: Credentials, tmp_path: Path) -> None:
    folder = private_folder(tmp_path / "cache")
    stale, in_progress = plant(folder, b"", name=".wechatpay-tmp-0a1b"), plant(folder, b"", name=".wechatpay-tmp-2c3d")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    certificate = creds.platform_certificates[1]
    CertificateCache(folder, creds.apiv3_key.encode(), creds.mchid).save(
        [PlatformCertificate(certificate.serial, certificate.certificate)], time.time()
    )
    assert not stale.exists() and in_progress.exists()  # another process may be writing that one just now
