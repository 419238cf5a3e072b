"""Fail closed on every path: a hostile WeChat Pay on loopback answers unsigned or forged, and no path hands the
answer over as verified. Tried: a 204, the escape hatch (get, post, HEAD, a streamed response), a redirect to an
unsigned answer, a retry ending in an unsigned answer, sync (httpx's pool) and async (aiohttp's pool, and httpx's)."""

from __future__ import annotations

import json
import time
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

import httpx
import pytest
from wechatpay_offlineface import Client
from wechatpay_offlineface.api.face_collections import get_face_collection
from wechatpay_offlineface.api.face_users import update_face_user_by_out_user_id
from wechatpay_offlineface.models import FaceUserUpdate
from wechatpay_signing import AnswerError, ConfigurationError, SignatureVerificationError, WeChatPayAuth, httpx_args

from .hostile_server import Received, hostile_server, write_answer
from .support import signed_response_headers
from .test_client import COLLECTION, make_auth


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits the retry loop asks for, sync and async, without waiting."""
    recorded: list[float] = []

    async def asleep(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr("httpx_retries.retry.time", types.SimpleNamespace(sleep=recorded.append))
    monkeypatch.setattr("httpx_retries.retry.asyncio", types.SimpleNamespace(sleep=asleep))
    return recorded


FORGED = json.dumps({**COLLECTION, "collection_state": "COMPLETE"}).encode()
Answer = Callable[[str, dict[str, str], IO[bytes]], None]


def unsigned(status: int = 200, body: bytes = FORGED, **headers: str) -> Answer:
    def answer(path: str, request_headers: dict[str, str], out: IO[bytes]) -> None:
        write_answer(out, status, {"Content-Type": "application/json", "Request-ID": "forged-1", **headers}, body)

    return answer


def unsigned_recording(received: list[str]) -> Answer:
    """``unsigned()``, adding the path of each request it answers to ``received``."""

    def answer(path: str, request_headers: dict[str, str], out: IO[bytes]) -> None:
        received.append(path)
        unsigned()(path, request_headers, out)

    return answer


def signed_over_other_body(status: int = 200) -> Answer:
    """A genuine signature, over another body: what a man in the middle changing the body would send."""

    def answer(path: str, request_headers: dict[str, str], out: IO[bytes]) -> None:
        genuine = json.dumps(COLLECTION).encode()
        headers = signed_response_headers(genuine, timestamp=int(time.time()))
        write_answer(out, status, {"Content-Type": "application/json", **headers}, FORGED if status != 204 else b"")

    return answer


TRANSPORTS = ["sync", "async aiohttp", "async httpx"]


def make_client(base_url: str, auth: WeChatPayAuth, transport: str, **client_args: Any) -> Client:
    args = httpx_args(auth, retry=None)
    if transport == "async httpx":
        args = httpx_args(auth, retry=None, async_transport=httpx.AsyncHTTPTransport())
    return Client(base_url=base_url, httpx_args=args, **client_args)


@contextmanager
def serving(answer: Answer) -> Iterator[str]:
    with hostile_server(answer) as base_url:
        yield base_url


async def call(transport: str, client: Client, operation: Callable[[Client], Any]) -> Any:
    """The operation's answer; the client is closed after it (aiohttp's pool would warn)."""
    try:
        return await operation(client) if transport != "sync" else operation(client)
    finally:
        await close(transport, client)


async def close(transport: str, client: Client) -> None:
    if transport == "sync":
        client.get_httpx_client().close()
    else:
        await client.get_async_httpx_client().aclose()


def get_collection(transport: str) -> Callable[[Client], Any]:
    if transport == "sync":
        return lambda client: get_face_collection.sync_detailed("FC2353ZJIHOJKHOIIOIJ", client=client)
    return lambda client: get_face_collection.asyncio_detailed("FC2353ZJIHOJKHOIIOIJ", client=client)


def update_user(transport: str) -> Callable[[Client], Any]:
    body = FaceUserUpdate(status="DISABLED")
    if transport == "sync":
        return lambda client: update_face_user_by_out_user_id.sync_detailed("O1", "u1", client=client, body=body)
    return lambda client: update_face_user_by_out_user_id.asyncio_detailed("O1", "u1", client=client, body=body)


ANSWERS = {
    "unsigned 200": lambda: unsigned(),
    "unsigned 204": lambda: unsigned(204, b""),
    "unsigned 201": lambda: unsigned(201),
    "signature over another body": lambda: signed_over_other_body(),
    "signature over another body, 204": lambda: signed_over_other_body(204),
}


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("answer", ANSWERS)
@pytest.mark.parametrize("operation", [get_collection, update_user], ids=["getFaceCollection", "updateFaceUser"])
async def test_generated_calls_refuse_forged_answers(transport: str, answer: str, operation: Any) -> None:
    with serving(ANSWERS[answer]()) as base_url:
        client = make_client(base_url, make_auth(), transport)
        with pytest.raises(SignatureVerificationError):
            await call(transport, client, operation(transport))


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "DELETE", "PUT", "OPTIONS"])
async def test_the_escape_hatch_refuses_forged_answers_for_every_method(transport: str, method: str) -> None:
    with serving(unsigned(body=b"" if method == "HEAD" else FORGED)) as base_url:
        client = make_client(base_url, make_auth(), transport)
        with pytest.raises(SignatureVerificationError):
            try:
                if transport == "sync":
                    client.get_httpx_client().request(
                        method, "/v3/offlineface/x", json={} if method == "POST" else None
                    )
                else:
                    await client.get_async_httpx_client().request(method, "/v3/offlineface/x")
            finally:
                await close(transport, client)


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_streamed_response_is_verified_before_the_first_byte_is_handed_over(transport: str) -> None:
    seen: list[bytes] = []
    with serving(unsigned()) as base_url:
        client = make_client(base_url, make_auth(), transport)
        with pytest.raises(SignatureVerificationError):
            try:
                if transport == "sync":
                    with client.get_httpx_client().stream("GET", "/v3/offlineface/x") as response:
                        seen.extend(response.iter_bytes())
                else:
                    async with client.get_async_httpx_client().stream("GET", "/v3/offlineface/x") as response:
                        seen.extend([chunk async for chunk in response.aiter_bytes()])
            finally:
                await close(transport, client)
    assert seen == []


def redirect_to(location: str) -> Answer:
    def answer(path: str, request_headers: dict[str, str], out: IO[bytes]) -> None:
        if path.endswith("/elsewhere"):
            unsigned()(path, request_headers, out)
        else:
            write_answer(out, 307, {"Location": location}, b"")

    return answer


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_followed_redirect_on_the_same_host_to_an_unsigned_answer_is_refused(transport: str) -> None:
    with serving(redirect_to("/v3/offlineface/elsewhere")) as base_url:
        client = make_client(base_url, make_auth(), transport, follow_redirects=True)
        with pytest.raises(SignatureVerificationError):
            await call(transport, client, update_user(transport))


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_redirect_to_another_host_is_not_followed_with_a_signature_or_the_body(transport: str) -> None:
    received: list[dict[str, str]] = []

    def elsewhere(path: str, request_headers: dict[str, str], out: IO[bytes]) -> None:
        received.append(request_headers)
        unsigned()(path, request_headers, out)

    with serving(elsewhere) as target:
        other_host = target.replace("127.0.0.1", "localhost")
        with serving(redirect_to(f"{other_host}/v3/offlineface/elsewhere")) as base_url:
            client = make_client(base_url, make_auth(), transport, follow_redirects=True)
            with pytest.raises(AnswerError, match="redirected to another host"):
                await call(transport, client, update_user(transport))
    assert received == []


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_retry_that_ends_in_an_unsigned_answer_is_refused(transport: str, sleeps: list[float]) -> None:
    answers = iter([unsigned(503, b"{}"), unsigned()])

    def first_busy_then_forged(path: str, request_headers: dict[str, str], out: IO[bytes]) -> None:
        next(answers)(path, request_headers, out)

    with serving(first_busy_then_forged) as base_url:
        auth = make_auth()
        args = httpx_args(auth)
        if transport == "async httpx":
            args = httpx_args(auth, async_transport=httpx.AsyncHTTPTransport())
        client = Client(base_url=base_url, httpx_args=args)
        with pytest.raises(SignatureVerificationError):
            await call(transport, client, get_collection(transport))
    assert len(sleeps) == 1  # it was retried once, then refused


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_non_2xx_is_never_returned_as_parsed_data(transport: str) -> None:
    """An unsigned error answer is an error (ApiError from sync/asyncio), never a parsed model of the 2xx shape."""
    with serving(unsigned(400, FORGED)) as base_url:
        client = make_client(base_url, make_auth(), transport)
        response = await call(transport, client, get_collection(transport))
    assert response.status_code == 400
    assert type(response.parsed).__name__ != "FaceCollection"


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_call_made_around_the_auth_is_not_sent(transport: str) -> None:
    """auth=None on one call of the escape hatch skips the auth flow: no signature out, no verification back."""
    received: list[str] = []
    with serving(unsigned_recording(received)) as base_url:
        client = make_client(base_url, make_auth(), transport)
        with pytest.raises(ConfigurationError, match="did not go through the WeChatPayAuth"):
            try:
                if transport == "sync":
                    client.get_httpx_client().get("/v3/offlineface/x", auth=None)
                else:
                    await client.get_async_httpx_client().get("/v3/offlineface/x", auth=None)
            finally:
                await close(transport, client)
    assert received == []


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_request_sent_through_the_auth_then_again_around_it_is_not_sent_again(transport: str) -> None:
    """The same request object sent once through the auth flow, then with auth=None: the mark the flow left on it
    must not let the second send through, which would re-sign it and hand back an answer nothing verified."""
    received: list[str] = []
    with serving(unsigned_recording(received)) as base_url:
        client = make_client(base_url, make_auth(), transport)
        try:
            if transport == "sync":
                http = client.get_httpx_client()
                request = http.build_request("GET", "/v3/offlineface/x")
                with pytest.raises(SignatureVerificationError):
                    http.send(request)
                with pytest.raises(ConfigurationError, match="did not go through the WeChatPayAuth"):
                    http.send(request, auth=None)
            else:
                ahttp = client.get_async_httpx_client()
                request = ahttp.build_request("GET", "/v3/offlineface/x")
                with pytest.raises(SignatureVerificationError):
                    await ahttp.send(request)
                with pytest.raises(ConfigurationError, match="did not go through the WeChatPayAuth"):
                    await ahttp.send(request, auth=None)
        finally:
            await close(transport, client)
    assert received == ["/v3/offlineface/x"]


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_request_signed_by_hand_and_sent_around_the_auth_is_not_sent(transport: str) -> None:
    """auth.sign(request) by hand, then auth=None: signed, but nothing would verify the answer; not sent."""
    received: list[str] = []
    auth = make_auth()
    with serving(unsigned_recording(received)) as base_url:
        client = make_client(base_url, auth, transport)
        try:
            http = client.get_httpx_client() if transport == "sync" else client.get_async_httpx_client()
            request = http.build_request("GET", "/v3/offlineface/x")
            auth.sign(request)
            with pytest.raises(ConfigurationError, match="did not go through the WeChatPayAuth"):
                if isinstance(http, httpx.Client):
                    http.send(request, auth=None)
                else:
                    await http.send(request, auth=None)
        finally:
            await close(transport, client)
    assert received == []


@pytest.mark.parametrize("status", [200, 400])
@pytest.mark.parametrize("client_args", ["httpx_args", "auth only"])
def test_a_redirect_to_another_host_with_the_auth_passed_directly(client_args: str, status: int) -> None:
    """What the README's Redirects note says. httpx follows a redirect inside one turn of the auth flow, which sees
    only the last answer: with the auth passed directly (``auth=``, ``{"auth": auth}``) a 307 to another host gets the
    body, without the Authorization; the answer from there, whatever it is, is refused as another host's. Under
    ``httpx_args`` nothing goes there."""
    received: list[Received] = []
    with (
        hostile_server(unsigned(status), received) as target,
        serving(redirect_to(f"{target.replace('127.0.0.1', 'localhost')}/v3/offlineface/elsewhere")) as base_url,
    ):
        args = httpx_args(make_auth(), retry=None) if client_args == "httpx_args" else {"auth": make_auth()}
        with (
            httpx.Client(base_url=base_url, follow_redirects=True, **args) as client,
            pytest.raises(AnswerError, match="redirected to another host"),
        ):
            client.post("/v3/offlineface/x", json={"out_user_id": "u1"})
    if client_args == "httpx_args":
        assert received == []
    else:
        [elsewhere] = received
        assert "authorization" not in elsewhere.headers
        assert json.loads(elsewhere.body) == {"out_user_id": "u1"}


def _moved_then_signed(location: str) -> Callable[[httpx.Request], httpx.Response]:
    """A MockTransport handler: ``…/moved`` is a 307 to ``location``, anything else a signed COLLECTION."""

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/moved"):
            return httpx.Response(307, headers={"Location": location})
        body = json.dumps(COLLECTION).encode()
        headers = signed_response_headers(body, timestamp=int(time.time()))
        return httpx.Response(200, headers={"Content-Type": "application/json", **headers}, content=body)

    return handle


SAME_HOST = "/v3/offlineface/face-collections/FC2353ZJIHOJKHOIIOIJ"


@pytest.mark.parametrize(
    "location",
    [SAME_HOST, f"https://API.MCH.Weixin.QQ.com:443{SAME_HOST}", f"https://api.mch.weixin.qq.com{SAME_HOST}"],
)
async def test_a_redirect_to_the_same_host_spelled_otherwise_is_not_another_host(location: str) -> None:
    """Host case and the default port written out are the same origin: its verified answer is handed over."""
    args: dict[str, Any] = {"auth": make_auth(), "follow_redirects": True}
    transport = httpx.MockTransport(_moved_then_signed(location))
    with httpx.Client(base_url="https://api.mch.weixin.qq.com", transport=transport, **args) as client:
        assert client.get(SAME_HOST + "/moved").json() == COLLECTION
    async with httpx.AsyncClient(base_url="https://api.mch.weixin.qq.com", transport=transport, **args) as aclient:
        assert (await aclient.get(SAME_HOST + "/moved")).json() == COLLECTION


async def test_a_flow_driven_by_hand_checks_an_answer_httpx_never_sent() -> None:
    """An answer made by the caller has no request on it (httpx sets one on what it sends): nothing was redirected,
    so it is verified as before, not a RuntimeError from ``response.request``."""
    auth = make_auth()
    body = json.dumps(COLLECTION).encode()
    headers = {"Content-Type": "application/json", **signed_response_headers(body, timestamp=int(time.time()))}
    sync_flow = auth.sync_auth_flow(httpx.Request("GET", "https://api.mch.weixin.qq.com" + SAME_HOST))
    next(sync_flow)
    with pytest.raises(StopIteration):
        sync_flow.send(httpx.Response(200, headers=headers, content=body))
    async_flow = auth.async_auth_flow(httpx.Request("GET", "https://api.mch.weixin.qq.com" + SAME_HOST))
    await async_flow.__anext__()
    with pytest.raises(StopAsyncIteration):
        await async_flow.asend(httpx.Response(200, headers=headers, content=body))
    forged = auth.async_auth_flow(httpx.Request("GET", "https://api.mch.weixin.qq.com" + SAME_HOST))
    await forged.__anext__()
    with pytest.raises(SignatureVerificationError):
        await forged.asend(httpx.Response(200, headers=headers, content=FORGED))
