"""The sandbox's model where money goes wrong, and its clock: a failed payment (PAYERROR, NOT_ENOUGH), re-deduction
(补扣) at most 5 an order a sandbox day, repayment through a link (once, until its expire_at), and business time moved
forward for token, authinfo and link lifetimes.

Calls go through the generated client (signed, answers verified) and the control API through the sandbox's methods,
as a user's own tests would; the day boundary and the state file are also checked on ``Business`` with its clock.
"""

from __future__ import annotations

import asyncio
import datetime
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from wechatpay_offlineface import Client
from wechatpay_offlineface.api.devices import get_device_auth_info
from wechatpay_offlineface.api.face_users import terminate_face_user_contract
from wechatpay_offlineface.api.repayments import create_repayment_url
from wechatpay_offlineface.api.tokens import create_auth_token
from wechatpay_offlineface.api.transactions import create_deduction
from wechatpay_offlineface.models import (
    AuthInfoRequest,
    AuthTokenRequest,
    DeductionAmount,
    DeductionRequest,
    RepaymentUrlRequest,
    WebInitData,
)
from wechatpay_offlineface.types import UNSET
from wechatpay_sandbox import NotificationReceiver, SandboxControlError, SandboxProcess, SandboxServer
from wechatpay_sandbox.business import (
    AUTHINFO_SECONDS,
    MAX_CLOCK_ADVANCE,
    REDEDUCTIONS_PER_DAY,
    REPAYMENT_LINK_SECONDS,
    TOKEN_SECONDS,
    Business,
    Refused,
)
from wechatpay_signing import WeChatPayAuth, auth_from_env, httpx_args

from .conftest import client_for
from .test_canteen import SCHOOL, SUB_MCHID, enrol, pay, query, refused

DAY = 24 * 3600
CHINA = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def client(sandbox: SandboxServer, auth: WeChatPayAuth) -> Client:
    return client_for(sandbox, auth)


def balance(sandbox: SandboxServer, user_id: str) -> int:
    amount: int = sandbox.state()["users"][user_id]["balance"]
    return amount


# A failed payment


def test_a_failed_deduction_is_payerror_not_enough_and_a_re_deduction_pays_it(
    client: Client, sandbox: SandboxServer
) -> None:
    signed = enrol(client, sandbox, "payer-1")
    sandbox.set_balance(signed["user_id"], 5000)
    assert sandbox.fail_next_deductions(signed["user_id"]) == {"user_id": signed["user_id"], "failing_deductions": 1}
    code = sandbox.auth_code(signed["user_id"])
    failed = pay(client, code, 1250, "lunch-failed")
    assert (failed.trade_state, failed.error_type, failed.debt_state) == ("PAYERROR", "NOT_ENOUGH", "NOT_DEBT")
    assert failed.success_time is UNSET and isinstance(failed.transaction_id, str)
    queried = query(client, "lunch-failed")
    assert (queried.trade_state, queried.error_type) == ("PAYERROR", "NOT_ENOUGH")
    assert balance(sandbox, signed["user_id"]) == 5000  # nothing taken
    # Nothing was advanced, so there is nothing to repay through WeChat: the order is the family's to pay.
    with refused("INVALID_REQUEST"):
        create_repayment_url.sync(client=client, body=RepaymentUrlRequest("payer-1", SCHOOL))
    # 补扣: the same request again.
    paid = pay(client, code, 1250, "lunch-failed")
    assert (paid.trade_state, paid.debt_state, paid.error_type) == ("SUCCESS", "NOT_DEBT", UNSET)
    assert paid.transaction_id == failed.transaction_id and paid.success_time is not UNSET
    assert balance(sandbox, signed["user_id"]) == 5000 - 1250
    # Paid: sent again it answers the same, and takes nothing.
    assert pay(client, code, 1250, "lunch-failed").to_dict() == paid.to_dict()
    assert query(client, "lunch-failed").to_dict() == paid.to_dict()
    assert balance(sandbox, signed["user_id"]) == 5000 - 1250
    with refused("INVALID_REQUEST"):
        pay(client, code, 999, "lunch-failed")  # another amount under its number is still another order


