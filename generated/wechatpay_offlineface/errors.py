"""Contains shared errors types that can be raised from API functions"""

from typing import Any


class UnexpectedStatus(Exception):
    """Raised by api functions when the response status an undocumented status and Client.raise_on_unexpected_status is True"""

    def __init__(self, status_code: int, content: bytes):
        self.status_code = status_code
        self.content = content

        super().__init__(
            f"Unexpected status code: {status_code}\n\nResponse content:\n{content.decode(errors='ignore')}"
        )


class ApiError(Exception):
    """WeChat Pay answered with an error status (4xx, 5xx); raised by `sync()` and `asyncio()`.

    `code`, `message` and `detail` come from the error body, and are None when the body is not WeChat's JSON (a
    proxy's error page, say). `request_id` is the Request-ID that WeChat Pay support asks for.
    """

    def __init__(
        self,
        status_code: int,
        *,
        code: str | None,
        message: str | None,
        detail: Any,
        request_id: str | None,
        content: bytes,
    ):
        self.status_code = status_code
        self.code = code
        self.message = message
        self.detail = detail
        self.request_id = request_id
        self.content = content
        super().__init__(status_code, code, message, request_id)

    @classmethod
    def from_response(cls, status_code: int, headers: Any, content: bytes, parsed: Any) -> "ApiError":
        return cls(
            int(status_code),
            code=getattr(parsed, "code", None),
            message=getattr(parsed, "message", None),
            detail=getattr(parsed, "detail", None),
            request_id=headers.get("Request-ID"),
            content=content,
        )

    def __str__(self) -> str:
        code = self.code or "no WeChat error body"
        message = f": {self.message}" if self.message else ""
        return f"HTTP {self.status_code} {code}{message} (Request-ID {self.request_id or 'absent'})"


class MalformedResponse(Exception):
    """A 2xx body that does not match the documented schema: not JSON, a wrong type or a missing field.

    When a signing `httpx.Auth` is in use, the body was verified before parsing, so this means WeChat Pay sent
    something the OpenAPI document does not describe.
    """

    def __init__(self, status_code: int, request_id: str | None, reason: str):
        self.status_code = status_code
        self.request_id = request_id
        self.reason = reason
        super().__init__(status_code, request_id, reason)

    def __str__(self) -> str:
        return f"HTTP {self.status_code} body does not match the API description: {self.reason} (Request-ID {self.request_id or 'absent'})"


__all__ = ["ApiError", "MalformedResponse", "UnexpectedStatus"]
