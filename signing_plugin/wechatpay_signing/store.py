"""The platform certificates an auth verifies with: held by serial, refreshed on a schedule, one download at a time.

During a rotation two certificates are valid at once; new ones appear 10 days before the old ones expire. The
store keeps every valid one and refreshes on a schedule, and at once when an answer names a serial it does not
know, at most once a minute. The verifier asks it for keys through ``CertificateGetter`` (get / all / newest).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa

from .cache import CertificateCache, CertificateCacheError
from .downloader import PlatformCertificate, fetch_certificates
from .errors import ConfigurationError, WeChatPayError
from .logs import logger
from .protocol import APIV3_KEY_BYTES, DEFAULT_BASE_URL, PUBLIC_KEY_ID_PREFIX
from .signer import MerchantSigner
from .tracebacks import without_locals

DEFAULT_REFRESH_INTERVAL = 6 * 3600.0
"""Seconds between scheduled downloads: 6 h, well inside the 5 days two certificates overlap."""
DEFAULT_MIN_INTERVAL = 60.0
"""At most one download a minute, whatever asks for it: a flood of unknown serials is not a flood of downloads."""


def _check_arguments(
    signer: object,
    apiv3_key: object,
    cache_dir: object,
    transport: object,
    refresh_interval: object,
    min_interval: object,
    timeout: object,
) -> None:
    """A ConfigurationError naming the first argument that cannot work, rather than a TypeError at the first use."""
    if not isinstance(signer, MerchantSigner):
        raise ConfigurationError(f"signer must be a MerchantSigner, not {type(signer).__name__}")
    if not isinstance(apiv3_key, str | bytes):
        raise ConfigurationError(f"the APIv3 key must be str or bytes, not {type(apiv3_key).__name__}")
    if cache_dir is not None and not isinstance(cache_dir, str | os.PathLike):
        raise ConfigurationError(f"cache_dir must be a path or None, not {type(cache_dir).__name__}")
    if transport is not None and not isinstance(transport, httpx.BaseTransport):
        raise ConfigurationError(f"transport must be an httpx.BaseTransport or None, not {type(transport).__name__}")
    for name, seconds, least in (("refresh_interval", refresh_interval, 0), ("min_interval", min_interval, 0)):
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not seconds >= least:
            raise ConfigurationError(f"{name} must be a number of seconds, 0 or more, not {seconds!r}")
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
        raise ConfigurationError(f"timeout must be a positive number of seconds, not {timeout!r}")


class PlatformCertificateStore:
    """Valid platform certificates by serial, downloaded with the merchant's signer and kept fresh.

    ``refresh`` is safe from any number of threads: one download at a time, and a caller that waited while
    another thread refreshed does not download again. ``cache_dir`` keeps the certificates across restarts
    (``cache.CertificateCache``: tied to the merchant by an HMAC under the APIv3 key; a folder that is a symbolic
    link, another user's or writable by others raises CertificateCacheError here). Downloads go through the proxy
    the environment names (``HTTPS_PROXY``, ``NO_PROXY``…, as httpx reads them) unless ``transport`` is given.
    """

    @without_locals  # the APIv3 key
    def __init__(
        self,
        signer: MerchantSigner,
        apiv3_key: str | bytes,
        *,
        base_url: str = DEFAULT_BASE_URL,
        cache_dir: str | Path | None = None,
        refresh_interval: float = DEFAULT_REFRESH_INTERVAL,
        min_interval: float = DEFAULT_MIN_INTERVAL,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 10.0,
    ) -> None:
        _check_arguments(signer, apiv3_key, cache_dir, transport, refresh_interval, min_interval, timeout)
        key = apiv3_key.encode() if isinstance(apiv3_key, str) else apiv3_key
        if len(key) != APIV3_KEY_BYTES:
            raise ConfigurationError(f"the APIv3 key must be {APIV3_KEY_BYTES} bytes, not {len(key)}")
        self._signer = signer
        self._apiv3_key = key
        self._base_url = base_url
        self._transport = transport
        self._timeout = timeout
        self.refresh_interval = refresh_interval
        self.min_interval = min_interval
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._cache = CertificateCache(self.cache_dir, key, signer.mchid) if self.cache_dir is not None else None
        self._lock = threading.Lock()
        self._client: httpx.Client | None = None
        # Replaced whole: a reader in another thread sees the old set or the new one, never a mix.
        self._held: Mapping[str, PlatformCertificate] = {}
        self._generation = 0
        self._last_success: float | None = None
        self._last_attempt: float | None = None
        self._downloading = False
        self.downloads = 0
        self.last_error: str | None = None
        self.has_certificates = True  # until WeChat Pay says the merchant has none
        if self._cache is not None:
            # An unsafe folder raises CertificateCacheError (a ConfigurationError) here; an unusable file is ignored.
            cached = self._cache.load(time.time())
            if cached is not None:
                certificates, downloaded_at = cached
                self._take(certificates)
                # The cache is as fresh as its last download: no need to download again before the schedule says so.
                self._last_success = downloaded_at

    def __repr__(self) -> str:
        return f"PlatformCertificateStore(serials={sorted(self._held)!r}, base_url={self._base_url!r})"

    @property
    def certificates(self) -> list[PlatformCertificate]:
        """Every certificate held, the one that expires first first."""
        return sorted(self._held.values(), key=lambda c: c.not_after)

    @property
    def generation(self) -> int:
        """Counts the downloads that changed what is held: lets a waiting caller see that another refreshed."""
        return self._generation

    # CertificateGetter: what the verifier asks of the store.
    def get(self, serial: str) -> rsa.RSAPublicKey | None:
        """The key of a certificate held and still valid, or None."""
        if not isinstance(serial, str):
            raise ConfigurationError(f"serial must be a certificate serial (str), not {type(serial).__name__}")
        held = self._held.get(serial.upper())
        if held is None or not held.valid_at(time.time()):
            return None
        return held.public_key

    def all(self) -> dict[str, rsa.RSAPublicKey]:
        """The key of every certificate held, by serial, the one that expires first first."""
        return {c.serial: c.public_key for c in self.certificates}

    def newest(self) -> str | None:
        """The serial of the valid certificate held that expires last (the one to encrypt for), or None.

        Ties go to the later start, then the larger serial, so that the choice does not depend on order.
        """
        now = time.time()
        valid = [c for c in self._held.values() if c.valid_at(now)]
        if not valid:
            return None
        return max(valid, key=lambda c: (c.not_after, c.not_before, c.serial)).serial

    def public_key(self, serial: str) -> rsa.RSAPublicKey | None:
        """The same as ``get``."""
        return self.get(serial)

    def should_refresh(self, serial: str | None) -> bool:
        """True when a scheduled refresh is due, or an answer names a certificate serial not held."""
        now = time.time()
        unknown_certificate = bool(serial) and not str(serial).startswith(PUBLIC_KEY_ID_PREFIX)
        unknown_certificate = unknown_certificate and self.get(str(serial)) is None
        if self._downloading:
            # Wait for it (refresh() returns once it is done) only when this answer needs it: a download that
            # hangs holds up no answer the certificates held can verify.
            return unknown_certificate or not self._held
        if self._rate_limited(now):
            return False
        if self._last_success is None or now - self._last_success >= self.refresh_interval:
            return True
        return unknown_certificate

    def _rate_limited(self, now: float) -> bool:
        return self._last_attempt is not None and now - self._last_attempt < self.min_interval

    def refresh(self, *, seen_generation: int | None = None) -> bool:
        """Download now, unless another caller did since ``seen_generation`` or one ran under a minute ago.

        True when new certificates were taken. A failure keeps what is held, logs a warning and sets
        ``last_error``; it raises only through ``refresh_or_raise``.
        """
        return self._refresh(seen_generation, raise_errors=False)

    @without_locals  # the download's frames hold the APIv3 key and its Authorization header
    def refresh_or_raise(self) -> list[PlatformCertificate]:
        """Download now, whatever the schedule; raise CertificateError (or an httpx error) when that fails."""
        self._refresh(None, raise_errors=True, ignore_rate_limit=True)
        return self.certificates

    def _refresh(self, seen_generation: int | None, *, raise_errors: bool, ignore_rate_limit: bool = False) -> bool:
        with self._lock:
            now = time.time()
            if seen_generation is not None and seen_generation != self._generation:
                return False  # another caller refreshed while this one waited for the lock
            if not ignore_rate_limit and self._rate_limited(now):
                return False
            # Set before _last_attempt, cleared after the new certificates are in: a caller that sees the rate
            # limit also sees the download in progress, and waits for it rather than failing.
            self._downloading = True
            try:
                self._last_attempt = now
                self.downloads += 1
                return self._download(now, raise_errors=raise_errors)
            finally:
                self._downloading = False

    def _download(self, now: float, *, raise_errors: bool) -> bool:
        try:
            held = {c.serial: c.public_key for c in self._held.values() if c.valid_at(now)}
            fetched = fetch_certificates(self._http(), self._signer, self._apiv3_key, now=now, held=held)
        except (WeChatPayError, httpx.HTTPError) as error:
            self.last_error = f"{type(error).__name__}: {error}"
            logger.warning("platform certificate refresh failed, keeping %s: %s", sorted(self._held), error)
            if raise_errors:
                raise
            return False
        self.last_error = None
        self._last_success = now
        self.has_certificates = fetched is not None
        if fetched is None:
            logger.info("WeChat Pay has no platform certificates for this merchant (public-key mode)")
        self._take(fetched or [])
        if self._cache is not None:
            try:
                self._cache.save(list(self._held.values()), now)
            except CertificateCacheError as error:  # a full disk, say: the certificates downloaded still serve
                logger.warning("platform certificates downloaded but not cached: %s", error)
        logger.info("platform certificates refreshed: %s", sorted(self._held))
        return True

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def _http(self) -> httpx.Client:
        if self._client is None:
            if self._transport is not None:
                self._client = httpx.Client(base_url=self._base_url, transport=self._transport, timeout=self._timeout)
            else:
                from .deadline_backend import with_deadline  # httpcore: loaded with the first pool, as httpx does

                # httpx's pools, through the proxy the environment names (HTTPS_PROXY, ALL_PROXY, NO_PROXY: httpx
                # reads them), each with the call's deadline under it, so a download cannot drip past it.
                self._client = httpx.Client(base_url=self._base_url, timeout=self._timeout)
                for transport in [self._client._transport, *self._client._mounts.values()]:
                    if isinstance(transport, httpx.HTTPTransport):
                        with_deadline(transport)
        return self._client

    def _take(self, certificates: list[PlatformCertificate]) -> None:
        self._held = {c.serial: c for c in certificates}
        self._generation += 1
