"""The generated client's own guards: no call without the auth, no naive datetime, no answer about another object.

Answers are signed by openssl (tests/support.py): each refused answer here is genuine, only not the one asked for.
"""

from __future__ import annotations

import datetime
import json
import time
from typing import Any

import httpx
import pytest
from attrs import evolve
from wechatpay_offlineface import Client, errors
from wechatpay_offlineface.api.face_collections import get_face_collection
from wechatpay_offlineface.models import FaceCollection
from wechatpay_signing import ConfigurationError
from wechatpay_signing.clock import date_header_skew

from .support import signed_response_headers
from .test_client import COLLECTION, make_auth

HOST = "https://api.mch.weixin.qq.com"


def answering(collection: dict[str, Any], sent: list[httpx.Request]) -> httpx.MockTransport:
    body = json.dumps(collection).encode()

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, headers=signed_response_headers(body, timestamp=int(time.time())), content=body)

    return httpx.MockTransport(handler)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_client_without_the_auth_sends_nothing(mode: str) -> None:
    sent: list[httpx.Request] = []
    client = Client(base_url=HOST, httpx_args={"transport": answering(COLLECTION, sent)})
    with pytest.raises(ConfigurationError, match=r"no wechatpay_signing\.WeChatPayAuth"):
        if mode == "sync":
            get_face_collection.sync("FC1", client=client)
        else:
            await get_face_collection.asyncio("FC1", client=client)
    assert sent == []


def test_a_client_given_an_httpx_client_without_the_auth_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="WeChatPayAuth"):
        Client(base_url=HOST).set_httpx_client(httpx.Client(base_url=HOST))
    with pytest.raises(ConfigurationError, match="WeChatPayAuth"):
        Client(base_url=HOST).set_async_httpx_client(httpx.AsyncClient(base_url=HOST))
    Client(base_url=HOST).set_httpx_client(httpx.Client(base_url=HOST, auth=make_auth()))


def test_unverified_is_an_explicit_choice_for_a_test_server() -> None:
    sent: list[httpx.Request] = []
    client = Client(base_url=HOST, httpx_args={"transport": answering(COLLECTION, sent)}, unverified=True)
    assert get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client) is not None
    assert "Authorization" not in sent[0].headers


@pytest.mark.parametrize("value", ["false", "no", 0, 1, None])
def test_only_true_turns_verification_off(value: object) -> None:
    """unverified="false" (a str read from a config file) is truthy: it must not send unsigned requests."""
    with pytest.raises(ConfigurationError, match="unverified must be True or False"):
        Client(base_url=HOST, unverified=value)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="unverified must be True or False"):
        evolve(Client(base_url=HOST), unverified=value)  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", ["sync", "async", "sync_detailed"])
async def test_a_genuine_answer_about_another_collection_is_refused(mode: str) -> None:
    # The answer for FC_OTHER, signed by WeChat Pay, replayed as the answer to a request for FC1.
    sent: list[httpx.Request] = []
    replayed = {**COLLECTION, "collection_id": "FC_OTHER"}
    client = Client(base_url=HOST, httpx_args={"auth": make_auth(), "transport": answering(replayed, sent)})
    with pytest.raises(errors.MismatchedAnswer) as caught:
        if mode == "sync":
            get_face_collection.sync("FC1", client=client)
        elif mode == "async":
            await get_face_collection.asyncio("FC1", client=client)
        else:
            get_face_collection.sync_detailed("FC1", client=client)
    error = caught.value
    assert (error.field, error.asked, error.answered) == ("collection_id", "FC1", "FC_OTHER")
    assert (error.status_code, error.request_id) == (200, "08F78BB5AF0610D302180B2A8A0E00-0")
    assert "FC_OTHER" in str(error)


def test_the_answer_about_the_collection_asked_for_is_returned() -> None:
    sent: list[httpx.Request] = []
    client = Client(base_url=HOST, httpx_args={"auth": make_auth(), "transport": answering(COLLECTION, sent)})
    collection = get_face_collection.sync(str(COLLECTION["collection_id"]), client=client)
    assert isinstance(collection, FaceCollection) and collection.collection_id == COLLECTION["collection_id"]


def test_every_returned_datetime_is_aware() -> None:
    sent: list[httpx.Request] = []
    client = Client(base_url=HOST, httpx_args={"auth": make_auth(), "transport": answering(COLLECTION, sent)})
    collection = get_face_collection.sync(str(COLLECTION["collection_id"]), client=client)
    assert isinstance(collection, FaceCollection)
    times = [collection.register_photo_upload_time, collection.confirm_time]
    assert all(isinstance(when, datetime.datetime) and when.utcoffset() is not None for when in times)


def test_a_naive_datetime_in_an_answer_is_malformed() -> None:
    sent: list[httpx.Request] = []
    naive = {**COLLECTION, "confirm_time": "2019-08-02T15:01:02"}
    client = Client(base_url=HOST, httpx_args={"auth": make_auth(), "transport": answering(naive, sent)})
    with pytest.raises(errors.MalformedResponse, match="timezone-aware"):
        get_face_collection.sync(str(COLLECTION["collection_id"]), client=client)


def test_a_naive_datetime_passed_in_is_refused_with_a_clear_error() -> None:
    collection = FaceCollection.from_dict(COLLECTION)
    collection.confirm_time = datetime.datetime(2019, 8, 2, 15, 1, 2)  # naive: the mistake under test
    with pytest.raises(errors.InvalidRequestError, match="must be timezone-aware"):
        collection.to_dict()
    collection.confirm_time = datetime.datetime(
        2019, 8, 2, 15, 1, 2, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
    )
    assert collection.to_dict()["confirm_time"] == "2019-08-02T15:01:02+08:00"


def test_a_date_header_without_a_zone_is_read_as_gmt_whatever_the_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        now = time.time()
        stamp = time.strftime("%a, %d %b %Y %H:%M:%S -0000", time.gmtime(now))  # "-0000": GMT, no zone named
        skew = date_header_skew({"Date": stamp}, now)
        assert skew is not None and abs(skew) < 2  # not the 8 hours of Shanghai's offset
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
