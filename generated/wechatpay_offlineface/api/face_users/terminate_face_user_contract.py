from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.we_chat_pay_error_body import WeChatPayErrorBody
from ...types import Response, check_echoed, check_path_segment, http_status, parse_body, success_body


def _get_kwargs(
    organization_id: str,
    user_id: str,
) -> dict[str, Any]:
    check_path_segment("organization_id", organization_id)
    check_path_segment("user_id", user_id)

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v3/offlinefacemch/organizations/{organization_id}/users/user-id/{user_id}/terminate-contract".format(
            organization_id=quote(str(organization_id), safe=""),
            user_id=quote(str(user_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> WeChatPayErrorBody | None:
    if response.status_code == 204:
        response_204 = None

        return response_204

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[WeChatPayErrorBody]:
    return Response(
        status_code=http_status(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parse_body(lambda: _parse_response(client=client, response=response), response),
    )


def sync_detailed(
    organization_id: str,
    user_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[WeChatPayErrorBody]:
    """解除刷脸用户签约关系 (terminate a face user's contract)

    Ends a face user's withholding contract, so that the user can sign again with another WeChat account
    (get a repayment link first if orders are outstanding). WeChat Pay then sends
    `FACEPAY.USER_STATE_CHANGE`. There is no request body. Answers 204 with no body. A `PARAM_ERROR`
    here usually means the user ID is wrong or the contract is already terminated.

    Args:
        organization_id (str):
        user_id (str):

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.MalformedResponse: If a 2xx body does not match the API description.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[WeChatPayErrorBody]
    """

    _check_client(client)
    kwargs = _get_kwargs(
        organization_id=organization_id,
        user_id=user_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return check_echoed(
        _build_response(client=client, response=response),
        organization_id=organization_id,
        user_id=user_id,
    )


def sync(
    organization_id: str,
    user_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> None:
    """解除刷脸用户签约关系 (terminate a face user's contract)

    Ends a face user's withholding contract, so that the user can sign again with another WeChat account
    (get a repayment link first if orders are outstanding). WeChat Pay then sends
    `FACEPAY.USER_STATE_CHANGE`. There is no request body. Answers 204 with no body. A `PARAM_ERROR`
    here usually means the user ID is wrong or the contract is already terminated.

    Args:
        organization_id (str):
        user_id (str):

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.ApiError: If WeChat Pay answers with an error status; it carries code, message and Request-ID.
        errors.MalformedResponse: If a 2xx body does not match the API description.
        errors.UnexpectedStatus: If the status is one the API description does not list (a 302, say).
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        None
    """

    success_body(
        sync_detailed(
            organization_id=organization_id,
            user_id=user_id,
            client=client,
        ),
        empty_statuses=(204,),
    )


async def asyncio_detailed(
    organization_id: str,
    user_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[WeChatPayErrorBody]:
    """解除刷脸用户签约关系 (terminate a face user's contract)

    Ends a face user's withholding contract, so that the user can sign again with another WeChat account
    (get a repayment link first if orders are outstanding). WeChat Pay then sends
    `FACEPAY.USER_STATE_CHANGE`. There is no request body. Answers 204 with no body. A `PARAM_ERROR`
    here usually means the user ID is wrong or the contract is already terminated.

    Args:
        organization_id (str):
        user_id (str):

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.MalformedResponse: If a 2xx body does not match the API description.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[WeChatPayErrorBody]
    """

    _check_client(client)
    kwargs = _get_kwargs(
        organization_id=organization_id,
        user_id=user_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return check_echoed(
        _build_response(client=client, response=response),
        organization_id=organization_id,
        user_id=user_id,
    )


async def asyncio(
    organization_id: str,
    user_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> None:
    """解除刷脸用户签约关系 (terminate a face user's contract)

    Ends a face user's withholding contract, so that the user can sign again with another WeChat account
    (get a repayment link first if orders are outstanding). WeChat Pay then sends
    `FACEPAY.USER_STATE_CHANGE`. There is no request body. Answers 204 with no body. A `PARAM_ERROR`
    here usually means the user ID is wrong or the contract is already terminated.

    Args:
        organization_id (str):
        user_id (str):

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.ApiError: If WeChat Pay answers with an error status; it carries code, message and Request-ID.
        errors.MalformedResponse: If a 2xx body does not match the API description.
        errors.UnexpectedStatus: If the status is one the API description does not list (a 302, say).
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        None
    """

    success_body(
        await asyncio_detailed(
            organization_id=organization_id,
            user_id=user_id,
            client=client,
        ),
        empty_statuses=(204,),
    )
