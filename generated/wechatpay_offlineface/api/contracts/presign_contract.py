from typing import Any, cast

import httpx
from wechatpay_signing.tracebacks import clear_locals

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.presign_request import PresignRequest
from ...models.presign_result import PresignResult
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
    body: PresignRequest,
) -> dict[str, Any]:
    check_body(body, PresignRequest, required=True)
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v3/offlineface/contracts/presign",
        "extensions": {
            "wechatpay.sensitive_fields": (
                "facepay_user.identification.identification_number",
                "facepay_user.phone",
                "limit_bank_card.bank_card_number",
                "limit_bank_card.identification.identification_number",
                "limit_bank_card.identification_name",
                "limit_bank_card.phone",
            ),
        },
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PresignResult | WeChatPayErrorBody | None:
    if response.status_code == 200:
        response_200 = PresignResult.from_dict(response.json())

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
) -> Response[PresignResult | WeChatPayErrorBody]:
    return Response(
        status_code=http_status(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parse_body(lambda: _parse_response(client=client, response=response), response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PresignRequest,
) -> Response[PresignResult | WeChatPayErrorBody]:
    """预签约 (pre-sign a withholding contract)

    Pre-signs a withholding contract, optionally pinning the bank card (designated-card or priority-card
    signing), and returns the token the user signs with in WeChat's official mini-program. One-click
    card binding does not support every bank: test before going live. The identity number, the phones,
    the card number and the card holder's name are sensitive: pass the plaintext, the client encrypts
    them and sends `Wechatpay-Serial`.

    Args:
        body (PresignRequest): 预签约请求 (a pre-signing request)

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.MalformedResponse: If a 2xx body does not match the API description.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PresignResult | WeChatPayErrorBody]
    """

    _check_client(client)
    kwargs = _get_kwargs(
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

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: PresignRequest,
) -> PresignResult:
    """预签约 (pre-sign a withholding contract)

    Pre-signs a withholding contract, optionally pinning the bank card (designated-card or priority-card
    signing), and returns the token the user signs with in WeChat's official mini-program. One-click
    card binding does not support every bank: test before going live. The identity number, the phones,
    the card number and the card holder's name are sensitive: pass the plaintext, the client encrypts
    them and sends `Wechatpay-Serial`.

    Args:
        body (PresignRequest): 预签约请求 (a pre-signing request)

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.ApiError: If WeChat Pay answers with an error status; it carries code, message and Request-ID.
        errors.MalformedResponse: If a 2xx body does not match the API description.
        errors.UnexpectedStatus: If the status is one the API description does not list (a 302, say).
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PresignResult
    """

    return cast(
        PresignResult,
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
    body: PresignRequest,
) -> Response[PresignResult | WeChatPayErrorBody]:
    """预签约 (pre-sign a withholding contract)

    Pre-signs a withholding contract, optionally pinning the bank card (designated-card or priority-card
    signing), and returns the token the user signs with in WeChat's official mini-program. One-click
    card binding does not support every bank: test before going live. The identity number, the phones,
    the card number and the card holder's name are sensitive: pass the plaintext, the client encrypts
    them and sends `Wechatpay-Serial`.

    Args:
        body (PresignRequest): 预签约请求 (a pre-signing request)

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.MalformedResponse: If a 2xx body does not match the API description.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PresignResult | WeChatPayErrorBody]
    """

    _check_client(client)
    kwargs = _get_kwargs(
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

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: PresignRequest,
) -> PresignResult:
    """预签约 (pre-sign a withholding contract)

    Pre-signs a withholding contract, optionally pinning the bank card (designated-card or priority-card
    signing), and returns the token the user signs with in WeChat's official mini-program. One-click
    card binding does not support every bank: test before going live. The identity number, the phones,
    the card number and the card holder's name are sensitive: pass the plaintext, the client encrypts
    them and sends `Wechatpay-Serial`.

    Args:
        body (PresignRequest): 预签约请求 (a pre-signing request)

    Raises:
        errors.InvalidRequestError: If a path parameter is "", "." or "..", a required value is None, a value or the
            body is not of its documented type, client is not a Client, or a text holds a lone surrogate, before
            anything is sent (a ValueError too).
        errors.ApiError: If WeChat Pay answers with an error status; it carries code, message and Request-ID.
        errors.MalformedResponse: If a 2xx body does not match the API description.
        errors.UnexpectedStatus: If the status is one the API description does not list (a 302, say).
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PresignResult
    """

    return cast(
        PresignResult,
        success_body(
            await asyncio_detailed(
                client=client,
                body=body,
            )
        ),
    )
