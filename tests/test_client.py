"""The generated client with WeChatPayAuth over httpx.MockTransport, sync and async, with streamed bodies.

The fake WeChat Pay below checks each request's Authorization with openssl over the exact target httpx sent,
and signs its answers with openssl.
"""

from __future__ import annotations

import datetime
import json
import threading
import time
import urllib.parse
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from wechatpay_offlineface import Client
from wechatpay_offlineface.api.face_collections import get_face_collection, list_face_collections
from wechatpay_offlineface.models import CollectionState, FaceCollection, FaceCollectionList, WeChatPayErrorBody
from wechatpay_offlineface.types import Response
from wechatpay_signing import MerchantSigner, ResponseVerifier, SignatureVerificationError, WeChatPayAuth

from .support import (
    MCHID,
    MERCHANT_SERIAL,
    PLATFORM_A_SERIAL,
    PUBLIC_KEY_ID,
    merchant_public_pem,
    openssl_verify,
    parse_authorization,
    pem,
    signed_request_message,
    signed_response_headers,
)

HOST = "https://api.mch.weixin.qq.com"
COLLECTION = {
    "collection_id": "FC2353ZJIHOJKHOIIOIJ",
    "use_id": "20190801000001",
    "organization_id": "123",
    "collection_state": "PHOTO_UPLOADED",
    "register_photo_upload_time": "2019-08-02T14:34:56+08:00",
    "confirm_time": "2019-08-02T15:01:02.123+08:00",
}


class ChunkedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that arrives in small chunks, sync or async, as from a real socket."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self.body), 7):
            yield self.body[start : start + 7]

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk


class FakeWeChatPay:
    """Answers every request with one configured response and records whether openssl accepted its signature."""

    def __init__(
        self,
        status: int = 200,
        payload: Any = COLLECTION,
        *,
        signed: bool = True,
        tamper: bool = False,
        key_file: str = "wechatpay_pub_key_private.pem",
        serial: str = PUBLIC_KEY_ID,
    ) -> None:
        self.status = status
        self.payload = payload
        self.body = json.dumps(payload, ensure_ascii=False).encode()
        self.signed = signed
        self.tamper = tamper
        self.key_file = key_file
        self.serial = serial
        self.requests: list[httpx.Request] = []
        self.openssl_accepted: list[bool] = []

    def _body_for(self, request: httpx.Request) -> bytes:
        """The configured answer, about the collection asked for, as WeChat Pay's answer would be."""
        if not (isinstance(self.payload, dict) and "collection_id" in self.payload):
            return self.body
        asked = urllib.parse.unquote(request.url.raw_path.decode().split("?")[0].rsplit("/", 1)[1])
        return json.dumps({**self.payload, "collection_id": asked}, ensure_ascii=False).encode()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.body = self._body_for(request)
        message, signature = signed_request_message(request)
        self.openssl_accepted.append(openssl_verify(merchant_public_pem(), message, signature))
        headers = {"Content-Type": "application/json", "Request-ID": "08F78BB5AF0610D302180B2A8A0E00-0"}
        if self.signed:
            headers |= signed_response_headers(
                self.body, timestamp=int(time.time()), key_file=self.key_file, serial=self.serial
            )
        body = self.body.replace(b"PHOTO_UPLOADED", b"COMPLETE") if self.tamper else self.body
        return httpx.Response(self.status, headers=headers, stream=ChunkedStream(body))


def make_auth(*, public_key_mode: bool = True) -> WeChatPayAuth:
    signer = MerchantSigner(MCHID, MERCHANT_SERIAL, pem("merchant_key.pem"))
    keys = {PUBLIC_KEY_ID: pem("wechatpay_pub_key.pem")} if public_key_mode else {}
    keys[PLATFORM_A_SERIAL] = pem("platform_a_cert.pem")
    return WeChatPayAuth(signer, ResponseVerifier(keys))


def make_client(server: FakeWeChatPay, auth: WeChatPayAuth | None = None) -> Client:
    return Client(
        base_url=HOST,
        httpx_args={"auth": auth or make_auth(), "transport": httpx.MockTransport(server)},
    )


async def get_detailed(mode: str, client: Client, collection_id: str, **kwargs: Any) -> Response[Any]:
    if mode == "sync":
        return get_face_collection.sync_detailed(collection_id, client=client, **kwargs)
    return await get_face_collection.asyncio_detailed(collection_id, client=client, **kwargs)


async def get_parsed(mode: str, client: Client, collection_id: str, **kwargs: Any) -> Any:
    if mode == "sync":
        return get_face_collection.sync(collection_id, client=client, **kwargs)
    return await get_face_collection.asyncio(collection_id, client=client, **kwargs)


MODES = pytest.mark.parametrize("mode", ["sync", "async"])


