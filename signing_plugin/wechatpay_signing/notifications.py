"""Notifications (callbacks) from WeChat Pay: verify the signature, decrypt the resource, hand over the event.

WeChat Pay POSTs a JSON envelope signed like its answers (``timestamp\\nnonce\\nbody\\n``) whose ``resource`` is
encrypted with AEAD_AES_256_GCM under the merchant's APIv3 key. Parsing does no I/O: it is safe from any thread
and from async code. Nothing raised or logged here holds the APIv3 key or the decrypted resource.
"""

from __future__ import annotations

import binascii
import datetime
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, TypeVar, runtime_checkable

from cryptography.exceptions import InvalidTag

from .cipher import apiv3_cipher, open_aes_256_gcm
from .errors import ClockSkewError, ConfigurationError, NotificationDecryptionError, SignatureVerificationError
from .logs import logger
from .tracebacks import without_locals
from .verifier import ResponseVerifier

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ALGORITHM = "AEAD_AES_256_GCM"
_ENVELOPE_FIELDS = ("id", "create_time", "event_type", "resource_type", "summary")

T_co = TypeVar("T_co", covariant=True)


@runtime_checkable
class HeaderItems(Protocol):
    """Anything with ``items()`` of name-value pairs: a dict, Starlette's, Flask's, Django's or aiohttp's headers."""

    def items(self) -> Iterable[tuple[str, str]]: ...


class ResourceModel(Protocol[T_co]):
    """A model class built from the decrypted resource, such as the generated client's attrs models."""

    def from_dict(self, src_dict: Mapping[str, Any], /) -> T_co: ...


@dataclass(frozen=True)
class Notification:
    """One verified, decrypted notification. WeChat Pay redelivers: de-duplicate by ``id``.

    ``resource`` is the decrypted JSON; ``resource_as(Model)`` gives it typed, e.g.
    ``notification.resource_as(UserStateChangeResource)`` for ``FACEPAY.USER_STATE_CHANGE``. The generated client's
    ``wechatpay_offlineface.notifications.typed_resource(notification)`` picks the model by event type from the spec.
    """

    id: str
    create_time: datetime.datetime
    event_type: str
    resource_type: str
    summary: str
    resource: dict[str, Any] = field(repr=False)  # decrypted user data: kept out of reprs and logs

    @without_locals  # the model's from_dict frames hold the decrypted resource
    def resource_as(self, model: ResourceModel[T_co]) -> T_co:
        """The resource as ``model`` (any class with ``from_dict``); NotificationDecryptionError if it does not fit."""
        try:
            return model.from_dict(self.resource)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            name = getattr(model, "__name__", type(model).__name__)
            # A missing key is named: a generated model's KeyError holds the field's name (d.pop("user_id")), not
            # data. Other messages may quote a decrypted value, so only their type is shown.
            key = error.args[0] if isinstance(error, KeyError) and error.args else None
            why = f"it lacks {key}" if isinstance(key, str) and key.isidentifier() else type(error).__name__
            raise NotificationDecryptionError(
                f"the resource of {self.event_type} notification {self.id} is not a {name} ({why})",
                cause="malformed",
            ) from None


Headers: TypeAlias = "HeaderItems | Iterable[tuple[str, str]]"


def _header_dict(headers: Headers) -> dict[str, str]:
    """Header names in lower case; a Wechatpay-* name given twice (in any case) is refused: no copy hides another."""
    pairs = headers.items() if isinstance(headers, HeaderItems) else headers
    by_name: dict[str, str] = {}
    try:
        pairs = list(pairs)
    except TypeError:
        raise ConfigurationError(
            f"headers must be a mapping or name-value pairs, not {type(headers).__name__}"
        ) from None
    for pair in pairs:
        name, value = pair if isinstance(pair, tuple) and len(pair) == 2 else (None, None)
        if not isinstance(name, str) or not isinstance(value, str):
            raise ConfigurationError("header names and values must be str; decode raw ASGI headers as latin-1")
        lower = name.lower()
        if lower in by_name and lower.startswith("wechatpay-"):
            raise SignatureVerificationError(f"header {name} is given twice", request_id=by_name.get("request-id"))
        by_name[lower] = value
    return by_name


def _body_bytes(body: bytes | str) -> bytes:
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes | bytearray | memoryview):
        return bytes(body)
    raise ConfigurationError(f"body must be the raw bytes of the request (or str), not {type(body).__name__}")


@without_locals  # apiv3_key, and the plaintext in the frames below
def parse_notification(
    headers: Headers,
    body: bytes | str,
    *,
    verifier: ResponseVerifier,
    apiv3_key: str | bytes,
    now: float | None = None,
) -> Notification:
    """Verify a notification's signature and freshness, decrypt its resource, and return it.

    ``headers``: a mapping (any name case; Starlette's, Flask's, Django's and aiohttp's headers too) or
    name-value pairs such as decoded ASGI headers. ``body``: the raw bytes as received (a ``str`` is encoded as
    UTF-8), never re-serialised JSON. ``now``: Unix seconds (default: the clock).

    Raises SignatureVerificationError for a forged, unsigned, stale or unknown-key notification,
    NotificationDecryptionError when the signature holds but the resource does not open, and ConfigurationError
    for arguments that cannot work.
    """
    return parse_with_cipher(headers, body, verifier=verifier, cipher=apiv3_cipher(apiv3_key), now=now)


