"""Every operation of the spec through the generated client, sync and async, against a strict fake WeChat Pay.

The fake checks each request as WeChat Pay would, with openssl rather than our code: the method, the raw target
(path and query exactly as sent), the body, and the signature over all of them. It answers the spec's own example,
signed with openssl, and the client must hand back a model whose ``to_dict()`` is what was sent (or ``None`` after a
verified 204). The list of operations comes from openapi/ (tests/operations.py).
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import datetime
import json
import time
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from hypothesis import given, settings
from hypothesis import strategies as st
from wechatpay_offlineface import Client
from wechatpay_sandbox import SandboxServer
from wechatpay_signing import SignatureVerificationError, WeChatPayAuth

from .conftest import client_for as client_for_sandbox
from .operations import Operation, operations
from .support import (
    PUBLIC_KEY_ID,
    merchant_public_pem,
    openssl_verify,
    pem,
    signed_request_message,
    signed_response_headers,
)
from .test_client import make_auth

HOST = "https://api.mch.weixin.qq.com"
MERCHANT_PUBLIC_PEM = merchant_public_pem()
AUTH = make_auth()  # one key parse for the module: parsing costs about 29 ms
_public = serialization.load_pem_public_key(MERCHANT_PUBLIC_PEM)
assert isinstance(_public, rsa.RSAPublicKey)
MERCHANT_PUBLIC_KEY = _public
_private = serialization.load_pem_private_key(pem("wechatpay_pub_key_private.pem"), password=None)
assert isinstance(_private, rsa.RSAPrivateKey)
WECHATPAY_PRIVATE_KEY = _private
OPERATIONS = operations()
EACH = pytest.mark.parametrize("operation", OPERATIONS, ids=str)
MODES = pytest.mark.parametrize("mode", ["sync", "async"])
NO_CONTENT = [op for op in OPERATIONS if op.success_example is None]


def without(body: Any, paths: tuple[str, ...]) -> Any:
    """The body less the fields at the dotted paths (sensitive ones: the plugin replaces them by ciphertext)."""
    body = copy.deepcopy(body)
    for path in paths:
        *parents, last = path.split(".")
        node = body
        for name in parents:
            node = node.get(name, {}) if isinstance(node, dict) else {}
        if isinstance(node, dict):
            node.pop(last, None)
    return body


def at(body: Any, path: str) -> Any:
    """The value at a dotted path, or None."""
    for name in path.split("."):
        body = body.get(name) if isinstance(body, dict) else None
    return body


def oaep_decrypt(ciphertext: str) -> str:
    """RSA-OAEP (SHA-1, MGF1-SHA1) with the WeChat Pay public key's private half: what WeChat Pay does."""
    sha1 = hashes.SHA1()  # noqa: S303 - the hash WeChat Pay's RSA-OAEP uses
    oaep = padding.OAEP(mgf=padding.MGF1(algorithm=sha1), algorithm=sha1, label=None)
    return WECHATPAY_PRIVATE_KEY.decrypt(base64.b64decode(ciphertext), oaep).decode()


def same_instants(value: Any) -> Any:
    """RFC 3339 strings as datetimes: the models write "…02.123000+08:00" for "…02.123+08:00", the same instant."""
    if isinstance(value, dict):
        return {key: same_instants(item) for key, item in value.items()}
    if isinstance(value, list):
        return [same_instants(item) for item in value]
    if isinstance(value, str) and "T" in value:
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


class StrictWeChatPay:
    """Checks each request against the operation's spec example and answers the spec's example, signed."""

    def __init__(self, operation: Operation, answer_headers: dict[str, str] | None = None) -> None:
        self.operation = operation
        self.requests: list[httpx.Request] = []
        self.answer_headers = answer_headers

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        op = self.operation
        assert request.method == op.method
        path, _, query = request.url.raw_path.decode("ascii").partition("?")
        assert path == op.example_target()
        assert dict(parse_qsl(query, keep_blank_values=True)) == {k: str(v) for k, v in op.query_example.items()}
        if op.body_example is None:
            assert request.content == b""
        else:
            assert request.headers["Content-Type"] == "application/json"
            sent = json.loads(request.content)
            assert without(sent, op.sensitive_fields) == without(op.body_example, op.sensitive_fields)
            # Each sensitive field arrives encrypted for WeChat Pay's key, named in Wechatpay-Serial, and opens (with
            # the cryptography primitives, not our cipher) to what the caller passed.
            for path in op.sensitive_fields:
                plaintext = at(op.body_example, path)
                if plaintext is not None:
                    assert request.headers["Wechatpay-Serial"] == PUBLIC_KEY_ID
                    assert at(sent, path) != plaintext
                    assert oaep_decrypt(at(sent, path)) == plaintext
        # The signature covers method, raw target and the exact bytes sent: checked by openssl, not by our code.
        message, signature = signed_request_message(request)
        assert openssl_verify(MERCHANT_PUBLIC_PEM, message, signature)
        example = op.success_example
        content = b"" if example is None else json.dumps(example, ensure_ascii=False).encode()
        headers = self.answer_headers or signed_response_headers(content, timestamp=int(time.time()))
        if example is not None:
            headers = {**headers, "Content-Type": "application/json"}
        return httpx.Response(op.success_status, headers=headers, content=content)