@MODES
async def test_signed_request_and_verified_typed_answer(mode: str) -> None:
    server = FakeWeChatPay()
    result = await get_parsed(mode, make_client(server), "FC2353ZJIHOJKHOIIOIJ", appid="wxd678efh567hg6787")

    (request,) = server.requests
    assert request.url.raw_path == b"/v3/offlineface/face-collections/FC2353ZJIHOJKHOIIOIJ?appid=wxd678efh567hg6787"
    assert server.openssl_accepted == [True]
    assert parse_authorization(request.headers["Authorization"])["mchid"] == MCHID
    assert request.headers["Accept"] == "application/json"
    assert request.headers["User-Agent"].startswith("wechatpay-signing/1.0.0 ")
    assert request.headers["Wechatpay-Serial"] == PUBLIC_KEY_ID

    assert isinstance(result, FaceCollection)
    assert result.collection_state is CollectionState.PHOTO_UPLOADED
    assert result.use_id == "20190801000001"
    assert isinstance(result.register_photo_upload_time, datetime.datetime)
    assert result.register_photo_upload_time.utcoffset() == datetime.timedelta(hours=8)
    assert result.register_photo_upload_time == datetime.datetime(2019, 8, 2, 6, 34, 56, tzinfo=datetime.UTC)
    assert isinstance(result.confirm_time, datetime.datetime)
    assert result.confirm_time.microsecond == 123000 and result.confirm_time.tzinfo is not None


@MODES
async def test_certificate_mode_verifies_and_sends_no_public_key_id(mode: str) -> None:
    server = FakeWeChatPay(key_file="platform_a_key.pem", serial=PLATFORM_A_SERIAL)
    client = make_client(server, make_auth(public_key_mode=False))
    result = await get_parsed(mode, client, "FC2353ZJIHOJKHOIIOIJ")
    assert isinstance(result, FaceCollection)
    assert "Wechatpay-Serial" not in server.requests[0].headers


@MODES
async def test_list_signs_the_query_as_sent(mode: str) -> None:
    server = FakeWeChatPay(payload={"face_collections": [COLLECTION, {**COLLECTION, "collection_state": "COMPLETE"}]})
    client = make_client(server)
    if mode == "sync":
        page = list_face_collections.sync(client=client, organization_id="123 中", offset=0, limit=10)
    else:
        page = await list_face_collections.asyncio(client=client, organization_id="123 中", offset=0, limit=10)
    assert server.requests[0].url.raw_path == (
        b"/v3/offlineface/face-collections?organization_id=123+%E4%B8%AD&offset=0&limit=10"
    )
    assert server.openssl_accepted == [True]
    assert isinstance(page, FaceCollectionList)
    assert [item.collection_state for item in page.face_collections] == [
        CollectionState.PHOTO_UPLOADED,
        CollectionState.COMPLETE,
    ]


@MODES
@pytest.mark.parametrize(
    ("server", "reason"),
    [
        (FakeWeChatPay(tamper=True), "does not match"),
        (FakeWeChatPay(signed=False), "missing header"),
        (FakeWeChatPay(key_file="platform_b_key.pem", serial="UNKNOWN0123"), "unknown Wechatpay-Serial"),
    ],
    ids=["tampered", "unsigned", "unknown-serial"],
)
async def test_unverified_2xx_raises_and_returns_no_data(mode: str, server: FakeWeChatPay, reason: str) -> None:
    with pytest.raises(SignatureVerificationError, match=reason) as caught:
        await get_parsed(mode, make_client(server), "FC2353ZJIHOJKHOIIOIJ")
    assert caught.value.status_code == 200
    assert caught.value.request_id == "08F78BB5AF0610D302180B2A8A0E00-0"
    assert "Authorization" not in str(caught.value) and "WECHATPAY2" not in str(caught.value)


@MODES
@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "PARAM_ERROR"),
        (401, "SIGN_ERROR"),
        (403, "NO_AUTH"),
        (404, "RESOURCE_NOT_EXISTS"),
        (429, "RATELIMIT_EXCEED"),
        (499, "INVALID_REQUEST"),
        (500, "SYSTEM_ERROR"),
        (561, "SYSTEM_ERROR"),
    ],
)
async def test_error_bodies_come_back_typed(mode: str, status: int, code: str) -> None:
    # WeChat Pay's error answers may carry no signature headers; they hold no data to trust.
    error = {"code": code, "message": "错误信息", "detail": {"field": "collection_id", "location": "path"}}
    server = FakeWeChatPay(status, error, signed=False)
    response = await get_detailed(mode, make_client(server), "FC2353ZJIHOJKHOIIOIJ")
    assert response.status_code == status
    assert response.request_id == "08F78BB5AF0610D302180B2A8A0E00-0"
    assert isinstance(response.parsed, WeChatPayErrorBody)
    assert (response.parsed.code, response.parsed.message) == (code, "错误信息")


