"""Verifying responses: WeChat Pay signs every answer with a platform certificate or its public key."""

from __future__ import annotations

import base64
import binascii
import re
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .clock import describe_skew
from .errors import ClockSkewError, ConfigurationError, SignatureVerificationError, wrong_type
from .keys import PublicKeyInput, certificate_of, certificate_serial, load_public_key
from .protocol import (
    MAX_SKEW_SECONDS,
    PROBE_SIGNATURE_PREFIX,
    PUBLIC_KEY_ID_PREFIX,
    REQUEST_ID,
    SCHEME,
    SIGNED_ANSWER_HEADERS,
    WECHATPAY_NONCE,
    WECHATPAY_SERIAL,
    WECHATPAY_SIGNATURE,
    WECHATPAY_SIGNATURE_TYPE,
    WECHATPAY_TIMESTAMP,
)
from .text import shown

if TYPE_CHECKING:
    from cryptography import x509

# Headers are looked up by their lower-case names.
_SERIAL, _SIGNATURE, _SIGNATURE_TYPE = (
    WECHATPAY_SERIAL.lower(),
    WECHATPAY_SIGNATURE.lower(),
    WECHATPAY_SIGNATURE_TYPE.lower(),
)
_TIMESTAMP, _NONCE, _REQUEST_ID = WECHATPAY_TIMESTAMP.lower(), WECHATPAY_NONCE.lower(), REQUEST_ID.lower()

# A Unix time in seconds has 10 digits until the year 2286; a longer one is not a time (and overflows a float).
_MAX_TIMESTAMP_DIGITS = 12
_CONTROL_CHARACTER = re.compile("[\x00-\x1f\x7f]")
_SIGNED_ANSWER_HEADERS = tuple((name, name.lower()) for name in SIGNED_ANSWER_HEADERS)


def control_character_in(headers: Mapping[str, str]) -> str | None:
    """The first signed header (timestamp, nonce, serial, signature) holding a control character, or None.

    The signed message joins its lines with newlines: a nonce ``A\nB`` would make two different answers sign the
    same bytes. No genuine value holds a control character, so one is refused before any message is built.
    """
    return _control_character_in({name.lower(): value for name, value in headers.items()})


def _control_character_in(by_name: Mapping[str, str]) -> str | None:
    """``control_character_in`` for headers keyed by their lower-case names."""
    for name, lower in _SIGNED_ANSWER_HEADERS:
        # One regex scan, not a Python loop per character: it runs on every answer (a 344-character signature).
        if _CONTROL_CHARACTER.search(by_name.get(lower, "")):
            return name
    return None


class CertificateGetter(Protocol):
    """Where the verifier finds platform certificates it was not given, as wechatpay-go's CertificateGetter.

    ``PlatformCertificateStore`` is one (it downloads and refreshes them); the verifier needs nothing else of it.
    """

    def get(self, serial: str) -> rsa.RSAPublicKey | None:
        """The key of the valid certificate with this serial (any case), or None."""
        ...

    def all(self) -> Mapping[str, rsa.RSAPublicKey]:
        """Every certificate's key, by serial."""
        ...

    def newest(self) -> str | None:
        """The serial of the certificate that expires last, or None when there is none."""
        ...


def response_message(timestamp: str, nonce: str, body: bytes) -> bytes:
    """The three-line message WeChat Pay signs: every line ends in a newline, the last one too."""
    try:
        return b"%s\n%s\n%s\n" % (timestamp.encode(), nonce.encode(), body)
    except (AttributeError, TypeError):
        arguments = {"timestamp": (timestamp, str), "nonce": (nonce, str), "body": (body, bytes)}
        error = wrong_type("response_message", arguments)
        if error is None:
            raise
        raise error from None


def _wrong_header_type(pairs: Iterable[tuple[object, object]]) -> ConfigurationError:
    """The error for headers given by hand with a name or value that is not a str (bytes, an int, None)."""
    for name, value in pairs:
        for part in (name, value):
            if not isinstance(part, str):
                return ConfigurationError(f"header names and values must be str, not {type(part).__name__}")
    return ConfigurationError("header names and values must be str")


def _key_for(serial: str, key: PublicKeyInput) -> tuple[rsa.RSAPublicKey, x509.Certificate | None]:
    """The verifying key and its certificate, if any, after checking that it has the serial it is filed under."""
    certificate = certificate_of(key)
    if certificate is not None and certificate_serial(certificate) != serial.upper():
        raise ConfigurationError(
            f"the certificate filed under serial {serial} has serial {certificate_serial(certificate)}"
        )
    return load_public_key(certificate or key), certificate


