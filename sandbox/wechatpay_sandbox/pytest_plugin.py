"""pytest fixtures that start the sandbox and hand out a configured client.

In a conftest.py or test module: ``pytest_plugins = ["wechatpay_sandbox.pytest_plugin"]``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from wechatpay_offlineface import Client
from wechatpay_signing import PlatformCertificateStore, WeChatPayAuth, auth_from_env, httpx_args

from . import credentials
from .config import SandboxConfig
from .receiver import NotificationReceiver
from .server import SandboxServer


@pytest.fixture(scope="session")
def wechatpay_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A sandbox on a free loopback port, with fresh test credentials, for the whole session."""
    config = SandboxConfig(credentials=credentials.create(tmp_path_factory.mktemp("wechatpay-sandbox")))
    with SandboxServer(config) as server:
        yield server


@pytest.fixture(autouse=True)
def _wechatpay_sandbox_fresh_state(request: pytest.FixtureRequest) -> None:
    """Each test that uses the sandbox starts from its seeded state (the control API's reset)."""
    if "wechatpay_sandbox" in request.fixturenames:
        request.getfixturevalue("wechatpay_sandbox").reset()


@pytest.fixture(scope="session")
def wechatpay_auth(wechatpay_sandbox: SandboxServer) -> Iterator[WeChatPayAuth]:
    """The signing and verifying auth for the sandbox's merchant; its certificate downloads are closed at the end."""
    auth = auth_from_env(wechatpay_sandbox.config.credentials.env())
    yield auth
    if isinstance(auth.verifier.certificates, PlatformCertificateStore):
        auth.verifier.certificates.close()


@pytest.fixture
def wechatpay_client(wechatpay_sandbox: SandboxServer, wechatpay_auth: WeChatPayAuth) -> Iterator[Client]:
    """A generated client pointed at the sandbox, signing and verifying every call, retrying idempotent ones.

    For sync calls; async tests take ``wechatpay_async_client``, which is closed in the test's own event loop.
    """
    client = Client(base_url=wechatpay_sandbox.url, httpx_args=httpx_args(wechatpay_auth))
    yield client
    client.get_httpx_client().close()


try:
    import pytest_asyncio
except ImportError:  # async tests need pytest-asyncio; the sync fixtures work without it
    pass
else:

    @pytest_asyncio.fixture
    async def wechatpay_async_client(
        wechatpay_sandbox: SandboxServer, wechatpay_auth: WeChatPayAuth
    ) -> AsyncIterator[Client]:
        """The same client for ``asyncio()`` calls (pytest-asyncio); its connections are closed after the test."""
        client = Client(base_url=wechatpay_sandbox.url, httpx_args=httpx_args(wechatpay_auth))
        async with client:
            yield client


@pytest.fixture
def wechatpay_notifications(
    wechatpay_sandbox: SandboxServer, wechatpay_auth: WeChatPayAuth
) -> Iterator[NotificationReceiver]:
    """A notify URL in this process for the test: the sandbox delivers to it, and it keeps each notification that
    verifies and decrypts (``.notifications``, ``.wait_for(count)``); ``wechatpay_sandbox.deliver_user_state_change``
    sends one."""
    config = wechatpay_sandbox.config
    previous = config.notify_url, config.notify_retry_delays
    with NotificationReceiver(wechatpay_auth) as receiver:
        config.notify_url, config.notify_retry_delays = receiver.url, (0.05, 0.1, 0.2)
        try:
            yield receiver
        finally:
            config.notify_url, config.notify_retry_delays = previous