def test_a_failed_order_becomes_debt_when_wechat_advances_it_and_is_repaid(
    client: Client, sandbox: SandboxServer
) -> None:
    signed = enrol(client, sandbox, "payer-2")
    user_id = signed["user_id"]
    sandbox.set_balance(user_id, 0)
    sandbox.fail_next_deductions(user_id)
    code = sandbox.auth_code(user_id)
    assert pay(client, code, 800, "lunch-short").trade_state == "PAYERROR"
    # Re-deducted with the balance still short: WeChat advances it, as for any short balance.
    advanced = pay(client, code, 800, "lunch-short")
    assert (advanced.trade_state, advanced.debt_state, advanced.error_type) == ("SUCCESS", "DEBT", UNSET)
    link = create_repayment_url.sync(client=client, body=RepaymentUrlRequest("payer-2", SCHOOL))
    assert link.repayment_url.startswith("https://")
    # An advanced order re-deducted while the balance is still short stays advanced.
    assert pay(client, code, 800, "lunch-short").debt_state == "DEBT"
    # Once the balance covers it, the re-deduction repays WeChat's advance.
    sandbox.set_balance(user_id, 1000)
    repaid = pay(client, code, 800, "lunch-short")
    assert repaid.debt_state == "REPAYMENT" and isinstance(repaid.repayment_transaction_id, str)
    assert balance(sandbox, user_id) == 200
    assert query(client, "lunch-short").to_dict() == repaid.to_dict()
    assert pay(client, code, 800, "lunch-short").to_dict() == repaid.to_dict()  # settled: answers the same
    assert balance(sandbox, user_id) == 200
    with pytest.raises(SandboxControlError, match="INVALID_REQUEST"):
        sandbox.repay(user_id)  # nothing left advanced


def test_a_forced_failure_counts_attempts_and_zero_ends_it(client: Client, sandbox: SandboxServer) -> None:
    signed = enrol(client, sandbox, "payer-3")
    user_id = signed["user_id"]
    sandbox.fail_next_deductions(user_id, 2)
    codes = [sandbox.auth_code(user_id) for _ in range(3)]
    states = [pay(client, code, 100, f"snack-{n}").trade_state for n, code in enumerate(codes)]
    assert states == ["PAYERROR", "PAYERROR", "SUCCESS"]
    sandbox.fail_next_deductions(user_id, 5)
    sandbox.fail_next_deductions(user_id, 0)
    assert pay(client, sandbox.auth_code(user_id), 100, "snack-3").trade_state == "SUCCESS"


def test_a_failed_order_of_a_user_no_longer_signed_is_not_re_deducted(client: Client, sandbox: SandboxServer) -> None:
    signed = enrol(client, sandbox, "payer-4")
    sandbox.fail_next_deductions(signed["user_id"])
    code = sandbox.auth_code(signed["user_id"])
    assert pay(client, code, 100, "lunch-then-left").trade_state == "PAYERROR"
    terminate_face_user_contract.sync(SCHOOL, signed["user_id"], client=client)
    with refused("INVALID_REQUEST"):
        pay(client, code, 100, "lunch-then-left")
    assert query(client, "lunch-then-left").trade_state == "PAYERROR"


# At most 5 re-deductions an order a day


def test_re_deduction_is_intercepted_after_five_a_day_and_allowed_again_the_next_day(
    client: Client, sandbox: SandboxServer
) -> None:
    signed = enrol(client, sandbox, "payer-5")
    user_id = signed["user_id"]
    sandbox.fail_next_deductions(user_id, 50)
    code = sandbox.auth_code(user_id)
    assert pay(client, code, 300, "lunch-capped").trade_state == "PAYERROR"  # the deduction itself
    for _ in range(REDEDUCTIONS_PER_DAY):
        assert pay(client, code, 300, "lunch-capped").trade_state == "PAYERROR"
    with refused("RULE_LIMITED", 403):
        pay(client, code, 300, "lunch-capped")
    # Another order of the same user has its own count.
    assert pay(client, sandbox.auth_code(user_id), 300, "lunch-other").trade_state == "PAYERROR"
    # The interception changed nothing: the order as it was, the forced failures not used.
    assert query(client, "lunch-capped").trade_state == "PAYERROR"
    assert sandbox.state()["users"][user_id]["failing_deductions"] == 50 - 1 - REDEDUCTIONS_PER_DAY - 1
    sandbox.advance_clock(DAY)
    sandbox.fail_next_deductions(user_id, 0)
    paid = pay(client, code, 300, "lunch-capped")
    assert (paid.trade_state, paid.debt_state) == ("SUCCESS", "NOT_DEBT")