@without_locals  # the plaintext in the frames below
def parse_with_cipher(
    headers: Headers, body: bytes | str, *, verifier: ResponseVerifier, cipher: AESGCM, now: float | None
) -> Notification:
    """parse_notification with the APIv3 key's cipher made already (WeChatPayAuth keeps one)."""
    if not callable(getattr(verifier, "verify", None)):
        raise ConfigurationError(f"verifier must be a ResponseVerifier, not {type(verifier).__name__}")
    by_name = _header_dict(headers)
    raw = _body_bytes(body)
    request_id = by_name.get("request-id")
    try:
        verifier.verify(by_name, raw, now=now)
    except (SignatureVerificationError, ClockSkewError) as error:
        refused = error
        if isinstance(error, ClockSkewError):
            # For a callback, a timestamp this far off is more likely a replay than a wrong clock: a forgery.
            refused = SignatureVerificationError(
                f"stale notification: its Wechatpay-Timestamp is {error.skew:+.0f} s from now (at most"
                f" {verifier.max_skew} s allowed): a replay, or the local clock is off",
                serial=by_name.get("wechatpay-serial"),
                request_id=request_id,
            )
        logger.warning("refused notification: %s", refused)
        raise refused from None
    notification = _open(cipher, raw, request_id)
    logger.debug("verified notification %s (%s), Request-ID %s", notification.id, notification.event_type, request_id)
    return notification


def _open(cipher: AESGCM, body: bytes, request_id: str | None) -> Notification:
    """The envelope read and its resource decrypted; the signature has been checked already."""

    def refuse(reason: str, cause: str) -> NotificationDecryptionError:
        return NotificationDecryptionError(reason, cause=cause, request_id=request_id)

    try:
        envelope = json.loads(body)
    except ValueError:
        raise refuse("the body is not JSON", "malformed") from None
    if not isinstance(envelope, dict):
        raise refuse("the body is not a JSON object", "malformed")
    missing = [name for name in (*_ENVELOPE_FIELDS, "resource") if name not in envelope]
    if missing:
        raise refuse(f"the body lacks {', '.join(missing)}", "malformed")
    if not all(isinstance(envelope[name], str) for name in _ENVELOPE_FIELDS):
        raise refuse(f"{', '.join(_ENVELOPE_FIELDS)} must be strings", "malformed")
    resource = _decrypt(cipher, envelope["resource"], refuse)
    return Notification(
        id=envelope["id"],
        create_time=_aware_time(envelope["create_time"], refuse),
        event_type=envelope["event_type"],
        resource_type=envelope["resource_type"],
        summary=envelope["summary"],
        resource=resource,
    )


class _Refuse(Protocol):
    def __call__(self, reason: str, cause: str) -> NotificationDecryptionError: ...


def _aware_time(text: str, refuse: _Refuse) -> datetime.datetime:
    try:
        when = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise refuse(f"create_time {text[:40]!r} is not an RFC 3339 time", "malformed") from None
    if when.tzinfo is None:
        raise refuse(f"create_time {text[:40]!r} has no time zone", "malformed")
    return when


def _decrypt(cipher: AESGCM, sealed: Any, refuse: _Refuse) -> dict[str, Any]:
    if not isinstance(sealed, dict):
        raise refuse("resource is not an object", "malformed")
    algorithm = sealed.get("algorithm")
    if algorithm != ALGORITHM:
        raise refuse(f"unknown resource algorithm {str(algorithm)[:40]!r}, expected {ALGORITHM}", "algorithm")
    nonce, ciphertext = sealed.get("nonce"), sealed.get("ciphertext")
    associated_data = sealed.get("associated_data") or ""  # optional: absent means empty
    if not (isinstance(nonce, str) and isinstance(ciphertext, str) and isinstance(associated_data, str)):
        raise refuse("resource nonce, ciphertext and associated_data must be strings", "malformed")
    try:
        opened = open_aes_256_gcm(cipher, nonce, ciphertext, associated_data)
    except (InvalidTag, binascii.Error, ValueError):
        raise refuse(
            "the resource does not decrypt: the APIv3 key is not this merchant's (账户中心 > API安全 > APIv3密钥), or"
            " the ciphertext, nonce or associated_data was changed",
            "decrypt",
        ) from None
    try:
        resource = json.loads(opened)
    except ValueError:
        resource = None
    if not isinstance(resource, dict):
        raise refuse("the decrypted resource is not a JSON object", "malformed")
    return resource
