"""The httpx.Auth that signs every request and verifies every 2xx answer before the caller sees it."""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import AsyncGenerator, Callable, Generator
from typing import TYPE_CHECKING, Protocol, cast, runtime_checkable

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa

from ._version import __version__
from .cipher import apiv3_cipher, rsa_oaep_encrypt
from .clock import date_header_skew, describe_skew
from .errors import AnswerError, ClockSkewError, ConfigurationError, SignatureVerificationError
from .limits import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_BODY_SIZE,
    aread_body,
    deadline_of,
    drop_stream,
    read_body,
    start_deadline,
)
from .logs import logger, redact_httpcore_traces
from .notifications import Headers, Notification, parse_with_cipher
from .protocol import AUTHORIZATION, REQUEST_ID, WECHATPAY_SERIAL
from .sensitive import ENCRYPTED, encrypt_fields, sensitive_paths
from .signer import MerchantSigner
from .text import shown
from .tracebacks import without_locals
from .verifier import CertificateGetter, ResponseVerifier

if TYPE_CHECKING:
    from .httpx2_auth import Httpx2Auth

_PYTHON = "{}.{}.{}".format(*sys.version_info[:3])
USER_AGENT = f"wechatpay-signing/{__version__} httpx/{httpx.__version__} Python/{_PYTHON}"
_HTTPX_DEFAULT_USER_AGENT = f"python-httpx/{httpx.__version__}"
_LIBRARY_USER_AGENTS = ("python-httpx/", "python-httpx2/")  # httpx's and httpx2's own: replaced by ours
SIGNED_BY_AUTH = "wechatpay_signing.signed"
"""Request extension set by ``WeChatPayAuth``'s flows while they run: a request without it was sent around them
(auth=None, or signed by hand), so no one would verify its answer."""
SENT_TO = "wechatpay_signing.sent"
"""Request extension set by ``httpx_args``' transport: the origin the request went to first."""


def _flow_started(request: httpx.Request) -> None:
    """Mark the request as in a flow, which verifies its answer: what httpx_args' transport checks. Set by the
    flows, not by ``sign()``: a request signed by hand and sent with ``auth=None`` is verified by no one."""
    request.extensions[SIGNED_BY_AUTH] = True


def origin_of(url: httpx.URL) -> tuple[str, str, int | None]:
    """(scheme, host, port): what must stay the same for a request to go to the host it was signed for."""
    return (url.scheme, url.host, url.port)


def _flow_ended(request: httpx.Request) -> None:
    """Take the flow's marks off the request: sent again (the same object), it must go through the flow again, and
    with ``auth=None`` it is refused rather than re-signed by the transport and answered unverified."""
    request.extensions.pop(SIGNED_BY_AUTH, None)
    request.extensions.pop(SENT_TO, None)


def _refuse_another_host(request: httpx.Request, response: httpx.Response) -> None:
    """An answer from another host than the one signed for: httpx followed a redirect there inside the flow's turn
    (with the auth passed directly; ``httpx_args``' transport refuses it before sending). Whatever it says, even an
    error, is not WeChat Pay's, so it is not handed over. An answer with no request on it was not sent by httpx
    (httpx sets it on all it sends), but made by a caller driving the flow by hand: nothing was redirected."""
    try:
        final = response.request.url  # the last request httpx sent
    except RuntimeError:  # httpx's and httpx2's "request instance has not been set"
        return
    if origin_of(final) != origin_of(request.url):
        raise AnswerError(
            f"{request.method} {shown(request.url.path)} was redirected to another host"
            f" ({shown(str(final.copy_with(query=None)))}): its answer is not WeChat Pay's",
            status_code=response.status_code,
        )


@runtime_checkable
class RefreshingCertificates(CertificateGetter, Protocol):
    """A CertificateGetter that also downloads, as PlatformCertificateStore does: the auth refreshes it when due."""

    @property
    def generation(self) -> int: ...

    def should_refresh(self, serial: str | None) -> bool: ...

    def refresh(self, *, seen_generation: int | None = None) -> bool: ...


# Logs name the method, target, serial and Request-ID; never a key, a signature or an Authorization value.
redact_httpcore_traces()


@functools.lru_cache(maxsize=8)
def _user_agent_instead_of(library_agent: str | None) -> str:
    """Ours in place of the library's default, naming that library (httpx or httpx2) and its version."""
    if library_agent is None or library_agent == _HTTPX_DEFAULT_USER_AGENT:
        return USER_AGENT
    return f"wechatpay-signing/{__version__} {library_agent.removeprefix('python-')} Python/{_PYTHON}"


