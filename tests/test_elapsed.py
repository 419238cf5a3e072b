"""``response.elapsed`` works on every verified answer, under ``httpx_args`` too.

``httpx_args``' transport reads each body itself (limits, retries); httpx sets ``elapsed`` when it closes the stream
it bound to the response, which it never did for a body the transport had already read and closed: every answer
raised RuntimeError on ``elapsed``.
"""

from __future__ import annotations

import datetime

import httpx
from wechatpay_sandbox import SandboxServer
from wechatpay_signing import WeChatPayAuth, httpx_args

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
