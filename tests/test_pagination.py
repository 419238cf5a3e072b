"""iter_face_collections and aiter_face_collections: every page of listFaceCollections, signed and verified."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from wechatpay_offlineface import Client, errors, pagination
from wechatpay_offlineface.pagination import aiter_face_collections, iter_face_collections
from wechatpay_sandbox import SandboxServer
from wechatpay_signing import SignatureVerificationError, WeChatPayAuth

from .conftest import client_for
from .support import signed_response_headers
from .test_client import make_auth

HOST = "https://api.mch.weixin.qq.com"
AUTH = make_auth()


def item(n: int) -> dict[str, Any]:
    return {"collection_id": f"FC{n:04d}", "organization_id": "O1", "collection_state": "COLLECTION_REQUIRED"}


class PagedWeChatPay:
    """Serves `total` items by offset and limit, signed; or full pages for ever (a hostile server)."""

    def __init__(self, total: int, *, endless: bool = False, forge_page: int | None = None) -> None:
        self.items = [item(n) for n in range(total)]
        self.endless = endless
        self.forge_page = forge_page
        self.queries: list[tuple[int, int]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        query = {key: values[0] for key, values in parse_qs(request.url.query.decode()).items()}
        assert query["organization_id"] == "O1"
        offset, limit = int(query["offset"]), int(query["limit"])
        self.queries.append((offset, limit))
        page = [item(offset + n) for n in range(limit)] if self.endless else self.items[offset : offset + limit]
        body = json.dumps({"face_collections": page}).encode()
        headers = signed_response_headers(body, timestamp=int(time.time()))
        if self.forge_page == len(self.queries):
            body = body.replace(b"COLLECTION_REQUIRED", b"COMPLETE")
        return httpx.Response(200, headers=headers, content=body)


def client(server: PagedWeChatPay) -> Client:
    return Client(base_url=HOST, httpx_args={"auth": AUTH, "transport": httpx.MockTransport(server)})


async def collect(mode: str, server: PagedWeChatPay, **kwargs: Any) -> list[str]:
    if mode == "sync":
        return [c.collection_id for c in iter_face_collections(client(server), organization_id="O1", **kwargs)]
    return [c.collection_id async for c in aiter_face_collections(client(server), organization_id="O1", **kwargs)]


MODES = pytest.mark.parametrize("mode", ["sync", "async"])


@MODES
@pytest.mark.parametrize(("total", "page_size", "pages"), [(0, 20, 1), (7, 3, 3), (6, 3, 3), (45, 20, 3), (1, 1, 2)])
async def test_every_item_once_in_order_page_by_page(mode: str, total: int, page_size: int, pages: int) -> None:
    server = PagedWeChatPay(total)
    assert await collect(mode, server, page_size=page_size) == [f"FC{n:04d}" for n in range(total)]
    assert server.queries == [(n * page_size, page_size) for n in range(pages)]


@MODES
async def test_starts_at_the_offset_given(mode: str) -> None:
    server = PagedWeChatPay(10)
    assert await collect(mode, server, page_size=4, offset=5) == [f"FC{n:04d}" for n in range(5, 10)]


@MODES
async def test_a_server_with_endless_full_pages_is_stopped(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pagination, "MAX_PAGES", 5)
    server = PagedWeChatPay(0, endless=True)
    with pytest.raises(errors.MalformedResponse, match="full pages"):
        await collect(mode, server, page_size=2)
    assert len(server.queries) == 5


@MODES
async def test_a_forged_page_stops_the_walk(mode: str) -> None:
    server = PagedWeChatPay(10, forge_page=2)
    with pytest.raises(SignatureVerificationError):
        await collect(mode, server, page_size=4)


@pytest.mark.parametrize("bad", [{"page_size": 0}, {"page_size": True}, {"offset": -1}, {"page_size": "20"}])
def test_bad_arguments_are_refused_before_any_call(bad: dict[str, Any]) -> None:
    server = PagedWeChatPay(3)
    with pytest.raises(errors.InvalidRequestError, match=r"page_size|offset"):
        list(iter_face_collections(client(server), organization_id="O1", **bad))
    assert server.queries == []


async def test_walks_the_sandbox(sandbox: SandboxServer, auth: WeChatPayAuth) -> None:
    with client_for(sandbox, auth) as sync_client:
        walked = [c.collection_id for c in iter_face_collections(sync_client, organization_id="123", page_size=3)]
    async with client_for(sandbox, auth) as async_client:
        awalked = [c.collection_id async for c in aiter_face_collections(async_client, organization_id="123")]
    assert walked == awalked
    assert len(walked) == 4 and len(set(walked)) == 4
