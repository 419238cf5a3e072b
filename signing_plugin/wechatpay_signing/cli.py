"""The wechatpay command: signed APIv3 requests, SIGN_ERROR debugging and credential checks. Knows no endpoint."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from . import doctor
from ._version import __version__
from .auth import WeChatPayAuth
from .base_url import check_base_url
from .cache import CertificateCache
from .credentials import auth_from_files, read_apiv3_key
from .downloader import CertificateError
from .env_file import read_env_file
from .errors import (
    AnswerError,
    ClockSkewError,
    ConfigurationError,
    NotificationDecryptionError,
    SignatureVerificationError,
    WeChatPayError,
)
from .keys import read_pem
from .limits import DeadlineExceededError, ResponseTooLargeError
from .protocol import (
    DEFAULT_BASE_URL,
    ENV_APIV3_KEY,
    ENV_APIV3_KEY_PATH,
    ENV_BASE_URL,
    ENV_FILE,
    ENV_MCHID,
    ENV_MERCHANT_CERT_PATH,
    ENV_PLATFORM_CERTIFICATE_PATHS,
    ENV_PRIVATE_KEY_PATH,
    ENV_PUBLIC_KEY_ID,
    ENV_PUBLIC_KEY_PATH,
    ENV_SERIAL_NO,
    REQUEST_ID,
)
from .retry import httpx_args
from .signer import MerchantSigner, new_nonce, request_message
from .store import PlatformCertificateStore
from .text import escape_controls, shown

EXIT_OK, EXIT_API_ERROR, EXIT_USAGE, EXIT_UNVERIFIED, EXIT_NETWORK, EXIT_CLOCK = 0, 1, 2, 3, 4, 5
EXIT_CODES = """exit status:
  0  success (doctor: every check passed)
  1  WeChat Pay answered an error (its code, message and Request-ID are printed); doctor: a check failed
  2  bad usage or configuration (ConfigurationError)
  3  the answer failed signature verification and was not printed (SignatureVerificationError), or was too
     large to read (ResponseTooLargeError), or the certificate download could not be used (CertificateError);
     notification: refused, or its resource does not decrypt (NotificationDecryptionError)
  4  network error or timeout (httpx.HTTPError, DeadlineExceededError)
  5  the local clock is more than 5 minutes off WeChat Pay's (ClockSkewError)"""

