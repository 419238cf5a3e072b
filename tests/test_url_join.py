"""The generated client joins a call's path to the base URL without parsing either, exactly as httpx joins them."""

from __future__ import annotations

import functools
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wechatpay_offlineface import Client
from wechatpay_offlineface.api.face_collections import get_face_collection

BASE_URLS = [
    "https://api.mch.weixin.qq.com",
    "https://API.MCH.weixin.qq.com:443",
    "http://127.0.0.1:8080",
    "https://[::1]:9443",
    "https://bücher.example",
    "https://user:pa%20ss@example.com:8443",
    "https://example.com/sub",
    "https://example.com/sub/",
    "https://example.com/a%2Fb/",
]
# Characters a path may hold, the ones httpx escapes, rewrites or refuses among them.
PATH_CHARACTERS = st.sampled_from([*"/aZ09-._~!$&'()*+,;=:@%?#[]{}`\"<> \t\\^|ü\u0000", "%2F", "%2e", "%zz"])
PATHS = st.lists(PATH_CHARACTERS, max_size=30).map("".join)


@functools.cache
def httpx_clients(base_url: str) -> tuple[httpx.AsyncClient, httpx.Client, httpx.AsyncClient]:
    """The generated client's two httpx clients, and a plain httpx one that joins as httpx does."""
    client = Client(base_url="https://example.com", unverified=True)
    ours_async, ours_sync = client.get_async_httpx_client(), client.get_httpx_client()
    ours_async.base_url = ours_sync.base_url = base_url  # the generated Client takes only scheme, host and port
    return ours_async, ours_sync, httpx.AsyncClient(base_url=base_url)


def joined(client: httpx.AsyncClient | httpx.Client, path: str) -> Any:
    try:
        url = client.build_request("GET", path).url
    except Exception as error:  # the same error either way is the point
        return type(error), str(error)
    return url._uri_reference, str(url), url.raw_path


@pytest.mark.parametrize("base_url", BASE_URLS)
@settings(max_examples=200, deadline=None)
@given(path=PATHS)
def test_any_path_is_joined_exactly_as_httpx_joins_it(base_url: str, path: str) -> None:
    ours_async, ours_sync, theirs = httpx_clients(base_url)
    expected = joined(theirs, "/" + path)
    assert joined(ours_async, "/" + path) == expected
    assert joined(ours_sync, "/" + path) == expected
    assert joined(ours_async, path) == joined(theirs, path)


@pytest.mark.parametrize(
    "path",
    [
        "/v3/offlineface/face-collections/FC2353",
        "/v3/a%2F..%2Fb/c",
        "/v3/./x",
        "/v3/../x",
        "/v3/..",
        "/v3//x",
        "//evil.example/x",
        "/v3/x/",
        "/v3/x?y=1",
        "/v3/x#f",
        "https://evil.example/v3/x",
        "/" + "a" * 70000,
    ],
)
def test_paths_httpx_would_change_or_refuse_are_joined_by_httpx(path: str) -> None:
    ours_async, ours_sync, theirs = httpx_clients("https://api.mch.weixin.qq.com")
    assert joined(ours_async, path) == joined(theirs, path)
    assert joined(ours_sync, path) == joined(theirs, path)


def test_a_call_parses_no_url_to_join_its_path(monkeypatch: pytest.MonkeyPatch) -> None:
    parses: list[str] = []
    real = httpx._urls.urlparse  # type: ignore[attr-defined]

    def counting(url: str = "", **kwargs: Any) -> Any:
        parses.append(url)
        return real(url, **kwargs)

    sent: list[httpx.URL] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.url)
        return httpx.Response(404, json={"code": "NOT_FOUND", "message": "none"})

    transport = httpx.MockTransport(answer)
    client = Client(base_url="https://api.mch.weixin.qq.com", httpx_args={"transport": transport}, unverified=True)
    client.get_httpx_client()  # made (its base URL parsed) before counting
    monkeypatch.setattr(httpx._urls, "urlparse", counting)
    get_face_collection.sync_detailed("FC 1/é", client=client)
    assert parses == []
    assert str(sent[0]) == "https://api.mch.weixin.qq.com/v3/offlineface/face-collections/FC%201%2F%C3%A9"
