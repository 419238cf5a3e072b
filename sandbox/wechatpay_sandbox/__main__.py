"""python -m wechatpay_sandbox: a local WeChat Pay APIv3 server for the offline face endpoints."""

from __future__ import annotations

import argparse
import errno
import os
import shlex
import shutil
import signal
import socket
import tempfile
from pathlib import Path

import uvicorn
from wechatpay_signing import ConfigurationError, load_certificate, protocol

from . import credentials as sandbox_credentials
from .config import DEFAULT_FIXTURES, SandboxConfig
from .faults import FAULT_HEADER, FAULTS
from .hooks import NOTIFY_HOOK
from .notifications import WECHAT_RETRY_DELAYS
from .server import bind, uvicorn_server
from .signing import Merchant

# A variable of its own: a merchant's WECHATPAY_APIV3_KEY in the shell is not picked up by the sandbox unasked.
ENV_SANDBOX_APIV3_KEY = "WECHATPAY_SANDBOX_APIV3_KEY"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    faults = "\n".join(f"  {name:16} {what}" for name, what in FAULTS.items())
    parser = argparse.ArgumentParser(
        prog="python -m wechatpay_sandbox",
        description="A local WeChat Pay APIv3 sandbox: checks request signatures as WeChat Pay does and signs answers.",
        epilog=f"Faults, for every request (--fault) or one request (header {FAULT_HEADER}: NAME):\n{faults}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: a free one)")
    parser.add_argument("--credentials-dir", type=Path, help="folder of test credentials; made if empty (default: new)")
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES, help="JSON file of face collections")
    parser.add_argument(
        "--certificate-mode", action="store_true", help="sign with platform certificates, not the public key"
    )
    parser.add_argument("--fault", choices=sorted(FAULTS), help="inject this fault into every answer")
    parser.add_argument("--slow-seconds", type=float, default=3.0, help="delay of the 'slow' fault (default: 3)")
    parser.add_argument(
        "--merchant",
        action="append",
        default=[],
        metavar="MCHID=CERT_PEM",
        help="also accept requests from this merchant, signed for this API certificate (repeatable)",
    )
    parser.add_argument(
        "--apiv3-key-file",
        type=Path,
        help="file holding the 32-character APIv3 key to encrypt /v3/certificates with, or set"
        f" ${ENV_SANDBOX_APIV3_KEY} (default: the credentials folder's apiv3_key.txt)",
    )
    # Kept only to explain its removal: a key on the command line is visible to every user in /proc/*/cmdline.
    parser.add_argument("--apiv3-key", help=argparse.SUPPRESS)
    parser.add_argument(
        "--notify-url",
        type=_notify_url,
        help="deliver notifications (FACEPAY.USER_STATE_CHANGE) here, signed and encrypted, retried on a non-2xx",
    )
    parser.add_argument(
        "--notify-retry-delays",
        type=_delays,
        default=WECHAT_RETRY_DELAYS,
        metavar="S,S,...",
        help="seconds between redeliveries (default: WeChat Pay's, 15,15,30,180,... up to 24 h)",
    )
    parser.add_argument(
        "--state-file",
        type=Path,
        help="keep the business state (users, contracts, orders...) in this SQLite file across restarts"
        " (default: in memory, gone when the sandbox stops)",
    )
    args = parser.parse_args(argv)
    if args.apiv3_key is not None:
        parser.error(
            "--apiv3-key is no longer accepted (other users can read a command line): use --apiv3-key-file FILE"
            f" or ${ENV_SANDBOX_APIV3_KEY}"
        )
    return args


