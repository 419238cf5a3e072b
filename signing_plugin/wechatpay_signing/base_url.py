"""Checking a base URL before anything is sent: scheme and host (and port) only, as operation paths start with /v3."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .errors import ConfigurationError

_USER_INFO = re.compile(r"[^/@]*@")
_EXAMPLE = "e.g. https://api.mch.weixin.qq.com, or http://127.0.0.1:8080 for the local sandbox"


def check_base_url(url: object) -> str:
    """The base URL without a trailing "/", or ConfigurationError naming what is wrong with it.

    A path (a trailing /v3 included), a query, a fragment or user info is refused rather than dropped: each
    operation's path is absolute (/v3/...) and signed as sent, so a prefix would change what WeChat Pay checks.
    """
    if not isinstance(url, str):
        raise ConfigurationError(f"base_url must be a string ({_EXAMPLE}), not {type(url).__name__}")
    if not url.isprintable() or any(character.isspace() for character in url):
        raise ConfigurationError("base_url holds a space or a control character")
    shown = _USER_INFO.sub("***@", url)  # a password in the URL stays out of the message
    parts = urlsplit(url)
    if "://" not in url:
        raise ConfigurationError(f"base_url {shown!r} has no scheme: write it in full, {_EXAMPLE}")
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(f"base_url {shown!r} must start with https:// and name a host, {_EXAMPLE}")
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError(f"base_url {shown!r} must not hold a user name or password")
    if not parts.hostname:
        raise ConfigurationError(f"base_url {shown!r} names no host, {_EXAMPLE}")
    try:
        parts.port  # noqa: B018 - urllib checks the port only when asked
    except ValueError:
        raise ConfigurationError(f"base_url {shown!r} has a port that is not a number from 0 to 65535") from None
    path = parts.path.rstrip("/")
    if path.lower().endswith("/v3"):
        raise ConfigurationError(
            f"base_url {shown!r} ends in /v3: drop it, each operation's path already starts with /v3"
        )
    if path:
        raise ConfigurationError(
            f"base_url {shown!r} has a path ({parts.path!r}): give only scheme and host, {_EXAMPLE}"
        )
    if "?" in url:
        raise ConfigurationError(f"base_url {shown!r} has a query: give only scheme and host, {_EXAMPLE}")
    if "#" in url:
        raise ConfigurationError(f"base_url {shown!r} has a fragment: give only scheme and host, {_EXAMPLE}")
    return url.rstrip("/")
