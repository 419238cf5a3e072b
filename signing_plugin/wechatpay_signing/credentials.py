"""Building a WeChatPayAuth from the files WeChat Pay hands out, or from WECHATPAY_* environment variables."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from .auth import WeChatPayAuth
from .base_url import check_base_url
from .env_file import read_env_file
from .errors import ConfigurationError
from .keys import PublicKeyInput, certificate_serial, load_certificate, read_pem, read_text
from .protocol import (
    DEFAULT_BASE_URL,
    ENV_APIV3_KEY,
    ENV_APIV3_KEY_PATH,
    ENV_BASE_URL,
    ENV_CERTIFICATE_CACHE_DIR,
    ENV_MCHID,
    ENV_PLATFORM_CERTIFICATE_PATHS,
    ENV_PRIVATE_KEY_PATH,
    ENV_PUBLIC_KEY_ID,
    ENV_PUBLIC_KEY_PATH,
    ENV_SERIAL_NO,
    PUBLIC_KEY_ID_PREFIX,
)
from .signer import MerchantSigner
from .tracebacks import without_locals
from .verifier import ResponseVerifier


@without_locals  # the APIv3 key, and the signer's key
def auth_from_files(
    *,
    mchid: str,
    serial_no: str,
    private_key_path: str | Path,
    public_key_id: str | None = None,
    public_key_path: str | Path | None = None,
    platform_certificate_paths: Iterable[str | Path] = (),
    apiv3_key: str | bytes | None = None,
    certificate_cache_dir: str | Path | None = None,
    base_url: str | None = None,
) -> WeChatPayAuth:
    """A WeChatPayAuth from apiclient_key.pem and WeChat Pay's public key file, platform certificates, or both.

    Platform certificates are filed under their own serials, read from the certificates. ``apiv3_key`` opens
    notifications (``auth.parse_notification``) in every mode. Without a public key it also downloads the platform
    certificates from ``base_url`` (WeChat Pay's main host by default) and keeps them fresh (a
    PlatformCertificateStore), caching them in ``certificate_cache_dir`` when given; with one it downloads nothing.
    """
    if base_url is not None:
        base_url = check_base_url(base_url)
    signer = MerchantSigner(mchid, serial_no, read_pem(private_key_path, "merchant private key"))
    public_keys: dict[str, PublicKeyInput] = {}
    if (public_key_id is None) != (public_key_path is None):
        raise ConfigurationError("public_key_id and public_key_path go together: give both or neither")
    if public_key_id is not None and public_key_path is not None:
        if not public_key_id.startswith(PUBLIC_KEY_ID_PREFIX):
            raise ConfigurationError(f"public_key_id must start with {PUBLIC_KEY_ID_PREFIX}, not {public_key_id!r}")
        public_keys[public_key_id] = read_pem(public_key_path, "WeChat Pay public key")
    for path in platform_certificate_paths:
        certificate = load_certificate(read_pem(path, "platform certificate"))
        public_keys[certificate_serial(certificate)] = certificate
    store = None
    # The APIv3 key opens notifications in every mode. It also downloads platform certificates, but only for a
    # merchant without the WeChat Pay public key: with it, WeChat Pay signs with that key and has no certificates.
    if apiv3_key is not None and public_key_id is None:
        # Imported here: merchants in public-key mode never load the certificate machinery (AES-GCM, X.509).
        from .store import PlatformCertificateStore

        store = PlatformCertificateStore(
            signer, apiv3_key, base_url=base_url or DEFAULT_BASE_URL, cache_dir=certificate_cache_dir
        )
    if not public_keys and store is None:
        raise ConfigurationError(
            "nothing to verify WeChat Pay's answers with: give the WeChat Pay public key (ID and file), platform"
            f" certificate files, or the APIv3 key to download platform certificates ({ENV_PUBLIC_KEY_ID} with"
            f" {ENV_PUBLIC_KEY_PATH}, {ENV_PLATFORM_CERTIFICATE_PATHS}, or {ENV_APIV3_KEY} / {ENV_APIV3_KEY_PATH})"
        )
    return WeChatPayAuth(signer, ResponseVerifier(public_keys, certificates=store), apiv3_key=apiv3_key)


@without_locals
def read_apiv3_key(value: str | None, path: str | Path | None) -> str | None:
    """The APIv3 key given as is, else read from its file; None when neither is set."""
    if value:
        return value
    return read_text(path, "APIv3 key").strip() if path else None


@without_locals  # the environment may hold the APIv3 key
def auth_from_env(environ: Mapping[str, str] | str | os.PathLike[str] | None = None) -> WeChatPayAuth:
    """A WeChatPayAuth from WECHATPAY_* variables naming the same values and files as auth_from_files.

    ``environ``: the variables (default: ``os.environ``), or the path of a wechatpay.env file of NAME=value lines,
    such as the sandbox writes; then that file's settings alone are used.
    """
    source = "environment variable {}"
    if isinstance(environ, str | os.PathLike):
        env: Mapping[str, str] = read_env_file(environ)
        source = "{} in " + os.fspath(environ)
    elif environ is None or isinstance(environ, Mapping):
        env = os.environ if environ is None else environ
    else:
        raise ConfigurationError(
            f"auth_from_env takes a mapping of WECHATPAY_* variables or the path of a wechatpay.env file,"
            f" not {type(environ).__name__}"
        )

    def required(name: str) -> str:
        value = env.get(name, "")
        if not value:
            raise ConfigurationError(f"{source.format(name)} is not set")
        return value

    certificates = env.get(ENV_PLATFORM_CERTIFICATE_PATHS, "")
    return auth_from_files(
        mchid=required(ENV_MCHID),
        serial_no=required(ENV_SERIAL_NO),
        private_key_path=required(ENV_PRIVATE_KEY_PATH),
        public_key_id=env.get(ENV_PUBLIC_KEY_ID) or None,
        public_key_path=env.get(ENV_PUBLIC_KEY_PATH) or None,
        platform_certificate_paths=[path for path in certificates.split(os.pathsep) if path],
        apiv3_key=read_apiv3_key(env.get(ENV_APIV3_KEY), env.get(ENV_APIV3_KEY_PATH)),
        certificate_cache_dir=env.get(ENV_CERTIFICATE_CACHE_DIR) or None,
        base_url=env.get(ENV_BASE_URL) or None,
    )