def test_the_re_deduction_day_ends_at_midnight_china_time() -> None:
    midnight = datetime.datetime(2026, 9, 1, tzinfo=CHINA).timestamp()
    now = [midnight - 10]
    business = Business("1900000109", [], clock=lambda: now[0])
    user_id = business.sign(business.create_token("s1", SCHOOL))["user_id"]
    business.fail_deductions(user_id, 50)
    request = {"auth_code": business.auth_code(user_id), "amount": {"total": 100}, "out_trade_no": "late-lunch"}
    assert business.deduct(request, "1900000109")["trade_state"] == "PAYERROR"
    for _ in range(REDEDUCTIONS_PER_DAY):
        business.deduct(request, "1900000109")
    with pytest.raises(Refused) as caught:
        business.deduct(request, "1900000109")
    assert (caught.value.status, caught.value.code, caught.value.field) == (403, "RULE_LIMITED", "out_trade_no")
    now[0] = midnight - 1  # 23:59:59, still the same day
    with pytest.raises(Refused):
        business.deduct(request, "1900000109")
    now[0] = midnight  # 00:00:00 the next day in China (16:00 UTC)
    assert business.deduct(request, "1900000109")["trade_state"] == "PAYERROR"


async def test_many_re_deductions_in_flight_are_counted_exactly(sandbox: SandboxServer, auth: WeChatPayAuth) -> None:
    client = client_for(sandbox, auth)
    signed = enrol(client, sandbox, "payer-6")
    sandbox.fail_next_deductions(signed["user_id"], 100)
    code = sandbox.auth_code(signed["user_id"])
    assert pay(client, code, 100, "lunch-raced").trade_state == "PAYERROR"
    body = DeductionRequest(
        auth_code=code, sub_mchid=SUB_MCHID, amount=DeductionAmount(100, "CNY"), out_trade_no="lunch-raced"
    )

    async def attempt() -> int:
        response = await create_deduction.asyncio_detailed(client=client, body=body)
        return int(response.status_code)

    async with client:
        statuses = await asyncio.gather(*(attempt() for _ in range(3 * REDEDUCTIONS_PER_DAY)))
    assert sorted(statuses) == [200] * REDEDUCTIONS_PER_DAY + [403] * (2 * REDEDUCTIONS_PER_DAY)
    assert sandbox.state()["users"][signed["user_id"]]["failing_deductions"] == 100 - 1 - REDEDUCTIONS_PER_DAY


# Repaying through the link


def advanced(client: Client, sandbox: SandboxServer, out_user_id: str, *orders: str) -> str:
    """A user enrolled whose orders (100 fen each) WeChat advanced: the user_id."""
    user_id: str = enrol(client, sandbox, out_user_id)["user_id"]
    sandbox.set_balance(user_id, 0)
    for out_trade_no in orders:
        assert pay(client, sandbox.auth_code(user_id), 100, out_trade_no).debt_state == "DEBT"
    return user_id


def link_for(client: Client, out_user_id: str) -> str:
    url: str = create_repayment_url.sync(client=client, body=RepaymentUrlRequest(out_user_id, SCHOOL)).repayment_url
    return url


def refused_link(match: str) -> Any:
    """pytest.raises for the control API refusing a repayment link: 400 INVALID_REQUEST, the message matching."""
    return pytest.raises(SandboxControlError, match=rf"HTTP 400 INVALID_REQUEST: .*{match}")


def test_a_repayment_link_repays_every_advanced_order_once(client: Client, sandbox: SandboxServer) -> None:
    user_id = advanced(client, sandbox, "link-1", "owed-1")
    url = link_for(client, "link-1")
    assert pay(client, sandbox.auth_code(user_id), 100, "owed-2").debt_state == "DEBT"  # advanced after the link
    assert sandbox.repay_through_link(url) == {"user_id": user_id, "repaid": ["owed-1", "owed-2"], "amount": 200}
    for out_trade_no in ("owed-1", "owed-2"):
        order = query(client, out_trade_no)
        assert order.debt_state == "REPAYMENT" and isinstance(order.repayment_transaction_id, str)
    before = sandbox.state()
    with refused_link("已使用"):
        sandbox.repay_through_link(url)
    assert sandbox.state() == before


