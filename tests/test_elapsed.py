"""``response.elapsed`` works on every verified answer, under ``httpx_args`` too.

``httpx_args``' transport reads each body itself (limits, retries); httpx sets ``elapsed`` when it closes the stream
it bound to the response, which it never did for a body the transport had already read and closed: every answer
raised RuntimeError on ``elapsed``.
"""

from __future__ import annotations

import datetime
import json
import time
from typing import IO

import httpx
from wechatpay_sandbox import SandboxServer
from wechatpay_signing import WeChatPayAuth, httpx_args

from .hostile_server import hostile_server, write_answer
from .support import signed_response_headers
from .test_client import COLLECTION, make_auth

PATH = "/v3/offlineface/face-collections/FC2353ZJIHOJKHOIIOIJ"


def _assert_timed(response: httpx.Response) -> None:
    assert response.status_code == 200
    assert response.is_closed
    assert datetime.timedelta(0) < response.elapsed < datetime.timedelta(seconds=30)
    assert response.json()["collection_id"] == "FC2353ZJIHOJKHOIIOIJ"  # the body is still there


def test_elapsed_sync(sandbox: SandboxServer, auth: WeChatPayAuth) -> None:
    for args in (httpx_args(auth), httpx_args(auth, retry=None), {"auth": auth}):
        with httpx.Client(base_url=sandbox.url, **args) as client:
            _assert_timed(client.get(PATH))


async def test_elapsed_async(sandbox: SandboxServer, auth: WeChatPayAuth) -> None:
    for args in (httpx_args(auth), httpx_args(auth, retry=None), {"auth": auth}):
        async with httpx.AsyncClient(base_url=sandbox.url, **args) as client:
            _assert_timed(await client.get(PATH))


def _redirect_then_signed(path: str, request_headers: dict[str, str], out: IO[bytes]) -> None:
    if path.endswith("/moved"):
        write_answer(out, 307, {"Location": PATH}, b"")
        return
    body = json.dumps(COLLECTION).encode()
    headers = signed_response_headers(body, timestamp=int(time.time()))
    write_answer(out, 200, {"Content-Type": "application/json", **headers}, body)


def _assert_redirect_timed(response: httpx.Response) -> None:
    _assert_timed(response)
    [moved] = response.history
    assert moved.status_code == 307
    assert moved.is_closed  # its connection went back to the pool when it was read
    assert datetime.timedelta(0) < moved.elapsed < datetime.timedelta(seconds=30)


def test_elapsed_of_a_followed_redirect_sync() -> None:
    """A redirect httpx followed is read, never closed, by httpx: under httpx_args it must come closed and timed."""
    with hostile_server(_redirect_then_signed) as base_url:
        for args in (httpx_args(make_auth()), {"auth": make_auth()}):
            with httpx.Client(base_url=base_url, follow_redirects=True, **args) as client:
                _assert_redirect_timed(client.get(PATH + "/moved"))


async def test_elapsed_of_a_followed_redirect_async() -> None:
    with hostile_server(_redirect_then_signed) as base_url:
        for args in (httpx_args(make_auth()), {"auth": make_auth()}):
            async with httpx.AsyncClient(base_url=base_url, follow_redirects=True, **args) as client:
                _assert_redirect_timed(await client.get(PATH + "/moved"))


def test_elapsed_of_a_redirect_not_followed() -> None:
    with (
        hostile_server(_redirect_then_signed) as base_url,
        httpx.Client(base_url=base_url, **httpx_args(make_auth())) as client,
    ):
        response = client.get(PATH + "/moved")
    assert response.status_code == 307
    assert response.is_closed
    assert datetime.timedelta(0) < response.elapsed < datetime.timedelta(seconds=30)
