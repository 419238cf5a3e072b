from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.deduction_query_result import DeductionQueryResult
from ...models.we_chat_pay_error_body import WeChatPayErrorBody
from ...types import (
    UNSET,
    Response,
    check_echoed,
    check_path_segment,
    check_query,
    http_status,
    parse_body,
    success_body,
)


def _get_kwargs(
    out_trade_no: str,
    *,
    sp_mchid: str,
    sub_mchid: str,
    business_product_id: str,
) -> dict[str, Any]:
    check_path_segment("out_trade_no", out_trade_no)
    check_query("sp_mchid", sp_mchid, str, required=True)
    check_query("sub_mchid", sub_mchid, str, required=True)
    check_query("business_product_id", business_product_id, str, required=True)

    params: dict[str, Any] = {}

    params["sp_mchid"] = sp_mchid

    params["sub_mchid"] = sub_mchid

    params["business_product_id"] = business_product_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v3/offlineface/transactions/out-trade-no/{out_trade_no}".format(
            out_trade_no=quote(str(out_trade_no), safe=""),
        ),
        # None, not {}, when no query parameter is set: httpx parses the whole URL again for an empty dict too.
        "params": params or None,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DeductionQueryResult | WeChatPayErrorBody | None:
    if response.status_code == 200:
        response_200 = DeductionQueryResult.from_dict(response.json())

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
) -> Response[DeductionQueryResult | WeChatPayErrorBody]:
    return Response(
        status_code=http_status(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parse_body(lambda: _parse_response(client=client, response=response), response),
    )


def sync_detailed(
    out_trade_no: str,
    *,
    client: AuthenticatedClient | Client,
    sp_mchid: str,
    sub_mchid: str,
    business_product_id: str,
) -> Response[DeductionQueryResult | WeChatPayErrorBody]:
    """查单 (query a deduction by the merchant's order number)

    The state of a deduction (离线人脸团餐专属查单), including whether WeChat Pay advanced the money.

    Args:
        out_trade_no (str):
        sp_mchid (str):
        sub_mchid (str):
        business_product_id (str):

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.MalformedResponse: If a 2xx body does not match the API description.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeductionQueryResult | WeChatPayErrorBody]
    """

    _check_client(client)
    kwargs = _get_kwargs(
        out_trade_no=out_trade_no,
        sp_mchid=sp_mchid,
        sub_mchid=sub_mchid,
        business_product_id=business_product_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return check_echoed(
        _build_response(client=client, response=response),
        out_trade_no=out_trade_no,
        business_product_id=business_product_id,
    )


def sync(
    out_trade_no: str,
    *,
    client: AuthenticatedClient | Client,
    sp_mchid: str,
    sub_mchid: str,
    business_product_id: str,
) -> DeductionQueryResult:
    """查单 (query a deduction by the merchant's order number)

    The state of a deduction (离线人脸团餐专属查单), including whether WeChat Pay advanced the money.

    Args:
        out_trade_no (str):
        sp_mchid (str):
        sub_mchid (str):
        business_product_id (str):

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.ApiError: If WeChat Pay answers with an error status; it carries code, message and Request-ID.
        errors.MalformedResponse: If a 2xx body does not match the API description.
        errors.UnexpectedStatus: If the status is one the API description does not list (a 302, say).
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeductionQueryResult
    """

    return cast(
        DeductionQueryResult,
        success_body(
            sync_detailed(
                out_trade_no=out_trade_no,
                client=client,
                sp_mchid=sp_mchid,
                sub_mchid=sub_mchid,
                business_product_id=business_product_id,
            )
        ),
    )


async def asyncio_detailed(
    out_trade_no: str,
    *,
    client: AuthenticatedClient | Client,
    sp_mchid: str,
    sub_mchid: str,
    business_product_id: str,
) -> Response[DeductionQueryResult | WeChatPayErrorBody]:
    """查单 (query a deduction by the merchant's order number)

    The state of a deduction (离线人脸团餐专属查单), including whether WeChat Pay advanced the money.

    Args:
        out_trade_no (str):
        sp_mchid (str):
        sub_mchid (str):
        business_product_id (str):

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.MalformedResponse: If a 2xx body does not match the API description.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeductionQueryResult | WeChatPayErrorBody]
    """

    _check_client(client)
    kwargs = _get_kwargs(
        out_trade_no=out_trade_no,
        sp_mchid=sp_mchid,
        sub_mchid=sub_mchid,
        business_product_id=business_product_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return check_echoed(
        _build_response(client=client, response=response),
        out_trade_no=out_trade_no,
        business_product_id=business_product_id,
    )


async def asyncio(
    out_trade_no: str,
    *,
    client: AuthenticatedClient | Client,
    sp_mchid: str,
    sub_mchid: str,
    business_product_id: str,
) -> DeductionQueryResult:
    """查单 (query a deduction by the merchant's order number)

    The state of a deduction (离线人脸团餐专属查单), including whether WeChat Pay advanced the money.

    Args:
        out_trade_no (str):
        sp_mchid (str):
        sub_mchid (str):
        business_product_id (str):

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.ApiError: If WeChat Pay answers with an error status; it carries code, message and Request-ID.
        errors.MalformedResponse: If a 2xx body does not match the API description.
        errors.UnexpectedStatus: If the status is one the API description does not list (a 302, say).
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeductionQueryResult
    """

    return cast(
        DeductionQueryResult,
        success_body(
            await asyncio_detailed(
                out_trade_no=out_trade_no,
                client=client,
                sp_mchid=sp_mchid,
                sub_mchid=sub_mchid,
                business_product_id=business_product_id,
            )
        ),
    )
