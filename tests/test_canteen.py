"""The sandbox plays WeChat Pay's K12 canteen business: each rule refuses what WeChat Pay refuses, with its code.

Calls go through the generated client (signed, answers verified), the control API through the sandbox's methods
(``sandbox.sign(token)`` ...). The conftest resets the sandbox's state before each test.
"""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from wechatpay_offlineface import Client, errors
from wechatpay_offlineface.api.contracts import get_contract, presign_contract
from wechatpay_offlineface.api.devices import get_device_auth_info
from wechatpay_offlineface.api.face_collections import get_face_collection, list_face_collections
from wechatpay_offlineface.api.face_users import (
    get_face_user_by_out_user_id,
    terminate_face_user_contract,
    update_face_user_by_out_user_id,
)
from wechatpay_offlineface.api.organizations import query_organization
from wechatpay_offlineface.api.repayments import create_repayment_url
from wechatpay_offlineface.api.tokens import create_auth_token
from wechatpay_offlineface.api.transactions import create_deduction, get_deduction_by_out_trade_no
from wechatpay_offlineface.models import (
    AuthInfoRequest,
    AuthTokenRequest,
    DeductionAmount,
    DeductionRequest,
    FaceUserStatus,
    FaceUserUpdate,
    LimitBankCard,
    PresignFacepayUser,
    PresignRequest,
    RepaymentUrlRequest,
    WebInitData,
)
from wechatpay_sandbox import NotificationReceiver, SandboxControlError, SandboxProcess, SandboxServer
from wechatpay_sandbox.business import TOKEN_SECONDS, Business, Refused
from wechatpay_signing import WeChatPayAuth

from .conftest import client_for

SCHOOL = "OAABBCCDDeeff"
SUB_MCHID = "1900000110"


@pytest.fixture
def client(sandbox: SandboxServer, auth: WeChatPayAuth) -> Client:
    return client_for(sandbox, auth)


def enrol(client: Client, sandbox: SandboxServer, out_user_id: str, organization_id: str = SCHOOL) -> dict[str, str]:
    """createAuthToken, then the parent signs: {"contract_id", "user_id"}."""
    body = AuthTokenRequest(scene="WEBSESSION", web_init_data=WebInitData(out_user_id, organization_id))
    return sandbox.sign(create_auth_token.sync(client=client, body=body).token)


def pay(client: Client, auth_code: str, total: int, out_trade_no: str) -> Any:
    body = DeductionRequest(
        auth_code=auth_code, sub_mchid=SUB_MCHID, amount=DeductionAmount(total, "CNY"), out_trade_no=out_trade_no
    )
    return create_deduction.sync(client=client, body=body)


def query(client: Client, out_trade_no: str) -> Any:
    return get_deduction_by_out_trade_no.sync(
        out_trade_no, client=client, sp_mchid="1900000109", sub_mchid=SUB_MCHID, business_product_id="2"
    )


def refused(code: str, status: int = 400) -> Any:
    """pytest.raises for WeChat Pay's error with this code and status."""
    return pytest.raises(errors.ApiError, match=rf"HTTP {status} {code}\b")


# Organizations


def test_organizations_are_found_by_id_or_name_and_created_from_the_control_api(
    client: Client, sandbox: SandboxServer
) -> None:
    assert query_organization.sync(client=client, organization_id=SCHOOL).organization_name == "南山中兴小学部"
    with refused("RESOURCE_NOT_EXISTS", 404):
        query_organization.sync(client=client, organization_id="ONOSUCHSCHOOL")
    made = sandbox.create_organization("沙箱实验小学")
    assert made["organization_id"].startswith("O")
    found = query_organization.sync(client=client, organization_name="沙箱实验小学")
    assert found.organization_id == made["organization_id"]
    with pytest.raises(SandboxControlError, match="RESOURCE_ALREADY_EXISTS"):
        sandbox.create_organization("again", made["organization_id"])


def test_a_token_for_an_organization_wechat_did_not_assign_is_a_param_error(client: Client) -> None:
    body = AuthTokenRequest(scene="WEBSESSION", web_init_data=WebInitData("s1", "ONOSUCHSCHOOL"))
    with refused("PARAM_ERROR"):
        create_auth_token.sync(client=client, body=body)


