"""WeChat Pay APIv3's ciphers: RSA-OAEP for sensitive fields, AEAD_AES_256_GCM for what is sealed under the APIv3 key.

RSA-OAEP: a request field is encrypted for WeChat Pay (its public key, or a platform certificate) and an answer field
for the merchant (its API key): RSA-OAEP with SHA-1 and MGF1-SHA-1, no label, the ciphertext in base64
(PROTOCOL §3). OAEP is randomised, so the same plaintext gives a new ciphertext every time.

Plaintexts and ciphertexts never reach a message, a log or a traceback: functions that hold them are wrapped in
``without_locals``, and no error here is raised while handling one that holds them (``UnicodeError.object``).

AEAD_AES_256_GCM: platform certificates in the /v3/certificates download and the resources of notifications come
as base64 of the AES-256-GCM ciphertext followed by its 16-byte tag, with a nonce and associated data in clear
(PROTOCOL §3).
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .errors import ConfigurationError, SensitiveFieldError
from .protocol import APIV3_KEY_BYTES
from .tracebacks import without_locals

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# SHA-1 is what WeChat Pay specifies here; OAEP only needs it as a mask function, where it is not broken.
_SHA1 = hashes.SHA1()  # noqa: S303 - the hash WeChat Pay's OAEP uses; not a signature or a password hash
OAEP_SHA1 = padding.OAEP(mgf=padding.MGF1(algorithm=_SHA1), algorithm=_SHA1, label=None)
# OAEP spends two digests and two bytes of the modulus: RSA-2048 takes at most 256 - 42 = 214 bytes.
_OAEP_OVERHEAD = 2 * hashes.SHA1.digest_size + 2


def max_plaintext_bytes(key: rsa.RSAPublicKey | rsa.RSAPrivateKey) -> int:
    """The longest plaintext, in UTF-8 bytes, that RSA-OAEP-SHA1 takes with this key: 214 for RSA-2048."""
    return key.key_size // 8 - _OAEP_OVERHEAD


@without_locals
def rsa_oaep_encrypt(key: rsa.RSAPublicKey, plaintext: str) -> str:
    """Base64 of RSA-OAEP (SHA-1, MGF1-SHA1) over the UTF-8 plaintext, for the holder of key's private half."""
    if not isinstance(plaintext, str):
        raise SensitiveFieldError(f"a sensitive field is encrypted from text (str), not {type(plaintext).__name__}")
    surrogate = next((index for index, char in enumerate(plaintext) if "\ud800" <= char <= "\udfff"), None)
    if surrogate is not None:  # checked first: UnicodeEncodeError would carry the plaintext
        raise SensitiveFieldError(f"the plaintext is not valid Unicode text (a lone surrogate at index {surrogate})")
    data = plaintext.encode("utf-8")
    limit = max_plaintext_bytes(key)
    if len(data) > limit:
        raise SensitiveFieldError(
            f"the plaintext is {len(data)} bytes in UTF-8, longer than the {limit} bytes RSA-{key.key_size}"
            " OAEP-SHA1 can encrypt"
        )
    return base64.b64encode(key.encrypt(data, OAEP_SHA1)).decode("ascii")


@without_locals
def rsa_oaep_decrypt(key: rsa.RSAPrivateKey, ciphertext: str) -> str:
    """The UTF-8 text in a base64 RSA-OAEP (SHA-1, MGF1-SHA1) ciphertext made for key's public half."""
    if not isinstance(ciphertext, str):
        raise SensitiveFieldError(f"a ciphertext is base64 text (str), not {type(ciphertext).__name__}")
    # Checked first: for other text, b64decode's error would hold the ciphertext in its context (a UnicodeError).
    if not ciphertext.isascii():
        raise SensitiveFieldError("the ciphertext is not base64")
    try:
        data = base64.b64decode(ciphertext, validate=True)
    except (binascii.Error, ValueError):
        raise SensitiveFieldError("the ciphertext is not base64") from None
    size = key.key_size // 8
    if len(data) != size:
        raise SensitiveFieldError(
            f"the ciphertext is {len(data)} bytes, while RSA-{key.key_size} ciphertexts are {size}: it was cut,"
            " or made for another key"
        )
    try:
        plain = key.decrypt(data, OAEP_SHA1)
    except ValueError:
        raise SensitiveFieldError(
            "the ciphertext does not open with this private key: it was encrypted for another key, or changed"
        ) from None
    try:
        text: str | None = plain.decode("utf-8")
    except UnicodeDecodeError:  # it holds the decrypted bytes: raise once it is no longer being handled
        text = None
    if text is None:
        raise SensitiveFieldError("the decrypted field is not UTF-8 text")
    return text


def apiv3_cipher(apiv3_key: str | bytes) -> AESGCM:
    """The AES-256-GCM cipher of an APIv3 key, after checking its length (the message never shows the key).

    Its repr shows nothing: code that keeps the key for later keeps this instead.
    """
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # certificate mode and notifications only

    if not isinstance(apiv3_key, str | bytes):
        raise ConfigurationError(f"the APIv3 key must be str or bytes, not {type(apiv3_key).__name__}")
    key = apiv3_key.encode() if isinstance(apiv3_key, str) else apiv3_key
    if len(key) != APIV3_KEY_BYTES:
        raise ConfigurationError(f"the APIv3 key must be {APIV3_KEY_BYTES} bytes, not {len(key)}")
    return AESGCM(key)


def open_aes_256_gcm(cipher: AESGCM, nonce: str, ciphertext: str, associated_data: str = "") -> bytes:
    """The plaintext of one AEAD_AES_256_GCM ``ciphertext`` (base64 of ciphertext and tag) sealed under the key.

    Raises ``cryptography.exceptions.InvalidTag`` when the key is not the one that sealed it or anything was
    changed, and ``ValueError`` when ``ciphertext`` is not base64 or the nonce has no usable length.
    """
    sealed = base64.b64decode(ciphertext, validate=True)
    return cipher.decrypt(nonce.encode(), sealed, associated_data.encode())


def decrypt_aes_256_gcm(apiv3_key: bytes, nonce: str, ciphertext: str, associated_data: str = "") -> bytes:
    """``open_aes_256_gcm`` with the key itself."""
    return open_aes_256_gcm(apiv3_cipher(apiv3_key), nonce, ciphertext, associated_data)
