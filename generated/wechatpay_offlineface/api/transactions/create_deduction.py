from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.deduction import Deduction
from ...models.deduction_request import DeductionRequest
from ...models.we_chat_pay_error_body import WeChatPayErrorBody
from ...types import (
    Response,
    check_body,
    http_status,
    parse_body,
    success_body,
)


def _get_kwargs(
    *,
    body: DeductionRequest,
) -> dict[str, Any]:
    check_body(body, DeductionRequest, required=True)
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v3/offlineface/transactions",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Deduction | WeChatPayErrorBody | None:
    if response.status_code == 200:
        response_200 = Deduction.from_dict(response.json())

        return response_200

    if 400 <= response.status_code <= 499:
        response_4xx = WeChatPayErrorBody.from_dict(response.json())

        return response_4xx

    if 500 <= response.status_code <= 599:
        response_5xx = WeChatPayErrorBody.from_dict(response.json())

        return response_5xx

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content, response.headers.get("Request-ID"))
    else:
        return None


def _check_client(client: object) -> None:
    if not isinstance(client, AuthenticatedClient | Client):
        raise errors.InvalidRequestError(f"client must be a wechatpay_offlineface.Client, not {type(client).__name__}")


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Deduction | WeChatPayErrorBody]:
    return Response(
        status_code=http_status(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parse_body(lambda: _parse_response(client=client, response=response), response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: DeductionRequest,
) -> Response[Deduction | WeChatPayErrorBody]:
    """申请扣款 (take a payment with a device's payment credential)

    Deducts the amount with the payment credential (`auth_code`) an offline face device produced. The
    result is in the answer (there is no payment notification); `getDeductionByOutTradeNo` confirms it.
    When the user's balance is short WeChat Pay may advance the money (`debt_state`). A failed or
    advanced order may be deducted again (补扣) at most 5 times per order per day, at meal times; further
    attempts are refused. That daily limit, and the lack of any documented idempotency (the SDKs only
    show `RESOURCE_ALREADY_EXISTS` for an order already paid and `ORDER_CLOSED` for a closed one), are
    why the client never resends it on its own: after a timeout, query the order by `out_trade_no`
    instead.

    Args:
        body (DeductionRequest): 申请扣款请求 (a deduction). The docs require only `auth_code`; one
            SDK's old code also checked the IDs, the amount, the scene, the texts, `out_trade_no` and
            `business` before sending. Send them: without `out_trade_no` the order cannot be queried,
            and a request without `scene_info` has been seen to fail with SYSTEM_ERROR.

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.MalformedResponse: If a 2xx body does not match the API description.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Deduction | WeChatPayErrorBody]
    """

    _check_client(client)
    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: DeductionRequest,
) -> Deduction:
    """申请扣款 (take a payment with a device's payment credential)

    Deducts the amount with the payment credential (`auth_code`) an offline face device produced. The
    result is in the answer (there is no payment notification); `getDeductionByOutTradeNo` confirms it.
    When the user's balance is short WeChat Pay may advance the money (`debt_state`). A failed or
    advanced order may be deducted again (补扣) at most 5 times per order per day, at meal times; further
    attempts are refused. That daily limit, and the lack of any documented idempotency (the SDKs only
    show `RESOURCE_ALREADY_EXISTS` for an order already paid and `ORDER_CLOSED` for a closed one), are
    why the client never resends it on its own: after a timeout, query the order by `out_trade_no`
    instead.

    Args:
        body (DeductionRequest): 申请扣款请求 (a deduction). The docs require only `auth_code`; one
            SDK's old code also checked the IDs, the amount, the scene, the texts, `out_trade_no` and
            `business` before sending. Send them: without `out_trade_no` the order cannot be queried,
            and a request without `scene_info` has been seen to fail with SYSTEM_ERROR.

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.ApiError: If WeChat Pay answers with an error status; it carries code, message and Request-ID.
        errors.MalformedResponse: If a 2xx body does not match the API description.
        errors.UnexpectedStatus: If the status is one the API description does not list (a 302, say).
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Deduction
    """

    return cast(
        Deduction,
        success_body(
            sync_detailed(
                client=client,
                body=body,
            )
        ),
    )


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: DeductionRequest,
) -> Response[Deduction | WeChatPayErrorBody]:
    """申请扣款 (take a payment with a device's payment credential)

    Deducts the amount with the payment credential (`auth_code`) an offline face device produced. The
    result is in the answer (there is no payment notification); `getDeductionByOutTradeNo` confirms it.
    When the user's balance is short WeChat Pay may advance the money (`debt_state`). A failed or
    advanced order may be deducted again (补扣) at most 5 times per order per day, at meal times; further
    attempts are refused. That daily limit, and the lack of any documented idempotency (the SDKs only
    show `RESOURCE_ALREADY_EXISTS` for an order already paid and `ORDER_CLOSED` for a closed one), are
    why the client never resends it on its own: after a timeout, query the order by `out_trade_no`
    instead.

    Args:
        body (DeductionRequest): 申请扣款请求 (a deduction). The docs require only `auth_code`; one
            SDK's old code also checked the IDs, the amount, the scene, the texts, `out_trade_no` and
            `business` before sending. Send them: without `out_trade_no` the order cannot be queried,
            and a request without `scene_info` has been seen to fail with SYSTEM_ERROR.

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.MalformedResponse: If a 2xx body does not match the API description.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Deduction | WeChatPayErrorBody]
    """

    _check_client(client)
    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: DeductionRequest,
) -> Deduction:
    """申请扣款 (take a payment with a device's payment credential)

    Deducts the amount with the payment credential (`auth_code`) an offline face device produced. The
    result is in the answer (there is no payment notification); `getDeductionByOutTradeNo` confirms it.
    When the user's balance is short WeChat Pay may advance the money (`debt_state`). A failed or
    advanced order may be deducted again (补扣) at most 5 times per order per day, at meal times; further
    attempts are refused. That daily limit, and the lack of any documented idempotency (the SDKs only
    show `RESOURCE_ALREADY_EXISTS` for an order already paid and `ORDER_CLOSED` for a closed one), are
    why the client never resends it on its own: after a timeout, query the order by `out_trade_no`
    instead.

    Args:
        body (DeductionRequest): 申请扣款请求 (a deduction). The docs require only `auth_code`; one
            SDK's old code also checked the IDs, the amount, the scene, the texts, `out_trade_no` and
            `business` before sending. Send them: without `out_trade_no` the order cannot be queried,
            and a request without `scene_info` has been seen to fail with SYSTEM_ERROR.

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.ApiError: If WeChat Pay answers with an error status; it carries code, message and Request-ID.
        errors.MalformedResponse: If a 2xx body does not match the API description.
        errors.UnexpectedStatus: If the status is one the API description does not list (a 302, say).
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Deduction
    """

    return cast(
        Deduction,
        success_body(
            await asyncio_detailed(
                client=client,
                body=body,
            )
        ),
    )