def test_a_device_of_an_organization_wechat_did_not_assign_gets_no_authinfo(client: Client) -> None:
    def device(organization_id: str) -> AuthInfoRequest:
        return AuthInfoRequest("wxd678efh567hg6787", SUB_MCHID, "pos-1", "RAWDATA", organization_id)

    first = get_device_auth_info.sync(client=client, body=device(SCHOOL)).authinfo
    assert first != get_device_auth_info.sync(client=client, body=device(SCHOOL)).authinfo  # a new one each time
    with refused("PARAM_ERROR"):
        get_device_auth_info.sync(client=client, body=device("ONOSUCHSCHOOL"))


# Signing, terminating, re-signing


def test_signing_makes_the_contract_and_the_user_the_merchant_reads(client: Client, sandbox: SandboxServer) -> None:
    with refused("RESOURCE_NOT_EXISTS", 404):
        get_face_user_by_out_user_id.sync(SCHOOL, "student-1", client=client)
    signed = enrol(client, sandbox, "student-1")
    user = get_face_user_by_out_user_id.sync(SCHOOL, "student-1", client=client)
    assert (user.user_id, user.contract_id, user.contract_state) == (
        signed["user_id"],
        signed["contract_id"],
        "CONTRACTED",
    )
    contract = get_contract.sync(signed["contract_id"], client=client)
    assert contract.contract_state == "CONTRACTED" and contract.organization_id == SCHOOL
    assert contract.contract_bank_card_from == "USER_SELECT_FREE"
    with refused("RESOURCE_NOT_EXISTS", 404):
        get_contract.sync("CINOSUCHCONTRACT", client=client)


def test_a_token_signs_once(client: Client, sandbox: SandboxServer) -> None:
    body = AuthTokenRequest(scene="WEBSESSION", web_init_data=WebInitData("student-2", SCHOOL))
    token = create_auth_token.sync(client=client, body=body).token
    sandbox.sign(token)
    with pytest.raises(SandboxControlError, match="INVALID_REQUEST"):
        sandbox.sign(token)
    with pytest.raises(SandboxControlError, match="INVALID_REQUEST"):
        sandbox.sign("not-a-token")


def test_a_token_is_valid_for_five_minutes() -> None:
    now = [1_700_000_000.0]
    business = Business("1900000109", [], clock=lambda: now[0])
    token = business.create_token("student", SCHOOL)
    now[0] += TOKEN_SECONDS + 1
    with pytest.raises(Refused, match="过期") as caught:
        business.sign(token)
    assert caught.value.code == "INVALID_REQUEST"
    fresh = business.create_token("student", SCHOOL)
    now[0] += TOKEN_SECONDS - 1
    assert business.sign(fresh)["contract_id"].startswith("CI")


def test_a_contract_in_force_is_not_signed_twice_and_a_terminated_one_is_signed_again(
    client: Client, sandbox: SandboxServer
) -> None:
    first = enrol(client, sandbox, "student-3")
    with pytest.raises(SandboxControlError, match="INVALID_REQUEST"):
        enrol(client, sandbox, "student-3")
    terminate_face_user_contract.sync(SCHOOL, first["user_id"], client=client)
    assert get_contract.sync(first["contract_id"], client=client).contract_state == "TERMINATED"
    # Terminating what is already terminated: the PARAM_ERROR wechatpay-java#59 reports.
    with refused("PARAM_ERROR"):
        terminate_face_user_contract.sync(SCHOOL, first["user_id"], client=client)
    with refused("RESOURCE_NOT_EXISTS", 404):
        terminate_face_user_contract.sync(SCHOOL, "FUNOSUCHUSER", client=client)
    again = enrol(client, sandbox, "student-3")
    assert again["user_id"] == first["user_id"] and again["contract_id"] != first["contract_id"]
    assert get_face_user_by_out_user_id.sync(SCHOOL, "student-3", client=client).contract_state == "CONTRACTED"
    sandbox.terminate(again["user_id"])  # the user, in the WeChat client
    assert get_contract.sync(again["contract_id"], client=client).contract_state == "TERMINATED"


def test_a_presign_token_signs_with_the_designated_card(client: Client, sandbox: SandboxServer) -> None:
    body = PresignRequest(
        business_name="K12",
        facepay_user=PresignFacepayUser(out_user_id="student-4", organization_id=SCHOOL),
        limit_bank_card=LimitBankCard(bank_card_number="6214830000000000"),
        contract_mode="LIMIT_BANK_CARD",
    )
    signed = sandbox.sign(presign_contract.sync(client=client, body=body).presign_token)
    contract = get_contract.sync(signed["contract_id"], client=client)
    assert (contract.contract_mode, contract.contract_bank_card_from) == (
        "LIMIT_BANK_CARD",
        "MERCHANT_LIMITED_BANK_CARD",
    )
    without_card = PresignRequest(
        business_name="K12",
        facepay_user=PresignFacepayUser(out_user_id="student-5", organization_id=SCHOOL),
        contract_mode="LIMIT_BANK_CARD",
    )
    with refused("PARAM_ERROR"):
        presign_contract.sync(client=client, body=without_card)


