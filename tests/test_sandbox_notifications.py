"""The sandbox's notifications: delivered signed and encrypted, retried on a failure, received in-process.

What the sandbox sends is checked by wechatpayv3's own signature check and AES-GCM decryption, not only by ours.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from wechatpay_offlineface.models import UserStateChangeResource
from wechatpay_sandbox import NOTIFY_HOOK, SandboxConfig, SandboxServer
from wechatpay_sandbox import credentials as sandbox_credentials
from wechatpay_sandbox.__main__ import config_from_args, parse_args
from wechatpay_sandbox.receiver import NotificationReceiver
from wechatpay_signing import ResponseVerifier, WeChatPayAuth, auth_from_env
from wechatpayv3 import utils as wechatpayv3_utils

FAST = (0.01, 0.01, 0.01)
CONTRACT = {
    "user_id": "100000000000000001",
    "out_user_id": "stu-20260001",
    "organization_id": "123",
    "appid": "wx2421b1c4370ec43b",
    "openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
    "contract_id": "CT20261130000001",
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("notify")


@pytest.fixture(scope="module")
def creds(folder: Path) -> sandbox_credentials.SandboxCredentials:
    return sandbox_credentials.create(folder / "sandbox")


@pytest.fixture(scope="module")
def auth(creds: sandbox_credentials.SandboxCredentials) -> WeChatPayAuth:
    return auth_from_env(creds.env())


@pytest.fixture
def receiver(auth: WeChatPayAuth) -> Iterator[NotificationReceiver]:
    with NotificationReceiver(auth) as server:
        yield server


@pytest.fixture(scope="module")
def sandbox(creds: sandbox_credentials.SandboxCredentials) -> Iterator[SandboxServer]:
    with SandboxServer(SandboxConfig(credentials=creds, notify_retry_delays=FAST)) as server:
        yield server


def deliveries(sandbox: SandboxServer) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = httpx.get(sandbox.url + "/sandbox/notifications").json()["deliveries"]
    return result


def settled(sandbox: SandboxServer, notification_id: str) -> dict[str, Any]:
    """The delivery once the sandbox is done with it (delivered or given up); waits at most 10 s."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = [d for d in deliveries(sandbox) if d["id"] == notification_id]
        if found and (found[0]["delivered"] or found[0]["gave_up"]):
            return found[0]
        time.sleep(0.02)
    raise AssertionError(f"delivery {notification_id} did not settle: {deliveries(sandbox)}")


def test_a_contract_change_is_delivered_signed_and_encrypted(
    sandbox: SandboxServer, receiver: NotificationReceiver, creds: sandbox_credentials.SandboxCredentials
) -> None:
    sandbox.config.notify_url = receiver.url
    notification_id = sandbox.deliver_user_state_change(**CONTRACT)
    [notification] = receiver.wait_for(1)
    assert notification.id == notification_id
    assert notification.event_type == "FACEPAY.USER_STATE_CHANGE"
    assert notification.resource == CONTRACT | {
        "mch_id": creds.mchid,
        "notify_create_time": notification.resource["notify_create_time"],
    }
    assert notification.create_time.tzinfo is not None
    state = notification.resource_as(UserStateChangeResource)  # what the sandbox sends fits the spec's model
    assert (state.out_user_id, state.contract_id, state.mch_id) == ("stu-20260001", "CT20261130000001", creds.mchid)
    assert settled(sandbox, notification_id)["attempts"] == ["204"]

    # The oracle: wechatpayv3 checks the signature with the public key and opens the resource with the APIv3 key.
    headers, body = receiver.raw[-1]
    public_key = load_pem_public_key((creds.folder / "pub_key.pem").read_bytes())
    assert headers["wechatpay-serial"] == creds.public_key_id
    assert wechatpayv3_utils.rsa_verify(
        headers["wechatpay-timestamp"],
        headers["wechatpay-nonce"],
        body.decode(),
        headers["wechatpay-signature"],
        public_key,
    )
    sealed = httpx.Response(200, content=body).json()["resource"]
    opened = wechatpayv3_utils.aes_decrypt(
        nonce=sealed["nonce"],
        ciphertext=sealed["ciphertext"],
        associated_data=sealed["associated_data"],
        apiv3_key=creds.apiv3_key,
    )
    assert httpx.Response(200, content=opened.encode()).json() == notification.resource


