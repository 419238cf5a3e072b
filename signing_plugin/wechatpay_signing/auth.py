"""The httpx.Auth that signs every request and verifies every 2xx answer before the caller sees it."""

from __future__ import annotations

import platform
from collections.abc import Generator

import httpx

from ._version import __version__
from .errors import SignatureVerificationError
from .signer import MerchantSigner
from .verifier import ResponseVerifier

USER_AGENT = f"wechatpay-signing/{__version__} httpx/{httpx.__version__} Python/{platform.python_version()}"
_HTTPX_DEFAULT_USER_AGENT = f"python-httpx/{httpx.__version__}"


class WeChatPayAuth(httpx.Auth):
    """Signs each request with the merchant key and verifies each 2xx response with WeChat Pay's keys.

    It implements only ``auth_flow``, so one instance serves ``httpx.Client`` and ``httpx.AsyncClient`` alike,
    and httpx reads both bodies before the flow sees them. A response that fails verification raises
    ``SignatureVerificationError`` from the call and is never returned.
    """

    requires_request_body = True
    requires_response_body = True

    def __init__(self, signer: MerchantSigner, verifier: ResponseVerifier) -> None:
        self.signer = signer
        self.verifier = verifier

    def __repr__(self) -> str:
        return f"WeChatPayAuth(signer={self.signer!r}, verifier={self.verifier!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        headers = request.headers
        # Sign what goes on the wire: the encoded target and the exact body bytes.
        headers["Authorization"] = self.signer.authorization(
            request.method, request.url.raw_path.decode("ascii"), request.content
        )
        if headers.get("Accept", "*/*") == "*/*":
            headers["Accept"] = "application/json"
        if headers.get("User-Agent", _HTTPX_DEFAULT_USER_AGENT) == _HTTPX_DEFAULT_USER_AGENT:
            headers["User-Agent"] = USER_AGENT
        public_key_id = self.verifier.public_key_id
        if public_key_id is not None and "Wechatpay-Serial" not in headers:
            headers["Wechatpay-Serial"] = public_key_id

        response = yield request

        if response.is_success:
            try:
                self.verifier.verify(response.headers, response.content)
            except SignatureVerificationError as error:
                error.status_code = response.status_code
                raise
