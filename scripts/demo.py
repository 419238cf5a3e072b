"""make demo: one school day at a K12 canteen, told through the generated client against the local sandbox.

Each step prints its operationId and the typed values that came back. What only WeChat's users (and WeChat) do (the
parent signs, a device recognises a face, a card is declined, the family repays through the link, time passes) is done
through the sandbox's control API. The signed FACEPAY.USER_STATE_CHANGE notifications arrive at a small receiver on
loopback, verified and decrypted by the same auth. Pointing the same code at WeChat Pay is a matter of the base URL
and real credentials (see the README).

``school_day(client, sandbox, receiver, asynchronous=...)`` is the story itself; tests/test_demo.py walks it too,
sync and async.
"""

from __future__ import annotations

import asyncio
import enum
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from wechatpay_offlineface import Client
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
    BusinessInfo,
    BusinessProductId,
    BusinessSceneId,
    ContractMode,
    DeductionAmount,
    DeductionRequest,
    DeductionSceneInfo,
    FaceUserUpdate,
    Identification,
    IdentificationType,
    LimitBankCard,
    PresignFacepayUser,
    PresignRequest,
    RepaymentUrlRequest,
    StudentInfo,
    UserStateChangeResource,
    WebInitData,
)
from wechatpay_offlineface.notifications import typed_resource
from wechatpay_offlineface.types import Unset
from wechatpay_sandbox import FAULT_HEADER, NotificationReceiver, SandboxControlError, SandboxProcess
from wechatpay_sandbox import credentials as sandbox_credentials
from wechatpay_sandbox.remote import SandboxControls
from wechatpay_signing import SignatureVerificationError, auth_from_env, httpx_args

SCHOOL = "OAABBCCDDeeff"
SP_MCHID, SUB_MCHID, SP_APPID = "1900000109", "1900000110", "wxd678efh567hg6787"
LUNCH = 1250  # fen
LATE = 6 * 60  # seconds: past a createAuthToken token's 5 minutes


def shown(value: Any) -> str:
    """A typed value as the story prints it: an enum by its value, an unset field as "-"."""
    if isinstance(value, Unset):
        return "-"
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


class Day:
    """Runs each step sync or async with one client, printing the operationId and what came back."""

    def __init__(self, client: Client, *, asynchronous: bool, say: Callable[[str], None]) -> None:
        self.client, self.asynchronous, self.say = client, asynchronous, say
        self.operations: list[str] = []

    async def call(self, operation_id: str, module: ModuleType, *args: Any, **kwargs: Any) -> Any:
        self.operations.append(operation_id)
        if self.asynchronous:
            return await module.asyncio(*args, client=self.client, **kwargs)
        return module.sync(*args, client=self.client, **kwargs)

    def step(self, operation_id: str, text: str) -> None:
        self.say(f"  {operation_id:<26} {text}")

    def story(self, text: str) -> None:
        self.say(f"\n-- {text}")


def lunch(auth_code: str, out_trade_no: str) -> DeductionRequest:
    return DeductionRequest(
        auth_code=auth_code,
        sp_appid=SP_APPID,
        sp_mchid=SP_MCHID,
        sub_mchid=SUB_MCHID,
        amount=DeductionAmount(total=LUNCH, currency="CNY"),
        scene_info=DeductionSceneInfo(device_ip="192.168.1.20"),
        description="午餐",
        out_trade_no=out_trade_no,
        business=BusinessInfo(business_product_id=BusinessProductId.K12, business_scene_id=BusinessSceneId.CANTEEN),
    )


def refused(action: Callable[[], object]) -> SandboxControlError:
    """What the sandbox answered to a step it must refuse."""
    try:
        action()
    except SandboxControlError as error:
        return error
    raise AssertionError("the sandbox did not refuse it")


