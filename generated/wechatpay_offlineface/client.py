import re
import ssl
import threading
from typing import Any, Self, TypeVar

import httpx
from attrs import Attribute, define, evolve, field
from wechatpay_signing import ConfigurationError, WeChatPayAuth, check_base_url


def _check_base_url(instance: Any, attribute: "Attribute[str]", value: str) -> None:
    # A path, a query, no scheme or a trailing /v3 would send every call elsewhere: say so now, not at the first call.
    check_base_url(value)


def _check_unverified(instance: Any, attribute: "Attribute[bool]", value: object) -> None:
    # Only True turns verification off: unverified="false" (a str from a config file) must not.
    if not isinstance(value, bool):
        raise ConfigurationError(f"unverified must be True or False, not {value!r}")


def _check_auth(auth: object, unverified: bool) -> None:
    # Without the auth, requests go unsigned and answers come back unverified: the one thing this client exists to
    # prevent. A test against a fake server says so with unverified=True.
    if unverified is not True and not isinstance(auth, WeChatPayAuth):
        raise ConfigurationError(
            "this client has no wechatpay_signing.WeChatPayAuth: it would send unsigned requests and hand back"
            " unverified answers. Pass httpx_args=wechatpay_signing.httpx_args(auth) (or {'auth': auth});"
            " unverified=True is for a test server only"
        )


class _CookiesWhenSet(httpx.Cookies):
    """The httpx client's cookies, which reads an answer's cookies only when it sets some.

    httpx hands every answer to http.cookiejar, which builds a urllib request and an email message for it first:
    60-80 µs of CPU per call measured (TLS loopback, sync and async), on answers that set no cookie (WeChat Pay
    sets none). An answer with Set-Cookie is read as before.
    """

    def extract_cookies(self, response: httpx.Response) -> None:
        # get_list, not "in": httpx's __contains__ raises and catches a KeyError for each header it lacks.
        if response.headers.get_list("set-cookie") or response.headers.get_list("set-cookie2"):
            super().extract_cookies(response)


# A relative path as the API functions build it: segments of unreserved characters, sub-delims, ":", "@" and %XX
# escapes, none empty, "." or "..". httpx would parse it, and then the joined URL, again, only to keep it as it is.
_PLAIN_PATH = re.compile(r"(?:/(?!\.\.?(?:/|$))(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+)+")
# httpx keeps a parsed URL as this named tuple (httpx 0.24 to 0.28); with any other layout every URL goes to httpx.
_URL_FIELDS = ("scheme", "userinfo", "host", "port", "path", "query", "fragment")
_PARSED_URLS = getattr(type(getattr(httpx.URL("https://a"), "_uri_reference", None)), "_fields", None) == _URL_FIELDS


def _joined(base_url: httpx.URL, url: httpx.URL | str) -> httpx.URL | None:
    """``base_url`` joined with a plain relative path, exactly as httpx joins them; None for anything else.

    httpx parses the path, then the joined URL (two parses with a Python test per character: ~27 µs per call of
    ~30 µs). A plain path needs neither: it is appended to the base URL's parsed form.
    """
    if not _PARSED_URLS or not isinstance(url, str) or len(url) > 4096 or not _PLAIN_PATH.fullmatch(url):
        return None
    base = base_url._uri_reference
    if base.query is not None or base.fragment is not None:
        return None
    joined = httpx.URL.__new__(httpx.URL)
    # httpx's join: the base URL's path, which ends in "/" (or is empty), then the path without its leading "/".
    path = (base.path or "/") + url[1:]
    joined._uri_reference = type(base)(base.scheme, base.userinfo, base.host, base.port, path, None, None)
    return joined


class _HttpxClientJoiningFast(httpx.Client):
    def _merge_url(self, url: httpx.URL | str) -> httpx.URL:
        return _joined(self.base_url, url) or super()._merge_url(url)


class _HttpxAsyncClientJoiningFast(httpx.AsyncClient):
    def _merge_url(self, url: httpx.URL | str) -> httpx.URL:
        return _joined(self.base_url, url) or super()._merge_url(url)


_HttpxClient = TypeVar("_HttpxClient", httpx.Client, httpx.AsyncClient)


def _cookies_when_set(client: _HttpxClient) -> _HttpxClient:
    cookies = _CookiesWhenSet()
    cookies.jar = client.cookies.jar  # the same jar, with the cookies the client was given
    # httpx's `cookies` setter copies them into a plain httpx.Cookies; its attribute keeps this one.
    client._cookies = cookies
    return client


