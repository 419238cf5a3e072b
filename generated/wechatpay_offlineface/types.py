"""Contains some shared types for properties"""

import datetime
from collections.abc import Callable, Collection, Mapping, MutableMapping
from http import HTTPStatus
from typing import IO, Any, BinaryIO, Generic, Literal, TypeVar

import httpx
from attrs import define

from . import errors


class Unset:
    def __bool__(self) -> Literal[False]:
        return False


UNSET: Unset = Unset()

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


@define
class Response(Generic[T]):
    """A response from an endpoint"""

    status_code: HTTPStatus | int
    """ An HTTPStatus, or the bare code where Python names none (WeChat Pay answers 561 at times) """
    content: bytes
    headers: MutableMapping[str, str]
    parsed: T | None

    @property
    def request_id(self) -> str | None:
        """The Request-ID header that identifies the call to WeChat Pay support"""
        return self.headers.get("Request-ID")


def http_status(code: int) -> HTTPStatus | int:
    """The HTTPStatus for a code, or the code itself where Python names none, instead of a ValueError"""
    try:
        return HTTPStatus(code)
    except ValueError:
        return code


def parse_body(parse: Callable[[], T], response: httpx.Response) -> T | None:
    """parse(), with a body that does not match the API description turned into errors.MalformedResponse"""
    try:
        return parse()
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as error:
        # Not JSON (json.JSONDecodeError is a ValueError), a wrong type or a missing field.
        if response.is_success:
            reason = f"{type(error).__name__}: {error}"
            raise errors.MalformedResponse(
                response.status_code, response.headers.get("Request-ID"), reason[:300]
            ) from error
        # An error status keeps its status and Request-ID even when its body is not WeChat's JSON.
        return None


def success_body(response: Response[Any], empty_statuses: Collection[int] = ()) -> Any:
    """The parsed 2xx body, or None for a 2xx the API documents without one (empty_statuses, e.g. 204); an error
    status raises errors.ApiError with WeChat's code, message and Request-ID. The answer was verified either way:
    the signing plugin checks every 2xx, an empty body included, before it gets here."""
    status = int(response.status_code)
    if status in empty_statuses:
        return None
    if 200 <= status < 300 and response.parsed is not None:
        return response.parsed
    if status >= 400:
        raise errors.ApiError.from_response(status, response.headers, response.content, response.parsed)
    raise errors.UnexpectedStatus(status, response.content, response.request_id)


def check_text(name: str, value: object) -> None:
    """Refuse a string UTF-8 cannot encode (a lone surrogate) before it reaches httpx's encoder"""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise errors.InvalidRequestError(
                f"{name} must be text that UTF-8 can encode, not {value!r}: it holds a lone surrogate"
            ) from None


def check_path_segment(name: str, value: object) -> None:
    """The value as one path segment; "", "." and ".." would make httpx call another endpoint, so they are refused,
    and so is anything but a str or an int (None would be sent as "None")"""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise errors.InvalidRequestError(f"{name} must be a str, not {type(value).__name__}")
    text = str(value)
    if text in ("", ".", ".."):
        raise errors.InvalidRequestError(
            f"{name} must be one path segment, not {text!r}: it would send the request to another endpoint"
        )
    check_text(name, text)


def check_query(name: str, value: object, expected: type, *, required: bool) -> None:
    """A query value of the documented type; a required one present (httpx would drop a None silently)"""
    if value is None or isinstance(value, Unset):
        if required:
            raise errors.InvalidRequestError(f"{name} is required, not {value!r}")
        return
    if isinstance(value, bool) is not (expected is bool) or not isinstance(value, expected):
        raise errors.InvalidRequestError(f"{name} must be {expected.__name__}, not {type(value).__name__}")
    check_text(name, value)


def check_body(value: object, model: type, *, required: bool) -> None:
    """The body as the documented model (wechatpay_offlineface.models), not a dict or None"""
    if isinstance(value, Unset) and not required:
        return
    if not isinstance(value, model):
        raise errors.InvalidRequestError(
            f"body must be a wechatpay_offlineface.models.{model.__name__}, not {type(value).__name__}"
            f" (e.g. {model.__name__}.from_dict(...))"
        )


def aware_datetime(value: datetime.datetime) -> datetime.datetime:
    """The value, which must carry its UTC offset: WeChat Pay's times are RFC 3339 with one (+08:00). A naive one,
    passed in or received, is refused rather than read as local time"""
    if value.tzinfo is None or value.utcoffset() is None:
        raise errors.InvalidRequestError(
            f"a datetime must be timezone-aware, e.g. datetime(..., tzinfo=ZoneInfo('Asia/Shanghai')), not the naive"
            f" {value.isoformat()}"
        )
    return value


def check_echoed(response: Response[T], **asked: object) -> Response[T]:
    """The response, once a 2xx answer that repeats what was asked (an ID in the path, say) is found to repeat it:
    a signed answer about another object is a genuine answer replayed for a different request"""
    parsed = response.parsed
    if not 200 <= int(response.status_code) < 300 or parsed is None:
        return response
    for name, value in asked.items():
        echoed = getattr(parsed, name, UNSET)
        if value is None or isinstance(value, Unset) or echoed is None or isinstance(echoed, Unset):
            continue
        if str(echoed) != str(value):
            raise errors.MismatchedAnswer(
                name,
                asked=str(value),
                answered=str(echoed),
                status_code=int(response.status_code),
                request_id=response.request_id,
            )
    return response


__all__ = [
    "UNSET",
    "File",
    "FileTypes",
    "RequestFiles",
    "Response",
    "Unset",
    "aware_datetime",
    "check_body",
    "check_echoed",
    "check_path_segment",
    "check_query",
    "check_text",
    "http_status",
    "parse_body",
    "success_body",
]
