"""Limits of one call against a hostile server on loopback: a gzip bomb, a body or status line that drips, and a
certificate refresh that hangs while other calls go on.

Nothing here times anything: each limit shows as its error (and, for the bomb, as the memory the call took).
"""

from __future__ import annotations

import gzip
import json
import threading
import time
import tracemalloc
from collections.abc import Iterator
from typing import IO, Any

import httpx
import pytest
from wechatpay_offlineface import Client
from wechatpay_offlineface.api.face_collections import get_face_collection
from wechatpay_sandbox import SandboxConfig, SandboxServer
from wechatpay_sandbox import credentials as sandbox_credentials
from wechatpay_signing import (
    CertificateError,
    MerchantSigner,
    PlatformCertificateStore,
    ResponseVerifier,
    WeChatPayAuth,
    downloader,
    httpx_args,
)
from wechatpay_signing.limits import DEFAULT_MAX_BODY_SIZE, DeadlineExceededError, ResponseTooLargeError
from wechatpay_signing.transports import aiohttp_transport

from .hostile_server import hostile_server, write_answer
from .support import MCHID, MERCHANT_SERIAL, PUBLIC_KEY_ID, pem, signed_response_headers
from .test_client import COLLECTION

MiB = 1024 * 1024
BODY = json.dumps(COLLECTION).encode()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """64 MiB of zeros in about 64 KiB of gzip."""
    return gzip.compress(b"\0" * (64 * MiB), compresslevel=9)


def make_auth(**limits: Any) -> WeChatPayAuth:
    signer = MerchantSigner(MCHID, MERCHANT_SERIAL, pem("merchant_key.pem"))
    return WeChatPayAuth(signer, ResponseVerifier({PUBLIC_KEY_ID: pem("wechatpay_pub_key.pem")}), **limits)


def bomb_server(bomb: bytes) -> Any:
    def answer(path: str, headers: dict[str, str], out: IO[bytes]) -> None:
        signed = signed_response_headers(bomb, timestamp=int(time.time()))
        write_answer(out, 200, {**signed, "Content-Encoding": "gzip", "Request-ID": "bomb-1"}, bomb)

    return hostile_server(answer)


CLIENTS = ["auth flow", "retry transport", "aiohttp transport"]


def client_args(kind: str, auth: WeChatPayAuth) -> dict[str, Any]:
    if kind == "auth flow":
        return {"auth": auth}
    if kind == "retry transport":
        return httpx_args(auth)
    return httpx_args(auth, async_transport=aiohttp_transport())


def test_a_gzip_bomb_is_refused_with_the_memory_it_took_bounded(bomb: bytes) -> None:
    with bomb_server(bomb) as url, httpx.Client(auth=make_auth()) as client:
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLargeError) as caught:
                client.get(url + "/v3/x")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert (caught.value.request_id, caught.value.status_code) == ("bomb-1", 200)
    assert peak < DEFAULT_MAX_BODY_SIZE + 8 * MiB  # the bomb decodes to 64 MiB


@pytest.mark.parametrize("kind", CLIENTS[:2])
def test_a_gzip_bomb_is_refused_sync(bomb: bytes, kind: str) -> None:
    with (
        bomb_server(bomb) as url,
        httpx.Client(**client_args(kind, make_auth())) as client,
        pytest.raises(ResponseTooLargeError, match="more than 4194304 bytes"),
    ):
        client.get(url + "/v3/x")


@pytest.mark.parametrize("kind", CLIENTS[1:])
async def test_a_gzip_bomb_is_refused_async_with_the_memory_it_took_bounded(bomb: bytes, kind: str) -> None:
    # The async pool (aiohttp's, behind a first-come-first-served gate) must not read the whole answer before the
    # size limit sees it: the gate's turn ends when the body is closed, and the body is read within the limit.
    with bomb_server(bomb) as url:
        async with httpx.AsyncClient(**client_args(kind, make_auth())) as client:
            tracemalloc.start()
            try:
                with pytest.raises(ResponseTooLargeError) as caught:
                    await client.get(url + "/v3/x")
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
    assert (caught.value.request_id, caught.value.status_code) == ("bomb-1", 200)
    assert peak < DEFAULT_MAX_BODY_SIZE + 8 * MiB  # the bomb decodes to 64 MiB


