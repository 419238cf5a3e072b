"""python -m wechatpay_sandbox: a local WeChat Pay APIv3 server for the offline face endpoints."""

from __future__ import annotations

import argparse
import os
import shlex
import tempfile
from pathlib import Path

from wechatpay_signing.credentials import read_apiv3_key
from wechatpay_signing.keys import load_certificate, read_pem

from . import credentials as sandbox_credentials
from .app import DEFAULT_FIXTURES, FAULT_HEADER, FAULTS, SandboxConfig
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
    args = parser.parse_args(argv)
    if args.apiv3_key is not None:
        parser.error(
            "--apiv3-key is no longer accepted (other users can read a command line): use --apiv3-key-file FILE"
            f" or ${ENV_SANDBOX_APIV3_KEY}"
        )
    return args


def apiv3_key_from(args: argparse.Namespace) -> str | None:
    """The APIv3 key from $WECHATPAY_SANDBOX_APIV3_KEY or --apiv3-key-file, else None (the credentials' own)."""
    key = read_apiv3_key(os.environ.get(ENV_SANDBOX_APIV3_KEY), args.apiv3_key_file)
    if key is not None and len(key.encode()) != 32:
        raise SystemExit("the APIv3 key must be 32 bytes, as WeChat Pay's APIv3 keys are")
    return key


def config_from_args(args: argparse.Namespace) -> SandboxConfig:
    folder = args.credentials_dir or Path(tempfile.mkdtemp(prefix="wechatpay-sandbox-"))
    merchants = []
    for entry in args.merchant:
        mchid, _, path = entry.partition("=")
        merchants.append(Merchant(mchid, load_certificate(read_pem(path, "merchant certificate"))))
    return SandboxConfig(
        credentials=sandbox_credentials.create_or_load(folder),
        fixtures=args.fixtures,
        certificate_mode=args.certificate_mode,
        fault=args.fault,
        slow_seconds=args.slow_seconds,
        extra_merchants=merchants,
        apiv3_key=apiv3_key_from(args),
    )


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    config = config_from_args(args)
    sock = bind(args.host, args.port)
    host, port = sock.getsockname()[:2]
    url = f"http://{host}:{port}"
    creds = config.credentials
    env_file = creds.folder / "wechatpay.env"
    # Quoted for the shell, so that `set -a; . wechatpay.env` reads the same as auth_from_env(path) does.
    settings = {**creds.env(), "WECHATPAY_BASE_URL": url}
    env_file.write_text("".join(f"{name}={shlex.quote(value)}\n" for name, value in settings.items()))
    mode = (
        "platform certificates " + ", ".join(c.serial for c in creds.platform_certificates)
        if config.certificate_mode
        else f"public key {creds.public_key_id}"
    )
    print(f"WeChat Pay sandbox listening on {url}", flush=True)
    print(f"  credentials: {creds.folder} (merchant {creds.mchid}, certificate serial {creds.merchant_serial})")
    print(f"  answers signed with the {mode}")
    print(
        f"  WECHATPAY_* settings for wechatpay_signing.auth_from_env and the wechatpay command: {env_file}", flush=True
    )
    uvicorn_server(config, log_level="info").run(sockets=[sock])


if __name__ == "__main__":
    main()