def test_a_repayment_link_is_refused_after_its_expire_at_on_the_sandbox_clock(
    client: Client, sandbox: SandboxServer
) -> None:
    advanced(client, sandbox, "link-2", "owed-3")
    answer = create_repayment_url.sync(client=client, body=RepaymentUrlRequest("link-2", SCHOOL))
    moved = sandbox.advance_clock(REPAYMENT_LINK_SECONDS + 1)
    assert datetime.datetime.fromisoformat(moved["now"]) > answer.expire_at
    with refused_link("已过期"):
        sandbox.repay_through_link(answer.repayment_url)
    assert query(client, "owed-3").debt_state == "DEBT"  # still owed
    fresh = link_for(client, "link-2")  # a new link, as the school would ask for
    sandbox.advance_clock(REPAYMENT_LINK_SECONDS - 60)  # a minute before it expires
    assert sandbox.repay_through_link(fresh)["repaid"] == ["owed-3"]


def test_a_repayment_link_it_never_gave_or_with_nothing_left_to_repay_is_refused(
    client: Client, sandbox: SandboxServer
) -> None:
    with refused_link("无效"):
        sandbox.repay_through_link("https://pay.weixin.qq.com/sandbox/repayment?token=nosuchtoken")
    answer = httpx.post(sandbox.url + "/sandbox/repay-through-link", json={"token": "nosuchtoken"})
    assert answer.status_code == 400 and answer.json()["code"] == "INVALID_REQUEST"
    user_id = advanced(client, sandbox, "link-3", "owed-4")
    url = link_for(client, "link-3")
    sandbox.repay(user_id)  # the shortcut repaid it first: the link has nothing left to repay
    with refused_link("no advanced order"):
        sandbox.repay_through_link(url)
    for body in ({}, {"repayment_url": "https://pay.weixin.qq.com/sandbox/repayment"}, {"token": ""}):
        answer = httpx.post(sandbox.url + "/sandbox/repay-through-link", json=body)
        assert answer.status_code == 400 and answer.json()["code"] == "PARAM_ERROR", body
    both = {"repayment_url": url, "token": "x"}
    assert httpx.post(sandbox.url + "/sandbox/repay-through-link", json=both).status_code == 400


def test_the_token_alone_repays_too(client: Client, sandbox: SandboxServer) -> None:
    advanced(client, sandbox, "link-4", "owed-5")
    token = link_for(client, "link-4").rpartition("token=")[2]
    answer = httpx.post(sandbox.url + "/sandbox/repay-through-link", json={"token": token})
    assert answer.status_code == 200 and answer.json()["repaid"] == ["owed-5"]


# The clock


def test_the_clock_moves_business_time_while_answers_are_signed_with_the_real_time(
    client: Client, sandbox: SandboxServer, auth: WeChatPayAuth
) -> None:
    assert sandbox.clock()["offset_seconds"] == 0
    moved = sandbox.advance_clock(2 * DAY)
    assert moved["offset_seconds"] == 2 * DAY
    now = datetime.datetime.fromisoformat(moved["now"])
    assert now.utcoffset() == datetime.timedelta(hours=8)
    assert abs(now.timestamp() - (time.time() + 2 * DAY)) < 60
    signed = enrol(client, sandbox, "clock-1")  # the client verified each answer against its own clock
    sandbox.set_balance(signed["user_id"], 0)
    order = pay(client, sandbox.auth_code(signed["user_id"]), 100, "lunch-later")
    assert abs(order.success_time.timestamp() - (time.time() + 2 * DAY)) < 60
    link = create_repayment_url.sync(client=client, body=RepaymentUrlRequest("clock-1", SCHOOL))
    assert abs(link.expire_at.timestamp() - (time.time() + 3 * DAY)) < 60
    # The answer's own signature carries the real time (a client checks it against its clock).
    with httpx.Client(base_url=sandbox.url, auth=auth) as http:
        answer = http.get("/v3/offlinefacemch/organizations", params={"organization_id": SCHOOL})
    assert answer.status_code == 200 and abs(int(answer.headers["Wechatpay-Timestamp"]) - time.time()) < 60
    sandbox.reset()
    assert sandbox.clock()["offset_seconds"] == 0