@pytest.mark.parametrize("kind", CLIENTS)
async def test_a_gzip_bomb_is_refused_async(bomb: bytes, kind: str) -> None:
    with bomb_server(bomb) as url:
        async with httpx.AsyncClient(**client_args(kind, make_auth())) as client:
            with pytest.raises(ResponseTooLargeError):
                await client.get(url + "/v3/x")


def test_a_gzip_bomb_as_the_certificate_download_is_refused(bomb: bytes) -> None:
    signer = MerchantSigner(MCHID, MERCHANT_SERIAL, pem("merchant_key.pem"))
    with bomb_server(bomb) as url:
        store = PlatformCertificateStore(signer, "0" * 32, base_url=url)
        with pytest.raises(ResponseTooLargeError) as caught:
            store.refresh_or_raise()
        assert caught.value.request_id == "bomb-1"
        assert store.refresh() is False  # through the flow's refresh: kept what it held, and said why
        assert "ResponseTooLargeError" in str(store.last_error)


def test_the_size_limit_is_configurable_and_counts_plain_bodies_too() -> None:
    def answer(path: str, headers: dict[str, str], out: IO[bytes]) -> None:
        write_answer(out, 200, signed_response_headers(BODY, timestamp=int(time.time())), BODY)

    with hostile_server(answer) as url:
        client = Client(base_url=url, httpx_args={"auth": make_auth(max_body_size=len(BODY))})
        collection_id = str(COLLECTION["collection_id"])
        assert get_face_collection.sync(collection_id, client=client, appid="wx1").collection_id == collection_id
        client = Client(base_url=url, httpx_args={"auth": make_auth(max_body_size=len(BODY) - 1)})
        with pytest.raises(ResponseTooLargeError):
            get_face_collection.sync(collection_id, client=client, appid="wx1")


@pytest.mark.parametrize("kind", CLIENTS[:2])
def test_the_body_of_a_followed_redirect(bomb: bytes, kind: str) -> None:
    """Under ``httpx_args`` the transport reads a redirect's body within ``max_body_size`` too. With the auth passed
    directly httpx reads it itself, before the flow sees any answer (README, Redirects): the whole 64 MiB."""

    def answer(path: str, headers: dict[str, str], out: IO[bytes]) -> None:
        if path.endswith("/moved"):
            write_answer(out, 302, {"Location": "/v3/x", "Content-Encoding": "gzip", "Request-ID": "bomb-1"}, bomb)
        else:
            write_answer(out, 200, signed_response_headers(BODY, timestamp=int(time.time())), BODY)

    with (
        hostile_server(answer) as url,
        httpx.Client(follow_redirects=True, **client_args(kind, make_auth())) as client,
    ):
        if kind == "retry transport":
            with pytest.raises(ResponseTooLargeError) as caught:
                client.get(url + "/v3/moved")
            assert (caught.value.request_id, caught.value.status_code) == ("bomb-1", 302)
        else:
            [moved] = client.get(url + "/v3/moved").history
            assert len(moved.content) == 64 * MiB


DRIPS = ["body", "status line", "headers"]


def dripping(part: str) -> Any:
    """A signed answer sent a byte every 50 ms from ``part`` on: each read is quick, the rest takes 15 s or more."""
    body = json.dumps({**COLLECTION, "note": "x" * 200}).encode()

    def answer(path: str, headers: dict[str, str], out: IO[bytes]) -> None:
        signed = signed_response_headers(body, timestamp=int(time.time()))
        status = "HTTP/1.1 200 OK\r\n"
        fields = "".join(f"{name}: {value}\r\n" for name, value in signed.items())
        whole = f"{status}{fields}Content-Length: {len(body)}\r\n\r\n".encode() + body
        fast = {"status line": 0, "headers": len(status), "body": len(whole) - len(body)}[part]
        out.write(whole[:fast])
        out.flush()
        for index in range(fast, len(whole)):
            out.write(whole[index : index + 1])
            out.flush()
            time.sleep(0.05)

    return hostile_server(answer)


def ends_by_its_deadline(call: Any) -> None:
    """``call`` raises DeadlineExceededError well before the drip (15 s or more) or the read timeout could end it."""
    started = time.monotonic()
    with pytest.raises(DeadlineExceededError):
        call()
    assert time.monotonic() - started < 8  # generous: only shows that it did not wait for the whole drip