class ResponseVerifier:
    """Checks the signature, key serial and freshness of WeChat Pay responses.

    ``public_keys`` maps a serial to its key: a platform certificate's hex serial to the certificate, and a
    ``PUB_KEY_ID_…`` ID to the WeChat Pay public key. Both kinds may be in one map while a merchant migrates.
    ``certificates``, a store that downloads platform certificates (any ``CertificateGetter``), is asked for serials
    the map does not hold.
    """

    __slots__ = ("_certificates", "_keys", "_public_key_id", "certificates", "max_skew")

    def __init__(
        self,
        public_keys: Mapping[str, PublicKeyInput],
        *,
        max_skew: int = MAX_SKEW_SECONDS,
        certificates: CertificateGetter | None = None,
    ) -> None:
        if not public_keys and certificates is None:
            raise ConfigurationError(
                "ResponseVerifier needs a WeChat Pay public key, a platform certificate, or a certificate store"
            )
        if isinstance(max_skew, bool) or not isinstance(max_skew, int) or max_skew < 0:
            raise ConfigurationError(f"max_skew must be a number of seconds, 0 or more, not {max_skew!r}")
        if not isinstance(public_keys, Mapping):
            raise ConfigurationError(
                f"public_keys must be a mapping of serial or ID to key, not {type(public_keys).__name__}"
            )
        for serial in public_keys:
            if not isinstance(serial, str):
                raise ConfigurationError(
                    f"a key must be filed under its serial or ID (str), not {type(serial).__name__}"
                )
        # Certificate serials are hex, which WeChat Pay writes in upper case; look them up without regard to case.
        loaded = {serial.upper(): _key_for(serial, key) for serial, key in public_keys.items()}
        self._keys = {serial: key for serial, (key, _) in loaded.items()}
        # Kept for their validity: the newest valid one encrypts sensitive fields when there is no public key.
        self._certificates = {serial: cert for serial, (_, cert) in loaded.items() if cert is not None}
        # Found once: the auth sends it on every request in public-key mode.
        self._public_key_id = next((s for s in sorted(self._keys) if s.startswith(PUBLIC_KEY_ID_PREFIX)), None)
        self.max_skew = max_skew
        self.certificates = certificates

    def __repr__(self) -> str:
        store = f", certificates={self.certificates!r}" if self.certificates is not None else ""
        return f"ResponseVerifier(serials={sorted(self._keys)!r}, max_skew={self.max_skew}{store})"

    @property
    def serials(self) -> frozenset[str]:
        return frozenset(self._keys)

    @property
    def public_key_id(self) -> str | None:
        """The WeChat Pay public key ID, when one is configured (public-key mode)."""
        return self._public_key_id

    def encryption_key(self, *, now: float | None = None) -> tuple[str, rsa.RSAPublicKey] | None:
        """The serial and key that sensitive request fields are encrypted for, or None when there is none.

        The WeChat Pay public key when one is configured (the first ``PUB_KEY_ID_…`` in sorted order); else the
        newest downloaded platform certificate (``certificates.newest()``, valid now), which is what WeChat Pay
        lists at present; else the newest configured platform certificate valid now: the latest expiry wins, then
        the latest start, then the larger serial. A bare public key filed under a certificate serial only verifies
        answers.
        """
        if self._public_key_id is not None:
            return self._public_key_id, self._keys[self._public_key_id]
        if self.certificates is not None:
            serial = self.certificates.newest()
            key = self.certificates.get(serial) if serial is not None else None
            if serial is not None and key is not None:
                return serial, key
        when = time.time() if now is None else now
        candidates = [
            (certificate.not_valid_after_utc, certificate.not_valid_before_utc, serial, self._keys[serial])
            for serial, certificate in self._certificates.items()
            if certificate.not_valid_before_utc.timestamp() <= when <= certificate.not_valid_after_utc.timestamp()
        ]
        if not candidates:
            return None
        _, _, serial, key = max(candidates, key=lambda candidate: candidate[:3])
        return serial, key

    def _known(self) -> str:
        known = f"configured: {', '.join(sorted(self._keys)) or 'none'}"
        store = self.certificates
        if store is not None:
            known += f"; downloaded certificates: {', '.join(store.all()) or 'none'}"
            last_error = getattr(store, "last_error", None)  # a store that downloads says why its last one failed
            if last_error:
                known += f" (last refresh failed: {shown(str(last_error))})"
        return known

    def verify(self, headers: Mapping[str, str], body: bytes, *, now: float | None = None) -> None:
        """Return if the response is genuine and fresh; raise SignatureVerificationError (ClockSkewError: stale)."""
        if now is not None and (isinstance(now, bool) or not isinstance(now, int | float)):
            raise ConfigurationError(f"now must be Unix seconds (int or float) or None, not {type(now).__name__}")
        if not isinstance(headers, Mapping) or not isinstance(body, bytes):
            raise ConfigurationError(
                f"verify takes the answer's headers (a mapping) and its body (bytes), not {type(headers).__name__}"
                f" and {type(body).__name__}"
            )
        try:
            by_name = {name.lower(): value for name, value in headers.items()}
        except AttributeError:
            raise _wrong_header_type(headers.items()) from None
        serial = by_name.get(_SERIAL, "")
        request_id = by_name.get(_REQUEST_ID)

        def reject(reason: str) -> SignatureVerificationError:
            return SignatureVerificationError(reason, serial=serial or None, request_id=request_id)

        missing = [name for name, lower in _SIGNED_ANSWER_HEADERS if not by_name.get(lower)]
        if missing:
            if not all(isinstance(name, str) for name in by_name):  # bytes names, looked up under str ones
                raise _wrong_header_type(by_name.items())
            raise reject(f"missing header {', '.join(missing)}")
        try:
            unsafe = _control_character_in(by_name)  # the headers lower-cased once, above
        except TypeError:  # a value given by hand that is not a str
            raise _wrong_header_type(by_name.items()) from None
        if unsafe is not None:
            raise SignatureVerificationError(f"{unsafe} holds a control character", request_id=request_id)
        signature_type = by_name.get(_SIGNATURE_TYPE, SCHEME)
        if signature_type != SCHEME:
            if not isinstance(signature_type, str):
                raise _wrong_header_type(by_name.items())
            raise reject(f"unsupported {WECHATPAY_SIGNATURE_TYPE} {signature_type[:40]!r}, expected {SCHEME}")

        timestamp = by_name[_TIMESTAMP]
        if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > _MAX_TIMESTAMP_DIGITS:
            raise reject(f"{WECHATPAY_TIMESTAMP} is not a Unix time in seconds")
        when = time.time() if now is None else now
        skew = int(timestamp) - when
        if abs(skew) > self.max_skew:
            raise ClockSkewError(
                f"the local clock is {describe_skew(skew)} this response's {WECHATPAY_TIMESTAMP} ({skew:+.0f} s; at"
                f" most {self.max_skew} s allowed). Fix the clock (NTP), unless the response is a replay",
                skew=skew,
                request_id=request_id,
            )

        key = self._keys.get(serial.upper())
        if key is None and self.certificates is not None:
            key = self.certificates.get(serial)
        if key is None:
            raise reject(f"unknown {WECHATPAY_SERIAL}; {self._known()}")
        certificate = self._certificates.get(serial.upper())
        if certificate is not None and when > certificate.not_valid_after_utc.timestamp() + self.max_skew:
            # Checked at use: an expired certificate's key may have leaked since. max_skew allows for the clocks.
            raise reject(
                f"the platform certificate expired at {certificate.not_valid_after_utc:%Y-%m-%d %H:%M:%S} UTC"
                f" (at most {self.max_skew} s allowed for the clocks); configure its successor"
            )
        if certificate is not None and when < certificate.not_valid_before_utc.timestamp() - self.max_skew:
            # Nor before it starts: WeChat Pay signs nothing with a certificate that is not valid yet.
            raise reject(
                f"the platform certificate is not valid until {certificate.not_valid_before_utc:%Y-%m-%d %H:%M:%S}"
                f" UTC (at most {self.max_skew} s allowed for the clocks)"
            )

        encoded = by_name[_SIGNATURE]
        if encoded.startswith(PROBE_SIGNATURE_PREFIX):
            raise reject(f"WeChat Pay probe signature ({PROBE_SIGNATURE_PREFIX}), which must never verify")
        try:
            signature = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise reject(f"{WECHATPAY_SIGNATURE} is not base64") from None
        message = response_message(timestamp, by_name[_NONCE], body)
        try:
            key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise reject("signature does not match the body and headers") from None
