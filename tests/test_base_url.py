"""A base URL with a path, a query, no scheme or a trailing /v3 is refused with a clear error before any call."""

from __future__ import annotations

import attrs
import httpx
import pytest
from wechatpay_offlineface import AuthenticatedClient, Client
from wechatpay_offlineface.api.face_collections import get_face_collection
from wechatpay_signing import ConfigurationError, WeChatPayError, auth_from_files, check_base_url
from wechatpay_signing.cli import EXIT_USAGE, main

from .support import FIXTURES, MCHID, MERCHANT_SERIAL

REFUSED = [
    ("https://api.mch.weixin.qq.com/v3", "ends in /v3: drop it"),
    ("https://api.mch.weixin.qq.com/v3/", "ends in /v3: drop it"),
    ("https://api.mch.weixin.qq.com/pay", "has a path ('/pay')"),
    ("https://api.mch.weixin.qq.com/v3/offlineface", "has a path"),
    ("https://api.mch.weixin.qq.com?appid=wx1", "has a query"),
    ("https://api.mch.weixin.qq.com/?", "has a query"),
    ("https://api.mch.weixin.qq.com#top", "has a fragment"),
    ("api.mch.weixin.qq.com", "has no scheme"),
    ("127.0.0.1:8080", "has no scheme"),
    ("ftp://api.mch.weixin.qq.com", "must start with https://"),
    ("https://", "must start with https:// and name a host"),
    ("https://api.mch.weixin.qq.com:99999", "has a port that is not a number"),
    ("https://api.mch.weixin.qq.com /", "a space or a control character"),
    ("", "has no scheme"),
]
ACCEPTED = ["https://api.mch.weixin.qq.com", "https://api2.mch.weixin.qq.com/", "http://127.0.0.1:8080"]


@pytest.mark.parametrize(("url", "problem"), REFUSED)
def test_client_refuses_a_base_url_that_would_send_calls_elsewhere(url: str, problem: str) -> None:
    def transport(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"nothing may be sent, yet {request.url} was")

    mock = httpx.MockTransport(transport)
    for build in (Client, lambda **kwargs: AuthenticatedClient(token="t", **kwargs)):
        with pytest.raises(ConfigurationError, match="base_url") as caught:
            build(base_url=url, httpx_args={"transport": mock})
        assert problem in str(caught.value)
        assert isinstance(caught.value, WeChatPayError) and isinstance(caught.value, ValueError)


def test_a_client_derived_with_another_base_url_is_checked_too() -> None:
    client = Client(base_url="https://api.mch.weixin.qq.com")
    with pytest.raises(ConfigurationError, match="has a path"):
        attrs.evolve(client, base_url="https://api.mch.weixin.qq.com/x")


@pytest.mark.parametrize("url", ACCEPTED)
def test_scheme_and_host_are_accepted_and_the_call_goes_to_v3(url: str) -> None:
    sent: list[httpx.URL] = []

    def transport(request: httpx.Request) -> httpx.Response:
        sent.append(request.url)
        return httpx.Response(404, json={"code": "RESOURCE_NOT_EXISTS", "message": "no"})

    client = Client(base_url=url, httpx_args={"transport": httpx.MockTransport(transport)}, unverified=True)
    get_face_collection.sync_detailed("FC1", client=client)
    assert sent[0].raw_path == b"/v3/offlineface/face-collections/FC1"
    assert check_base_url(url) == url.rstrip("/")


def test_a_password_in_the_url_stays_out_of_the_message() -> None:
    with pytest.raises(ConfigurationError) as caught:
        Client(base_url="https://merchant:hunter2@api.mch.weixin.qq.com")
    assert "hunter2" not in str(caught.value) and "user name or password" in str(caught.value)
    with pytest.raises(ConfigurationError) as caught:
        Client(base_url="ftp://merchant:hunter2@api.mch.weixin.qq.com")
    assert "hunter2" not in str(caught.value)


def test_auth_from_files_and_the_cli_check_the_base_url(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ConfigurationError, match="ends in /v3"):
        auth_from_files(
            mchid=MCHID,
            serial_no=MERCHANT_SERIAL,
            private_key_path=FIXTURES / "merchant_key.pem",
            apiv3_key="0" * 32,
            base_url="https://api.mch.weixin.qq.com/v3",
        )
    arguments = ["--mchid", MCHID, "--serial-no", MERCHANT_SERIAL, "--private-key", str(FIXTURES / "merchant_key.pem")]
    assert main([*arguments, "--base-url", "api.mch.weixin.qq.com", "explain", "GET", "/v3/certificates"]) == EXIT_USAGE
    assert "has no scheme" in capsys.readouterr().err