@pytest.mark.parametrize("kind", CLIENTS[:2])
def test_a_dripping_body_cannot_hold_a_call_past_its_deadline_sync(kind: str) -> None:
    with dripping("body") as url, httpx.Client(**client_args(kind, make_auth(deadline=0.5)), timeout=1.0) as client:
        ends_by_its_deadline(lambda: client.get(url + "/v3/x"))


@pytest.mark.parametrize("part", DRIPS[1:])
def test_a_dripping_status_line_or_headers_cannot_hold_a_sync_call_past_its_deadline(part: str) -> None:
    """A sync call cannot be cancelled: httpx_args' pool cuts every read to the call's time left (no read timeout)."""
    with (
        dripping(part) as url,
        httpx.Client(**httpx_args(make_auth(deadline=1.0), retry=None), timeout=None) as client,  # noqa: S113
    ):
        ends_by_its_deadline(lambda: client.get(url + "/v3/x"))


def test_a_sync_drip_quicker_than_the_read_timeout_ends_at_the_deadline_with_retries_on() -> None:
    """Each read (0.3 s timeout) is quick, so only the deadline ends it; the retry policy does not start it over."""
    with (
        dripping("status line") as url,
        httpx.Client(**httpx_args(make_auth(deadline=1.0)), timeout=0.3) as client,
    ):
        ends_by_its_deadline(lambda: client.get(url + "/v3/x"))


def test_a_read_timeout_shorter_than_the_time_left_stays_an_httpx_timeout() -> None:
    """The pool cuts a read only to the deadline: a server silent past the read timeout is still a ReadTimeout
    (which the retry policy retries), not the call's deadline."""
    released = threading.Event()

    def silent(path: str, headers: dict[str, str], out: IO[bytes]) -> None:
        released.wait(10)

    with hostile_server(silent) as url, httpx.Client(**httpx_args(make_auth(), retry=None), timeout=0.2) as client:
        try:
            with pytest.raises(httpx.ReadTimeout):
                client.get(url + "/v3/x")
        finally:
            released.set()


@pytest.mark.parametrize(
    ("kind", "part"),
    [(kind, "body") for kind in CLIENTS] + [(kind, part) for kind in CLIENTS[1:] for part in DRIPS[1:]],
)
async def test_a_dripping_answer_cannot_hold_a_call_past_its_deadline_async(kind: str, part: str) -> None:
    # Without httpx_args ("auth flow") httpx's own pool sends: only the body is the auth's to read (README).
    with dripping(part) as url:
        async with httpx.AsyncClient(**client_args(kind, make_auth(deadline=0.5)), timeout=1.0) as client:
            with pytest.raises(DeadlineExceededError):
                await client.get(url + "/v3/x")


