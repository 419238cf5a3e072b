"""One error root: everything raised on purpose is a WeChatPayError, and errors about an answer carry its status
and Request-ID, whatever the answer's body holds."""

from __future__ import annotations

import inspect
import json
import time
from types import ModuleType
from typing import Any

import httpx
import pytest
import wechatpay_signing
from wechatpay_offlineface import Client, errors
from wechatpay_offlineface.api.face_collections import get_face_collection, list_face_collections
from wechatpay_signing import (
    AnswerError,
    ClockSkewError,
    ConfigurationError,
    SignatureVerificationError,
    WeChatPayError,
)

from .support import signed_response_headers
from .test_client import make_auth

REQUEST_ID = "08F78BB5AF0610D302180B2A8A0E00-0"


def error_classes(module: ModuleType) -> list[type[BaseException]]:
    names = getattr(module, "__all__", dir(module))
    found = [getattr(module, name) for name in names]
    return [c for c in found if inspect.isclass(c) and issubclass(c, BaseException)]


@pytest.mark.parametrize("module", [wechatpay_signing, errors], ids=lambda m: m.__name__)
def test_every_exported_error_derives_from_wechatpay_error(module: ModuleType) -> None:
    classes = error_classes(module)
    assert classes  # the check is not vacuous
    assert [c.__name__ for c in classes if not issubclass(c, WeChatPayError)] == []


def test_errors_after_an_answer_share_the_answer_base() -> None:
    for error in (errors.ApiError, errors.MalformedResponse, errors.UnexpectedStatus, SignatureVerificationError):
        assert issubclass(error, AnswerError)
    assert issubclass(wechatpay_signing.CertificateError, AnswerError)


def test_a_clock_problem_is_not_a_forgery() -> None:
    assert not issubclass(ClockSkewError, SignatureVerificationError)
    assert issubclass(ClockSkewError, AnswerError)


def test_bad_input_is_a_value_error_and_a_wechatpay_error() -> None:
    assert issubclass(errors.InvalidRequestError, ValueError)
    assert issubclass(errors.InvalidRequestError, ConfigurationError)
    with pytest.raises(errors.InvalidRequestError, match="collection_id must be one path segment"):
        get_face_collection.sync("..", client=answering(200, b"{}"))
    with pytest.raises(WeChatPayError, match="lone surrogate"):
        list_face_collections.sync(client=answering(200, b"{}"), organization_id="\ud800")


def answering(status: int, body: bytes, headers: dict[str, str] | None = None, **client: Any) -> Client:
    """A client whose every call gets this answer (no signing: only 2xx answers are verified)."""
    answer_headers = {"Request-ID": REQUEST_ID, **(headers or {})}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers=answer_headers, content=body)

    return Client(
        base_url="https://api.mch.weixin.qq.com",
        httpx_args={"transport": httpx.MockTransport(handler)},
        unverified=True,  # the answers here are errors, which are never signed: no auth needed to refuse them
        **client,
    )


@pytest.mark.parametrize(
    "detail",
    [
        None,
        "organization_id is empty",
        ["organization_id", 3],
        {"field": 5, "value": {"nested": [1, None]}, "issue": ["x"], "location": None},
        {"field": "organization_id", "value": "", "issue": "must not be empty", "location": "query", "extra": 1.5},
        12.5,
        True,
    ],
    ids=repr,
)
async def test_api_error_keeps_code_and_message_whatever_detail_holds(detail: Any) -> None:
    body = json.dumps({"code": "PARAM_ERROR", "message": "参数错误", "detail": detail}).encode()
    client = answering(400, body)
    with pytest.raises(errors.ApiError) as sync_caught:
        list_face_collections.sync(client=client, organization_id="123")
    with pytest.raises(errors.ApiError) as async_caught:
        await list_face_collections.asyncio(client=client, organization_id="123")
    for caught in (sync_caught, async_caught):
        error = caught.value
        assert (error.status_code, error.code, error.message, error.request_id) == (
            400,
            "PARAM_ERROR",
            "参数错误",
            REQUEST_ID,
        )
        assert error.content == body
        assert "PARAM_ERROR" in str(error) and REQUEST_ID in str(error)
        if detail is None or not isinstance(detail, dict):
            assert error.detail == detail  # kept as received, since it matches no model
        else:
            assert error.detail is not None


@pytest.mark.parametrize(
    "body", [b"<html>502 Bad Gateway</html>", b"", b"[]", b'{"code": 5, "message": null}'], ids=repr
)
def test_api_error_without_wechat_json_still_has_status_and_request_id(body: bytes) -> None:
    with pytest.raises(errors.ApiError) as caught:
        get_face_collection.sync("FC1", client=answering(502, body))
    error = caught.value
    assert (error.status_code, error.request_id, error.code, error.message) == (502, REQUEST_ID, None, None)
    assert "no WeChat error body" in str(error)


@pytest.mark.parametrize(
    ("status", "headers"), [(302, {"Location": "https://example.com/elsewhere"}), (204, {}), (301, {}), (100, {})]
)
async def test_unexpected_status_carries_status_and_request_id(status: int, headers: dict[str, str]) -> None:
    # getFaceCollection documents 200: a 204 is as unexpected as a redirect (httpx does not follow it).
    client = answering(status, b"", headers)
    with pytest.raises(errors.UnexpectedStatus) as sync_caught:
        get_face_collection.sync("FC1", client=client)
    with pytest.raises(errors.UnexpectedStatus) as async_caught:
        await get_face_collection.asyncio("FC1", client=client)
    for caught in (sync_caught, async_caught):
        assert (caught.value.status_code, caught.value.request_id) == (status, REQUEST_ID)
        assert f"Unexpected status code: {status}" in str(caught.value) and REQUEST_ID in str(caught.value)


def test_unexpected_status_from_the_detailed_call_carries_the_request_id() -> None:
    client = answering(302, b"moved", raise_on_unexpected_status=True)
    with pytest.raises(errors.UnexpectedStatus) as caught:
        get_face_collection.sync_detailed("FC1", client=client)
    assert (caught.value.status_code, caught.value.request_id, caught.value.content) == (302, REQUEST_ID, b"moved")


def signing_client(status: int, body: bytes, headers: dict[str, str]) -> Client:
    """A client with the signing auth whose every call gets this answer."""
    transport = httpx.MockTransport(lambda request: httpx.Response(status, headers=headers, content=body))
    return Client(base_url="https://api.mch.weixin.qq.com", httpx_args={"auth": make_auth(), "transport": transport})


def test_malformed_and_refused_answers_carry_status_and_request_id() -> None:
    body = b"not json"
    signed = signed_response_headers(body, timestamp=int(time.time()))
    with pytest.raises(errors.MalformedResponse) as malformed:
        get_face_collection.sync("FC1", client=signing_client(200, body, signed))
    assert (malformed.value.status_code, malformed.value.request_id) == (200, REQUEST_ID)

    stale = signed_response_headers(body, timestamp=int(time.time()) - 600)
    forged = {**signed, "Wechatpay-Nonce": "another"}
    refused: list[tuple[dict[str, str], type[AnswerError]]] = [
        (stale, ClockSkewError),
        (forged, SignatureVerificationError),
    ]
    for headers, expected in refused:
        with pytest.raises(expected) as caught:
            get_face_collection.sync("FC1", client=signing_client(201, body, headers))
        assert (caught.value.status_code, caught.value.request_id) == (201, REQUEST_ID)
