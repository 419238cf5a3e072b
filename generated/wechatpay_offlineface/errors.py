"""The errors the API functions raise on purpose; each is a wechatpay_signing.WeChatPayError.

ApiError, MalformedResponse and UnexpectedStatus are raised after an answer arrived: each carries its status_code and
request_id (wechatpay_signing.AnswerError). InvalidRequestError is raised before anything is sent, and is also a
ValueError. wechatpay_signing.errors draws the whole tree.
"""

import json
from typing import Any

from wechatpay_signing import AnswerError, ConfigurationError

# Unsigned error answers are the server's (or a proxy's) text: in a message, control characters are escaped (no fake
# log line, no terminal escape) and the text is cut.
from wechatpay_signing.text import shown


class InvalidRequestError(ConfigurationError):
    """A call's argument that cannot be sent: a path value of "", "." or "..", or text holding a lone surrogate.

    Raised before anything is sent. It is a ValueError too, so `except ValueError` keeps working.
    """


class UnexpectedStatus(AnswerError):
    """A status the API description does not list for this call (a 302, say, or 204 where 200 is documented).

    Raised by `sync()`/`asyncio()`, and by the `*_detailed` calls when Client.raise_on_unexpected_status is True.
    `content` is the body as received.
    """

    summary = "WeChat Pay answered a status the API description does not list"

    def __init__(self, status_code: int, content: bytes, request_id: str | None = None):
        super().__init__(f"HTTP {status_code}", request_id=request_id, status_code=status_code)
        self.status_code: int = status_code
        self.content = content

    def __str__(self) -> str:
        return (
            f"Unexpected status code: {self.status_code} (Request-ID {shown(self.request_id or 'absent', 64)})\n\n"
            f"Response content:\n{shown(self.content[:1000].decode(errors='replace'))}"
        )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _json_object(content: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(content)
    except (ValueError, RecursionError):
        return {}
    return payload if isinstance(payload, dict) else {}


class ApiError(AnswerError):
    """WeChat Pay answered with an error status (4xx, 5xx); raised by `sync()` and `asyncio()`.

    `code`, `message` and `detail` come from the error body; `code` and `message` are kept whatever `detail` holds
    (null, a string, a list, an object of odd types), and are None only when the body is not WeChat's JSON (a
    proxy's error page, say). `detail` is the parsed model when it matches the API description, else the raw JSON
    value. `request_id` is the Request-ID that WeChat Pay support asks for.
    """

    summary = "WeChat Pay answered an error"

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
        super().__init__(
            f"{code or 'no WeChat error body'}: {message or '-'}", request_id=request_id, status_code=status_code
        )
        self.status_code: int = status_code
        self.code = code
        self.message = message
        self.detail = detail
        self.content = content

    @classmethod
    def from_response(cls, status_code: int, headers: Any, content: bytes, parsed: Any) -> "ApiError":
        if parsed is not None:
            code, message, detail = (
                getattr(parsed, "code", None),
                getattr(parsed, "message", None),
                getattr(parsed, "detail", None),
            )
        else:
            # The body did not match the description (an odd `detail`, say): WeChat's code and message still count.
            body = _json_object(content)
            code, message, detail = _text(body.get("code")), _text(body.get("message")), body.get("detail")
        return cls(
            int(status_code),
            code=code,
            message=message,
            detail=detail,
            request_id=headers.get("Request-ID"),
            content=content,
        )

    def __str__(self) -> str:
        code = shown(self.code, 64) if self.code else "no WeChat error body"
        message = f": {shown(self.message)}" if self.message else ""
        return f"HTTP {self.status_code} {code}{message} (Request-ID {shown(self.request_id or 'absent', 64)})"


class MismatchedAnswer(AnswerError):
    """A verified 2xx answer about another object than the one asked for (`collection_id` FC1 asked, FC2 answered).

    Its signature is genuine, so it is a genuine answer replayed or misrouted for a different request: it is never
    handed over. `field`, `asked` and `answered` name the difference.
    """

    summary = "WeChat Pay answer is about another object than the one asked for"

    def __init__(self, field: str, *, asked: str, answered: str, status_code: int, request_id: str | None):
        super().__init__(
            f"{field} {shown(asked, 64)!r} was asked, the answer is about {shown(answered, 64)!r}",
            request_id=request_id,
            status_code=status_code,
        )
        self.field = field
        self.asked = asked
        self.answered = answered


class MalformedResponse(AnswerError):
    """A 2xx body that does not match the documented schema: not JSON, a wrong type or a missing field.

    When a signing `httpx.Auth` is in use, the body was verified before parsing, so this means WeChat Pay sent
    something the OpenAPI document does not describe.
    """

    summary = "WeChat Pay answer does not match the API description"

    def __init__(self, status_code: int, request_id: str | None, reason: str):
        super().__init__(reason, request_id=request_id, status_code=status_code)
        self.status_code: int = status_code

    def __str__(self) -> str:
        return f"HTTP {self.status_code} body does not match the API description: {shown(self.reason, 400)} (Request-ID {shown(self.request_id or 'absent', 64)})"


__all__ = ["ApiError", "InvalidRequestError", "MalformedResponse", "MismatchedAnswer", "UnexpectedStatus"]