# Sensitive fields


def signed_patch(sandbox: SandboxServer, auth: WeChatPayAuth, body: dict[str, Any], serial: str) -> httpx.Response:
    """A PATCH user sent as is (no field encrypted by the client): what a merchant who forgot would send."""
    path = f"/v3/offlinefacemch/organizations/{SCHOOL}/users/out-user-id/20210301000201"
    with httpx.Client(base_url=sandbox.url, auth=auth) as http:
        return http.patch(path, json=body, headers={"Wechatpay-Serial": serial})


def test_a_sensitive_field_in_the_clear_is_a_param_error_naming_it(sandbox: SandboxServer, auth: WeChatPayAuth) -> None:
    serial = sandbox.config.credentials.public_key_id
    answer = signed_patch(sandbox, auth, {"phone": "13800138000"}, serial)
    assert answer.status_code == 400
    assert answer.json()["code"] == "PARAM_ERROR" and answer.json()["detail"]["field"] == "phone"
    assert "13800138000" not in answer.text


def test_a_sensitive_field_opens_with_the_sandbox_key_and_is_checked(
    sandbox: SandboxServer, auth: WeChatPayAuth
) -> None:
    credentials = sandbox.config.credentials
    sha1 = hashes.SHA1()  # noqa: S303 - WeChat Pay's RSA-OAEP hash
    oaep = padding.OAEP(mgf=padding.MGF1(algorithm=sha1), algorithm=sha1, label=None)
    public = credentials.public_key_private.public_key()

    def sealed(text: str) -> str:
        return base64.b64encode(public.encrypt(text.encode(), oaep)).decode()

    short = signed_patch(sandbox, auth, {"phone": sealed("1380013")}, credentials.public_key_id)
    assert short.status_code == 400 and short.json()["detail"]["field"] == "phone"
    fine = signed_patch(
        sandbox, auth, {"phone": sealed("13800138000"), "user_name": sealed("李四")}, credentials.public_key_id
    )
    assert fine.status_code == 204
    state = json.dumps(sandbox.state(), ensure_ascii=False)
    assert "13800138000" not in state and "138****8000" in state  # kept masked
    unknown_key = signed_patch(
        sandbox, auth, {"phone": sealed("13800138000")}, "PUB_KEY_ID_0000000000000000000000000000"
    )
    assert unknown_key.status_code == 400 and unknown_key.json()["code"] == "PARAM_ERROR"


def test_a_disabled_user_cannot_pay(client: Client, sandbox: SandboxServer) -> None:
    signed = enrol(client, sandbox, "student-6")
    body = FaceUserUpdate(status=FaceUserStatus.DISABLED)
    update_face_user_by_out_user_id.sync(SCHOOL, "student-6", client=client, body=body)
    assert get_face_user_by_out_user_id.sync(SCHOOL, "student-6", client=client).status == "DISABLED"
    with refused("INVALID_REQUEST"):
        pay(client, sandbox.auth_code(signed["user_id"]), 100, "order-disabled")
    with refused("RESOURCE_NOT_EXISTS", 404):
        update_face_user_by_out_user_id.sync(SCHOOL, "nobody", client=client, body=body)


# Deductions, debts, repayment


def test_a_deduction_needs_a_credential_of_a_signed_user(client: Client, sandbox: SandboxServer) -> None:
    with refused("INVALID_REQUEST"):
        pay(client, "a-credential-no-device-made", 100, "order-1")
    signed = enrol(client, sandbox, "student-7")
    code = sandbox.auth_code(signed["user_id"])
    sandbox.terminate(signed["user_id"])
    with refused("INVALID_REQUEST"):
        pay(client, code, 100, "order-2")
    with pytest.raises(SandboxControlError, match="INVALID_REQUEST"):
        sandbox.auth_code(signed["user_id"])  # no face payment without a contract
    with pytest.raises(SandboxControlError, match="RESOURCE_NOT_EXISTS"):
        sandbox.auth_code("FUNOSUCHUSER")


