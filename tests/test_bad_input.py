"""Bad input to any generated operation is named by an InvalidRequestError (a WeChatPayError) before anything is
sent: a path value that is None (it would be sent as "None"), a required query value left None (httpx would drop
it), a query value of the wrong type, a dict or None for the body model, and no Client. The operations and their
parameters are read from the spec."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from wechatpay_offlineface import Client, errors
from wechatpay_signing import WeChatPayError, httpx_args

from .operations import Operation, operations
from .test_client import HOST, make_auth

OPERATIONS = operations()


def recording_client(sent: list[httpx.Request]) -> Client:
    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    mock = httpx.MockTransport(handler)
    return Client(base_url=HOST, httpx_args=httpx_args(make_auth(), retry=None, transport=mock, async_transport=mock))


def bad_calls(operation: Operation, client: Client) -> list[tuple[str, list[Any], dict[str, Any]]]:
    args, kwargs = operation.call_args(client)
    calls = []
    for index, parameter in enumerate(operation.path_parameters):
        calls.append((f"path {parameter['name']}=None", [*args[:index], None, *args[index + 1 :]], kwargs))
    for parameter in operation.parameters:
        if parameter["in"] != "query":
            continue
        name = parameter["name"]
        if parameter.get("required"):
            calls.append((f"query {name}=None", args, {**kwargs, name: None}))
        wrong = "10" if parameter["schema"].get("type") == "integer" else 10
        calls.append((f"query {name}={wrong!r}", args, {**kwargs, name: wrong}))
    if "body" in kwargs:
        calls.append(("body as a dict", args, {**kwargs, "body": kwargs["body"].to_dict()}))
        calls.append(("body None", args, {**kwargs, "body": None}))
    calls.append(("client None", args, {**kwargs, "client": None}))
    return calls


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_bad_input_is_named_before_anything_is_sent(operation: Operation) -> None:
    sent: list[httpx.Request] = []
    client = recording_client(sent)
    calls = bad_calls(operation, client)
    assert len(calls) > 1
    for what, args, kwargs in calls:
        for function in (operation.module.sync_detailed, operation.module.asyncio_detailed):
            with pytest.raises(errors.InvalidRequestError) as raised:
                result = function(*args, **kwargs)
                if asyncio.iscoroutine(result):
                    asyncio.run(result)
            assert isinstance(raised.value, WeChatPayError)
            message = str(raised.value)
            assert what.split(" ")[1].split("=")[0] in message or what.startswith(("body", "client")), (what, message)
    assert sent == []


def test_the_documented_arguments_are_still_sent() -> None:
    sent: list[httpx.Request] = []
    client = recording_client(sent)
    for operation in OPERATIONS:
        args, kwargs = operation.call_args(client)
        operation.module.sync_detailed(*args, **kwargs)
    assert len(sent) == len(OPERATIONS)