@MODES
async def test_unknown_state_and_user_id_spelling_parse(mode: str) -> None:
    payload: dict[str, object] = {key: value for key, value in COLLECTION.items() if key != "use_id"}
    payload |= {"user_id": "20190801000009", "collection_state": "PHOTO_UNDER_REVIEW", "new_field": 1}
    result = await get_parsed(mode, make_client(FakeWeChatPay(payload=payload)), "FC2353ZJIHOJKHOIIOIJ")
    assert isinstance(result, FaceCollection)
    assert result.collection_state == "PHOTO_UNDER_REVIEW"
    assert not isinstance(result.collection_state, CollectionState)
    assert result.user_id == "20190801000009"
    assert result.additional_properties == {"new_field": 1}


@MODES
@pytest.mark.parametrize("collection_id", ["", ".", ".."])
async def test_path_values_that_change_the_endpoint_are_rejected_before_sending(mode: str, collection_id: str) -> None:
    server = FakeWeChatPay()
    with pytest.raises(ValueError, match="collection_id must be one path segment"):
        await get_parsed(mode, make_client(server), collection_id)
    assert server.requests == []


@MODES
@pytest.mark.parametrize(
    ("collection_id", "segment"),
    [
        ("a/b", b"a%2Fb"),
        ("a?b", b"a%3Fb"),
        ("a#b", b"a%23b"),
        ("a b", b"a%20b"),
        ("中文", b"%E4%B8%AD%E6%96%87"),
        ("%2F", b"%252F"),
        ("...", b"..."),
        ("%2E%2E", b"%252E%252E"),
    ],
)
async def test_other_path_values_are_one_encoded_segment_signed_as_sent(
    mode: str, collection_id: str, segment: bytes
) -> None:
    server = FakeWeChatPay()
    result = await get_parsed(mode, make_client(server), collection_id)
    assert isinstance(result, FaceCollection)
    assert server.requests[0].url.raw_path == b"/v3/offlineface/face-collections/" + segment
    assert server.openssl_accepted == [True]


def test_default_timeout_is_bounded() -> None:
    client = Client(base_url=HOST, httpx_args={"auth": make_auth()})
    timeout = client.get_httpx_client().timeout
    assert timeout.read == 10.0 and timeout.connect == 5.0


def test_threads_sharing_a_new_client_make_one_httpx_client(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each httpx client has its own pool: threads that each made one would leave all but one open, unclosable.
    client = Client(base_url=HOST, httpx_args={"auth": make_auth()})
    arguments = Client._httpx_client_args

    def slowly(self: Client) -> dict[str, Any]:
        time.sleep(0.05)  # widens the window in which another thread finds no httpx client yet
        return arguments(self)

    monkeypatch.setattr(Client, "_httpx_client_args", slowly)
    start = threading.Barrier(8)
    made: list[httpx.Client] = []

    def ask() -> None:
        start.wait()
        made.append(client.get_httpx_client())

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 8
    assert len({id(http) for http in made}) == 1


async def test_one_auth_serves_sync_and_async_clients() -> None:
    server = FakeWeChatPay()
    client = make_client(server)
    assert isinstance(get_face_collection.sync("FC1", client=client), FaceCollection)
    assert isinstance(await get_face_collection.asyncio("FC1", client=client), FaceCollection)
    assert server.openssl_accepted == [True, True]


class CookieSettingWeChatPay(FakeWeChatPay):
    """Sets a cookie with its first answer only, as a load balancer's sticky session would."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        response = super().__call__(request)
        if len(self.requests) == 1:
            response.headers["Set-Cookie"] = "lb=node-7; Path=/; Secure"
        return response


@MODES
async def test_cookies_given_and_set_by_an_answer_are_sent_as_httpx_sends_them(mode: str) -> None:
    # The client reads an answer's cookies only when it sets some (a cost on every call otherwise): one that sets a
    # cookie still has it kept, and a later answer without Set-Cookie leaves the kept ones alone.
    server = CookieSettingWeChatPay()
    client = Client(
        base_url=HOST,
        cookies={"given": "1"},
        httpx_args={"auth": make_auth(), "transport": httpx.MockTransport(server)},
    )
    for _ in range(3):
        assert isinstance(await get_parsed(mode, client, "FC2353ZJIHOJKHOIIOIJ"), FaceCollection)
    sent = [request.headers.get("Cookie") for request in server.requests]
    assert sent == ["given=1", "given=1; lb=node-7", "given=1; lb=node-7"]
    httpx_client = client.get_httpx_client() if mode == "sync" else client.get_async_httpx_client()
    assert dict(httpx_client.cookies) == {"given": "1", "lb": "node-7"}
