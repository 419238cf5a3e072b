"""Signing requests: the merchant's half of WeChat Pay APIv3 authentication."""

from __future__ import annotations

import base64
import re
import secrets
import time

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from .cipher import rsa_oaep_decrypt
from .errors import ConfigurationError, wrong_type
from .keys import PrivateKeyInput, load_private_key
from .protocol import PUBLIC_KEY_ID_PREFIX, SCHEME
from .tracebacks import without_locals

# Values that go between the quotes of the Authorization header: a quote, comma or space would break it.
_HEADER_SAFE = re.compile(r"[0-9A-Za-z_\-.]+")
_HEX = re.compile(r"[0-9A-Fa-f]+")
_METHOD = re.compile(r"[A-Z]+")
# A request target as sent on the wire is printable ASCII without spaces or '#'; anything else was not encoded yet.
_WIRE_TARGET = re.compile(r"/[!\"$-~]*")


def request_message(method: str, url: str, timestamp: int, nonce: str, body: bytes) -> bytes:
    """The five-line message WeChat Pay checks: every line ends in a newline, the last one too."""
    if type(timestamp) is not int:  # %d would sign 1.5 as 1, and True as 1
        raise ConfigurationError(f"request_message: timestamp must be int, not {type(timestamp).__name__}")
    try:
        return b"%s\n%s\n%d\n%s\n%s\n" % (method.encode(), url.encode(), timestamp, nonce.encode(), body)
    except (AttributeError, TypeError, ValueError):
        arguments = {
            "method": (method, str),
            "url": (url, str),
            "nonce": (nonce, str),
            "body": (body, bytes),
        }
        error = wrong_type("request_message", arguments)
        if error is None:
            raise  # not a type: a str that does not encode, say
        raise error from None


def new_nonce() -> str:
    """32 random characters, as the official SDKs send."""
    return secrets.token_hex(16)


class MerchantSigner:
    """Signs requests with the merchant's API private key (apiclient_key.pem).

    ``serial_no`` is the serial of the merchant API certificate that belongs to that key, in hex.
    """

    __slots__ = ("_private_key", "mchid", "serial_no")

    @without_locals  # private_key may be the PEM text
    def __init__(self, mchid: str, serial_no: str, private_key: PrivateKeyInput) -> None:
        if not isinstance(mchid, str) or not _HEADER_SAFE.fullmatch(mchid):
            raise ConfigurationError(f"mchid must be the merchant ID, e.g. 1900000109, not {mchid!r}")
        if not isinstance(serial_no, str) or not _HEX.fullmatch(serial_no):
            hint = " (that is a WeChat Pay public key ID)" if str(serial_no).startswith(PUBLIC_KEY_ID_PREFIX) else ""
            raise ConfigurationError(
                f"serial_no must be the hex serial of the merchant API certificate, not {serial_no!r}{hint}"
            )
        self.mchid = mchid
        self.serial_no = serial_no
        self._private_key = load_private_key(private_key)

    def __repr__(self) -> str:
        return f"MerchantSigner(mchid={self.mchid!r}, serial_no={self.serial_no!r})"

    @without_locals
    def decrypt(self, ciphertext: str) -> str:
        """Open a field WeChat Pay encrypted for the merchant: base64 RSA-OAEP (SHA-1) with this private key."""
        return rsa_oaep_decrypt(self._private_key, ciphertext)

    def sign(self, message: bytes) -> str:
        """Base64 of RSA PKCS#1 v1.5 over SHA-256: deterministic for a key and a message."""
        if not isinstance(message, bytes | bytearray | memoryview):
            raise ConfigurationError(f"message must be bytes, not {type(message).__name__}")
        signature = self._private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(signature).decode("ascii")

    def authorization(
        self,
        method: str,
        url: str,
        body: bytes | str = b"",
        *,
        timestamp: int | None = None,
        nonce: str | None = None,
    ) -> str:
        """The whole Authorization header value for one request.

        ``url`` is the request target exactly as sent: the percent-encoded path, then ``?`` and the query.
        ``body`` is the exact bytes sent (a str is sent as UTF-8); a GET has none.
        """
        if not isinstance(method, str) or not _METHOD.fullmatch(method):
            raise ConfigurationError(f"method must be an upper-case HTTP method such as GET, not {method!r}")
        if not isinstance(url, str) or not _WIRE_TARGET.fullmatch(url):
            raise ConfigurationError(
                f"url must be the request target exactly as sent, starting with / and percent-encoded, not {url!r}"
            )
        if timestamp is None:
            timestamp = int(time.time())
        elif isinstance(timestamp, bool) or not isinstance(timestamp, int):
            # A float would be signed as %d and sent as written: an Authorization that never verifies.
            raise ConfigurationError(f"timestamp must be Unix seconds (int), not {type(timestamp).__name__}")
        if nonce is None:
            nonce = new_nonce()
        elif not isinstance(nonce, str) or not _HEADER_SAFE.fullmatch(nonce):
            kind = "" if isinstance(nonce, str) else f" (a str), not {type(nonce).__name__}"
            raise ConfigurationError(f"nonce must be letters, digits, '-', '_' or '.'{kind}")
        if isinstance(body, str):
            body = body.encode("utf-8")
        elif not isinstance(body, bytes):
            kind = type(body).__name__
            raise ConfigurationError(f"body must be the bytes sent (or a str, sent as UTF-8), not {kind}")
        signature = self.sign(request_message(method, url, timestamp, nonce, body))
        return (
            f'{SCHEME} mchid="{self.mchid}",nonce_str="{nonce}",signature="{signature}",'
            f'timestamp="{timestamp}",serial_no="{self.serial_no}"'
        )