def notified(
    day: Day, receiver: NotificationReceiver, count: int, contract_id: str, *, since: int
) -> tuple[str, UserStateChangeResource]:
    """Once ``count`` notifications have arrived (each delivered on its own, in any order), the one about the
    contract among those that arrived after the first ``since``: printed, verified and decrypted, typed.
    Returns its notification ID with the resource (an earlier notification about the same contract never counts)."""
    for notification in receiver.wait_for(count)[since:]:
        resource = typed_resource(notification)  # the spec's model for FACEPAY.USER_STATE_CHANGE
        if isinstance(resource, UserStateChangeResource) and resource.contract_id == contract_id:
            day.step(
                notification.event_type,
                f"id {notification.id}, signature verified, decrypted: user {resource.user_id} "
                f"(out_user_id {resource.out_user_id}) contract {shown(resource.contract_id)} mch_id {resource.mch_id}",
            )
            return notification.id, resource
    raise AssertionError(f"no new notification about contract {contract_id}")


async def school_day(
    client: Client,
    sandbox: SandboxControls,
    receiver: NotificationReceiver,
    *,
    asynchronous: bool,
    say: Callable[[str], None] = print,
) -> dict[str, Any]:
    """The whole day; what happened, for a test to check. The receiver must be the sandbox's notify URL."""
    day = Day(client, asynchronous=asynchronous, say=say)
    seen = len(receiver.notifications)
    student, card_student, late_student = "stu-2026-0001", "stu-2026-0002", "stu-2026-0003"
    order_no = uuid.uuid4().hex[:12]

    day.story("the school (queryOrganization)")
    school = await day.call("queryOrganization", query_organization, organization_id=SCHOOL)
    day.step("queryOrganization", f"{school.organization_id} {school.organization_name}")

    day.story("a student is enrolled: a token for WeChat's mini-program, where the parent signs")
    init = WebInitData(out_user_id=student, organization_id=SCHOOL)
    token = await day.call(
        "createAuthToken", create_auth_token, body=AuthTokenRequest(scene="WEBSESSION", web_init_data=init)
    )
    day.step("createAuthToken", f"token {token.token[:8]}… (valid 5 minutes)")
    signed = sandbox.sign(token.token)
    user_id, contract_id = signed["user_id"], signed["contract_id"]
    day.step("[sandbox] parent signs", f"user {user_id} contract {contract_id}")
    presign = PresignRequest(
        business_name="K12",
        facepay_user=PresignFacepayUser(
            out_user_id=card_student,
            organization_id=SCHOOL,
            identification=Identification(IdentificationType.IDCARD, "440300201001010011"),  # encrypted on the way
            phone="13800138000",  # encrypted on the way
        ),
        limit_bank_card=LimitBankCard(bank_card_number="6214830000000000", identification_name="张大山"),
        contract_mode=ContractMode.LIMIT_BANK_CARD,
    )
    presigned = await day.call("presignContract", presign_contract, body=presign)
    day.step("presignContract", f"presign_token {presigned.presign_token[:10]}… (a designated bank card)")
    card_signed = sandbox.sign(presigned.presign_token)
    day.step("[sandbox] parent signs", f"user {card_signed['user_id']} with the designated card")

    day.story("WeChat Pay tells the school (FACEPAY.USER_STATE_CHANGE, signed, encrypted)")
    first_id, first = notified(day, receiver, seen + 2, contract_id, since=seen)
    notified(day, receiver, seen + 2, card_signed["contract_id"], since=seen)

    day.story("a token left too long: it is valid 5 minutes of the sandbox's clock")
    late_init = WebInitData(out_user_id=late_student, organization_id=SCHOOL)
    late = await day.call(
        "createAuthToken", create_auth_token, body=AuthTokenRequest(scene="WEBSESSION", web_init_data=late_init)
    )
    day.step("createAuthToken", f"token {late.token[:8]}… for {late_student}")
    moved = sandbox.advance_clock(LATE)
    day.step("[sandbox] clock", f"+{LATE // 60} minutes: business time {moved['now']}")
    expired = refused(lambda: sandbox.sign(late.token))
    day.step("[sandbox] parent signs", f"refused: {expired.code} {expired.message}")

    day.story("the school reads the contract and the student, and updates the class")
    contract = await day.call("getContract", get_contract, contract_id)
    day.step(
        "getContract",
        f"{contract.contract_id} {shown(contract.contract_state)} since {contract.contract_signed_time.isoformat()}"
        f" mode {shown(contract.contract_mode)} card from {shown(contract.contract_bank_card_from)}",
    )
    user = await day.call("getFaceUserByOutUserId", get_face_user_by_out_user_id, SCHOOL, student)
    day.step(
        "getFaceUserByOutUserId",
        f"{shown(user.user_id)} {shown(user.contract_state)} status {shown(user.status)} "
        f"face_image_ok {shown(user.face_image_ok)}",
    )
    update = FaceUserUpdate(user_name="王小明", student_info=StudentInfo(class_name="三年级二班"), phone="13900139000")
    await day.call("updateFaceUserByOutUserId", update_face_user_by_out_user_id, SCHOOL, student, body=update)
    after = await day.call("getFaceUserByOutUserId", get_face_user_by_out_user_id, SCHOOL, student)
    class_name = shown(after.student_info.class_name) if not isinstance(after.student_info, Unset) else "-"
    day.step("updateFaceUserByOutUserId", f"204 (name and phone sent encrypted); class now {class_name}")

    day.story("a canteen device gets its authinfo")
    device = AuthInfoRequest(
        sp_appid=SP_APPID,
        sub_mchid=SUB_MCHID,
        device_id="canteen-pos-01",
        raw_data="RAWDATA-FROM-SDK",
        organization_id=SCHOOL,
    )
    authinfo = await day.call("getDeviceAuthInfo", get_device_auth_info, body=device)
    day.step("getDeviceAuthInfo", f"authinfo {authinfo.authinfo[:12]}… (refresh hourly)")

    day.story("lunch: the device recognises the face; the card is declined, the school deducts the order again (补扣)")
    sandbox.set_balance(user_id, 2000)
    sandbox.fail_next_deductions(user_id)
    day.step("[sandbox] card", "20.00 CNY on the parent's card; the next payment is declined")
    first_lunch = lunch(sandbox.auth_code(user_id), "L1" + order_no)
    declined = await day.call("createDeduction", create_deduction, body=first_lunch)
    day.step(
        "createDeduction",
        f"{declined.out_trade_no} {shown(declined.trade_state)} error_type {shown(declined.error_type)} "
        f"debt_state {shown(declined.debt_state)}",
    )
    paid = await day.call("createDeduction", create_deduction, body=first_lunch)  # the same request: a re-deduction
    day.step(
        "createDeduction",
        f"{paid.out_trade_no} again: {shown(paid.trade_state)} {paid.amount.total} fen "
        f"debt_state {shown(paid.debt_state)} (at most 5 re-deductions an order a day)",
    )
    confirm = await day.call(
        "getDeductionByOutTradeNo",
        get_deduction_by_out_trade_no,
        paid.out_trade_no,
        sp_mchid=SP_MCHID,
        sub_mchid=SUB_MCHID,
        business_product_id="2",
    )
    day.step(
        "getDeductionByOutTradeNo",
        f"{confirm.transaction_id} {shown(confirm.trade_state)} at {shown(confirm.success_time)}",
    )

    day.story("a second lunch: 7.50 CNY left is too little, WeChat Pay advances it")
    second = await day.call(
        "createDeduction", create_deduction, body=lunch(sandbox.auth_code(user_id), "L2" + order_no)
    )
    day.step(
        "createDeduction", f"{second.out_trade_no} {shown(second.trade_state)} debt_state {shown(second.debt_state)}"
    )

    day.story("the family repays through the link the school forwards")
    link = await day.call(
        "createRepaymentUrl",
        create_repayment_url,
        body=RepaymentUrlRequest(out_user_id=student, organization_id=SCHOOL),
    )
    day.step("createRepaymentUrl", f"{link.repayment_url[:45]}… expires {link.expire_at.isoformat()}")
    repaid = sandbox.repay_through_link(link.repayment_url)
    day.step("[sandbox] family repays", f"through the link: {repaid['amount']} fen for {', '.join(repaid['repaid'])}")
    reused = refused(lambda: sandbox.repay_through_link(link.repayment_url))
    day.step("[sandbox] link again", f"refused: {reused.code} {reused.message}")
    settled = await day.call(
        "getDeductionByOutTradeNo",
        get_deduction_by_out_trade_no,
        second.out_trade_no,
        sp_mchid=SP_MCHID,
        sub_mchid=SUB_MCHID,
        business_product_id="2",
    )
    day.step(
        "getDeductionByOutTradeNo",
        f"{settled.out_trade_no} debt_state {shown(settled.debt_state)} "
        f"repayment {shown(settled.repayment_transaction_id)}",
    )

    day.story("the photos need re-collection")
    (request,) = sandbox.request_face_collection(SCHOOL, [user_id])
    day.step("[sandbox] WeChat asks", f"{request['collection_id']} for user {user_id}")
    listed = await day.call("listFaceCollections", list_face_collections, organization_id=SCHOOL, limit=10)
    for item in listed.face_collections:
        day.step(
            "listFaceCollections", f"{item.collection_id} user {shown(item.use_id)} {shown(item.collection_state)}"
        )
    sandbox.upload_photo(request["collection_id"])
    sandbox.confirm_photo(request["collection_id"])
    day.step("[sandbox] parent", "uploads a new photo and confirms it")
    collection = await day.call("getFaceCollection", get_face_collection, request["collection_id"])
    day.step(
        "getFaceCollection",
        f"{collection.collection_id} {shown(collection.collection_state)} "
        f"uploaded {shown(collection.register_photo_upload_time)} confirmed {shown(collection.confirm_time)}",
    )

    day.story("the family leaves the school")
    await day.call("terminateFaceUserContract", terminate_face_user_contract, SCHOOL, user_id)
    day.step("terminateFaceUserContract", "204")
    last_id, last = notified(day, receiver, seen + 3, contract_id, since=seen + 2)
    ended = await day.call("getContract", get_contract, contract_id)
    day.step(
        "getContract", f"{ended.contract_id} {shown(ended.contract_state)} at {shown(ended.contract_terminated_time)}"
    )
    return {
        "operations": day.operations,
        "user_id": user_id,
        "contract_id": contract_id,
        "notified": [first.contract_id, last.contract_id],
        "notification_ids": [first_id, last_id],
        "declined": [shown(declined.trade_state), shown(declined.error_type), shown(declined.debt_state)],
        "re_deducted": [shown(paid.trade_state), paid.transaction_id == declined.transaction_id],
        "debt_states": [shown(paid.debt_state), shown(second.debt_state), shown(settled.debt_state)],
        "repaid": repaid["repaid"],
        "refused": {"expired token": expired.code, "link used again": reused.code},
        "clock_offset": moved["offset_seconds"],
        "collection_state": shown(collection.collection_state),
        "contract_state": shown(ended.contract_state),
    }


def tampered(client: Client) -> None:
    print("\n-- a tampered answer (sandbox fault tampered-body)")
    try:
        get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client.with_headers({FAULT_HEADER: "tampered-body"}))
    except SignatureVerificationError as error:
        print(f"  getFaceCollection          refused, no data returned: {error}")
    else:
        raise SystemExit("a tampered answer was accepted")


def main() -> int:
    # The sandbox's test credentials live as long as the demo: nothing is left in the temp folder.
    with tempfile.TemporaryDirectory(prefix="wechatpay-demo-") as name:
        folder = Path(name)
        auth = auth_from_env(sandbox_credentials.create(folder).env())
        with (
            NotificationReceiver(auth) as receiver,
            SandboxProcess(folder, "--notify-url", receiver.url, "--notify-retry-delays", "0.2,0.5,1") as sandbox,
        ):
            print("\n".join(sandbox.banner))
            client = Client(base_url=sandbox.url, httpx_args=httpx_args(auth), raise_on_unexpected_status=True)
            with client:
                day = asyncio.run(school_day(client, sandbox, receiver, asynchronous=False))
                tampered(client)
    print(f"\n{len(set(day['operations']))} operations, sandbox stopped; demo done.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