def test_the_same_order_twice_is_one_payment_and_another_order_under_its_number_is_refused(
    client: Client, sandbox: SandboxServer
) -> None:
    signed = enrol(client, sandbox, "student-8")
    sandbox.set_balance(signed["user_id"], 2000)
    code = sandbox.auth_code(signed["user_id"])
    first = pay(client, code, 1250, "order-lunch")
    again = pay(client, code, 1250, "order-lunch")
    assert again.to_dict() == first.to_dict()
    assert sandbox.state()["users"][signed["user_id"]]["balance"] == 750  # taken once
    with refused("INVALID_REQUEST"):
        pay(client, code, 999, "order-lunch")
    with refused("INVALID_REQUEST"):
        pay(client, code, 1250, "order-other")  # a credential pays once


def test_a_short_balance_is_advanced_and_repaid(client: Client, sandbox: SandboxServer) -> None:
    signed = enrol(client, sandbox, "student-9")
    request = RepaymentUrlRequest(out_user_id="student-9", organization_id=SCHOOL)
    with refused("INVALID_REQUEST"):
        create_repayment_url.sync(client=client, body=request)  # nothing to repay
    with pytest.raises(SandboxControlError, match="INVALID_REQUEST"):
        sandbox.repay(signed["user_id"])
    sandbox.set_balance(signed["user_id"], 1000)
    paid = pay(client, sandbox.auth_code(signed["user_id"]), 800, "order-a")
    advanced = pay(client, sandbox.auth_code(signed["user_id"]), 800, "order-b")
    assert (paid.debt_state, advanced.debt_state) == ("NOT_DEBT", "DEBT")
    assert query(client, "order-b").debt_state == "DEBT" and advanced.trade_state == "SUCCESS"
    link = create_repayment_url.sync(client=client, body=request)
    assert link.repayment_url.startswith("https://") and link.expire_at.tzinfo is not None
    repaid = sandbox.repay(signed["user_id"])
    assert repaid["repaid"] == ["order-b"] and repaid["amount"] == 800
    order = query(client, "order-b")
    assert order.debt_state == "REPAYMENT" and isinstance(order.repayment_transaction_id, str)
    assert query(client, "order-a").debt_state == "NOT_DEBT"
    with refused("ORDER_NOT_EXIST", 404):
        query(client, "order-never-made")


def test_a_user_in_debt_may_be_terminated_and_still_repays(client: Client, sandbox: SandboxServer) -> None:
    """The docs' flow: get the repayment link, then terminate so the family can re-sign with another account."""
    signed = enrol(client, sandbox, "student-10")
    sandbox.set_balance(signed["user_id"], 0)
    pay(client, sandbox.auth_code(signed["user_id"]), 500, "order-debt")
    request = RepaymentUrlRequest(out_user_id="student-10", organization_id=SCHOOL)
    create_repayment_url.sync(client=client, body=request)
    terminate_face_user_contract.sync(SCHOOL, signed["user_id"], client=client)
    assert create_repayment_url.sync(client=client, body=request).repayment_url
    assert sandbox.repay(signed["user_id"])["repaid"] == ["order-debt"]


async def test_many_payments_in_flight_leave_the_state_whole(sandbox: SandboxServer, auth: WeChatPayAuth) -> None:
    client = client_for(sandbox, auth)
    signed = enrol(client, sandbox, "student-11")
    sandbox.set_balance(signed["user_id"], 30 * 100)
    codes = [sandbox.auth_code(signed["user_id"]) for _ in range(40)]

    async def pay_async(code: str, out_trade_no: str) -> Any:
        body = DeductionRequest(
            auth_code=code, sub_mchid=SUB_MCHID, amount=DeductionAmount(100, "CNY"), out_trade_no=out_trade_no
        )
        return await create_deduction.asyncio(client=client, body=body)

    async with client:
        paid = await asyncio.gather(*(pay_async(code, f"order-{n}") for n, code in enumerate(codes)))
        # One order paid by the balance asked many times at once: one payment. (Which orders the balance paid
        # depends on the order the requests arrived in; an advanced one asked again would be a re-deduction.)
        n = next(n for n, p in enumerate(paid) if p.debt_state == "NOT_DEBT")
        repeated = await asyncio.gather(*(pay_async(codes[n], f"order-{n}") for _ in range(10)))
    states = [p.debt_state for p in paid]
    assert states.count("NOT_DEBT") == 30 and states.count("DEBT") == 10
    assert {r.transaction_id for r in repeated} == {paid[n].transaction_id}
    state = sandbox.state()
    assert state["users"][signed["user_id"]]["balance"] == 0
    assert sum(1 for order in state["orders"].values() if order["user_id"] == signed["user_id"]) == 40


# Face re-collection


