"""End to end over real loopback HTTP: the sandbox, the generated client and the signing plugin."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from wechatpay_offlineface import Client
from wechatpay_offlineface.api.face_collections import get_face_collection, list_face_collections
from wechatpay_offlineface.models import CollectionState, FaceCollection, WeChatPayErrorBody
from wechatpay_sandbox import FAULT_HEADER, SandboxConfig, SandboxServer
from wechatpay_signing import (
    MerchantSigner,
    ResponseVerifier,
    WeChatPayAuth,
    auth_from_env,
    certificate_serial,
    load_certificate,
)
from wechatpayv3 import utils as wechatpayv3_utils

from .conftest import OWN_MCHID, client_for
from .support import openssl_sign, pem

TARGET = "/v3/offlineface/face-collections/FC2353ZJIHOJKHOIIOIJ"


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_generated_client_against_sandbox(sandbox: SandboxServer, auth: WeChatPayAuth, mode: str) -> None:
    client = client_for(sandbox, auth)
    if mode == "sync":
        one = get_face_collection.sync("FC2353ZJIHOJKHOIIOIL", client=client)
        page = list_face_collections.sync(client=client, organization_id="123", offset=1, limit=2)
        missing = get_face_collection.sync_detailed("FC_NOPE", client=client)
    else:
        one = await get_face_collection.asyncio("FC2353ZJIHOJKHOIIOIL", client=client)
        page = await list_face_collections.asyncio(client=client, organization_id="123", offset=1, limit=2)
        missing = await get_face_collection.asyncio_detailed("FC_NOPE", client=client)
    assert isinstance(one, FaceCollection) and one.collection_state is CollectionState.COMPLETE
    assert not isinstance(page, WeChatPayErrorBody) and page is not None
    assert [c.collection_id for c in page.face_collections] == ["FC2353ZJIHOJKHOIIOIK", "FC2353ZJIHOJKHOIIOIL"]
    assert missing.status_code == 404 and missing.request_id
    assert isinstance(missing.parsed, WeChatPayErrorBody) and missing.parsed.code == "RESOURCE_NOT_EXISTS"


def test_bad_parameter_is_param_error_with_detail(sandbox: SandboxServer, auth: WeChatPayAuth) -> None:
    response = list_face_collections.sync_detailed(client=client_for(sandbox, auth), organization_id="123", limit=0)
    assert response.status_code == 400
    assert isinstance(response.parsed, WeChatPayErrorBody) and response.parsed.code == "PARAM_ERROR"
    assert response.parsed.to_dict()["detail"]["field"] == "limit"


def test_request_signed_by_wechatpayv3_is_accepted(sandbox: SandboxServer, creds: Any) -> None:
    key = load_pem_private_key((creds.folder / "apiclient_key.pem").read_bytes(), password=None)
    authorization = wechatpayv3_utils.build_authorization(TARGET, "GET", creds.mchid, creds.merchant_serial, key)
    response = httpx.get(sandbox.url + TARGET, headers={"Authorization": authorization})
    assert response.status_code == 200, response.text
    assert response.json()["collection_id"] == "FC2353ZJIHOJKHOIIOIJ"


def test_request_signed_by_openssl_for_a_registered_merchant_is_accepted(sandbox: SandboxServer) -> None:
    timestamp, nonce = int(time.time()), "0123456789abcdef0123456789abcdef"
    target = TARGET + "?appid=wxd678efh567hg6787"
    signature = openssl_sign("merchant_key.pem", f"GET\n{target}\n{timestamp}\n{nonce}\n\n".encode())
    serial = certificate_serial(load_certificate(pem("merchant_cert.pem")))
    authorization = (
        f'WECHATPAY2-SHA256-RSA2048 mchid="{OWN_MCHID}",nonce_str="{nonce}",signature="{signature}",'
        f'timestamp="{timestamp}",serial_no="{serial}"'
    )
    response = httpx.get(sandbox.url + target, headers={"Authorization": authorization})
    assert response.status_code == 200, response.text


def _signer(creds: Any, serial: str | None = None) -> MerchantSigner:
    return MerchantSigner(
        creds.mchid, serial or creds.merchant_serial, (creds.folder / "apiclient_key.pem").read_bytes()
    )


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("wrong-signature", "signature does not verify"),
        ("wrong-serial", "serial_no"),
        ("stale-timestamp", "5 minutes"),
        ("future-timestamp", "5 minutes"),
        ("unknown-mchid", "unknown mchid"),
        ("other-target", "signature does not verify"),
        ("no-scheme", "WECHATPAY2-SHA256-RSA2048"),
    ],
)
def test_bad_requests_get_401_sign_error(sandbox: SandboxServer, creds: Any, case: str, reason: str) -> None:
    signer = _signer(creds, "ABCDEF0123" if case == "wrong-serial" else None)
    now = int(time.time())
    # A few seconds past the 5-minute bound: the client truncates to whole seconds and the clock moves on meanwhile.
    timestamp = {"stale-timestamp": now - 305, "future-timestamp": now + 305}.get(case, now)
    signed_target = TARGET.replace("OIJ", "OIK") if case == "other-target" else TARGET
    authorization = signer.authorization("GET", signed_target, timestamp=timestamp)
    if case == "wrong-signature":
        authorization = authorization.replace('signature="', 'signature="AAAA')
    elif case == "unknown-mchid":
        authorization = authorization.replace(f'mchid="{creds.mchid}"', 'mchid="1230000109"')
    elif case == "no-scheme":
        authorization = authorization.split(" ", 1)[1]
    response = httpx.get(sandbox.url + TARGET, headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.json()["code"] == "SIGN_ERROR"
    assert reason in response.json()["message"]
    assert response.headers["Request-ID"]


def test_unknown_fault_name_is_param_error(sandbox: SandboxServer, auth: WeChatPayAuth) -> None:
    client = client_for(sandbox, auth, headers={FAULT_HEADER: "nonsense"})
    response = get_face_collection.sync_detailed("FC2353ZJIHOJKHOIIOIJ", client=client)
    assert isinstance(response.parsed, WeChatPayErrorBody) and "nonsense" in response.parsed.message


def test_certificate_mode_serves_encrypted_overlapping_certificates(creds: Any) -> None:
    with SandboxServer(SandboxConfig(credentials=creds, certificate_mode=True)) as server:
        signer = _signer(creds)
        authorization = signer.authorization("GET", "/v3/certificates")
        response = httpx.get(server.url + "/v3/certificates", headers={"Authorization": authorization})
        assert response.status_code == 200
        certificates = {}
        for entry in response.json()["data"]:
            encrypted = entry["encrypt_certificate"]
            # Decrypted by the wechatpayv3 SDK, not by our code.
            pem_text = wechatpayv3_utils.aes_decrypt(
                encrypted["nonce"], encrypted["ciphertext"], encrypted["associated_data"], creds.apiv3_key
            )
            certificate = load_certificate(pem_text)
            assert certificate_serial(certificate) == entry["serial_no"]
            certificates[entry["serial_no"]] = certificate
        assert len(certificates) == 2
        old, new = sorted(certificates.values(), key=lambda c: c.not_valid_after_utc)
        assert old.not_valid_after_utc > new.not_valid_before_utc  # they overlap, as during a rotation
        # The answer itself is signed by the newest platform certificate.
        ResponseVerifier(certificates).verify(response.headers, response.content)
        auth = WeChatPayAuth(signer, ResponseVerifier(certificates))
        client = Client(base_url=server.url, httpx_args={"auth": auth})
        assert isinstance(get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client), FaceCollection)


def test_public_key_mode_has_no_certificates(sandbox: SandboxServer, creds: Any) -> None:
    authorization = _signer(creds).authorization("GET", "/v3/certificates")
    response = httpx.get(sandbox.url + "/v3/certificates", headers={"Authorization": authorization})
    assert response.status_code == 404 and response.json()["code"] == "RESOURCE_NOT_EXISTS"


def test_another_fixture_file(creds: Any, tmp_path: Path) -> None:
    fixtures = tmp_path / "mine.json"
    item = {"collection_id": "MINE1", "use_id": "u", "organization_id": "9", "collection_state": "COMPLETE"}
    fixtures.write_text(json.dumps({"face_collections": [item]}))
    with SandboxServer(SandboxConfig(credentials=creds, fixtures=fixtures)) as server:
        client = Client(base_url=server.url, httpx_args={"auth": auth_from_env(creds.env())})
        result = get_face_collection.sync("MINE1", client=client)
        assert isinstance(result, FaceCollection) and result.organization_id == "9"


def test_module_entry_point_prints_url_and_credentials(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "wechatpay_sandbox", "--credentials-dir", str(tmp_path), "--certificate-mode"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        url = lines[0].rsplit(" ", 1)[1].strip()
        assert url.startswith("http://127.0.0.1:")
        assert str(tmp_path) in lines[1] and "platform certificates" in lines[2]
        assert (tmp_path / "apiclient_key.pem").stat().st_mode & 0o077 == 0
        env = dict(line.split("=", 1) for line in (tmp_path / "wechatpay.env").read_text().splitlines())
        assert env["WECHATPAY_BASE_URL"] == url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_unknown_route_still_answers_json_with_request_id(sandbox: SandboxServer) -> None:
    response = httpx.get(sandbox.url + "/v3/nowhere")
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND" and response.headers["Request-ID"]
