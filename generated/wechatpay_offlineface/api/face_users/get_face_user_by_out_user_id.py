from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.face_user import FaceUser
from ...models.we_chat_pay_error_body import WeChatPayErrorBody
from ...types import (
    Response,
    check_echoed,
    check_path_segment,
    http_status,
    parse_body,
    success_body,
)


def _get_kwargs(
    organization_id: str,
    out_user_id: str,
) -> dict[str, Any]:
    check_path_segment("organization_id", organization_id)
    check_path_segment("out_user_id", out_user_id)

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v3/offlinefacemch/organizations/{organization_id}/users/out-user-id/{out_user_id}".format(
            organization_id=quote(str(organization_id), safe=""),
            out_user_id=quote(str(out_user_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> FaceUser | WeChatPayErrorBody | None:
    if response.status_code == 200:
        response_200 = FaceUser.from_dict(response.json())

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
) -> Response[FaceUser | WeChatPayErrorBody]:
    return Response(
        status_code=http_status(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parse_body(lambda: _parse_response(client=client, response=response), response),
    )


def sync_detailed(
    organization_id: str,
    out_user_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[FaceUser | WeChatPayErrorBody]:
    """查询刷脸用户信息 (query a face user by the merchant's user ID)

    Args:
        organization_id (str):
        out_user_id (str):

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.MalformedResponse: If a 2xx body does not match the API description.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FaceUser | WeChatPayErrorBody]
    """

    _check_client(client)
    kwargs = _get_kwargs(
        organization_id=organization_id,
        out_user_id=out_user_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return check_echoed(
        _build_response(client=client, response=response),
        organization_id=organization_id,
        out_user_id=out_user_id,
    )


def sync(
    organization_id: str,
    out_user_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> FaceUser:
    """查询刷脸用户信息 (query a face user by the merchant's user ID)

    Args:
        organization_id (str):
        out_user_id (str):

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.ApiError: If WeChat Pay answers with an error status; it carries code, message and Request-ID.
        errors.MalformedResponse: If a 2xx body does not match the API description.
        errors.UnexpectedStatus: If the status is one the API description does not list (a 302, say).
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FaceUser
    """

    return cast(
        FaceUser,
        success_body(
            sync_detailed(
                organization_id=organization_id,
                out_user_id=out_user_id,
                client=client,
            )
        ),
    )


async def asyncio_detailed(
    organization_id: str,
    out_user_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[FaceUser | WeChatPayErrorBody]:
    """查询刷脸用户信息 (query a face user by the merchant's user ID)

    Args:
        organization_id (str):
        out_user_id (str):

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.MalformedResponse: If a 2xx body does not match the API description.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FaceUser | WeChatPayErrorBody]
    """

    _check_client(client)
    kwargs = _get_kwargs(
        organization_id=organization_id,
        out_user_id=out_user_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return check_echoed(
        _build_response(client=client, response=response),
        organization_id=organization_id,
        out_user_id=out_user_id,
    )


async def asyncio(
    organization_id: str,
    out_user_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> FaceUser:
    """查询刷脸用户信息 (query a face user by the merchant's user ID)

    Args:
        organization_id (str):
        out_user_id (str):

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.ApiError: If WeChat Pay answers with an error status; it carries code, message and Request-ID.
        errors.MalformedResponse: If a 2xx body does not match the API description.
        errors.UnexpectedStatus: If the status is one the API description does not list (a 302, say).
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FaceUser
    """

    return cast(
        FaceUser,
        success_body(
            await asyncio_detailed(
                organization_id=organization_id,
                out_user_id=out_user_id,
                client=client,
            )
        ),
    )
