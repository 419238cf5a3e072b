"""Fixtures shared by the test modules: one sandbox on loopback for the session, and its merchant's auth."""

from __future__ import annotations

import contextlib
import getpass
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from wechatpay_offlineface import Client
from wechatpay_sandbox import SandboxConfig, SandboxServer
from wechatpay_sandbox import credentials as sandbox_credentials
from wechatpay_sandbox.signing import Merchant
from wechatpay_signing import WeChatPayAuth, auth_from_env, load_certificate

from .support import pem

pytest_plugins = ["pytester"]

# A user's own merchant, registered beside the sandbox's: the test fixtures' key and certificate.
OWN_MCHID = "1900000110"


def pytest_unconfigure(config: pytest.Config) -> None:
    # After a green run pytest has removed its numbered folder; its per-user folder is left empty: remove that too,
    # so that the temp folder is as it was. rmdir fails, and changes nothing, while another run still uses it.
    with contextlib.suppress(OSError):
        (Path(tempfile.gettempdir()) / f"pytest-of-{getpass.getuser()}").rmdir()


@pytest.fixture(scope="session")
def creds(tmp_path_factory: pytest.TempPathFactory) -> sandbox_credentials.SandboxCredentials:
    return sandbox_credentials.create(tmp_path_factory.mktemp("sandbox"))


@pytest.fixture(scope="session")
def sandbox(creds: sandbox_credentials.SandboxCredentials) -> Iterator[SandboxServer]:
    own_merchant = Merchant(OWN_MCHID, load_certificate(pem("merchant_cert.pem")))
    config = SandboxConfig(credentials=creds, slow_seconds=1.0, extra_merchants=[own_merchant])
    with SandboxServer(config) as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh_sandbox_state(request: pytest.FixtureRequest) -> None:
    """A test that uses the session's sandbox starts from its seeded business state."""
    if "sandbox" in request.fixturenames:
        request.getfixturevalue("sandbox").reset()


@pytest.fixture(scope="session")
def auth(creds: sandbox_credentials.SandboxCredentials) -> WeChatPayAuth:
    return auth_from_env(creds.env())


def client_for(sandbox: SandboxServer, auth: WeChatPayAuth, **kwargs: Any) -> Client:
    """A generated client that signs and verifies, without retries unless httpx_args says so."""
    httpx_args = kwargs.pop("httpx_args", {"auth": auth})
    return Client(base_url=sandbox.url, httpx_args=httpx_args, **kwargs)