def client_for(server: StrictWeChatPay) -> Client:
    return Client(base_url=HOST, httpx_args={"auth": AUTH, "transport": httpx.MockTransport(server)})


async def call(operation: Operation, mode: str, client: Client, *, detailed: bool = False, **path: str) -> Any:
    args, kwargs = operation.call_args(client, path)
    module = operation.module
    if mode == "sync":
        return (module.sync_detailed if detailed else module.sync)(*args, **kwargs)
    return await (module.asyncio_detailed if detailed else module.asyncio)(*args, **kwargs)


def test_the_family_is_all_there() -> None:
    assert len(OPERATIONS) >= 13
    assert {op.operation_id for op in NO_CONTENT} == {"updateFaceUserByOutUserId", "terminateFaceUserContract"}


@EACH
@MODES
async def test_each_operation_sends_what_the_spec_says_and_returns_the_model(operation: Operation, mode: str) -> None:
    server = StrictWeChatPay(operation)
    result: Any = await call(operation, mode, client_for(server))
    assert len(server.requests) == 1
    if operation.success_example is None:
        assert result is None
    else:
        assert isinstance(result, operation.success_model)
        # Wire names, unknown fields kept: the model gives back what the server sent.
        assert same_instants(result.to_dict()) == same_instants(operation.success_example)


@EACH
@MODES
async def test_detailed_calls_return_the_status_and_request_id(operation: Operation, mode: str) -> None:
    response = await call(operation, mode, client_for(StrictWeChatPay(operation)), detailed=True)
    assert response.status_code == operation.success_status
    assert response.request_id
    if operation.success_example is None:
        assert response.parsed is None and response.content == b""


@EACH
def test_the_request_carries_the_spec_s_sensitive_fields(operation: Operation) -> None:
    """x-wechatpay-sensitive flows from the spec through the template into the request, for the plugin to encrypt."""
    server = StrictWeChatPay(operation)
    args, kwargs = operation.call_args(client_for(server))
    operation.module.sync(*args, **kwargs)
    (request,) = server.requests
    assert request.extensions.get("wechatpay.sensitive_fields", ()) == operation.sensitive_fields
    # No operation of the family is documented as safe to repeat (see the README): none is marked.
    assert "wechatpay.idempotent" not in request.extensions


@pytest.mark.parametrize("operation", NO_CONTENT, ids=str)
@MODES
@pytest.mark.parametrize(
    "forgery",
    [
        {},  # unsigned
        {"Wechatpay-Signature": "WECHATPAY/SIGNTEST/abc"},
        "signed over another body",
    ],
)
async def test_an_empty_204_is_verified_too(operation: Operation, mode: str, forgery: Any) -> None:
    if forgery == "signed over another body":
        headers = signed_response_headers(b'{"code":"SUCCESS"}', timestamp=int(time.time()))
    elif forgery:
        headers = signed_response_headers(b"", timestamp=int(time.time())) | forgery
    else:
        headers = {"Request-ID": "unsigned-204"}
    server = StrictWeChatPay(operation, answer_headers=headers)
    with pytest.raises(SignatureVerificationError):
        await call(operation, mode, client_for(server))
    with pytest.raises(SignatureVerificationError):
        await call(operation, mode, client_for(server), detailed=True)


WITH_PATH_PARAMETERS = [op for op in OPERATIONS if op.path_parameters]


