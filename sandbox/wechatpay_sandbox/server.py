"""Running the sandbox on loopback with uvicorn, in the foreground or in a background thread."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Self

import httpx
import uvicorn
from starlette.types import ASGIApp
from wechatpay_signing import read_env_file

from .app import create_app
from .config import SandboxConfig
from .hooks import NOTIFY_HOOK
from .remote import SandboxControls


def bind(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening socket; port 0 picks a free one.

    Its connections send without Nagle's delay (TCP_NODELAY): uvicorn writes an answer's head and body separately,
    and with Nagle the body waited for the client's delayed ACK, about 40 ms per call. asyncio sets the option
    only on sockets whose protocol is IPPROTO_TCP, so the socket says so, and the listener has it set too (Linux
    passes it on to accepted connections).
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    # Listening from now on: a client that reads the printed URL and connects at once waits in the backlog until
    # uvicorn accepts, instead of being refused while it starts up.
    sock.listen(2048)
    return sock


def uvicorn_server(app: SandboxConfig | ASGIApp, *, log_level: str = "warning") -> uvicorn.Server:
    """uvicorn serving the sandbox of a config, or any ASGI app."""
    served = create_app(app) if isinstance(app, SandboxConfig) else app
    return uvicorn.Server(uvicorn.Config(served, lifespan="off", log_level=log_level, access_log=False))


class BackgroundServer:
    """An ASGI app served on loopback in a background thread: ``with BackgroundServer(app) as server: server.url``."""

    def __init__(self, app: SandboxConfig | ASGIApp, host: str = "127.0.0.1", port: int = 0) -> None:
        self._socket = bind(host, port)
        self._server = uvicorn_server(app)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def start(self) -> Self:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"{type(self).__name__} did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


class SandboxServer(BackgroundServer, SandboxControls):
    """The sandbox in a background thread: ``with SandboxServer(config) as sandbox: use(sandbox.url)``."""

    def __init__(self, config: SandboxConfig, host: str = "127.0.0.1", port: int = 0) -> None:
        self.config = config
        super().__init__(config, host, port)

    def deliver_user_state_change(self, **fields: str) -> str:
        """Have the sandbox send FACEPAY.USER_STATE_CHANGE to ``config.notify_url`` now (through its test hook);
        the notification's id. ``fields``: user_id, out_user_id, organization_id, appid, openid, contract_id."""
        response = httpx.post(self.url + NOTIFY_HOOK, json=fields)
        if response.status_code != 202:
            raise RuntimeError(f"the sandbox did not send the notification: {response.text[:200]}")
        notification_id: str = response.json()["id"]
        return notification_id


class SandboxProcess(SandboxControls):
    """The sandbox as ``python -m wechatpay_sandbox`` in another process, so it does not share the caller's GIL.

    ``with SandboxProcess(folder) as sandbox: auth_from_env(sandbox.env)``; ``extra_args`` go to the command line.
    """

    def __init__(self, credentials_dir: Path, *extra_args: str, cpu: int | None = None) -> None:
        self.folder = credentials_dir
        self._command = [sys.executable, "-m", "wechatpay_sandbox", "--credentials-dir", str(credentials_dir)]
        self._command += extra_args
        self._cpu = cpu
        self._process: subprocess.Popen[str] | None = None
        self._url = ""
        self.banner: list[str] = []

    @property
    def url(self) -> str:
        """The sandbox's base URL, once started."""
        return self._url

    @property
    def env(self) -> dict[str, str]:
        """The WECHATPAY_* settings it wrote: credentials and WECHATPAY_BASE_URL."""
        return read_env_file(self.env_file)

    @property
    def env_file(self) -> Path:
        """The wechatpay.env file it wrote: for auth_from_env(path), wechatpay --env-file, or the shell."""
        return self.folder / "wechatpay.env"

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("the sandbox process is not running")
        return self._process.pid

    def start(self) -> SandboxProcess:
        self._process = subprocess.Popen(self._command, stdout=subprocess.PIPE, text=True)  # noqa: S603
        if self._cpu is not None and hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(self._process.pid, {self._cpu})
        assert self._process.stdout is not None  # noqa: S101 - stdout=PIPE above
        first = self._process.stdout.readline()
        if "listening on" not in first:
            self.stop()
            raise RuntimeError(f"the WeChat Pay sandbox did not start: {first!r}")
        self._url = first.rsplit(" ", 1)[1].strip()
        self.banner = [first.rstrip()] + [self._process.stdout.readline().rstrip() for _ in range(3)]
        return self

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            if self._process.stdout is not None:
                self._process.stdout.close()

    def __enter__(self) -> SandboxProcess:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
