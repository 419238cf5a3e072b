"""Hostile input, by hypothesis: any parameter value, any answer body or signature header.

- A parameter value is either refused with a ValueError before anything is sent, or reaches the sandbox as exactly
  one path segment on the face-collection route, with a signature the sandbox accepts.
- An answer, whatever its body and headers, ends as a typed value or one of the documented exceptions; never a bare
  KeyError, TypeError or JSONDecodeError.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wechatpay_offlineface import Client, errors
from wechatpay_offlineface.api.face_collections import get_face_collection, list_face_collections
from wechatpay_offlineface.models import FaceCollection, WeChatPayErrorBody
from wechatpay_sandbox import SandboxServer
from wechatpay_signing import AnswerError, ClockSkewError, SignatureVerificationError, WeChatPayAuth, httpx_args

from .conftest import client_for
from .support import signed_response_headers
from .test_client import COLLECTION, make_auth

T = TypeVar("T")
PREFIX = b"/v3/offlineface/face-collections/"
# Session-scoped fixtures are shared by every example on purpose: one sandbox, one client.
SHARED_FIXTURES = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


class Recorded:
    """A generated client on the sandbox that keeps the last request it put on the wire."""

    def __init__(self, sandbox: SandboxServer, auth: WeChatPayAuth) -> None:
        self.sent: list[httpx.Request] = []
        hooks = {"request": [self.sent.append]}
        self.client = client_for(sandbox, auth, httpx_args={"auth": auth, "event_hooks": hooks})


@pytest.fixture(scope="module")
def recorded(sandbox: SandboxServer, auth: WeChatPayAuth) -> Recorded:
    return Recorded(sandbox, auth)


def encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def refused_before_sending(collection_id: str, appid: str | None) -> bool:
    """What the generated client refuses: a segment httpx would rewrite, or text UTF-8 cannot encode."""
    return collection_id in ("", ".", "..") or not encodable(collection_id) or not encodable(appid or "")


@SHARED_FIXTURES
@given(collection_id=st.text(max_size=64), appid=st.none() | st.text(max_size=64))
def test_a_path_value_is_refused_or_sent_as_one_signed_segment(
    recorded: Recorded, collection_id: str, appid: str | None
) -> None:
    client = recorded.client
    recorded.sent.clear()
    kwargs: dict[str, Any] = {} if appid is None else {"appid": appid}
    if refused_before_sending(collection_id, appid):
        with pytest.raises(ValueError, match=r"collection_id|appid"):
            get_face_collection.sync_detailed(collection_id, client=client, **kwargs)
        assert recorded.sent == []
        return
    response = get_face_collection.sync_detailed(collection_id, client=client, **kwargs)
    (request,) = recorded.sent
    assert request.url.raw_path.split(b"?")[0] == PREFIX + quote(collection_id, safe="").encode()
    # The sandbox checked the signature (else 401) and found one segment on this route (else NOT_FOUND) ...
    assert response.status_code == 404, response.content
    assert isinstance(response.parsed, WeChatPayErrorBody) and response.parsed.code == "RESOURCE_NOT_EXISTS"
    # ... and decoded it back to the very value given.
    assert response.parsed.to_dict()["detail"]["value"] == collection_id


@SHARED_FIXTURES
@given(
    organization_id=st.text(min_size=1, max_size=32),
    offset=st.none() | st.integers(min_value=0, max_value=2**40),
    limit=st.none() | st.integers(min_value=1, max_value=2**40),
)
def test_query_values_are_signed_as_sent(
    recorded: Recorded, organization_id: str, offset: int | None, limit: int | None
) -> None:
    client = recorded.client
    kwargs: dict[str, Any] = {k: v for k, v in {"offset": offset, "limit": limit}.items() if v is not None}
    if refused_before_sending("x", organization_id):
        with pytest.raises(ValueError, match="organization_id"):
            list_face_collections.sync_detailed(client=client, organization_id=organization_id, **kwargs)
        return
    response = list_face_collections.sync_detailed(client=client, organization_id=organization_id, **kwargs)
    # Never 401: whatever httpx encodes is what was signed.
    assert response.status_code == 200, response.content


class ThroughThePools:
    """An async generated client under ``httpx_args`` (aiohttp's pool, retries) on one event loop for every example:
    whatever aiohttp does to a URL must not change the target that was signed."""

    def __init__(self, sandbox: SandboxServer, auth: WeChatPayAuth) -> None:
        self.runner = asyncio.Runner()
        self.client = client_for(sandbox, auth, httpx_args=httpx_args(auth))

    def run(self, call: Coroutine[Any, Any, T]) -> T:
        return self.runner.run(call)


@pytest.fixture(scope="module")
def pools(sandbox: SandboxServer, auth: WeChatPayAuth) -> Iterator[ThroughThePools]:
    pools = ThroughThePools(sandbox, auth)
    yield pools
    pools.run(pools.client.get_async_httpx_client().aclose())
    pools.runner.close()


@SHARED_FIXTURES
@given(collection_id=st.text(max_size=64))
def test_a_path_value_goes_through_the_async_pool_as_signed(pools: ThroughThePools, collection_id: str) -> None:
    if refused_before_sending(collection_id, None):
        return  # refused as in the sync test above
    response = pools.run(get_face_collection.asyncio_detailed(collection_id, client=pools.client))
    # Not 401: the sandbox checked the signature over the target that arrived, and decoded the very value back.
    assert response.status_code == 404, response.content
    assert isinstance(response.parsed, WeChatPayErrorBody)
    assert response.parsed.to_dict()["detail"]["value"] == collection_id


@SHARED_FIXTURES
@given(organization_id=st.text(min_size=1, max_size=32))
def test_a_query_value_goes_through_the_async_pool_as_signed(pools: ThroughThePools, organization_id: str) -> None:
    if refused_before_sending("x", organization_id):
        return
    call = list_face_collections.asyncio_detailed(client=pools.client, organization_id=organization_id)
    assert pools.run(call).status_code == 200


# Answers: JSON of every shape, near misses of the documented body, and bytes that are not JSON at all.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
near_misses = st.fixed_dictionaries(
    {},
    optional={
        **{name: json_values for name in COLLECTION},
        "collection_state": st.sampled_from(["COMPLETE", "NEW_STATE", ""]) | json_values,
        "confirm_time": st.sampled_from(["2019-08-02T15:01:02+08:00", "yesterday", "2019-13-45T99:99:99Z"])
        | json_values,
        "code": json_values,
        "message": json_values,
        "detail": json_values,
    },
)
bodies = st.one_of(
    near_misses.map(lambda d: json.dumps(d).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=200),
    st.just(b"[" * 100_000),  # deeper than json's recursion limit
    st.just(json.dumps({**COLLECTION, "collection_id": "F" * 1_000_000}).encode()),
    st.just(b'{"collection_id": ' + b"9" * 5_000 + b"}"),  # an integer longer than Python parses by default
)
STATUSES = st.sampled_from([200, 201, 204, 301, 400, 401, 404, 429, 500, 502, 561, 599])
DOCUMENTED = (
    errors.ApiError,
    errors.MalformedResponse,
    errors.MismatchedAnswer,  # a 2xx answer about another collection than the one asked for
    errors.UnexpectedStatus,
    SignatureVerificationError,
)


def answering(status: int, body: bytes, headers: dict[str, Any]) -> Client:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers=headers, content=body)

    return Client(
        base_url="https://api.mch.weixin.qq.com",
        httpx_args={
            "auth": make_auth(),
            "transport": httpx.MockTransport(handler),
        },
    )


@pytest.mark.slow  # 150 examples, each signed by the openssl command: `make test-slow`
@settings(deadline=None, max_examples=150)
@given(status=STATUSES, body=bodies)
def test_any_signed_answer_ends_typed_or_documented(status: int, body: bytes) -> None:
    client = answering(status, body, signed_response_headers(body, timestamp=int(time.time())))
    try:
        result = get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client)
    except DOCUMENTED as error:
        assert isinstance(error, AnswerError) and error.status_code == status and error.request_id
        if isinstance(error, errors.ApiError):
            assert error.status_code == status >= 400 and error.request_id
            assert error.code is None or isinstance(error.code, str)
        if isinstance(error, errors.MalformedResponse | errors.MismatchedAnswer):
            assert 200 <= status < 300 and len(str(error)) < 500
    else:
        assert 200 <= status < 300
        assert isinstance(result, FaceCollection)
        assert all(isinstance(getattr(result, name), str) for name in ("collection_id", "organization_id"))


header_values = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=80),
    st.binary(max_size=80).filter(lambda b: b"\r" not in b and b"\n" not in b and b"\0" not in b),
    st.sampled_from(["", "WECHATPAY/SIGNTEST/abc", "PUB_KEY_ID_0114232134912410000000000000", str(int(time.time()))]),
)
SIGNATURE_HEADERS = ["Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Signature", "Wechatpay-Serial"]


@pytest.mark.slow  # 150 examples, each signed by the openssl command: `make test-slow`
@settings(deadline=None, max_examples=150)
@given(
    replaced=st.dictionaries(st.sampled_from([*SIGNATURE_HEADERS, "Wechatpay-Signature-Type"]), header_values),
    dropped=st.sets(st.sampled_from(SIGNATURE_HEADERS)),
)
def test_any_forged_signature_header_is_refused(replaced: dict[str, Any], dropped: set[str]) -> None:
    body = json.dumps(COLLECTION).encode()
    headers: dict[str, Any] = signed_response_headers(body, timestamp=int(time.time()))
    genuine = dict(headers)
    headers |= replaced
    for name in dropped:
        headers.pop(name)
    changed = {name for name in genuine if headers.get(name) != genuine[name]}
    client = answering(200, body, headers)
    if not changed:
        assert (
            get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client).collection_id == COLLECTION["collection_id"]
        )
        return
    with pytest.raises((SignatureVerificationError, ClockSkewError)):  # a forged timestamp can look like skew
        get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client)
