"""WeChat Pay's side of the protocol: checking merchants' requests and signing answers."""

from __future__ import annotations

import base64
import re
import secrets
import time
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from wechatpay_signing import certificate_serial, load_public_key, protocol, request_message, response_message

_AUTHORIZATION = re.compile(re.escape(protocol.SCHEME) + r' ((?:\w+="[^"]*",?)+)')
_FIELDS = ("mchid", "nonce_str", "signature", "timestamp", "serial_no")
MAX_SKEW = protocol.MAX_SKEW_SECONDS


class SignError(Exception):
    """Why a request's Authorization is refused, as WeChat Pay answers with 401 SIGN_ERROR."""


@dataclass(frozen=True)
class Merchant:
    """A merchant the sandbox knows: its ID and the API certificate its requests are signed for."""

    mchid: str
    certificate: x509.Certificate

    @property
    def serial(self) -> str:
        return certificate_serial(self.certificate)

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return load_public_key(self.certificate)


def check_request(
    merchants: dict[str, Merchant], authorization: str | None, method: str, target: str, body: bytes
) -> Merchant:
    """The merchant whose valid signature the request carries, or SignError saying what is wrong."""
    match = _AUTHORIZATION.fullmatch(authorization or "")
    if match is None:
        raise SignError(f"{protocol.AUTHORIZATION} must be {protocol.SCHEME} followed by its fields")
    fields = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))
    missing = [name for name in _FIELDS if not fields.get(name)]
    if missing:
        raise SignError(f"{protocol.AUTHORIZATION} lacks {', '.join(missing)}")
    merchant = merchants.get(fields["mchid"])
    if merchant is None:
        raise SignError(f"unknown mchid {fields['mchid']}")
    if fields["serial_no"].upper() != merchant.serial:
        raise SignError("serial_no is not the serial of this merchant's API certificate")
    if not fields["timestamp"].isdigit() or abs(int(fields["timestamp"]) - time.time()) > MAX_SKEW:
        raise SignError("timestamp is more than 5 minutes from WeChat Pay's clock")
    message = request_message(method, target, int(fields["timestamp"]), fields["nonce_str"], body)
    try:
        merchant.public_key.verify(base64.b64decode(fields["signature"]), message, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        raise SignError("signature does not verify over the method, target, timestamp, nonce and body") from None
    return merchant


def sign_response(private_key: rsa.RSAPrivateKey, serial: str, body: bytes, *, timestamp: int) -> dict[str, str]:
    """The Wechatpay-* headers of a signed answer."""
    nonce = secrets.token_hex(16)
    signature = private_key.sign(response_message(str(timestamp), nonce, body), padding.PKCS1v15(), hashes.SHA256())
    return {
        protocol.WECHATPAY_TIMESTAMP: str(timestamp),
        protocol.WECHATPAY_NONCE: nonce,
        protocol.WECHATPAY_SIGNATURE: base64.b64encode(signature).decode(),
        protocol.WECHATPAY_SERIAL: serial,
        protocol.WECHATPAY_SIGNATURE_TYPE: protocol.SCHEME,
    }
