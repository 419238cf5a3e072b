"""Loopback TLS for tests and the benchmark: a throw-away CA, a server certificate for 127.0.0.1, a client one."""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .credentials import private_key_pem, write_private


@dataclass(frozen=True)
class TlsFiles:
    """PEM files: the CA that signed both certificates, the server's (127.0.0.1, localhost) and a client's."""

    ca: Path
    server_certificate: Path
    server_key: Path
    client_certificate: Path
    client_key: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_tls_files(folder: Path) -> TlsFiles:
    """A new CA and the two certificates it signs, written into ``folder`` (P-256 keys: quick to make and use)."""
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("wechatpay-sandbox test CA"))
        .issuer_name(_name("wechatpay-sandbox test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    def leaf(common_name: str, usage: x509.ObjectIdentifier, names: list[x509.GeneralName]) -> tuple[bytes, bytes]:
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(ca.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        )
        if names:
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        certificate = builder.sign(ca_key, hashes.SHA256())
        return certificate.public_bytes(serialization.Encoding.PEM), private_key_pem(key)

    files = TlsFiles(
        ca=folder / "ca.pem",
        server_certificate=folder / "server_cert.pem",
        server_key=folder / "server_key.pem",
        client_certificate=folder / "client_cert.pem",
        client_key=folder / "client_key.pem",
    )
    files.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    server_names: list[x509.GeneralName] = [
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.DNSName("localhost"),
    ]
    for (certificate_path, key_path), (common_name, usage, names) in [
        ((files.server_certificate, files.server_key), ("127.0.0.1", ExtendedKeyUsageOID.SERVER_AUTH, server_names)),
        ((files.client_certificate, files.client_key), ("merchant client", ExtendedKeyUsageOID.CLIENT_AUTH, [])),
    ]:
        certificate_pem, key_pem = leaf(common_name, usage, names)
        certificate_path.write_bytes(certificate_pem)
        write_private(key_path, key_pem)
    return files
