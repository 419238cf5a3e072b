"""The tampered-body fault changes every answer it is applied to, so that none verifies (checked with openssl)."""

from __future__ import annotations

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from wechatpay_sandbox import FAULT_HEADER, SandboxConfig, SandboxServer
from wechatpay_sandbox import credentials as sandbox_credentials
from wechatpay_signing import WeChatPayAuth

from .support import openssl_verify

# Requests whose answers differ in every way: found or not, listed, refused, bad parameters, another endpoint.
REQUESTS = [
    ("/v3/offlineface/face-collections/FC2353ZJIHOJKHOIIOIJ", 200),  # COLLECTION_REQUIRED, organization 123
    ("/v3/offlineface/face-collections/FC9902SHENZHENPRIMARY", 200),  # another organization and state
    ("/v3/offlineface/face-collections/NOPE", 404),
    ("/v3/offlineface/face-collections?organization_id=123&limit=1", 200),
    ("/v3/offlineface/face-collections?organization_id=nobody", 200),  # an empty list
    ("/v3/offlineface/face-collections?organization_id=123&limit=0", 400),
    ("/v3/certificates", 404),  # public-key mode: no platform certificates
]


def signature_holds(creds: sandbox_credentials.SandboxCredentials, response: httpx.Response) -> bool:
    public_pem = creds.public_key_private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    headers = response.headers
    message = b"%s\n%s\n%s\n" % (
        headers["Wechatpay-Timestamp"].encode(),
        headers["Wechatpay-Nonce"].encode(),
        response.content,
    )
    return openssl_verify(public_pem, message, headers["Wechatpay-Signature"])


@pytest.mark.parametrize(("target", "status"), REQUESTS)
def test_every_answer_is_tampered(
    sandbox: SandboxServer,
    auth: WeChatPayAuth,
    creds: sandbox_credentials.SandboxCredentials,
    target: str,
    status: int,
) -> None:
    with httpx.Client(base_url=sandbox.url) as client:  # no verifying auth: the test checks the signature itself
        signed = auth.signer.authorization
        honest = client.get(target, headers={"Authorization": signed("GET", target, b"")})
        forged = client.get(
            target, headers={"Authorization": signed("GET", target, b""), FAULT_HEADER: "tampered-body"}
        )
    assert honest.status_code == forged.status_code == status
    assert signature_holds(creds, honest)
    assert forged.content != honest.content
    assert not signature_holds(creds, forged)


def test_an_unsigned_request_refused_with_401_is_tampered_too(
    sandbox: SandboxServer, creds: sandbox_credentials.SandboxCredentials
) -> None:
    with httpx.Client(base_url=sandbox.url) as client:
        forged = client.get("/v3/certificates", headers={FAULT_HEADER: "tampered-body"})
    assert forged.status_code == 401
    assert not signature_holds(creds, forged)


def test_certificate_mode_download_is_tampered(
    auth: WeChatPayAuth, creds: sandbox_credentials.SandboxCredentials
) -> None:
    # Each download holds fresh nonces, so the test looks for the change itself; the signature is the platform's.
    config = SandboxConfig(credentials=creds, certificate_mode=True, fault="tampered-body")
    with SandboxServer(config) as server, httpx.Client(base_url=server.url) as client:
        signed = auth.signer.authorization("GET", "/v3/certificates", b"")
        answer = client.get("/v3/certificates", headers={"Authorization": signed})
    assert answer.status_code == 200
    assert answer.json()["sandbox_tampered"] is True
