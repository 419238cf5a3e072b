"""WeChat Pay's side of sensitive fields: opening what a merchant encrypted for one of the sandbox's keys.

The merchant names the key in ``Wechatpay-Serial``: the WeChat Pay public key ID or a platform certificate serial.
This uses the cryptography primitives directly, not wechatpay_signing's cipher, so that a test through the sandbox
checks the client against an independent implementation. Nothing here logs or echoes a plaintext or ciphertext.
"""

from __future__ import annotations

import base64
import binascii
import copy
from collections.abc import Iterable
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .credentials import SandboxCredentials

_SHA1 = hashes.SHA1()  # noqa: S303 - the hash WeChat Pay's RSA-OAEP uses for sensitive fields
_OAEP = padding.OAEP(mgf=padding.MGF1(algorithm=_SHA1), algorithm=_SHA1, label=None)


class SensitiveFieldRefused(Exception):
    """Why a sensitive field does not open, as WeChat Pay would answer it (400 PARAM_ERROR)."""


def private_key_for(credentials: SandboxCredentials, serial: str | None) -> rsa.RSAPrivateKey | None:
    """The sandbox's private key for a Wechatpay-Serial, or None when it names none of the sandbox's keys."""
    if not serial:
        return None
    if serial == credentials.public_key_id:
        return credentials.public_key_private
    return next((p.private_key for p in credentials.platform_certificates if p.serial == serial.upper()), None)


def decrypt_field(credentials: SandboxCredentials, serial: str | None, ciphertext: str) -> str:
    """The plaintext of one field encrypted for the key ``serial`` names (RSA-OAEP, SHA-1, base64)."""
    key = private_key_for(credentials, serial)
    if key is None:
        raise SensitiveFieldRefused("Wechatpay-Serial names no WeChat Pay key: sensitive fields cannot be decrypted")
    try:
        opened: str | None = key.decrypt(base64.b64decode(ciphertext.encode("ascii"), validate=True), _OAEP).decode()
    except (binascii.Error, ValueError, TypeError, AttributeError):  # UnicodeErrors are ValueErrors
        opened = None  # raised below, outside this handler: a UnicodeError holds the text it failed on
    if opened is None:
        raise SensitiveFieldRefused(f"a sensitive field does not decrypt with the key {serial}")
    return opened


def decrypt_fields(
    credentials: SandboxCredentials, serial: str | None, body: dict[str, Any], paths: Iterable[str]
) -> dict[str, Any]:
    """A copy of a JSON body with the string at each dotted path decrypted; absent and null fields are skipped."""
    opened = copy.deepcopy(body)
    for path in paths:
        *parents, name = path.split(".")
        node: Any = opened
        for part in parents:
            node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, dict) or node.get(name) is None:
            continue
        if not isinstance(node[name], str):
            raise SensitiveFieldRefused(f"sensitive field {path} is not a base64 string")
        node[name] = decrypt_field(credentials, serial, node[name])
    return opened