def _notify_url(text: str) -> str:
    """An http(s) URL with a host, checked at start-up: a typo would otherwise show only as failed deliveries."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a URL: {text!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(f"must be an http:// or https:// URL with a host, not {text!r}")
    return text


def _delays(text: str) -> tuple[float, ...]:
    try:
        delays = tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not comma-separated seconds: {text!r}") from None
    if any(delay < 0 for delay in delays):
        raise argparse.ArgumentTypeError("delays must not be negative")
    return delays


def apiv3_key_from(args: argparse.Namespace) -> str | None:
    """The APIv3 key from $WECHATPAY_SANDBOX_APIV3_KEY or --apiv3-key-file, else None (the credentials' own)."""
    key = os.environ.get(ENV_SANDBOX_APIV3_KEY) or None
    if key is None and args.apiv3_key_file is not None:
        try:
            key = args.apiv3_key_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise SystemExit(f"cannot read the APIv3 key file {str(args.apiv3_key_file)!r}: {error}") from None
    if key is not None and len(key.encode()) != 32:
        raise SystemExit("the APIv3 key must be 32 bytes, as WeChat Pay's APIv3 keys are")
    return key


def config_from_args(args: argparse.Namespace) -> SandboxConfig:
    folder = args.credentials_dir or Path(tempfile.mkdtemp(prefix="wechatpay-sandbox-"))
    merchants = []
    for entry in args.merchant:
        mchid, _, path = entry.partition("=")
        try:
            merchants.append(Merchant(mchid, load_certificate(Path(path).read_bytes())))
        except (OSError, ConfigurationError) as error:
            raise SystemExit(f"--merchant {entry}: cannot read a merchant certificate: {error}") from None
    return SandboxConfig(
        credentials=sandbox_credentials.create_or_load(folder),
        fixtures=args.fixtures,
        certificate_mode=args.certificate_mode,
        fault=args.fault,
        slow_seconds=args.slow_seconds,
        extra_merchants=merchants,
        apiv3_key=apiv3_key_from(args),
        notify_url=args.notify_url,
        notify_retry_delays=args.notify_retry_delays,
        state_file=args.state_file,
    )


class StartupError(Exception):
    """Why the sandbox cannot start, in one line for stderr."""


def _reason(error: Exception) -> str:
    if isinstance(error, FileExistsError | NotADirectoryError):
        return f"{error.filename} is not a folder"
    if isinstance(error, KeyError):
        return f"sandbox.json has no {error}"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror[0].lower() + error.strerror[1:] + (f": {error.filename}" if error.filename else "")
    return str(error) or type(error).__name__


def start_up(args: argparse.Namespace) -> tuple[SandboxConfig, socket.socket, uvicorn.Server]:
    """The configuration, the listening socket and the server; StartupError for what a user can fix."""
    try:
        config = config_from_args(args)
    except (OSError, ValueError, KeyError) as error:  # ConfigurationError is a ValueError
        raise StartupError(f"cannot use the credentials folder {args.credentials_dir}: {_reason(error)}") from None
    try:
        server = uvicorn_server(config, log_level="info")
    except (OSError, ValueError, KeyError) as error:
        raise StartupError(f"cannot read the face collections in {args.fixtures}: {_reason(error)}") from None
    try:
        sock = bind(args.host, args.port)
    except OSError as error:
        reason = "the port is in use" if error.errno == errno.EADDRINUSE else _reason(error)
        raise StartupError(f"cannot listen on {args.host}:{args.port}: {reason}") from None
    return config, sock, server


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    # Credentials made for this run only are removed when it ends; a folder the user named is kept.
    own_folder = args.credentials_dir is None
    if own_folder:
        args.credentials_dir = Path(tempfile.mkdtemp(prefix="wechatpay-sandbox-"))
    try:
        try:
            config, sock, server = start_up(args)
        except StartupError as error:
            raise SystemExit(f"python -m wechatpay_sandbox: error: {error}") from None
        # uvicorn stops gracefully on SIGINT and SIGTERM once it serves, then raises the signal again: end quietly,
        # cleaning up. Before it serves (a signal right after the banner), ask it to stop the same way: otherwise
        # asyncio's own SIGINT handler cancels uvicorn's start-up, which can swallow the cancel and serve on.
        for stop in (signal.SIGINT, signal.SIGTERM):
            signal.signal(stop, lambda signum, frame: setattr(server, "should_exit", True))
        serve(config, sock, server, own_folder)
    except KeyboardInterrupt:
        pass
    finally:
        if own_folder:
            shutil.rmtree(args.credentials_dir, ignore_errors=True)


def serve(config: SandboxConfig, sock: socket.socket, server: uvicorn.Server, own_folder: bool) -> None:
    host, port = sock.getsockname()[:2]
    url = f"http://{host}:{port}"
    creds = config.credentials
    env_file = creds.folder / "wechatpay.env"
    # Quoted for the shell, so that `set -a; . wechatpay.env` reads the same as auth_from_env(path) does.
    settings = {**creds.env(), protocol.ENV_BASE_URL: url}
    env_file.write_text("".join(f"{name}={shlex.quote(value)}\n" for name, value in settings.items()))
    mode = (
        "platform certificates " + ", ".join(c.serial for c in creds.platform_certificates)
        if config.certificate_mode
        else f"public key {creds.public_key_id}"
    )
    kept = " (removed when the sandbox stops)" if own_folder else ""
    print(f"WeChat Pay sandbox listening on {url}", flush=True)
    print(f"  credentials: {creds.folder}{kept} (merchant {creds.mchid}, certificate serial {creds.merchant_serial})")
    print(f"  answers signed with the {mode}")
    if config.state_file is not None:
        print(f"  business state kept in {config.state_file} (control API: {url}/sandbox/state)")
    if config.notify_url:
        print(f"  notifications to {config.notify_url} (send one: POST {url}{NOTIFY_HOOK})")
    print(
        f"  WECHATPAY_* settings for wechatpay_signing.auth_from_env and the wechatpay command: {env_file}", flush=True
    )
    server.run(sockets=[sock])


if __name__ == "__main__":
    main()