# Option, environment variable, help.
_SETTINGS = [
    ("--base-url", ENV_BASE_URL, f"API host (default: {DEFAULT_BASE_URL})"),
    ("--mchid", ENV_MCHID, "merchant ID"),
    ("--serial-no", ENV_SERIAL_NO, "merchant API certificate serial"),
    ("--private-key", ENV_PRIVATE_KEY_PATH, "merchant private key file (apiclient_key.pem)"),
    ("--merchant-cert", ENV_MERCHANT_CERT_PATH, "merchant certificate file (apiclient_cert.pem), for doctor"),
    ("--public-key-id", ENV_PUBLIC_KEY_ID, "WeChat Pay public key ID (PUB_KEY_ID_...)"),
    ("--public-key", ENV_PUBLIC_KEY_PATH, "WeChat Pay public key file (pub_key.pem)"),
    (
        "--platform-certs",
        ENV_PLATFORM_CERTIFICATE_PATHS,
        f"platform certificate files, '{os.pathsep}'-separated",
    ),
    ("--apiv3-key-file", ENV_APIV3_KEY_PATH, f"file holding the APIv3 key (or set ${ENV_APIV3_KEY} itself)"),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wechatpay",
        description="Signed WeChat Pay APIv3 requests with verified answers. Each option defaults to its variable.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=_version(), help="print the versions and exit")
    parser.add_argument(
        "--env-file",
        default=os.environ.get(ENV_FILE),
        help=f"wechatpay.env file of WECHATPAY_*=value lines, for what the environment does not set [${ENV_FILE}]",
    )
    for option, variable, text in _SETTINGS:
        parser.add_argument(option, help=f"{text} [${variable}]")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for an answer (default: 10)")
    commands = parser.add_subparsers(dest="command", required=True)
    get = commands.add_parser("get", help="signed GET; prints the verified JSON answer")
    get.add_argument("path", help="request target, e.g. /v3/offlineface/face-collections/FC123?appid=wx1")
    post = commands.add_parser("post", help="signed POST of a JSON body; prints the verified JSON answer")
    post.add_argument("path")
    post.add_argument("--data", required=True, help="the JSON body, sent byte for byte as given")
    explain = commands.add_parser(
        "explain", help="print the message that would be signed, and the header; sends nothing"
    )
    explain.add_argument("method", type=str.upper)
    explain.add_argument("path")
    explain.add_argument("--data", default="", help="the body, for POST")
    explain.add_argument("--timestamp", type=int, help="Unix seconds, not in the future (default: now)")
    explain.add_argument("--nonce", help="nonce (default: a fresh one)")
    explain.add_argument(
        "--show-signature",
        action="store_true",
        help="print the signature too (by default it is redacted: the header would be a request anyone could send)",
    )
    doctor_command = commands.add_parser(
        "doctor",
        help="check the credentials, then make one signed call and verify its answer; one line per step",
    )
    doctor_command.add_argument(
        "--path", default="/v3/certificates", help="what to GET for the signed call (default: /v3/certificates)"
    )
    doctor_command.add_argument("--offline", action="store_true", help="local checks only: send nothing")
    certificates = commands.add_parser(
        "certificates", help="download, decrypt and verify the platform certificates; write them to a folder"
    )
    certificates.add_argument(
        "--output",
        type=Path,
        required=True,
        help="folder for <SERIAL>.pem and wechatpay-certificates.json (made 0700 if new; no other file is touched)",
    )
    notification = commands.add_parser(
        "notification", help="verify and decrypt a saved notification (callback) and print it; needs the APIv3 key"
    )
    notification.add_argument(
        "--headers-file", type=Path, required=True, help='its headers: "Name: value" lines, or a JSON object'
    )
    notification.add_argument("--body-file", type=Path, required=True, help="its body, byte for byte as received")
    notification.add_argument(
        "--now", type=int, help="check freshness as at this Unix time, to re-check an older delivery (default: now)"
    )
    return parser


def _version() -> str:
    """This package's version and what a bug report needs beside it."""
    import platform

    import cryptography

    return (
        f"wechatpay {__version__} (Python {platform.python_version()}, httpx {httpx.__version__},"
        f" cryptography {cryptography.__version__})"
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line; each setting not given falls back to its variable, in the environment or the env file."""
    args = build_parser().parse_args(argv)
    args.environ = {**(read_env_file(args.env_file) if args.env_file else {}), **os.environ}
    for option, variable, _ in _SETTINGS:
        name = option.removeprefix("--").replace("-", "_")
        if getattr(args, name) is None:
            setattr(args, name, args.environ.get(variable))
    return args


def _required(args: argparse.Namespace, name: str) -> str:
    value: str | None = getattr(args, name)
    if not value:
        option, variable, _ = next(s for s in _SETTINGS if s[0] == "--" + name.replace("_", "-"))
        raise ConfigurationError(f"{option} or ${variable} is required")
    return value


def _base_url(args: argparse.Namespace) -> str:
    return check_base_url(args.base_url or DEFAULT_BASE_URL)


def _signer(args: argparse.Namespace) -> MerchantSigner:
    private_key = read_pem(_required(args, "private_key"), "merchant private key")
    return MerchantSigner(_required(args, "mchid"), _required(args, "serial_no"), private_key)


def _apiv3_key(args: argparse.Namespace) -> str | None:
    # The key itself is never an option: a command line is visible to every user of the machine.
    return read_apiv3_key(args.environ.get(ENV_APIV3_KEY), args.apiv3_key_file)


def _required_apiv3_key(args: argparse.Namespace) -> str:
    """The APIv3 key, read once: its file may be a pipe (``--apiv3-key-file <(pass show ...)``) that reads once."""
    apiv3_key = _apiv3_key(args)
    if apiv3_key is None:
        raise ConfigurationError(f"--apiv3-key-file, ${ENV_APIV3_KEY_PATH} or ${ENV_APIV3_KEY} is required")
    return apiv3_key


def _auth(args: argparse.Namespace, apiv3_key: str | None) -> WeChatPayAuth:
    certificates = [path for path in (args.platform_certs or "").split(os.pathsep) if path]
    return auth_from_files(
        mchid=_required(args, "mchid"),
        serial_no=_required(args, "serial_no"),
        private_key_path=_required(args, "private_key"),
        public_key_id=args.public_key_id,
        public_key_path=args.public_key,
        platform_certificate_paths=certificates,
        apiv3_key=apiv3_key,
        base_url=_base_url(args),
    )


def run_certificates(args: argparse.Namespace) -> int:
    apiv3_key = _required_apiv3_key(args)
    signer = _signer(args)
    # Checked before anything is sent: a symbolic link, another user's folder or one holding another user's
    # file, or a folder others can write to is refused (CertificateCacheError), never changed.
    output = CertificateCache(args.output, apiv3_key.encode(), signer.mchid)
    output.check()
    store = PlatformCertificateStore(signer, apiv3_key, base_url=_base_url(args), timeout=args.timeout)
    try:
        held = store.refresh_or_raise()  # a CertificateError's exit status is exit_code's
    finally:
        store.close()
    if held:
        # Only this command's own files: <SERIAL>.pem and wechatpay-certificates.json (a certificate_cache_dir).
        output.save(held, time.time())
    if not store.has_certificates:
        print(
            "WeChat Pay has no platform certificates for this merchant (404 RESOURCE_NOT_EXISTS): verify its answers"
            " with the WeChat Pay public key (PUB_KEY_ID_...) instead",
            file=sys.stderr,
        )
        return EXIT_API_ERROR
    for certificate in held:
        print(
            f"{certificate.serial}  valid {certificate.not_before:%Y-%m-%d %H:%M} to"
            f" {certificate.not_after:%Y-%m-%d %H:%M} UTC  -> {args.output / (certificate.serial + '.pem')}"
        )
    return EXIT_OK


def read_headers(path: Path) -> list[tuple[str, str]]:
    """Saved headers: a JSON object, or "Name: value" lines as a proxy or browser shows them (a request line and
    blank lines are skipped)."""
    text = read_pem(path, "notification headers").decode("utf-8", errors="replace")
    if text.lstrip().startswith("{"):
        try:
            loaded = json.loads(text)
        except ValueError as error:
            raise ConfigurationError(f"the headers file {str(path)!r} is not JSON: {error}") from None
        if not isinstance(loaded, dict) or not all(isinstance(value, str) for value in loaded.values()):
            raise ConfigurationError(f"the headers file {str(path)!r} must be a JSON object of strings")
        return list(loaded.items())
    pairs = []
    for line in text.splitlines():
        name, colon, value = line.partition(":")
        if colon and name and not name[0].isspace() and " " not in name.strip():
            pairs.append((name.strip(), value.strip()))
    return pairs


def run_notification(args: argparse.Namespace) -> int:
    apiv3_key = _required_apiv3_key(args)
    headers = read_headers(args.headers_file)
    body = read_pem(args.body_file, "notification body")
    auth = _auth(args, apiv3_key)
    store = auth.verifier.certificates
    if isinstance(store, PlatformCertificateStore):  # certificate mode: the certificates first; parsing does no I/O
        store.refresh_or_raise()
    notification = auth.parse_notification(headers, body, now=args.now)
    shown = {
        "id": notification.id,
        "create_time": notification.create_time.isoformat(),
        "event_type": notification.event_type,
        "resource_type": notification.resource_type,
        "summary": notification.summary,
        "resource": notification.resource,
    }
    # As for answers: JSON escapes controls in strings, but not C1 controls or direction marks.
    print("\n".join(escape_controls(line) for line in json.dumps(shown, ensure_ascii=False, indent=2).split("\n")))
    return EXIT_OK


def _body(data: str) -> bytes:
    try:
        json.loads(data)
    except ValueError as error:
        raise ConfigurationError(f"--data is not JSON: {error}") from None
    return data.encode()


def _request(method: str, args: argparse.Namespace, body: bytes = b"") -> httpx.Request:
    if not args.path.startswith("/"):
        raise ConfigurationError(f"the path must start with /, e.g. /v3/certificates, not {args.path!r}")
    headers = {"Content-Type": "application/json"} if body else {}
    return httpx.Request(method, _base_url(args) + args.path, content=body, headers=headers)


def run_request(method: str, args: argparse.Namespace) -> int:
    body = _body(args.data) if method == "POST" else b""
    request = _request(method, args, body)
    with httpx.Client(**httpx_args(_auth(args, _apiv3_key(args))), timeout=args.timeout) as client:
        response = client.send(request)
    try:
        payload = response.json() if response.content else None
    except ValueError:
        payload = None
    if response.is_success:
        # JSON escapes controls inside strings (not C1 controls or direction marks, hence escape_controls per line).
        if payload is not None:
            lines = json.dumps(payload, ensure_ascii=False, indent=2).split("\n")
            print("\n".join(escape_controls(line) for line in lines))
        else:
            print(escape_controls(response.text))
        return EXIT_OK
    # An error answer is unsigned: its text is shown escaped and cut, never as terminal output of its own.
    code, message = ("-", shown(response.text))
    if isinstance(payload, dict):
        code, message = shown(payload.get("code", "-"), 64), shown(payload.get("message", "-"))
    request_id = shown(response.headers.get(REQUEST_ID, "-"), 64)
    print(f"HTTP {response.status_code} {code}: {message} (Request-ID: {request_id})", file=sys.stderr)
    if isinstance(payload, dict) and payload.get("detail"):
        print(f"detail: {shown(json.dumps(payload['detail'], ensure_ascii=False), 1000)}", file=sys.stderr)
    return EXIT_API_ERROR


def run_explain(args: argparse.Namespace) -> int:
    body = args.data.encode()
    request = _request(args.method, args, body)
    target = request.url.raw_path.decode("ascii")
    now = int(time.time())
    timestamp = args.timestamp if args.timestamp is not None else now
    if timestamp > now:
        # A header signed for later is a request that stays valid until then: never print one.
        raise ConfigurationError(f"--timestamp {timestamp} is in the future; give a past time or leave it out")
    nonce = args.nonce or new_nonce()
    signer = _signer(args)
    message = request_message(args.method, target, timestamp, nonce, body)
    print("Message to sign: five lines, each ending in \\n (the last one too). Shown with \\n made visible:")
    for number, line in enumerate(message.decode("utf-8").split("\n")[:5], start=1):
        print(f"  {number} {line}\\n")
    print(f"Bytes: {len(message)}; the target is the one httpx sends for {args.path!r}")
    authorization = signer.authorization(args.method, target, body, timestamp=timestamp, nonce=nonce)
    if not args.show_signature:
        # Within 5 minutes of its timestamp the whole header is a replayable request: print it only when asked.
        redacted = 'signature="[redacted; --show-signature prints it]"'
        authorization = re.sub(r'signature="[^"]*"', redacted, authorization)
    print(f"Authorization: {authorization}")
    return EXIT_OK


def run_doctor(args: argparse.Namespace) -> int:
    findings = doctor.local_findings(
        private_key_path=args.private_key,
        merchant_cert_path=args.merchant_cert,
        serial_no=args.serial_no,
        public_key_id=args.public_key_id,
        public_key_path=args.public_key,
    )
    if args.offline:
        findings.append(doctor.skip("signed call: not made (--offline)"))
    else:
        findings += doctor.call_findings(
            lambda: _auth(args, _apiv3_key(args)), _base_url(args), args.path, args.timeout
        )
    return EXIT_OK if doctor.report(findings, print) else EXIT_API_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parse_args(argv)
        if args.command in ("get", "post"):
            return run_request(args.command.upper(), args)
        if args.command == "explain":
            return run_explain(args)
        if args.command == "certificates":
            return run_certificates(args)
        if args.command == "notification":
            return run_notification(args)
        return run_doctor(args)
    except (WeChatPayError, httpx.HTTPError) as error:
        print(f"error: {_describe(error)}", file=sys.stderr)
        return exit_code(error)


def exit_code(error: Exception) -> int:
    """The documented exit status for an error (EXIT_CODES), one per error class."""
    if isinstance(error, ClockSkewError):
        return EXIT_CLOCK
    if isinstance(error, CertificateError) and (error.status_code or 0) >= 400:
        return EXIT_API_ERROR  # WeChat Pay answered the download with an error status
    if isinstance(
        error, SignatureVerificationError | CertificateError | NotificationDecryptionError | ResponseTooLargeError
    ):
        return EXIT_UNVERIFIED
    if isinstance(error, AnswerError):
        return EXIT_API_ERROR
    if isinstance(error, httpx.HTTPError | DeadlineExceededError):
        return EXIT_NETWORK
    return EXIT_USAGE  # ConfigurationError, and any other WeChatPayError: raised before anything was sent


def _describe(error: Exception) -> str:
    # Errors quote server text: escaped here whatever the error class, so no message moves the terminal.
    if isinstance(error, httpx.HTTPError):
        return f"{type(error).__name__}: {shown(error, 1000)}"
    return escape_controls(str(error))


if __name__ == "__main__":
    sys.exit(main())