def test_a_failed_delivery_is_retried_signed_afresh_until_a_2xx(
    sandbox: SandboxServer, receiver: NotificationReceiver
) -> None:
    sandbox.config.notify_url = receiver.url
    receiver.fail_next(500, 503)
    notification_id = sandbox.deliver_user_state_change(**CONTRACT)
    assert [n.id for n in receiver.wait_for(1)] == [notification_id]
    assert settled(sandbox, notification_id)["attempts"] == ["500", "503", "204"]
    nonces = {headers["wechatpay-nonce"] for headers, _ in receiver.raw}
    bodies = {body for _, body in receiver.raw}
    assert len(receiver.raw) == 3 and len(nonces) == 3 and len(bodies) == 1  # same notification, new signatures


def test_the_sandbox_gives_up_after_the_last_retry(sandbox: SandboxServer, receiver: NotificationReceiver) -> None:
    sandbox.config.notify_url = receiver.url
    receiver.fail_next(500, 500, 500, 500)
    notification_id = sandbox.deliver_user_state_change(**CONTRACT)
    delivery = settled(sandbox, notification_id)
    assert delivery["gave_up"] and not delivery["delivered"]
    assert delivery["attempts"] == ["500"] * 4
    assert receiver.notifications == []


def test_an_unreachable_notify_url_is_retried_then_given_up(sandbox: SandboxServer) -> None:
    sandbox.config.notify_url = "http://127.0.0.1:9/notify"  # nothing listens on the discard port
    delivery = settled(sandbox, sandbox.deliver_user_state_change(**CONTRACT))
    assert delivery["gave_up"] and delivery["attempts"] == ["ConnectError"] * 4


def test_a_receiver_with_another_apiv3_key_refuses_and_the_sandbox_retries(
    sandbox: SandboxServer, auth: WeChatPayAuth
) -> None:
    stranger = WeChatPayAuth(auth.signer, auth.verifier, apiv3_key="S" * 32)
    with NotificationReceiver(stranger) as receiver:
        sandbox.config.notify_url = receiver.url
        delivery = settled(sandbox, sandbox.deliver_user_state_change(**CONTRACT))
    assert delivery["attempts"] == ["401"] * 4 and receiver.notifications == []
    assert all("does not decrypt" in reason for reason in receiver.refused)


def test_certificate_mode_signs_notifications_with_the_platform_certificate(
    creds: sandbox_credentials.SandboxCredentials, auth: WeChatPayAuth
) -> None:
    certificates = {p.serial: p.certificate for p in creds.platform_certificates}
    certificate_auth = WeChatPayAuth(auth.signer, ResponseVerifier(certificates), apiv3_key=creds.apiv3_key)
    config = SandboxConfig(credentials=creds, certificate_mode=True, notify_retry_delays=FAST)
    with NotificationReceiver(certificate_auth) as receiver, SandboxServer(config) as server:
        server.config.notify_url = receiver.url
        server.deliver_user_state_change(**CONTRACT)
        receiver.wait_for(1)
        assert receiver.raw[-1][0]["wechatpay-serial"] == creds.platform_certificates[-1].serial


def test_without_a_notify_url_the_hook_says_so(sandbox: SandboxServer) -> None:
    sandbox.config.notify_url = None
    response = httpx.post(sandbox.url + NOTIFY_HOOK, json=CONTRACT)
    assert response.status_code == 409 and "--notify-url" in response.json()["message"]
    assert httpx.post(sandbox.url + NOTIFY_HOOK, content=b"[1]").status_code == 400


def test_the_command_line_sets_the_notify_url_and_the_back_off(folder: Path) -> None:
    arguments = ["--credentials-dir", str(folder / "sandbox"), "--notify-url", "http://127.0.0.1:8000/notify"]
    config = config_from_args(parse_args([*arguments, "--notify-retry-delays", "1,2.5,4"]))
    assert config.notify_url == "http://127.0.0.1:8000/notify"
    assert config.notify_retry_delays == (1.0, 2.5, 4.0)
    assert config_from_args(parse_args(arguments)).notify_retry_delays[:4] == (15, 15, 30, 180)
    with pytest.raises(SystemExit):
        parse_args(["--notify-retry-delays", "soon"])
