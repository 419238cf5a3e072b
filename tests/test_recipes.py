"""The notification recipes (recipes/), each driven by its framework's own test client.

Each receives a notification built independently of our code (tests/support.py), hands it over once per id, and
answers a forgery or an undecryptable resource as WeChat Pay expects: 4xx/5xx with {"code": "FAIL", ...}.
"""

from __future__ import annotations

import threading
import time
import types
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from wechatpay_signing import MerchantSigner, Notification, ResponseVerifier, WeChatPayAuth

from .support import (
    MCHID,
    MERCHANT_SERIAL,
    NOTIFICATION_APIV3_KEY,
    PUBLIC_KEY_ID,
    USER_STATE_CHANGE,
    pem,
    signed_notification,
)

PATH = "/wechatpay/notifications"
AUTH = WeChatPayAuth(
    MerchantSigner(MCHID, MERCHANT_SERIAL, pem("merchant_key.pem")),
    ResponseVerifier({PUBLIC_KEY_ID: pem("wechatpay_pub_key.pem")}),
    apiv3_key=NOTIFICATION_APIV3_KEY,
)


class Inbox:
    """The handler a recipe calls: keeps each notification once, by id, as WeChat Pay may redeliver."""

    def __init__(self) -> None:
        self.taken: list[Notification] = []
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, notification: Notification) -> None:
        with self._lock:
            if notification.id in self._seen:
                return
            self._seen.add(notification.id)
            self.taken.append(notification)


# Each framework as (headers, body) -> (status, JSON or None), through its own test client.
HeaderList = dict[str, str] | list[tuple[str, str]]
Post = Callable[[HeaderList, bytes], tuple[int, Any]]


def fastapi_post(inbox: Inbox) -> Iterator[Post]:
    from notifications_fastapi import create_app

    with warnings.catch_warnings():
        # Starlette asks for its httpx fork in its test client; httpx itself still works.
        warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
        from fastapi.testclient import TestClient

    with TestClient(create_app(AUTH, inbox)) as client:

        def post(headers: HeaderList, body: bytes) -> tuple[int, Any]:
            response = client.post(PATH, headers=headers, content=body)
            return response.status_code, response.json() if response.content else None

        yield post


def flask_post(inbox: Inbox) -> Iterator[Post]:
    from notifications_flask import create_app

    client = create_app(AUTH, inbox).test_client()

    def post(headers: HeaderList, body: bytes) -> tuple[int, Any]:
        response = client.post(PATH, headers=headers, data=body)
        return response.status_code, response.get_json() if response.data else None

    yield post


def django_post(inbox: Inbox) -> Iterator[Post]:
    import django
    from django.conf import settings
    from django.test import Client, override_settings
    from django.urls import path
    from notifications_django import notification_view

    if not settings.configured:
        settings.configure(ALLOWED_HOSTS=["testserver"], ROOT_URLCONF=__name__, MIDDLEWARE=[], SECRET_KEY="test")
        django.setup()

    urls = types.ModuleType("notification_urls")  # a urls.py of one view
    urls.urlpatterns = [path(PATH.lstrip("/"), notification_view(AUTH, inbox))]  # type: ignore[attr-defined]
    with override_settings(ROOT_URLCONF=urls):
        client = Client()

        def post(headers: HeaderList, body: bytes) -> tuple[int, Any]:
            response = client.post(PATH, data=body, content_type="application/json", headers=headers)
            return response.status_code, response.json() if response.content else None

        yield post


def asgi_post(inbox: Inbox) -> Iterator[Post]:
    import asyncio

    from notifications_asgi import notification_app

    transport = httpx.ASGITransport(app=notification_app(AUTH, inbox))

    async def send(headers: HeaderList, body: bytes) -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.post(PATH, headers=headers, content=body)

    def post(headers: HeaderList, body: bytes) -> tuple[int, Any]:
        response = asyncio.run(send(headers, body))
        return response.status_code, response.json() if response.content else None

    yield post


FRAMEWORKS = {"fastapi": fastapi_post, "flask": flask_post, "django": django_post, "asgi": asgi_post}


@pytest.fixture(params=sorted(FRAMEWORKS))
def recipe(request: pytest.FixtureRequest) -> Iterator[tuple[Post, Inbox]]:
    inbox = Inbox()
    yield from ((post, inbox) for post in FRAMEWORKS[request.param](inbox))


def test_a_genuine_notification_is_taken_once_and_answered_2xx(recipe: tuple[Post, Inbox]) -> None:
    post, inbox = recipe
    headers, body = signed_notification(timestamp=int(time.time()))
    assert post(headers, body)[0] == 204
    assert post(headers, body)[0] == 204  # a redelivery: answered 2xx, not handled twice
    assert [n.resource for n in inbox.taken] == [USER_STATE_CHANGE]
    assert inbox.taken[0].event_type == "FACEPAY.USER_STATE_CHANGE"


def test_a_forged_notification_is_answered_fail_and_not_handed_over(recipe: tuple[Post, Inbox]) -> None:
    post, inbox = recipe
    headers, body = signed_notification(timestamp=int(time.time()))
    status, payload = post(headers, body.replace(b"EV-20180225", b"EV-20180226"))
    assert status == 401 and payload == {"code": "FAIL", "message": "notification signature rejected"}
    assert post({"Content-Type": "application/json"}, body)[0] == 401  # unsigned
    assert inbox.taken == []


def test_an_undecryptable_notification_is_answered_500_so_wechat_retries(recipe: tuple[Post, Inbox]) -> None:
    post, inbox = recipe
    headers, body = signed_notification(timestamp=int(time.time()), apiv3_key="W" * 32)
    assert post(headers, body) == (500, {"code": "FAIL", "message": "notification does not decrypt"})
    assert inbox.taken == []


@pytest.mark.parametrize("framework", ["asgi", "flask"])
def test_an_oversized_body_is_refused_before_any_check(framework: str) -> None:
    """The recipes that set a body limit (64 KiB) refuse a flood with 413 and hand nothing over."""
    inbox = Inbox()
    for post in FRAMEWORKS[framework](inbox):
        headers, _ = signed_notification(timestamp=int(time.time()))
        assert post(headers, b"{" + b" " * (65 * 1024) + b"}")[0] == 413
    assert inbox.taken == []


def test_the_asgi_recipe_refuses_a_signature_header_sent_twice() -> None:
    """ASGI hands over the raw header list: a second Wechatpay-Serial cannot hide behind the first."""
    inbox = Inbox()
    for post in asgi_post(inbox):
        headers, body = signed_notification(timestamp=int(time.time()))
        # The genuine value last: taking the last one would accept it, while a proxy may have used the first.
        doubled = [("wechatpay-serial", "PUB_KEY_ID_0000000000000000000000000000"), *headers.items()]
        assert post(doubled, body)[0] == 401
        assert inbox.taken == []
        assert post(list(headers.items()), body)[0] == 204  # the same, each header once: taken
    assert len(inbox.taken) == 1
