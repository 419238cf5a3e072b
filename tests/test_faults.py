"""Every fault the sandbox injects reaches the caller as the outcome the README's table documents.

The client is built as the README recommends (signing and retries), with waits capped so the suite stays quick.
Each outcome carries the Request-ID where the answer had one, and arrives within a bound set by the timeout.
"""

from __future__ import annotations

import time
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from httpx_retries import Retry
from wechatpay_offlineface import Client, errors
from wechatpay_offlineface.api.face_collections import get_face_collection
from wechatpay_sandbox import FAULT_HEADER, FAULTS, SandboxServer
from wechatpay_signing import DEFAULT_RETRY, ClockSkewError, SignatureVerificationError, WeChatPayAuth, httpx_args

from .conftest import client_for
from .support import RecordingTransport

TIMEOUT = 0.5  # the sandbox's slow fault waits 1 s
FAST_RETRY = DEFAULT_RETRY.copy_with(max_backoff_wait=0.05)
ATTEMPTS = FAST_RETRY.total + 1
# A generous bound on the whole call, waits included: "never hangs", not a speed claim.
BOUND = ATTEMPTS * TIMEOUT + FAST_RETRY.total * 0.05 + 2.0


@dataclass(frozen=True)
class Outcome:
    error: type[Exception]
    match: str | None
    attempts: int = 1  # how many times the request is sent
    request_id: bool = True  # whether the error carries a Request-ID
    check: Callable[[Any], bool] = lambda _: True


OUTCOMES = {
    "stale-timestamp": Outcome(ClockSkewError, "local clock is about 10 min ahead"),
    "bad-signature": Outcome(SignatureVerificationError, "does not match"),
    "probe-signature": Outcome(SignatureVerificationError, "probe"),
    "unknown-serial": Outcome(SignatureVerificationError, "unknown Wechatpay-Serial"),
    "unsigned": Outcome(SignatureVerificationError, "missing header"),
    "tampered-body": Outcome(SignatureVerificationError, "does not match"),
    "429": Outcome(
        errors.ApiError, "HTTP 429 RATELIMIT_EXCEED", ATTEMPTS, check=lambda e: e.code == "RATELIMIT_EXCEED"
    ),
    "500": Outcome(errors.ApiError, "HTTP 500 SYSTEM_ERROR", ATTEMPTS, check=lambda e: e.status_code == 500),
    "561": Outcome(errors.ApiError, "HTTP 561 SYSTEM_ERROR", ATTEMPTS, check=lambda e: e.status_code == 561),
    "slow": Outcome(httpx.ReadTimeout, None, ATTEMPTS, request_id=False),
    "drop": Outcome(httpx.RemoteProtocolError, None, ATTEMPTS, request_id=False),
    "non-json": Outcome(errors.MalformedResponse, "HTTP 200 body does not match .* JSONDecodeError"),
}


def recommended_client(
    sandbox: SandboxServer, auth: WeChatPayAuth, fault: str, retry: Retry | None = FAST_RETRY
) -> tuple[Client, RecordingTransport]:
    wire = RecordingTransport()
    args = httpx_args(auth, retry=retry, transport=wire, async_transport=wire)
    client = client_for(sandbox, auth, httpx_args=args, headers={FAULT_HEADER: fault}, timeout=httpx.Timeout(TIMEOUT))
    return client, wire