@define
class Client:
    """A class for keeping track of data related to the API

    The following are accepted as keyword arguments and will be used to construct httpx Clients internally:

        ``base_url``: Scheme and host (and port) only, e.g. ``https://api.mch.weixin.qq.com``: each operation's
        path starts with /v3. A path (a trailing /v3 too), a query or no scheme raises
        wechatpay_signing.ConfigurationError.

        ``cookies``: A dictionary of cookies to be sent with every request

        ``headers``: A dictionary of headers to be sent with every request

        ``timeout``: The maximum amount of a time a request can take (default: 10 s, 5 s to connect). API functions
        will raise httpx.TimeoutException if this is exceeded.

        ``verify_ssl``: Whether or not to verify the SSL certificate of the API server. This should be True in production,
        but can be set to False for testing purposes.

        ``follow_redirects``: Whether or not to follow redirects. Default value is False.

        ``httpx_args``: A dictionary of additional arguments to be passed to the ``httpx.Client`` and ``httpx.AsyncClient`` constructor.
        It must hold a ``wechatpay_signing.WeChatPayAuth`` (``httpx_args=wechatpay_signing.httpx_args(auth)``): without
        one, the first call raises wechatpay_signing.ConfigurationError rather than send an unsigned request.

        ``unverified``: True sends without a WeChatPayAuth, for a test against a fake server only. Default: False.

    """

    raise_on_unexpected_status: bool = field(default=False, kw_only=True)
    """Whether or not to raise an errors.UnexpectedStatus if the API returns a status code that was not documented in the source OpenAPI document. Can also be provided as a keyword argument to the constructor."""
    _base_url: str = field(alias="base_url", validator=_check_base_url)
    _cookies: dict[str, str] = field(factory=dict, kw_only=True, alias="cookies")
    _headers: dict[str, str] = field(factory=dict, kw_only=True, alias="headers")
    # Never wait forever: the generator's default is no timeout at all. Pass timeout=None to opt out.
    _timeout: httpx.Timeout | None = field(
        factory=lambda: httpx.Timeout(10.0, connect=5.0), kw_only=True, alias="timeout"
    )
    _verify_ssl: str | bool | ssl.SSLContext = field(default=True, kw_only=True, alias="verify_ssl")
    _follow_redirects: bool = field(default=False, kw_only=True, alias="follow_redirects")
    _httpx_args: dict[str, Any] = field(factory=dict, kw_only=True, alias="httpx_args")
    unverified: bool = field(default=False, kw_only=True, validator=_check_unverified)
    _client: httpx.Client | None = field(default=None, init=False)
    _async_client: httpx.AsyncClient | None = field(default=None, init=False)
    _client_lock: threading.Lock = field(factory=threading.Lock, init=False, eq=False, repr=False)

    # The generator's versions also changed the httpx clients this one already made, so that a client derived
    # for one call (a fault header, a test cookie) changed every later call of the original. Here the original
    # stays as it was; the new client makes its own httpx clients from the merged settings.
    def with_headers(self, headers: dict[str, str]) -> "Client":
        """A new client like this one with additional headers; this one is left unchanged"""
        return evolve(self, headers={**self._headers, **headers})

    def with_cookies(self, cookies: dict[str, str]) -> "Client":
        """A new client like this one with additional cookies; this one is left unchanged"""
        return evolve(self, cookies={**self._cookies, **cookies})

    def with_timeout(self, timeout: httpx.Timeout) -> "Client":
        """A new client like this one with another timeout; this one is left unchanged"""
        return evolve(self, timeout=timeout)

    def _httpx_client_args(self) -> dict[str, Any]:
        """The httpx client's arguments: this client's settings, then ``httpx_args`` (which win).

        httpx applies TLS, pool, proxy and HTTP/2 settings only to transports it makes, never to one it is given.
        A given transport that takes them (``wechatpay_signing.httpx_args`` makes one) gets them here instead.
        """
        args: dict[str, Any] = {
            "base_url": self._base_url,
            "cookies": self._cookies,
            "headers": self._headers,
            "timeout": self._timeout,
            "verify": self._verify_ssl,
            "follow_redirects": self._follow_redirects,
            **self._httpx_args,
        }
        with_client_settings = getattr(args.get("transport"), "with_client_settings", None)
        if with_client_settings is not None:
            names = ("verify", "cert", "trust_env", "http1", "http2", "limits", "proxy")
            args["transport"] = with_client_settings(**{name: args.pop(name) for name in names if name in args})
        return args

    def set_httpx_client(self, client: httpx.Client) -> Self:
        """Manually set the underlying httpx.Client

        **NOTE**: This will override any other settings on the client, including cookies, headers, and timeout.
        """
        _check_auth(client.auth, self.unverified)
        self._client = client
        return self

    def get_httpx_client(self) -> httpx.Client:
        """Get the underlying httpx.Client, constructing a new one if not previously set"""
        if self._client is None:
            _check_auth(self._httpx_args.get("auth"), self.unverified)
            # Threads sharing a new client would each make an httpx client, and a pool, and leave all but one open.
            with self._client_lock:
                if self._client is None:
                    self._client = _cookies_when_set(_HttpxClientJoiningFast(**self._httpx_client_args()))
        return self._client

    def __enter__(self) -> Self:
        """Enter a context manager for self.client—you cannot enter twice (see httpx docs)"""
        self.get_httpx_client().__enter__()
        return self

    def __exit__(self, *args: Any, **kwargs: Any) -> None:
        """Exit a context manager for internal httpx.Client (see httpx docs)"""
        self.get_httpx_client().__exit__(*args, **kwargs)

    def set_async_httpx_client(self, async_client: httpx.AsyncClient) -> Self:
        """Manually set the underlying httpx.AsyncClient

        **NOTE**: This will override any other settings on the client, including cookies, headers, and timeout.
        """
        _check_auth(async_client.auth, self.unverified)
        self._async_client = async_client
        return self

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """Get the underlying httpx.AsyncClient, constructing a new one if not previously set"""
        if self._async_client is None:
            _check_auth(self._httpx_args.get("auth"), self.unverified)
            self._async_client = _cookies_when_set(_HttpxAsyncClientJoiningFast(**self._httpx_client_args()))
        return self._async_client

    async def __aenter__(self) -> Self:
        """Enter a context manager for underlying httpx.AsyncClient—you cannot enter twice (see httpx docs)"""
        await self.get_async_httpx_client().__aenter__()
        return self

    async def __aexit__(self, *args: Any, **kwargs: Any) -> None:
        """Exit a context manager for underlying httpx.AsyncClient (see httpx docs)"""
        await self.get_async_httpx_client().__aexit__(*args, **kwargs)