class WeChatPayAuth(httpx.Auth):
    """Signs each request with the merchant key and verifies each 2xx response with WeChat Pay's keys.

    One instance serves ``httpx.Client`` and ``httpx.AsyncClient`` alike, from any number of threads and tasks;
    ``for_httpx2()`` hands the same auth to an ``httpx2.Client`` or ``httpx2.AsyncClient``.
    A response that fails verification raises ``SignatureVerificationError`` from the call and is never returned.
    With a certificate store in the verifier, the flow first refreshes it when due or when an answer names a
    serial it does not hold.

    A request whose ``wechatpay.sensitive_fields`` extension names dotted JSON paths (the generated client sets it
    for fields the spec marks ``x-wechatpay-sensitive``) is sent with the strings at those paths encrypted
    (``encrypt``) and ``Wechatpay-Serial`` naming the key (``encryption_serial``); the signature covers the body
    as sent. Other requests are sent as they are.
    """

    # httpx's own flows would read both bodies for these; the flows below read them themselves.
    requires_request_body = True
    requires_response_body = True

    @without_locals  # the APIv3 key
    def __init__(
        self,
        signer: MerchantSigner,
        verifier: ResponseVerifier,
        *,
        apiv3_key: str | bytes | None = None,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
        deadline: float | None = DEFAULT_DEADLINE,
    ) -> None:
        if not isinstance(signer, MerchantSigner):
            raise ConfigurationError(f"signer must be a MerchantSigner, not {type(signer).__name__}")
        if not isinstance(verifier, ResponseVerifier):
            raise ConfigurationError(f"verifier must be a ResponseVerifier, not {type(verifier).__name__}")
        if isinstance(max_body_size, bool) or not isinstance(max_body_size, int) or max_body_size < 1:
            raise ConfigurationError(f"max_body_size must be a positive number of bytes, not {max_body_size!r}")
        if deadline is not None and (
            isinstance(deadline, bool) or not isinstance(deadline, int | float) or not deadline > 0
        ):
            raise ConfigurationError(f"deadline must be a positive number of seconds or None, not {deadline!r}")
        self.signer = signer
        self.verifier = verifier
        self.max_body_size = max_body_size
        """Bytes an answer may decode to; more raises ResponseTooLargeError (default 4 MiB)."""
        self.deadline = deadline
        """Seconds a whole call may take, retries included; then DeadlineExceededError (default 30; None: none)."""
        # Kept for notifications only as its cipher, whose repr shows nothing; checked (32 bytes) here, at start.
        self._notification_cipher = None if apiv3_key is None else apiv3_cipher(apiv3_key)
        self._store_checked: tuple[object, bool] = (None, False)  # (the store last checked, whether it downloads)

    def __repr__(self) -> str:
        return f"WeChatPayAuth(signer={self.signer!r}, verifier={self.verifier!r})"

    def for_httpx2(self) -> Httpx2Auth:
        """This auth as an ``httpx2.Auth``, for clients of httpx2: the same flow, keys, limits and certificate store.

        ConfigurationError when httpx2 is not installed (``pip install 'wechatpay-offlineface[httpx2]'``).
        """
        try:
            from .httpx2_auth import Httpx2Auth
        except ModuleNotFoundError as error:
            if error.name not in ("httpx2", "httpcore2"):
                raise
            raise ConfigurationError(
                "for_httpx2() needs httpx2: pip install 'wechatpay-offlineface[httpx2]' (or pip install httpx2)"
            ) from None
        return Httpx2Auth(self)

    def parse_notification(self, headers: Headers, body: bytes | str, *, now: float | None = None) -> Notification:
        """Verify and decrypt a WeChat Pay notification with this auth's keys; see ``parse_notification``."""
        if self._notification_cipher is None:
            raise ConfigurationError(
                "notifications need the APIv3 key: give apiv3_key (or WECHATPAY_APIV3_KEY / WECHATPAY_APIV3_KEY_PATH)"
            )
        return parse_with_cipher(headers, body, verifier=self.verifier, cipher=self._notification_cipher, now=now)

    @property
    def encryption_serial(self) -> str:
        """The key ``encrypt`` encrypts for: the ``PUB_KEY_ID_…``, or the newest valid platform certificate's serial.

        The WeChat Pay public key wins when both are configured; see ``ResponseVerifier.encryption_key``.
        """
        return self._encryption_key()[0]

    @without_locals
    def encrypt(self, plaintext: str) -> str:
        """A sensitive field encrypted for WeChat Pay (RSA-OAEP, SHA-1, base64), for the key ``encryption_serial``.

        Send it with a ``Wechatpay-Serial: <encryption_serial>`` header. At most 214 UTF-8 bytes fit an RSA-2048
        key; a longer plaintext raises SensitiveFieldError, which never shows it.
        """
        return rsa_oaep_encrypt(self._encryption_key()[1], plaintext)

    @without_locals
    def decrypt(self, ciphertext: str) -> str:
        """A field WeChat Pay encrypted for the merchant, opened with the merchant private key (RSA-OAEP, SHA-1).

        SensitiveFieldError when it is not base64 or does not open; the message never shows the ciphertext.
        """
        return self.signer.decrypt(ciphertext)

    def _encryption_key(self) -> tuple[str, rsa.RSAPublicKey]:
        found = self.verifier.encryption_key()
        store = self.verifier.certificates
        if found is None and isinstance(store, RefreshingCertificates):
            store.refresh()  # certificate mode before the first download, or after every certificate expired
            found = self.verifier.encryption_key()
        if found is None:
            last_error = getattr(store, "last_error", None)
            failed = f" (last certificate download failed: {shown(last_error)})" if last_error else ""
            raise ConfigurationError(
                "no WeChat Pay key to encrypt sensitive fields for: configure the WeChat Pay public key"
                f" (PUB_KEY_ID_… and pub_key.pem) or a platform certificate valid now{failed}"
            )
        return found

    def _refreshing_store(self) -> RefreshingCertificates | None:
        """The verifier's certificate store when it downloads (``RefreshingCertificates``), else None.

        An isinstance check against a runtime-checkable Protocol costs about 13 µs, on every call: it is made once
        per store object, and not at all without a store (public-key mode).
        """
        store = self.verifier.certificates
        if store is None:
            return None
        checked, refreshing = self._store_checked
        if store is not checked:
            refreshing = isinstance(store, RefreshingCertificates)
            self._store_checked = (store, refreshing)
        return cast(RefreshingCertificates, store) if refreshing else None

    def _encryption_refresh_due(self, request: httpx.Request) -> Callable[[], bool] | None:
        """The store's refresh, when the request has sensitive fields and no key to encrypt them is held yet."""
        store = self._refreshing_store()
        if store is None:
            return None
        if not sensitive_paths(request.extensions) or self.verifier.encryption_key() is not None:
            return None
        return store.refresh

    @without_locals
    def _encrypt_sensitive_fields(self, request: httpx.Request) -> httpx.Request:
        """The request to send: a copy with the fields its ``wechatpay.sensitive_fields`` names encrypted and
        ``Wechatpay-Serial`` set, or the request itself when it names none or none is present (body untouched).

        The copy keeps the method, URL, headers (Content-Length updated) and extensions; it is encrypted once, so
        a retry or a redirect resends the same ciphertexts.
        """
        paths = sensitive_paths(request.extensions)
        if not paths:
            return request
        key = functools.cache(self._encryption_key)  # looked up once, and only when a field is present
        body = encrypt_fields(request.content, paths, lambda plaintext: rsa_oaep_encrypt(key()[1], plaintext))
        if body is None:
            return request
        headers = request.headers.copy()
        headers.pop("Transfer-Encoding", None)
        headers["Content-Length"] = str(len(body))
        headers[WECHATPAY_SERIAL] = key()[0]
        extensions = {**request.extensions, ENCRYPTED: True}
        logger.debug("encrypted sensitive fields of %s %s for %s", request.method, request.url.path, key()[0])
        # The request's own class: an httpx2 request (for_httpx2) stays one.
        return type(request)(request.method, request.url, headers=headers, content=body, extensions=extensions)

    def sign(self, request: httpx.Request) -> None:
        """Set a fresh Authorization (new nonce and timestamp) and the headers WeChat Pay expects."""
        if not hasattr(request, "headers"):  # httpx's or httpx2's Request: both have headers, url and content
            raise ConfigurationError(f"sign takes an httpx.Request, not {type(request).__name__}")
        headers = request.headers
        target = request.url.raw_path.decode("ascii")
        # Sign what goes on the wire: the encoded target and the exact body bytes.
        headers[AUTHORIZATION] = self.signer.authorization(request.method, target, request.content)
        if headers.get("Accept", "*/*") == "*/*":
            headers["Accept"] = "application/json"
        agent = headers.get("User-Agent")
        if agent is None or agent.startswith(_LIBRARY_USER_AGENTS):
            headers["User-Agent"] = _user_agent_instead_of(agent)
        public_key_id = self.verifier.public_key_id
        if public_key_id is not None and WECHATPAY_SERIAL not in headers:
            headers[WECHATPAY_SERIAL] = public_key_id
        logger.debug("signed %s %s as merchant %s", request.method, target, self.signer.mchid)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign, send, check: for a caller that drives the flow itself with bodies read (no certificate refresh)."""
        request = self._encrypt_sensitive_fields(request)
        self.sign(request)
        _flow_started(request)
        try:
            response = yield request
            self.check(response)
        finally:
            _flow_ended(request)

    # httpx drives one of the two flows below. They differ only in how a certificate refresh runs: in a sync
    # client it blocks this thread; in an async one it runs in a worker thread, so the event loop goes on.
    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.read()
        request = self._encrypt_sensitive_fields(request)
        start_deadline(request, self.deadline)
        self.sign(request)
        _flow_started(request)
        try:
            response = yield request
            _refuse_another_host(request, response)
            read_body(response, self.max_body_size, deadline_of(request))
            drop_stream(response)
            refresh = self._certificate_refresh_due(response)
            if refresh is not None:
                refresh()
            self.check(response)
        finally:
            _flow_ended(request)

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        await request.aread()
        refresh = self._encryption_refresh_due(request)
        if refresh is not None:
            import anyio.to_thread

            await anyio.to_thread.run_sync(refresh)
        request = self._encrypt_sensitive_fields(request)
        start_deadline(request, self.deadline)
        self.sign(request)
        _flow_started(request)
        try:
            response = yield request
            _refuse_another_host(request, response)
            await aread_body(response, self.max_body_size, deadline_of(request))
            drop_stream(response)
            refresh = self._certificate_refresh_due(response)
            if refresh is not None:
                import anyio.to_thread  # only ever needed here, so not at import time

                await anyio.to_thread.run_sync(refresh)
            self.check(response)
        finally:
            _flow_ended(request)

    def _certificate_refresh_due(self, response: httpx.Response) -> Callable[[], bool] | None:
        """The store's refresh, when a 2xx answer finds it due or names a serial it does not hold; else None."""
        store = self._refreshing_store()
        if store is None or not response.is_success:
            return None
        seen = store.generation  # read first: a refresh that lands meanwhile makes this one a no-op
        if not store.should_refresh(response.headers.get(WECHATPAY_SERIAL)):
            return None
        return functools.partial(store.refresh, seen_generation=seen)

    def check(self, response: httpx.Response) -> None:
        """Verify a 2xx answer (SignatureVerificationError, ClockSkewError); name a skewed clock behind a 401."""
        if not hasattr(response, "headers"):  # httpx's or httpx2's Response
            raise ConfigurationError(f"check takes an httpx.Response, not {type(response).__name__}")
        request_id = response.headers.get(REQUEST_ID)
        if response.is_success:
            try:
                self.verifier.verify(response.headers, response.content)
            except (SignatureVerificationError, ClockSkewError) as error:
                error.status_code = response.status_code
                logger.warning("refused HTTP %d answer: %s", response.status_code, error)
                raise
            logger.debug("verified HTTP %d answer, Request-ID %s", response.status_code, request_id)
        elif response.status_code == httpx.codes.UNAUTHORIZED:
            self._raise_if_clock_is_off(response)

    def _raise_if_clock_is_off(self, response: httpx.Response) -> None:
        """A 401 while the server's Date is minutes away means our timestamp, not our key, was refused."""
        skew = date_header_skew(response.headers, time.time())
        if skew is not None and abs(skew) > self.verifier.max_skew:
            raise ClockSkewError(
                f"WeChat Pay refused the request (HTTP 401) and the local clock is {describe_skew(skew)} its Date"
                f" header ({skew:+.0f} s). Requests are signed with the local time and accepted only within"
                f" {self.verifier.max_skew} s of it: fix the clock (NTP)",
                skew=skew,
                request_id=response.headers.get(REQUEST_ID),
                status_code=response.status_code,
            )
