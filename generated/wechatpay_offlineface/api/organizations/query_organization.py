from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.organization import Organization
from ...models.we_chat_pay_error_body import WeChatPayErrorBody
from ...types import (
    UNSET,
    Response,
    Unset,
    check_echoed,
    check_query,
    http_status,
    parse_body,
    success_body,
)


def _get_kwargs(
    *,
    organization_id: str | Unset = UNSET,
    organization_name: str | Unset = UNSET,
) -> dict[str, Any]:
    check_query("organization_id", organization_id, str, required=False)
    check_query("organization_name", organization_name, str, required=False)

    params: dict[str, Any] = {}

    params["organization_id"] = organization_id

    params["organization_name"] = organization_name

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v3/offlinefacemch/organizations",
        # None, not {}, when no query parameter is set: httpx parses the whole URL again for an empty dict too.
        "params": params or None,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Organization | WeChatPayErrorBody | None:
    if response.status_code == 200:
        response_200 = Organization.from_dict(response.json())

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
) -> Response[Organization | WeChatPayErrorBody]:
    return Response(
        status_code=http_status(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parse_body(lambda: _parse_response(client=client, response=response), response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    organization_id: str | Unset = UNSET,
    organization_name: str | Unset = UNSET,
) -> Response[Organization | WeChatPayErrorBody]:
    """查询机构信息 (look up an organization)

    Looks up an onboarded organization (school, company) by its ID or by its name. Neither parameter is
    marked required by the docs; send exactly one of them, as the SDKs do.

    Args:
        organization_id (str | Unset):
        organization_name (str | Unset):

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.MalformedResponse: If a 2xx body does not match the API description.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Organization | WeChatPayErrorBody]
    """

    _check_client(client)
    kwargs = _get_kwargs(
        organization_id=organization_id,
        organization_name=organization_name,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return check_echoed(
        _build_response(client=client, response=response),
        organization_id=organization_id,
    )


def sync(
    *,
    client: AuthenticatedClient | Client,
    organization_id: str | Unset = UNSET,
    organization_name: str | Unset = UNSET,
) -> Organization:
    """查询机构信息 (look up an organization)

    Looks up an onboarded organization (school, company) by its ID or by its name. Neither parameter is
    marked required by the docs; send exactly one of them, as the SDKs do.

    Args:
        organization_id (str | Unset):
        organization_name (str | Unset):

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.ApiError: If WeChat Pay answers with an error status; it carries code, message and Request-ID.
        errors.MalformedResponse: If a 2xx body does not match the API description.
        errors.UnexpectedStatus: If the status is one the API description does not list (a 302, say).
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Organization
    """

    return cast(
        Organization,
        success_body(
            sync_detailed(
                client=client,
                organization_id=organization_id,
                organization_name=organization_name,
            )
        ),
    )


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    organization_id: str | Unset = UNSET,
    organization_name: str | Unset = UNSET,
) -> Response[Organization | WeChatPayErrorBody]:
    """查询机构信息 (look up an organization)

    Looks up an onboarded organization (school, company) by its ID or by its name. Neither parameter is
    marked required by the docs; send exactly one of them, as the SDKs do.

    Args:
        organization_id (str | Unset):
        organization_name (str | Unset):

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.MalformedResponse: If a 2xx body does not match the API description.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Organization | WeChatPayErrorBody]
    """

    _check_client(client)
    kwargs = _get_kwargs(
        organization_id=organization_id,
        organization_name=organization_name,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return check_echoed(
        _build_response(client=client, response=response),
        organization_id=organization_id,
    )


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    organization_id: str | Unset = UNSET,
    organization_name: str | Unset = UNSET,
) -> Organization:
    """查询机构信息 (look up an organization)

    Looks up an onboarded organization (school, company) by its ID or by its name. Neither parameter is
    marked required by the docs; send exactly one of them, as the SDKs do.

    Args:
        organization_id (str | Unset):
        organization_name (str | Unset):

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.ApiError: If WeChat Pay answers with an error status; it carries code, message and Request-ID.
        errors.MalformedResponse: If a 2xx body does not match the API description.
        errors.UnexpectedStatus: If the status is one the API description does not list (a 302, say).
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Organization
    """

    return cast(
        Organization,
        success_body(
            await asyncio_detailed(
                client=client,
                organization_id=organization_id,
                organization_name=organization_name,
            )
        ),
    )
