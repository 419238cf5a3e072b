"""The sandbox's pytest plugin, used the way a user's suite would: one line, then the fixtures; and every client,
connection and download it opens is closed (no ResourceWarning, no unraisable exception, in sync or async tests)."""

from __future__ import annotations

import pytest

USER_TESTS = """
import asyncio
import gc

import pytest
from wechatpay_offlineface.api.face_collections import get_face_collection, list_face_collections
from wechatpay_offlineface.models import FaceCollection

pytest_plugins = ["wechatpay_sandbox.pytest_plugin"]


def test_calls_the_sandbox(wechatpay_client):
    result = get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=wechatpay_client)
    assert isinstance(result, FaceCollection)
    assert result.organization_id == "123"


def test_sandbox_url_is_loopback(wechatpay_sandbox):
    assert wechatpay_sandbox.url.startswith("http://127.0.0.1:")


@pytest.mark.asyncio
async def test_async_calls(wechatpay_async_client):
    found = await asyncio.gather(
        get_face_collection.asyncio("FC2353ZJIHOJKHOIIOIK", client=wechatpay_async_client),
        list_face_collections.asyncio(client=wechatpay_async_client, organization_id="123"),
    )
    assert found[0].collection_state == "PHOTO_UPLOADED"


@pytest.mark.asyncio
async def test_async_again_in_a_new_loop(wechatpay_async_client):
    assert (await get_face_collection.asyncio("FC2353ZJIHOJKHOIIOIJ", client=wechatpay_async_client)).use_id


def test_contract_signed(wechatpay_sandbox, wechatpay_notifications):
    notification_id = wechatpay_sandbox.deliver_user_state_change(
        user_id="u1", out_user_id="stu-1", organization_id="123", appid="wx1", openid="o1", contract_id="c1"
    )
    [notification] = wechatpay_notifications.wait_for(1)  # received in-process, verified and decrypted
    assert notification.id == notification_id
    assert notification.resource["out_user_id"] == "stu-1"


def test_the_control_api_through_the_fixture(wechatpay_sandbox, wechatpay_client, wechatpay_notifications):
    from wechatpay_offlineface.api.tokens import create_auth_token
    from wechatpay_offlineface.models import AuthTokenRequest, WebInitData

    body = AuthTokenRequest(scene="WEBSESSION", web_init_data=WebInitData("stu-9", "OAABBCCDDeeff"))
    signed = wechatpay_sandbox.sign(create_auth_token.sync(client=wechatpay_client, body=body).token)
    wechatpay_sandbox.set_balance(signed["user_id"], 5)
    assert wechatpay_sandbox.auth_code(signed["user_id"])
    [notification] = wechatpay_notifications.wait_for(1)
    assert notification.resource["contract_id"] == signed["contract_id"]
    assert len(wechatpay_sandbox.state()["users"]) == 2


def test_each_test_starts_from_the_seeded_state(wechatpay_sandbox):
    assert list(wechatpay_sandbox.state()["users"]) == ["FU40F305Z4e2bb7d"]


def test_last_collects_what_was_left(wechatpay_client):
    gc.collect()  # an unclosed client or socket would warn now, inside the run, where -W error catches it
"""


def test_plugin_fixtures_work_and_close_what_they_open(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-W", "error", "-o", "asyncio_default_fixture_loop_scope=function"
    )
    result.assert_outcomes(passed=8)
    output = "\n".join(result.outlines + result.errlines)
    for sign in ("ResourceWarning", "unclosed", "Unraisable", "Task was destroyed", "Event loop is closed"):
        assert sign not in output, output
