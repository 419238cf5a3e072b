from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.face_collection import FaceCollection
from ...models.we_chat_pay_error_body import WeChatPayErrorBody
from ...types import (
    UNSET,
    Response,
    Unset,
    check_echoed,
    check_path_segment,
    check_query,
    http_status,
    parse_body,
    success_body,
)


def _get_kwargs(
    collection_id: str,
    *,
    appid: str | Unset = UNSET,
) -> dict[str, Any]:
    check_path_segment("collection_id", collection_id)
    check_query("appid", appid, str, required=False)

    params: dict[str, Any] = {}

    params["appid"] = appid

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v3/offlineface/face-collections/{collection_id}".format(
            collection_id=quote(str(collection_id), safe=""),
        ),
        # None, not {}, when no query parameter is set: httpx parses the whole URL again for an empty dict too.
        "params": params or None,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> FaceCollection | WeChatPayErrorBody | None:
    if response.status_code == 200:
        response_200 = FaceCollection.from_dict(response.json())

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
) -> Response[FaceCollection | WeChatPayErrorBody]:
    return Response(
        status_code=http_status(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parse_body(lambda: _parse_response(client=client, response=response), response),
    )


def sync_detailed(
    collection_id: str,
    *,
    client: AuthenticatedClient | Client,
    appid: str | Unset = UNSET,
) -> Response[FaceCollection | WeChatPayErrorBody]:
    """查询重采请求 (query a face re-collection request)

    Old photos can stop producing usable face features after an algorithm upgrade; WeChat Pay then asks
    for the user's photo to be collected again. This returns one such request.

    Args:
        collection_id (str):
        appid (str | Unset):

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.MalformedResponse: If a 2xx body does not match the API description.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FaceCollection | WeChatPayErrorBody]
    """

    _check_client(client)
    kwargs = _get_kwargs(
        collection_id=collection_id,
        appid=appid,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return check_echoed(
        _build_response(client=client, response=response),
        collection_id=collection_id,
    )


def sync(
    collection_id: str,
    *,
    client: AuthenticatedClient | Client,
    appid: str | Unset = UNSET,
) -> FaceCollection:
    """查询重采请求 (query a face re-collection request)

    Old photos can stop producing usable face features after an algorithm upgrade; WeChat Pay then asks
    for the user's photo to be collected again. This returns one such request.

    Args:
        collection_id (str):
        appid (str | Unset):

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.ApiError: If WeChat Pay answers with an error status; it carries code, message and Request-ID.
        errors.MalformedResponse: If a 2xx body does not match the API description.
        errors.UnexpectedStatus: If the status is one the API description does not list (a 302, say).
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FaceCollection
    """

    return cast(
        FaceCollection,
        success_body(
            sync_detailed(
                collection_id=collection_id,
                client=client,
                appid=appid,
            )
        ),
    )


async def asyncio_detailed(
    collection_id: str,
    *,
    client: AuthenticatedClient | Client,
    appid: str | Unset = UNSET,
) -> Response[FaceCollection | WeChatPayErrorBody]:
    """查询重采请求 (query a face re-collection request)

    Old photos can stop producing usable face features after an algorithm upgrade; WeChat Pay then asks
    for the user's photo to be collected again. This returns one such request.

    Args:
        collection_id (str):
        appid (str | Unset):

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.MalformedResponse: If a 2xx body does not match the API description.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FaceCollection | WeChatPayErrorBody]
    """

    _check_client(client)
    kwargs = _get_kwargs(
        collection_id=collection_id,
        appid=appid,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return check_echoed(
        _build_response(client=client, response=response),
        collection_id=collection_id,
    )


async def asyncio(
    collection_id: str,
    *,
    client: AuthenticatedClient | Client,
    appid: str | Unset = UNSET,
) -> FaceCollection:
    """查询重采请求 (query a face re-collection request)

    Old photos can stop producing usable face features after an algorithm upgrade; WeChat Pay then asks
    for the user's photo to be collected again. This returns one such request.

    Args:
        collection_id (str):
        appid (str | Unset):

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.ApiError: If WeChat Pay answers with an error status; it carries code, message and Request-ID.
        errors.MalformedResponse: If a 2xx body does not match the API description.
        errors.UnexpectedStatus: If the status is one the API description does not list (a 302, say).
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FaceCollection
    """

    return cast(
        FaceCollection,
        success_body(
            await asyncio_detailed(
                collection_id=collection_id,
                client=client,
                appid=appid,
            )
        ),
    )
