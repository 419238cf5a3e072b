"""WeChat Pay APIv3's fixed names and numbers, in one place (PROTOCOL.md §2-§4).

Everything here is a constant that WeChat Pay defines, or a name this package reads from the environment. The
plugin, its CLI and the sandbox all take them from here, so that a header name or a limit is spelled once.
"""

from __future__ import annotations

from typing import Final

# Hosts. The backup host serves the same API when the main one is unreachable.
DEFAULT_BASE_URL: Final = "https://api.mch.weixin.qq.com"
BACKUP_BASE_URL: Final = "https://api2.mch.weixin.qq.com"

# The one signature scheme: the Authorization header's first word, and Wechatpay-Signature-Type's only value.
SCHEME: Final = "WECHATPAY2-SHA256-RSA2048"

# Request headers.
AUTHORIZATION: Final = "Authorization"
# Answer headers: WeChat Pay signs every answer with these, and names the answer with Request-ID.
REQUEST_ID: Final = "Request-ID"
WECHATPAY_TIMESTAMP: Final = "Wechatpay-Timestamp"
WECHATPAY_NONCE: Final = "Wechatpay-Nonce"
WECHATPAY_SIGNATURE: Final = "Wechatpay-Signature"
# Names the key that signed an answer; in public-key mode a request names WeChat Pay's public key ID with it too.
WECHATPAY_SERIAL: Final = "Wechatpay-Serial"
WECHATPAY_SIGNATURE_TYPE: Final = "Wechatpay-Signature-Type"
SIGNED_ANSWER_HEADERS: Final = (WECHATPAY_TIMESTAMP, WECHATPAY_NONCE, WECHATPAY_SIGNATURE, WECHATPAY_SERIAL)

MAX_SKEW_SECONDS: Final = 300
"""5 minutes: a request or an answer whose timestamp is further from the receiver's clock is refused."""

# A serial starting with this names the WeChat Pay public key; any other is a platform certificate's hex serial.
PUBLIC_KEY_ID_PREFIX: Final = "PUB_KEY_ID_"
# WeChat Pay sends probe answers signed with this prefix to check that merchants really verify: never valid.
PROBE_SIGNATURE_PREFIX: Final = "WECHATPAY/SIGNTEST/"

# Platform certificates: where they are downloaded, and how each is encrypted under the APIv3 key.
CERTIFICATES_PATH: Final = "/v3/certificates"
AEAD_AES_256_GCM: Final = "AEAD_AES_256_GCM"
APIV3_KEY_BYTES: Final = 32

# The environment variables auth_from_env and the wechatpay command read; the README lists them too.
ENV_MCHID: Final = "WECHATPAY_MCHID"
ENV_SERIAL_NO: Final = "WECHATPAY_MERCHANT_SERIAL_NO"
ENV_PRIVATE_KEY_PATH: Final = "WECHATPAY_PRIVATE_KEY_PATH"
ENV_MERCHANT_CERT_PATH: Final = "WECHATPAY_MERCHANT_CERT_PATH"
ENV_PUBLIC_KEY_ID: Final = "WECHATPAY_PUBLIC_KEY_ID"
ENV_PUBLIC_KEY_PATH: Final = "WECHATPAY_PUBLIC_KEY_PATH"
ENV_PLATFORM_CERTIFICATE_PATHS: Final = "WECHATPAY_PLATFORM_CERTIFICATE_PATHS"
# Downloading platform certificates: the APIv3 key (in the variable, or a file), where to keep them, which host.
ENV_APIV3_KEY: Final = "WECHATPAY_APIV3_KEY"
ENV_APIV3_KEY_PATH: Final = "WECHATPAY_APIV3_KEY_PATH"
ENV_CERTIFICATE_CACHE_DIR: Final = "WECHATPAY_CERTIFICATE_CACHE_DIR"
ENV_BASE_URL: Final = "WECHATPAY_BASE_URL"
# The wechatpay command: a wechatpay.env file of WECHATPAY_*=value lines, for what the environment does not set.
ENV_FILE: Final = "WECHATPAY_ENV_FILE"