def test_every_fault_has_a_documented_outcome() -> None:
    assert set(OUTCOMES) == set(FAULTS)


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("fault", sorted(FAULTS))
async def test_fault_reaches_the_caller_as_documented(
    sandbox: SandboxServer, auth: WeChatPayAuth, fault: str, mode: str
) -> None:
    outcome = OUTCOMES[fault]
    client, wire = recommended_client(sandbox, auth, fault)
    started = time.monotonic()
    with pytest.raises(outcome.error, match=outcome.match) as caught:
        if mode == "sync":
            get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client)
        else:
            await get_face_collection.asyncio("FC2353ZJIHOJKHOIIOIJ", client=client)
    assert time.monotonic() - started < BOUND
    error = caught.value
    assert outcome.check(error)
    if outcome.request_id:
        assert getattr(error, "request_id", None), f"{fault}: no Request-ID on {error!r}"
    assert len(wire.authorizations) == outcome.attempts
    # Every retry went out freshly signed: no Authorization, so no nonce, is sent twice.
    assert len(set(wire.authorizations)) == outcome.attempts


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("fault", ["429", "500", "561"])
async def test_detailed_calls_return_error_statuses_with_request_id(
    sandbox: SandboxServer, auth: WeChatPayAuth, fault: str, mode: str
) -> None:
    client, _ = recommended_client(sandbox, auth, fault, retry=None)
    if mode == "sync":
        response = get_face_collection.sync_detailed("FC2353ZJIHOJKHOIIOIJ", client=client)
    else:
        response = await get_face_collection.asyncio_detailed("FC2353ZJIHOJKHOIIOIJ", client=client)
    assert response.status_code == int(fault) and response.request_id
    assert response.parsed is not None and response.parsed.to_dict()["code"]


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("retry", [None, FAST_RETRY], ids=["once", "retried"])
@pytest.mark.parametrize("fault", ["slow", "drop"])
async def test_cut_off_answers_never_count_as_success(
    sandbox: SandboxServer, auth: WeChatPayAuth, fault: str, retry: Retry | None, mode: str
) -> None:
    """A timeout or a connection dropped in the middle of the body raises; no half-read Response comes back."""
    client, _ = recommended_client(sandbox, auth, fault, retry=retry)
    with pytest.raises((httpx.ReadTimeout, httpx.RemoteProtocolError)):
        if mode == "sync":
            get_face_collection.sync_detailed("FC2353ZJIHOJKHOIIOIJ", client=client)
        else:
            await get_face_collection.asyncio_detailed("FC2353ZJIHOJKHOIIOIJ", client=client)


def test_a_healthy_call_is_sent_once(sandbox: SandboxServer, auth: WeChatPayAuth) -> None:
    client, wire = recommended_client(sandbox, auth, fault="")
    collection = get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client)
    assert collection.collection_id == "FC2353ZJIHOJKHOIIOIJ"
    assert len(wire.authorizations) == 1


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("offset", [-600, 900])
async def test_a_local_clock_that_is_off_is_named_as_such(
    sandbox: SandboxServer, auth: WeChatPayAuth, monkeypatch: pytest.MonkeyPatch, offset: int, mode: str
) -> None:
    """WeChat Pay refuses a request signed with a skewed clock (401): the error names the clock, and by how much."""
    skewed = types.SimpleNamespace(time=lambda: time.time() + offset)
    monkeypatch.setattr("wechatpay_signing.signer.time", skewed)
    monkeypatch.setattr("wechatpay_signing.auth.time", skewed)
    client, _ = recommended_client(sandbox, auth, fault="")
    direction = "ahead of" if offset > 0 else "behind"
    minutes = abs(offset) // 60
    with pytest.raises(ClockSkewError, match=f"local clock is about {minutes} min {direction} its Date") as caught:
        if mode == "sync":
            get_face_collection.sync_detailed("FC2353ZJIHOJKHOIIOIJ", client=client)
        else:
            await get_face_collection.asyncio_detailed("FC2353ZJIHOJKHOIIOIJ", client=client)
    assert caught.value.status_code == 401 and caught.value.request_id
    assert abs(caught.value.skew + offset) < 5


async def test_a_derived_client_leaves_the_original_unchanged(sandbox: SandboxServer, auth: WeChatPayAuth) -> None:
    """with_headers once changed the original's httpx clients too: one forged call poisoned all later ones."""
    client = client_for(sandbox, auth)
    get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client)  # the httpx clients exist now
    await get_face_collection.asyncio("FC2353ZJIHOJKHOIIOIJ", client=client)
    forging = client.with_headers({FAULT_HEADER: "tampered-body"}).with_timeout(httpx.Timeout(TIMEOUT))
    with pytest.raises(SignatureVerificationError):
        get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=forging)
    with pytest.raises(SignatureVerificationError):
        await get_face_collection.asyncio("FC2353ZJIHOJKHOIIOIJ", client=forging)
    assert get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client).organization_id == "123"
    assert (await get_face_collection.asyncio("FC2353ZJIHOJKHOIIOIJ", client=client)).organization_id == "123"
    assert client.get_httpx_client().timeout != httpx.Timeout(TIMEOUT)