def test_a_token_expires_five_minutes_of_sandbox_time_after_it_was_made(client: Client, sandbox: SandboxServer) -> None:
    def token(out_user_id: str) -> str:
        body = AuthTokenRequest(scene="WEBSESSION", web_init_data=WebInitData(out_user_id, SCHOOL))
        return create_auth_token.sync(client=client, body=body).token

    stale = token("clock-2")
    sandbox.advance_clock(TOKEN_SECONDS + 1)
    with pytest.raises(SandboxControlError, match=r"INVALID_REQUEST.*过期"):
        sandbox.sign(stale)
    fresh = token("clock-2")
    sandbox.advance_clock(TOKEN_SECONDS - 30)
    assert sandbox.sign(fresh)["contract_id"].startswith("CI")


def test_a_device_pays_only_with_an_authinfo_of_the_hour(client: Client, sandbox: SandboxServer) -> None:
    signed = enrol(client, sandbox, "clock-3")

    def authinfo(device_id: str, organization_id: str = SCHOOL) -> str:
        body = AuthInfoRequest("wxd678efh567hg6787", SUB_MCHID, device_id, "RAWDATA", organization_id)
        return get_device_auth_info.sync(client=client, body=body).authinfo

    with pytest.raises(SandboxControlError, match=r"INVALID_REQUEST.*getDeviceAuthInfo"):
        sandbox.auth_code(signed["user_id"], device_id="pos-new")  # a device that never got one
    authinfo("pos-1")
    authinfo("pos-other-school", "123")
    assert pay(client, sandbox.auth_code(signed["user_id"], device_id="pos-1"), 100, "dev-1").trade_state == "SUCCESS"
    with pytest.raises(SandboxControlError, match="INVALID_REQUEST"):
        sandbox.auth_code(signed["user_id"], device_id="pos-other-school")
    sandbox.advance_clock(AUTHINFO_SECONDS + 1)
    with pytest.raises(SandboxControlError, match="271382020") as caught:
        sandbox.auth_code(signed["user_id"], device_id="pos-1")
    assert caught.value.status == 400
    authinfo("pos-1")  # refreshed, as the docs say to do hourly
    assert pay(client, sandbox.auth_code(signed["user_id"], device_id="pos-1"), 100, "dev-2").trade_state == "SUCCESS"


def test_notifications_carry_business_time_and_a_real_signature(
    client: Client, sandbox: SandboxServer, auth: WeChatPayAuth
) -> None:
    config = sandbox.config
    previous = config.notify_url, config.notify_retry_delays
    sandbox.advance_clock(DAY)
    with NotificationReceiver(auth) as receiver:  # it verifies each signature against the real clock
        config.notify_url, config.notify_retry_delays = receiver.url, (0.05,)
        try:
            enrol(client, sandbox, "clock-4")
            (notification,) = receiver.wait_for(1)
        finally:
            config.notify_url, config.notify_retry_delays = previous
    assert abs(notification.create_time.timestamp() - (time.time() + DAY)) < 60
    created = datetime.datetime.fromisoformat(notification.resource["notify_create_time"])
    assert abs(created.timestamp() - (time.time() + DAY)) < 60


# The control API refuses what it cannot use, naming it


@pytest.mark.parametrize("body", [{}, {"advance_seconds": "60"}, {"advance_seconds": True}, {"advance_seconds": 0}])
def test_the_clock_control_refuses_what_is_not_a_step_forward(sandbox: SandboxServer, body: dict[str, Any]) -> None:
    answer = httpx.post(sandbox.url + "/sandbox/clock", json=body)
    assert answer.status_code == 400 and answer.json()["code"] == "PARAM_ERROR"
    assert "advance_seconds" in answer.json()["message"]


@pytest.mark.parametrize("seconds", [-60, 1.5, 10**12])
def test_the_clock_never_goes_back_nor_off_the_calendar(sandbox: SandboxServer, seconds: Any) -> None:
    with pytest.raises(SandboxControlError, match="advance_seconds") as caught:
        sandbox.advance_clock(seconds)
    assert caught.value.status == 400
    assert sandbox.clock()["offset_seconds"] == 0


def test_the_clock_goes_at_most_a_hundred_years_ahead() -> None:
    business = Business("1900000109", [])
    for _ in range(10):
        business.advance_clock(MAX_CLOCK_ADVANCE)
    with pytest.raises(Refused, match="100 years") as caught:
        business.advance_clock(1)
    assert (caught.value.status, caught.value.code) == (400, "PARAM_ERROR")
    ahead = datetime.datetime.fromisoformat(business.clock_reading()["now"]).year - datetime.datetime.now(CHINA).year
    assert ahead in (100, 101)  # and still a time an answer can carry


