"""The sandbox's test credentials: made at start into a folder, or read back from one made before."""

from __future__ import annotations

import datetime
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from wechatpay_signing import certificate_serial, load_certificate, load_private_key, protocol

MCHID = "1900000109"
PUBLIC_KEY_ID = protocol.PUBLIC_KEY_ID_PREFIX + "0119000001092024112500000000"


@dataclass(frozen=True)
class PlatformCertificate:
    certificate: x509.Certificate
    private_key: rsa.RSAPrivateKey = field(repr=False)

    @property
    def serial(self) -> str:
        return certificate_serial(self.certificate)


@dataclass(frozen=True)
class SandboxCredentials:
    """Everything the sandbox signs and checks with, and where the merchant's half lies on disk."""

    folder: Path
    mchid: str
    merchant_certificate: x509.Certificate
    public_key_id: str
    public_key_private: rsa.RSAPrivateKey = field(repr=False)
    platform_certificates: tuple[PlatformCertificate, ...]
    apiv3_key: str = field(repr=False)  # a secret, even a sandbox's: kept out of reprs and logs

    @property
    def merchant_serial(self) -> str:
        return certificate_serial(self.merchant_certificate)

    def env(self) -> dict[str, str]:
        """The WECHATPAY_* variables that point wechatpay_signing.auth_from_env at these credentials."""
        return {
            protocol.ENV_MCHID: self.mchid,
            protocol.ENV_SERIAL_NO: self.merchant_serial,
            protocol.ENV_PRIVATE_KEY_PATH: str(self.folder / "apiclient_key.pem"),
            protocol.ENV_MERCHANT_CERT_PATH: str(self.folder / "apiclient_cert.pem"),
            protocol.ENV_PUBLIC_KEY_ID: self.public_key_id,
            protocol.ENV_PUBLIC_KEY_PATH: str(self.folder / "pub_key.pem"),
            protocol.ENV_APIV3_KEY_PATH: str(self.folder / "apiv3_key.txt"),
        }


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _certificate(
    key: rsa.RSAPrivateKey, common_name: str, not_before: datetime.datetime, days: int
) -> x509.Certificate:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "WeChat Pay sandbox (TEST ONLY)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_before + datetime.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )


def expired_platform_certificate() -> PlatformCertificate:
    """A platform certificate that expired yesterday, as a lagging download might still list."""
    key = _new_key()
    now = datetime.datetime.now(datetime.UTC)
    return PlatformCertificate(_certificate(key, "Tenpay.com Root CA", now - datetime.timedelta(days=366), 365), key)


def private_key_pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> bytes:
    """The key as unencrypted PKCS#8 PEM, as apiclient_key.pem is (RSA here, P-256 for the loopback TLS keys)."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def write_private(path: Path, data: bytes) -> None:
    # Owner-only from the start, like the real apiclient_key.pem should be: a chmod afterwards would leave a moment
    # in which another user could open it. O_NOFOLLOW: a symlink planted at the name is not written through.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        os.fchmod(file.fileno(), 0o600)  # a file that was there before keeps its mode through O_CREAT
        file.write(data)


def _private_folder(folder: Path) -> None:
    """Make the folder owner-only (0700), created so from the start."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)


def create(folder: Path, *, mchid: str = MCHID) -> SandboxCredentials:
    """New test credentials written into folder: merchant key and certificate, WeChat Pay public key, and two
    platform certificates that overlap as during a rotation (the older one expires in 5 days)."""
    _private_folder(folder)
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    merchant_key, public_key_private = _new_key(), _new_key()
    merchant_certificate = _certificate(merchant_key, mchid, now - datetime.timedelta(days=1), 3650)
    old_key, new_key = _new_key(), _new_key()
    platforms = (
        PlatformCertificate(
            _certificate(old_key, "Tenpay.com Root CA", now - datetime.timedelta(days=360), 365), old_key
        ),
        PlatformCertificate(
            _certificate(new_key, "Tenpay.com Root CA", now - datetime.timedelta(days=5), 1825), new_key
        ),
    )
    apiv3_key = secrets.token_hex(16)
    write_private(folder / "apiclient_key.pem", private_key_pem(merchant_key))
    write_private(folder / "apiclient_cert.pem", merchant_certificate.public_bytes(serialization.Encoding.PEM))
    write_private(
        folder / "pub_key.pem",
        public_key_private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
    )
    write_private(folder / "apiv3_key.txt", apiv3_key.encode())
    platform_folder = folder / "wechatpay_side"
    _private_folder(platform_folder)
    write_private(platform_folder / "pub_key_private.pem", private_key_pem(public_key_private))
    for index, platform in enumerate(platforms):
        write_private(platform_folder / f"platform_{index}_key.pem", private_key_pem(platform.private_key))
        write_private(
            platform_folder / f"platform_{index}_cert.pem",
            platform.certificate.public_bytes(serialization.Encoding.PEM),
        )
    (folder / "sandbox.json").write_text(json.dumps({"mchid": mchid, "public_key_id": PUBLIC_KEY_ID}, indent=2))
    return load(folder)


def load(folder: Path) -> SandboxCredentials:
    """Credentials that create() wrote before, so a restarted sandbox keeps its keys."""
    meta = json.loads((folder / "sandbox.json").read_text())
    platform_folder = folder / "wechatpay_side"
    platforms = tuple(
        PlatformCertificate(
            load_certificate((platform_folder / f"platform_{index}_cert.pem").read_bytes()),
            load_private_key((platform_folder / f"platform_{index}_key.pem").read_bytes()),
        )
        for index in range(2)
    )
    return SandboxCredentials(
        folder=folder,
        mchid=meta["mchid"],
        merchant_certificate=load_certificate((folder / "apiclient_cert.pem").read_bytes()),
        public_key_id=meta["public_key_id"],
        public_key_private=load_private_key((platform_folder / "pub_key_private.pem").read_bytes()),
        platform_certificates=platforms,
        apiv3_key=(folder / "apiv3_key.txt").read_text().strip(),
    )


def create_or_load(folder: Path) -> SandboxCredentials:
    return load(folder) if (folder / "sandbox.json").exists() else create(folder)
