"""Retries: which calls, how long between them, and every attempt signed afresh (checked with openssl).

A scripted fake WeChat Pay over httpx.MockTransport answers each attempt in turn; the retry loop's sleeps are
recorded instead of slept.
"""

from __future__ import annotations

import json
import time
import types
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from httpx_retries import Retry
from wechatpay_offlineface import Client, errors
from wechatpay_offlineface.api.face_collections import get_face_collection
from wechatpay_signing import DEFAULT_RETRY, RETRY_STATUSES, httpx_args

from .operations import Operation, operations
from .support import (
    merchant_public_pem,
    openssl_verify,
    parse_authorization,
    signed_request_message,
    signed_response_headers,
)
from .test_client import COLLECTION, make_auth

HOST = "https://api.mch.weixin.qq.com"
BODY = json.dumps(COLLECTION).encode()
Step = int | dict[str, str] | type[httpx.TransportError] | None  # a status, a status with headers, an error, or success


class ScriptedWeChatPay:
    """Plays one step per attempt and checks every Authorization with openssl over the wire target."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.authorizations: list[dict[str, str]] = []
        self.openssl_accepted: list[bool] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        fields = parse_authorization(request.headers["Authorization"])
        self.authorizations.append(fields)
        message, signature = signed_request_message(request)
        self.openssl_accepted.append(openssl_verify(merchant_public_pem(), message, signature))
        step = self.steps.pop(0) if self.steps else None
        if isinstance(step, type):
            raise step("scripted failure", request=request)
        if step is None:
            return httpx.Response(200, headers=signed_response_headers(BODY, timestamp=int(time.time())), content=BODY)
        status, headers = (step, {}) if isinstance(step, int) else (int(step.pop("status")), step)
        error = {"code": "SYSTEM_ERROR", "message": "系统错误"}
        return httpx.Response(
            status, headers={"Request-ID": f"attempt-{len(self.authorizations)}", **headers}, json=error
        )


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """The waits the retry loop asks for, sync and async, without waiting."""
    recorded: list[float] = []

    async def asleep(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr("httpx_retries.retry.time", types.SimpleNamespace(sleep=recorded.append))
    monkeypatch.setattr("httpx_retries.retry.asyncio", types.SimpleNamespace(sleep=asleep))
    yield recorded


def client_for(server: ScriptedWeChatPay, retry: Retry | None = DEFAULT_RETRY) -> Client:
    mock = httpx.MockTransport(server)
    return Client(base_url=HOST, httpx_args=httpx_args(make_auth(), retry=retry, transport=mock, async_transport=mock))


async def call(mode: str, client: Client) -> Any:
    if mode == "sync":
        return get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client)
    return await get_face_collection.asyncio("FC2353ZJIHOJKHOIIOIJ", client=client)


MODES = pytest.mark.parametrize("mode", ["sync", "async"])


@MODES
@pytest.mark.parametrize("failure", [httpx.ConnectError, httpx.ReadTimeout, httpx.RemoteProtocolError, 429, 500, 561])
async def test_get_is_retried_and_each_attempt_is_signed_afresh(
    mode: str, failure: Step, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = iter(range(1_800_000_000, 1_800_000_100))
    monkeypatch.setattr("wechatpay_signing.signer.time", types.SimpleNamespace(time=lambda: next(clock)))
    server = ScriptedWeChatPay(failure, failure, None)
    collection = await call(mode, client_for(server))
    assert collection.collection_id == "FC2353ZJIHOJKHOIIOIJ"
    assert server.openssl_accepted == [True, True, True]
    assert len({fields["nonce_str"] for fields in server.authorizations}) == 3
    assert [fields["timestamp"] for fields in server.authorizations] == ["1800000000", "1800000001", "1800000002"]
    assert len(sleeps) == 2


@MODES
async def test_gives_up_after_the_default_two_retries_with_the_last_request_id(mode: str, sleeps: list[float]) -> None:
    server = ScriptedWeChatPay(503, 503, 503, None)
    with pytest.raises(errors.ApiError) as caught:
        await call(mode, client_for(server))
    assert caught.value.status_code == 503 and caught.value.request_id == "attempt-3"
    assert len(server.authorizations) == DEFAULT_RETRY.total + 1


@MODES
async def test_backoff_is_capped_exponential_with_full_jitter(mode: str, sleeps: list[float]) -> None:
    retry = DEFAULT_RETRY.copy_with(total=6)
    for _ in range(12):
        server = ScriptedWeChatPay(*[500] * 6)
        await call(mode, client_for(server, retry))
    # Attempt n waits a random share of 0.25 * 2**n s, never more than 5 s.
    for n, waited in zip(list(range(1, 7)) * 12, sleeps, strict=True):
        assert 0 <= waited <= min(0.25 * 2**n, 5.0)
    assert len(set(sleeps)) > 40  # jittered, not fixed (waits capped at 5 s are equal)
    assert max(sleeps) > 2.5


@MODES
@pytest.mark.parametrize(("retry_after", "expected"), [("2", 2.0), ("0", None), ("3600", 5.0)])
async def test_retry_after_is_honoured_up_to_the_cap(
    mode: str, sleeps: list[float], retry_after: str, expected: float | None
) -> None:
    server = ScriptedWeChatPay({"status": "429", "Retry-After": retry_after}, None)
    await call(mode, client_for(server))
    (waited,) = sleeps
    if expected is None:  # "0" means no wait asked: the jittered backoff applies
        assert 0 <= waited <= 0.5
    else:
        assert waited == expected


@MODES
async def test_post_is_sent_once_unless_the_caller_opts_in(mode: str, sleeps: list[float]) -> None:
    for retry, attempts in [(DEFAULT_RETRY, 1), (DEFAULT_RETRY.copy_with(allowed_methods=["GET", "POST"]), 2)]:
        server = ScriptedWeChatPay(500, None)
        mock = httpx.MockTransport(server)
        args = httpx_args(make_auth(), retry=retry, transport=mock, async_transport=mock)
        if mode == "sync":
            with httpx.Client(base_url=HOST, **args) as client:
                response = client.post("/v3/offlineface/contracts", json={"organization_id": "123"})
        else:
            async with httpx.AsyncClient(base_url=HOST, **args) as aclient:
                response = await aclient.post("/v3/offlineface/contracts", json={"organization_id": "123"})
        assert len(server.authorizations) == attempts
        assert all(server.openssl_accepted)
        assert response.status_code == (500 if attempts == 1 else 200)


@MODES
async def test_no_retry_when_disabled(mode: str, sleeps: list[float]) -> None:
    server = ScriptedWeChatPay(httpx.ConnectError, None)
    with pytest.raises(httpx.ConnectError):
        await call(mode, client_for(server, retry=None))
    assert len(server.authorizations) == 1 and sleeps == []


@MODES
@pytest.mark.parametrize("status", [400, 401, 403, 404])
async def test_client_errors_are_not_retried(mode: str, status: int, sleeps: list[float]) -> None:
    server = ScriptedWeChatPay(status, None)
    with pytest.raises(errors.ApiError):
        await call(mode, client_for(server))
    assert len(server.authorizations) == 1


def test_the_default_policy() -> None:
    assert DEFAULT_RETRY.total == 2
    assert DEFAULT_RETRY.allowed_methods == frozenset({"GET", "HEAD"})
    assert set(DEFAULT_RETRY.status_forcelist) == set(RETRY_STATUSES) >= {429, 500, 502, 503, 504, 561}
    assert DEFAULT_RETRY.respect_retry_after_header and DEFAULT_RETRY.max_backoff_wait == 5.0


@MODES
@pytest.mark.parametrize("method", ["POST", "PATCH"])
async def test_a_write_marked_idempotent_is_retried_and_others_are_sent_once(
    mode: str, method: str, sleeps: list[float]
) -> None:
    """The "wechatpay.idempotent" extension (set by the template for x-wechatpay-idempotent operations)."""
    cases: list[tuple[dict[str, Any], int]] = [
        ({"wechatpay.idempotent": True}, 2),
        ({}, 1),
        ({"wechatpay.idempotent": "yes"}, 1),
    ]
    for extensions, attempts in cases:
        server = ScriptedWeChatPay(500, None)
        mock = httpx.MockTransport(server)
        args = httpx_args(make_auth(), transport=mock, async_transport=mock)
        request_args: dict[str, Any] = {"json": {"out_trade_no": "1217752501201407033233368018"}}
        if mode == "sync":
            with httpx.Client(base_url=HOST, **args) as client:
                response = client.request(method, "/v3/offlineface/x", extensions=extensions, **request_args)
        else:
            async with httpx.AsyncClient(base_url=HOST, **args) as aclient:
                response = await aclient.request(method, "/v3/offlineface/x", extensions=extensions, **request_args)
        assert len(server.authorizations) == attempts, extensions
        assert all(server.openssl_accepted)  # each attempt signed afresh over the same body
        assert response.status_code == (200 if attempts == 2 else 500)


WRITES = [op for op in operations() if op.method in ("POST", "PATCH", "PUT", "DELETE")]


@pytest.mark.parametrize("operation", WRITES, ids=str)
def test_generated_writes_are_retried_only_when_the_spec_marks_them_idempotent(
    operation: Operation, sleeps: list[float]
) -> None:
    server = ScriptedWeChatPay(500, 500, 500)
    mock = httpx.MockTransport(server)
    client = Client(base_url=HOST, httpx_args=httpx_args(make_auth(), transport=mock, async_transport=mock))
    args, kwargs = operation.call_args(client)
    response = operation.module.sync_detailed(*args, **kwargs)
    marked = operation.raw.get("x-wechatpay-idempotent") is True
    assert len(server.authorizations) == (DEFAULT_RETRY.total + 1 if marked else 1)
    assert response.status_code == 500