def test_the_failing_deductions_control_refuses_bad_counts_and_unknown_users(sandbox: SandboxServer) -> None:
    url = sandbox.url + "/sandbox/users/FU40F305Z4e2bb7d/failing-deductions"
    for body in ({}, {"count": -1}, {"count": "1"}, {"count": 101}, {"count": None}):
        answer = httpx.put(url, json=body)
        assert answer.status_code == 400 and "count" in answer.json()["message"], body
    with pytest.raises(SandboxControlError, match="RESOURCE_NOT_EXISTS"):
        sandbox.fail_next_deductions("FUNOSUCHUSER")
    answer = httpx.post(sandbox.url + "/sandbox/auth-codes", json={"user_id": "FU40F305Z4e2bb7d", "device_id": 7})
    assert answer.status_code == 400 and "device_id" in answer.json()["message"]


# The state file


def test_the_clock_failures_and_re_deduction_counts_survive_a_restart(tmp_path: Path) -> None:
    state_file = tmp_path / "state.sqlite"
    first = Business("1900000109", [], state_file=state_file)
    user_id = first.sign(first.create_token("s1", SCHOOL))["user_id"]
    first.advance_clock(DAY)
    first.fail_deductions(user_id, 50)
    request = {"auth_code": first.auth_code(user_id), "amount": {"total": 100}, "out_trade_no": "kept"}
    for _ in range(1 + REDEDUCTIONS_PER_DAY):
        first.deduct(request, "1900000109")
    second = Business("1900000109", [], state_file=state_file)
    assert second.clock_reading()["offset_seconds"] == DAY
    with pytest.raises(Refused, match="re-deductions"):
        second.deduct(request, "1900000109")
    assert second.snapshot()["users"][user_id]["failing_deductions"] == 50 - 1 - REDEDUCTIONS_PER_DAY
    second.reset()
    assert Business("1900000109", [], state_file=state_file).clock_reading()["offset_seconds"] == 0


def test_repayment_links_survive_a_restart_used_or_not(tmp_path: Path) -> None:
    state_file = tmp_path / "state.sqlite"
    first = Business("1900000109", [], state_file=state_file)
    url = first.repayment_url(SCHOOL, "20210301000201")["repayment_url"]  # the seeded advanced order
    token = url.rpartition("token=")[2]
    second = Business("1900000109", [], state_file=state_file)
    assert second.repay_through_link(token)["repaid"] == ["SANDBOX20210301ADVANCED"]
    third = Business("1900000109", [], state_file=state_file)
    with pytest.raises(Refused, match="已使用") as caught:
        third.repay_through_link(token)
    assert (caught.value.status, caught.value.code, caught.value.field) == (400, "INVALID_REQUEST", "token")


def test_a_state_file_from_before_the_clock_still_loads(tmp_path: Path) -> None:
    state_file = tmp_path / "old.sqlite"
    business = Business("1900000109", [], state_file=state_file)
    old = business.snapshot()
    del old["clock_offset"], old["repayment_links"]
    business._store.save(old)
    reloaded = Business("1900000109", [], state_file=state_file)
    assert reloaded.clock_reading()["offset_seconds"] == 0
    assert reloaded.advance_clock(60)["offset_seconds"] == 60
    url = reloaded.repayment_url(SCHOOL, "20210301000201")["repayment_url"]
    assert reloaded.repay_through_link(url.rpartition("token=")[2])["amount"] == 800


def test_a_sandbox_process_keeps_its_clock_and_repayment_links_across_a_restart(tmp_path: Path) -> None:
    state_file = tmp_path / "canteen.sqlite"
    with SandboxProcess(tmp_path / "credentials", "--state-file", str(state_file)) as sandbox:
        sandbox.advance_clock(DAY)
        sandbox.fail_next_deductions("FU40F305Z4e2bb7d", 3)
        with Client(base_url=sandbox.url, httpx_args=httpx_args(auth_from_env(sandbox.env))) as client:
            url = link_for(client, "20210301000201")  # the seeded user's advanced order
    with SandboxProcess(tmp_path / "credentials", "--state-file", str(state_file)) as sandbox:
        assert sandbox.clock()["offset_seconds"] == DAY
        assert sandbox.state()["users"]["FU40F305Z4e2bb7d"]["failing_deductions"] == 3
        assert sandbox.repay_through_link(url)["repaid"] == ["SANDBOX20210301ADVANCED"]
