from typing import Any
from urllib.parse import quote

import httpx
from wechatpay_signing.tracebacks import clear_locals

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.face_user_update import FaceUserUpdate
from ...models.we_chat_pay_error_body import WeChatPayErrorBody
from ...types import Response, check_body, check_echoed, check_path_segment, http_status, parse_body, success_body


def _get_kwargs(
    organization_id: str,
    out_user_id: str,
    *,
    body: FaceUserUpdate,
) -> dict[str, Any]:
    check_path_segment("organization_id", organization_id)
    check_path_segment("out_user_id", out_user_id)
    check_body(body, FaceUserUpdate, required=True)
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v3/offlinefacemch/organizations/{organization_id}/users/out-user-id/{out_user_id}".format(
            organization_id=quote(str(organization_id), safe=""),
            out_user_id=quote(str(out_user_id), safe=""),
        ),
        "extensions": {
            "wechatpay.sensitive_fields": ("phone", "user_name"),
        },
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
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
    out_user_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: FaceUserUpdate,
) -> Response[WeChatPayErrorBody]:
    """修改刷脸用户信息 (update a face user)

    Pushes a changed name, class, occupation, phone or status to WeChat Pay. Needed whenever a student's
    data changes: otherwise the WeChat assistant shows stale records and phone checks at the device
    fail. `DISABLED` blocks further face payments. `user_name` and `phone` are sensitive: pass the
    plaintext, the client encrypts them and sends `Wechatpay-Serial`. Answers 204 with no body.

    Args:
        organization_id (str):
        out_user_id (str):
        body (FaceUserUpdate): 刷脸用户信息修改 (the fields to change). The docs mark none required; send
            those that changed, and `student_info` or `staff_info` to match `user_type`.

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
        out_user_id=out_user_id,
        body=body,
    )

    # kwargs holds the plaintexts of the sensitive fields, and so do httpx's frames below: an error leaves without.
    failure: Exception | None = None
    try:
        response = client.get_httpx_client().request(**kwargs)
    except Exception as error:
        failure = error
    del kwargs, body
    if failure is not None:
        clear_locals(failure)
        raise failure

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
    body: FaceUserUpdate,
) -> None:
    """修改刷脸用户信息 (update a face user)

    Pushes a changed name, class, occupation, phone or status to WeChat Pay. Needed whenever a student's
    data changes: otherwise the WeChat assistant shows stale records and phone checks at the device
    fail. `DISABLED` blocks further face payments. `user_name` and `phone` are sensitive: pass the
    plaintext, the client encrypts them and sends `Wechatpay-Serial`. Answers 204 with no body.

    Args:
        organization_id (str):
        out_user_id (str):
        body (FaceUserUpdate): 刷脸用户信息修改 (the fields to change). The docs mark none required; send
            those that changed, and `student_info` or `staff_info` to match `user_type`.

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
            out_user_id=out_user_id,
            client=client,
            body=body,
        ),
        empty_statuses=(204,),
    )


async def asyncio_detailed(
    organization_id: str,
    out_user_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: FaceUserUpdate,
) -> Response[WeChatPayErrorBody]:
    """修改刷脸用户信息 (update a face user)

    Pushes a changed name, class, occupation, phone or status to WeChat Pay. Needed whenever a student's
    data changes: otherwise the WeChat assistant shows stale records and phone checks at the device
    fail. `DISABLED` blocks further face payments. `user_name` and `phone` are sensitive: pass the
    plaintext, the client encrypts them and sends `Wechatpay-Serial`. Answers 204 with no body.

    Args:
        organization_id (str):
        out_user_id (str):
        body (FaceUserUpdate): 刷脸用户信息修改 (the fields to change). The docs mark none required; send
            those that changed, and `student_info` or `staff_info` to match `user_type`.

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
        out_user_id=out_user_id,
        body=body,
    )

    # kwargs holds the plaintexts of the sensitive fields, and so do httpx's frames below: an error leaves without.
    failure: Exception | None = None
    try:
        response = await client.get_async_httpx_client().request(**kwargs)
    except Exception as error:
        failure = error
    del kwargs, body
    if failure is not None:
        clear_locals(failure)
        raise failure

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
    body: FaceUserUpdate,
) -> None:
    """修改刷脸用户信息 (update a face user)

    Pushes a changed name, class, occupation, phone or status to WeChat Pay. Needed whenever a student's
    data changes: otherwise the WeChat assistant shows stale records and phone checks at the device
    fail. `DISABLED` blocks further face payments. `user_name` and `phone` are sensitive: pass the
    plaintext, the client encrypts them and sends `Wechatpay-Serial`. Answers 204 with no body.

    Args:
        organization_id (str):
        out_user_id (str):
        body (FaceUserUpdate): 刷脸用户信息修改 (the fields to change). The docs mark none required; send
            those that changed, and `student_info` or `staff_info` to match `user_type`.

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
            out_user_id=out_user_id,
            client=client,
            body=body,
        ),
        empty_statuses=(204,),
    )