def test_face_recollection_moves_through_its_states_in_order(client: Client, sandbox: SandboxServer) -> None:
    signed = enrol(client, sandbox, "student-12")
    (item,) = sandbox.request_face_collection(SCHOOL, [signed["user_id"]])
    listed = list_face_collections.sync(client=client, organization_id=SCHOOL).face_collections
    assert [c.collection_id for c in listed] == [item["collection_id"]]
    assert get_face_user_by_out_user_id.sync(SCHOOL, "student-12", client=client).face_image_ok is False
    with pytest.raises(SandboxControlError, match="INVALID_REQUEST"):
        sandbox.confirm_photo(item["collection_id"])  # no photo yet
    sandbox.upload_photo(item["collection_id"])
    assert get_face_collection.sync(item["collection_id"], client=client).collection_state == "PHOTO_UPLOADED"
    sandbox.confirm_photo(item["collection_id"])
    done = get_face_collection.sync(item["collection_id"], client=client)
    assert done.collection_state == "COMPLETE" and not isinstance(done.confirm_time, type(None))
    assert get_face_user_by_out_user_id.sync(SCHOOL, "student-12", client=client).face_image_ok is True
    with pytest.raises(SandboxControlError, match="INVALID_REQUEST"):
        sandbox.request_face_collection("123", [signed["user_id"]])  # not that school's student


# Notifications, state file, control API


def test_signing_and_terminating_notify_the_merchant(
    client: Client, sandbox: SandboxServer, auth: WeChatPayAuth
) -> None:
    config = sandbox.config
    previous = config.notify_url, config.notify_retry_delays
    with NotificationReceiver(auth) as receiver:
        config.notify_url, config.notify_retry_delays = receiver.url, (0.05,)
        try:
            signed = enrol(client, sandbox, "student-13")
            terminate_face_user_contract.sync(SCHOOL, signed["user_id"], client=client)
            signing, termination = receiver.wait_for(2)
        finally:
            config.notify_url, config.notify_retry_delays = previous
    for notification in (signing, termination):
        assert notification.event_type == "FACEPAY.USER_STATE_CHANGE"
        resource = notification.resource
        # Every field the webhook's decrypted resource requires (the catalogue's table).
        assert set(resource) >= {"user_id", "out_user_id", "organization_id", "mch_id", "notify_create_time"}
        assert set(resource) >= {"appid", "openid", "contract_id"}
        assert (resource["user_id"], resource["contract_id"]) == (signed["user_id"], signed["contract_id"])
        assert resource["out_user_id"] == "student-13" and resource["mch_id"] == config.credentials.mchid


def test_the_state_file_survives_a_restart(tmp_path: Path) -> None:
    state_file = tmp_path / "state.sqlite"
    first = Business("1900000109", [], state_file=state_file)
    signed = first.sign(first.create_token("student", SCHOOL))
    first.set_balance(signed["user_id"], 42)
    assert state_file.stat().st_mode & 0o777 == 0o600
    second = Business("1900000109", [], state_file=state_file)
    assert second.contract(signed["contract_id"])["contract_state"] == "CONTRACTED"
    assert second.snapshot()["users"][signed["user_id"]]["balance"] == 42


def test_a_refused_change_leaves_the_state_as_it_was() -> None:
    business = Business("1900000109", [])
    before = business.snapshot()
    with pytest.raises(Refused):
        business.request_face_collection(SCHOOL, ["FU40F305Z4e2bb7d", "FUNOSUCHUSER"])
    assert business.snapshot() == before


def test_the_control_api_refuses_what_it_cannot_read(sandbox: SandboxServer) -> None:
    answer = httpx.post(sandbox.url + "/sandbox/sign", content=b"{not json")
    assert answer.status_code == 400 and answer.json()["code"] == "PARAM_ERROR"
    answer = httpx.put(sandbox.url + "/sandbox/users/FU40F305Z4e2bb7d/balance", json={"amount": -1})
    assert answer.status_code == 400
    assert httpx.post(sandbox.url + "/sandbox/repay", json={}).status_code == 400
    assert "Wechatpay-Signature" not in httpx.get(sandbox.url + "/sandbox/state").headers  # not WeChat Pay's API


def test_a_sandbox_with_a_state_file_survives_a_restart(tmp_path: Path) -> None:
    state_file = tmp_path / "canteen.sqlite"
    with SandboxProcess(tmp_path / "credentials", "--state-file", str(state_file)) as sandbox:
        made = sandbox.create_organization("重启后仍在的学校")
    with SandboxProcess(tmp_path / "credentials", "--state-file", str(state_file)) as sandbox:
        assert made["organization_id"] in sandbox.state()["organizations"]