@define
class AuthenticatedClient:
    """A Client which has been authenticated for use on secured endpoints

    The following are accepted as keyword arguments and will be used to construct httpx Clients internally:

        ``base_url``: Scheme and host (and port) only, e.g. ``https://api.mch.weixin.qq.com``: each operation's
        path starts with /v3. A path (a trailing /v3 too), a query or no scheme raises
        wechatpay_signing.ConfigurationError.

        ``cookies``: A dictionary of cookies to be sent with every request

        ``headers``: A dictionary of headers to be sent with every request

        ``timeout``: The maximum amount of a time a request can take (default: 10 s, 5 s to connect). API functions
        will raise httpx.TimeoutException if this is exceeded.

        ``verify_ssl``: Whether or not to verify the SSL certificate of the API server. This should be True in production,
        but can be set to False for testing purposes.

        ``follow_redirects``: Whether or not to follow redirects. Default value is False.

        ``httpx_args``: A dictionary of additional arguments to be passed to the ``httpx.Client`` and ``httpx.AsyncClient`` constructor.
        It must hold a ``wechatpay_signing.WeChatPayAuth`` (``httpx_args=wechatpay_signing.httpx_args(auth)``): without
        one, the first call raises wechatpay_signing.ConfigurationError rather than send an unsigned request.

        ``unverified``: True sends without a WeChatPayAuth, for a test against a fake server only. Default: False.

    """

    raise_on_unexpected_status: bool = field(default=False, kw_only=True)
    """Whether or not to raise an errors.UnexpectedStatus if the API returns a status code that was not documented in the source OpenAPI document. Can also be provided as a keyword argument to the constructor."""
    _base_url: str = field(alias="base_url", validator=_check_base_url)
    _cookies: dict[str, str] = field(factory=dict, kw_only=True, alias="cookies")
    _headers: dict[str, str] = field(factory=dict, kw_only=True, alias="headers")
    # Never wait forever: the generator's default is no timeout at all. Pass timeout=None to opt out.
    _timeout: httpx.Timeout | None = field(
        factory=lambda: httpx.Timeout(10.0, connect=5.0), kw_only=True, alias="timeout"
    )
    _verify_ssl: str | bool | ssl.SSLContext = field(default=True, kw_only=True, alias="verify_ssl")
    _follow_redirects: bool = field(default=False, kw_only=True, alias="follow_redirects")
    _httpx_args: dict[str, Any] = field(factory=dict, kw_only=True, alias="httpx_args")
    unverified: bool = field(default=False, kw_only=True, validator=_check_unverified)
    _client: httpx.Client | None = field(default=None, init=False)
    _async_client: httpx.AsyncClient | None = field(default=None, init=False)
    _client_lock: threading.Lock = field(factory=threading.Lock, init=False, eq=False, repr=False)

    token: str
    """The token to use for authentication"""
    prefix: str = "Bearer"
    """The prefix to use for the Authorization header"""
    auth_header_name: str = "Authorization"
    """The name of the Authorization header"""

    # The generator's versions also changed the httpx clients this one already made, so that a client derived
    # for one call (a fault header, a test cookie) changed every later call of the original. Here the original
    # stays as it was; the new client makes its own httpx clients from the merged settings.
    def with_headers(self, headers: dict[str, str]) -> "AuthenticatedClient":
        """A new client like this one with additional headers; this one is left unchanged"""
        return evolve(self, headers={**self._headers, **headers})

    def with_cookies(self, cookies: dict[str, str]) -> "AuthenticatedClient":
        """A new client like this one with additional cookies; this one is left unchanged"""
        return evolve(self, cookies={**self._cookies, **cookies})

    def with_timeout(self, timeout: httpx.Timeout) -> "AuthenticatedClient":
        """A new client like this one with another timeout; this one is left unchanged"""
        return evolve(self, timeout=timeout)

    def _httpx_client_args(self) -> dict[str, Any]:
        """The httpx client's arguments: this client's settings, then ``httpx_args`` (which win).

        httpx applies TLS, pool, proxy and HTTP/2 settings only to transports it makes, never to one it is given.
        A given transport that takes them (``wechatpay_signing.httpx_args`` makes one) gets them here instead.
        """
        args: dict[str, Any] = {
            "base_url": self._base_url,
            "cookies": self._cookies,
            "headers": self._headers,
            "timeout": self._timeout,
            "verify": self._verify_ssl,
            "follow_redirects": self._follow_redirects,
            **self._httpx_args,
        }
        with_client_settings = getattr(args.get("transport"), "with_client_settings", None)
        if with_client_settings is not None:
            names = ("verify", "cert", "trust_env", "http1", "http2", "limits", "proxy")
            args["transport"] = with_client_settings(**{name: args.pop(name) for name in names if name in args})
        return args

    def set_httpx_client(self, client: httpx.Client) -> Self:
        """Manually set the underlying httpx.Client

        **NOTE**: This will override any other settings on the client, including cookies, headers, and timeout.
        """
        _check_auth(client.auth, self.unverified)
        self._client = client
        return self

    def get_httpx_client(self) -> httpx.Client:
        """Get the underlying httpx.Client, constructing a new one if not previously set"""
        if self._client is None:
            _check_auth(self._httpx_args.get("auth"), self.unverified)
            # Threads sharing a new client would each make an httpx client, and a pool, and leave all but one open.
            with self._client_lock:
                if self._client is None:
                    self._headers[self.auth_header_name] = f"{self.prefix} {self.token}" if self.prefix else self.token
                    self._client = _cookies_when_set(_HttpxClientJoiningFast(**self._httpx_client_args()))
        return self._client

    def __enter__(self) -> Self:
        """Enter a context manager for self.client—you cannot enter twice (see httpx docs)"""
        self.get_httpx_client().__enter__()
        return self

    def __exit__(self, *args: Any, **kwargs: Any) -> None:
        """Exit a context manager for internal httpx.Client (see httpx docs)"""
        self.get_httpx_client().__exit__(*args, **kwargs)

    def set_async_httpx_client(self, async_client: httpx.AsyncClient) -> Self:
        """Manually set the underlying httpx.AsyncClient

        **NOTE**: This will override any other settings on the client, including cookies, headers, and timeout.
        """
        _check_auth(async_client.auth, self.unverified)
        self._async_client = async_client
        return self

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """Get the underlying httpx.AsyncClient, constructing a new one if not previously set"""
        if self._async_client is None:
            _check_auth(self._httpx_args.get("auth"), self.unverified)
            self._headers[self.auth_header_name] = f"{self.prefix} {self.token}" if self.prefix else self.token
            self._async_client = _cookies_when_set(_HttpxAsyncClientJoiningFast(**self._httpx_client_args()))
        return self._async_client

    async def __aenter__(self) -> Self:
        """Enter a context manager for underlying httpx.AsyncClient—you cannot enter twice (see httpx docs)"""
        await self.get_async_httpx_client().__aenter__()
        return self

    async def __aexit__(self, *args: Any, **kwargs: Any) -> None:
        """Exit a context manager for underlying httpx.AsyncClient (see httpx docs)"""
        await self.get_async_httpx_client().__aexit__(*args, **kwargs)