@pytest.mark.parametrize("part", DRIPS)
def test_a_dripping_certificate_download_ends_at_its_deadline(part: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's own pool keeps the download's deadline (30 s, here 1 s) through its status line and headers."""
    monkeypatch.setattr(downloader, "DEFAULT_DEADLINE", 1.0)
    signer = MerchantSigner(MCHID, MERCHANT_SERIAL, pem("merchant_key.pem"))
    with dripping(part) as url:
        store = PlatformCertificateStore(signer, "0" * 32, base_url=url, timeout=5.0)
        try:
            ends_by_its_deadline(store.refresh_or_raise)
            assert store.refresh() is False  # through the flow's refresh: kept what it held, and said why
            assert "DeadlineExceededError" in str(store.last_error)
        finally:
            store.close()


PROXY_VARIABLES = [f"{scheme}_proxy" for scheme in ("http", "https", "all", "no")]
FAR_HOST = "http://api.wechatpay.invalid"  # resolves nowhere: only a proxy can take a request for it


@pytest.fixture
def proxy_env(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Sets http_proxy (and any other variable given) with none of the machine's proxy variables left."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)

    def use(proxy: str, **others: str) -> None:
        for name, value in {"http_proxy": proxy, **others}.items():
            monkeypatch.setenv(name, value)

    return use


def recording_proxy(seen: list[str]) -> Any:
    """A proxy that answers every request itself as WeChat Pay answers a merchant without certificates."""
    not_exists = b'{"code":"RESOURCE_NOT_EXISTS","message":"none"}'

    def answer(path: str, headers: dict[str, str], out: IO[bytes]) -> None:
        seen.append(path)  # a proxied request names the whole URL
        write_answer(out, 404, {"Content-Type": "application/json"}, not_exists)

    return hostile_server(answer)


def merchant_signer() -> MerchantSigner:
    return MerchantSigner(MCHID, MERCHANT_SERIAL, pem("merchant_key.pem"))


def test_the_certificate_download_goes_through_the_proxy_the_environment_names(proxy_env: Any) -> None:
    seen: list[str] = []
    with recording_proxy(seen) as proxy:
        proxy_env(proxy)
        store = PlatformCertificateStore(merchant_signer(), "0" * 32, base_url=FAR_HOST)
        try:
            assert store.refresh_or_raise() == [] and not store.has_certificates
        finally:
            store.close()
    assert seen == [f"{FAR_HOST}/v3/certificates"]


def test_no_proxy_and_a_given_transport_are_not_proxied(proxy_env: Any) -> None:
    seen: list[str] = []
    with recording_proxy(seen) as proxy, recording_proxy([]) as direct:
        proxy_env(proxy, no_proxy="127.0.0.1")
        store = PlatformCertificateStore(merchant_signer(), "0" * 32, base_url=direct)
        given = PlatformCertificateStore(
            merchant_signer(),
            "0" * 32,
            base_url=FAR_HOST,
            transport=httpx.MockTransport(lambda request: httpx.Response(503)),
        )
        try:
            assert store.refresh_or_raise() == []  # answered by ``direct`` itself
            with pytest.raises(CertificateError):
                given.refresh_or_raise()  # answered by the transport given
        finally:
            store.close()
            given.close()
    assert seen == []


def test_a_proxy_that_drips_ends_the_download_at_its_deadline(proxy_env: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(downloader, "DEFAULT_DEADLINE", 1.0)
    with dripping("status line") as proxy:
        proxy_env(proxy)
        store = PlatformCertificateStore(merchant_signer(), "0" * 32, base_url=FAR_HOST, timeout=5.0)
        try:
            ends_by_its_deadline(store.refresh_or_raise)
        finally:
            store.close()


def test_the_deadline_is_checked_and_configurable() -> None:
    assert make_auth().deadline == 30.0 and make_auth(deadline=None).deadline is None
    with pytest.raises(ValueError, match="deadline"):
        make_auth(deadline=0)
    with pytest.raises(ValueError, match="max_body_size"):
        make_auth(max_body_size=0)


class Hanging(httpx.BaseTransport):
    """The store's transport: answers as the sandbox does until ``hang`` is set, then waits for ``release``."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.hang = threading.Event()
        self.hanging = threading.Event()
        self.release = threading.Event()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.hang.is_set():
            self.hanging.set()
            self.release.wait(30)
            raise httpx.ReadTimeout("hung", request=request)
        return self.inner.handle_request(request)


@pytest.fixture
def cert_sandbox(creds: sandbox_credentials.SandboxCredentials) -> Iterator[SandboxServer]:
    with SandboxServer(SandboxConfig(credentials=creds, certificate_mode=True)) as server:
        yield server


def test_a_hanging_certificate_refresh_holds_up_no_other_call(
    cert_sandbox: SandboxServer, creds: sandbox_credentials.SandboxCredentials
) -> None:
    transport = Hanging()
    signer = MerchantSigner(creds.mchid, creds.merchant_serial, (creds.folder / "apiclient_key.pem").read_bytes())
    store = PlatformCertificateStore(signer, creds.apiv3_key, base_url=cert_sandbox.url, transport=transport)
    store.refresh_or_raise()
    store.refresh_interval = store.min_interval = 0  # every answer now finds a refresh due
    transport.hang.set()
    client = Client(
        base_url=cert_sandbox.url, httpx_args={"auth": WeChatPayAuth(signer, ResponseVerifier({}, certificates=store))}
    )
    first = threading.Thread(target=lambda: get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client))
    first.start()
    try:
        assert transport.hanging.wait(10)  # the first call is stuck in the refresh it started
        done: list[str] = []
        second = threading.Thread(
            target=lambda: done.append(get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client).collection_id)
        )
        second.start()
        second.join(10)
        assert done == ["FC2353ZJIHOJKHOIIOIJ"]  # answered with the certificates held, while the refresh hangs
        assert first.is_alive()
    finally:
        transport.release.set()
        first.join(10)