def refused(value: str) -> bool:
    """What the generated client refuses before sending: a segment httpx would rewrite, or a lone surrogate."""
    if value in ("", ".", ".."):
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def verify_with_cryptography(request: httpx.Request) -> None:
    """The request signature checked with the cryptography primitives directly (faster than openssl per example)."""
    message, signature = signed_request_message(request)
    MERCHANT_PUBLIC_KEY.verify(base64.b64decode(signature), message, padding.PKCS1v15(), hashes.SHA256())


@pytest.mark.parametrize("operation", WITH_PATH_PARAMETERS, ids=str)
def test_any_path_value_is_refused_or_sent_as_one_segment_of_this_operation(operation: Operation) -> None:
    names = [p["name"] for p in operation.path_parameters]
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(404, json={"code": "RESOURCE_NOT_EXISTS", "message": "no"})

    client = Client(base_url=HOST, httpx_args={"auth": AUTH, "transport": httpx.MockTransport(record)})

    @settings(deadline=None, max_examples=60)
    @given(values=st.fixed_dictionaries({name: st.text(max_size=40) for name in names}))
    def check(values: dict[str, str]) -> None:
        sent.clear()
        args, kwargs = operation.call_args(client, values)
        if any(refused(value) for value in values.values()):
            with pytest.raises(ValueError, match="|".join(names)):
                operation.module.sync_detailed(*args, **kwargs)
            assert sent == []
            return
        operation.module.sync_detailed(*args, **kwargs)
        (request,) = sent
        # Exactly this operation's path, each value one percent-encoded segment: never another endpoint.
        assert request.method == operation.method
        assert request.url.raw_path.decode("ascii").partition("?")[0] == operation.example_target(values)
        verify_with_cryptography(request)

    check()


@EACH
@MODES
async def test_each_operation_against_the_sandbox(
    operation: Operation, mode: str, sandbox: SandboxServer, auth: WeChatPayAuth
) -> None:
    """Signed by our auth, checked by the sandbox (else 401), answered signed and verified (else an error)."""
    client = client_for_sandbox(sandbox, auth)
    # The sandbox keeps state (a terminated contract stays terminated): each call starts from the seeded one, and
    # the example order is queried once the example deduction has made it.
    before = [op for op in OPERATIONS if op.operation_id == "createDeduction" != operation.operation_id]
    if operation.operation_id != "getDeductionByOutTradeNo":
        before = []
    if mode == "sync":
        with client:
            for op in before:
                await call(op, mode, client)
            result: Any = await call(operation, mode, client)
            sandbox.reset()
            for op in before:
                await call(op, mode, client)
            detailed = await call(operation, mode, client, detailed=True)
    else:
        async with client:
            for op in before:
                await call(op, mode, client)
            result = await call(operation, mode, client)
            sandbox.reset()
            for op in before:
                await call(op, mode, client)
            detailed = await call(operation, mode, client, detailed=True)
    assert detailed.status_code == operation.success_status and detailed.request_id.endswith("-sandbox")
    if operation.success_example is None:
        assert result is None and detailed.parsed is None
        return
    assert isinstance(result, operation.success_model)
    # The sandbox echoes the path values it decoded: they arrived as sent.
    answered = result.to_dict()
    for parameter in operation.path_parameters:
        if parameter["name"] in answered:
            assert answered[parameter["name"]] == parameter["example"]


@EACH
async def test_an_answer_keeps_fields_the_spec_does_not_know(operation: Operation) -> None:
    """A field WeChat Pay adds later survives parsing, at the top and inside nested objects: to_dict() has it."""
    example = operation.success_example
    if example is None:
        pytest.skip("answers 204: no body")
    added = copy.deepcopy(example) | {"new_top_level_field": {"nested": [1, "两"]}}
    for value in added.values():
        if isinstance(value, dict):
            value["new_nested_field"] = "kept"
    server = StrictWeChatPay(operation)
    server.operation = dataclasses.replace(operation, raw=with_example(operation, added))
    result: Any = await call(operation, "sync", client_for(server))
    assert same_instants(result.to_dict()) == same_instants(added)


def with_example(operation: Operation, example: dict[str, Any]) -> dict[str, Any]:
    """The operation's raw spec with its success answer's example replaced."""
    raw = copy.deepcopy(operation.raw)
    raw["responses"][str(operation.success_status)] = {
        "description": "replaced",
        "content": {"application/json": {"examples": {"replaced": {"value": example}}}},
    }
    return raw
