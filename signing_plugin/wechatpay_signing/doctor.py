"""wechatpay doctor: the credentials checked locally, then one real signed call whose answer is verified.

Each step is one finding: ``OK``, ``FAIL`` (the exit status says so) or ``SKIP`` (not enough given to check it).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from .auth import WeChatPayAuth
from .clock import date_header_skew, describe_skew
from .errors import ClockSkewError, ConfigurationError, SignatureVerificationError
from .keys import certificate_serial, load_certificate, load_private_key, load_public_key, read_pem
from .protocol import PUBLIC_KEY_ID_PREFIX, REQUEST_ID, WECHATPAY_SERIAL, WECHATPAY_SIGNATURE
from .store import PlatformCertificateStore
from .text import shown

# A clock this far off still works (WeChat Pay allows 5 minutes) but is worth a warning line.
CLOCK_WARNING_SECONDS = 60


@dataclass(frozen=True)
class Finding:
    status: str  # "OK", "FAIL" or "SKIP"
    text: str

    def __str__(self) -> str:
        return f"{self.status:<4} {self.text}"


def ok(text: str) -> Finding:
    return Finding("OK", text)


def fail(text: str) -> Finding:
    return Finding("FAIL", text)


def skip(text: str) -> Finding:
    return Finding("SKIP", text)


def check(condition: bool, text: str) -> Finding:
    return ok(text) if condition else fail(text)


def local_findings(
    *,
    private_key_path: str | None,
    merchant_cert_path: str | None,
    serial_no: str | None,
    public_key_id: str | None,
    public_key_path: str | None,
) -> list[Finding]:
    """The files and values, before anything is sent: key loads, key and serial match the certificate, IDs."""
    findings: list[Finding] = []
    private_key = None
    if not private_key_path:
        findings.append(fail("private key: not given (--private-key or $WECHATPAY_PRIVATE_KEY_PATH)"))
    else:
        try:
            private_key = load_private_key(read_pem(private_key_path, "merchant private key"))
            findings.append(ok("private key: loads as an RSA private key"))
        except ConfigurationError as error:
            findings.append(fail(f"private key: {error}"))
    if not merchant_cert_path:
        findings.append(skip("merchant certificate: not given (--merchant-cert), key/serial match not checked"))
    else:
        try:
            certificate = load_certificate(read_pem(merchant_cert_path, "merchant certificate"))
        except ConfigurationError as error:
            findings.append(fail(f"merchant certificate: {error}"))
        else:
            serial = certificate_serial(certificate)
            if private_key is not None:
                same = load_public_key(certificate).public_numbers() == private_key.public_key().public_numbers()
                verb = "matches" if same else "does NOT match"
                findings.append(check(same, f"private key {verb} the merchant certificate"))
            if serial_no:
                same = serial_no.upper() == serial
                verb = "is the merchant certificate's serial" if same else f"is NOT the certificate's ({serial})"
                findings.append(check(same, f"serial {serial_no} {verb}"))
    if public_key_id:
        good = re.fullmatch(re.escape(PUBLIC_KEY_ID_PREFIX) + r"\d{28}", public_key_id) is not None
        verb = "looks right" if good else "should be PUB_KEY_ID_ and 28 digits"
        findings.append(check(good, f"public key ID {public_key_id} {verb}"))
    if public_key_path:
        try:
            load_public_key(read_pem(public_key_path, "WeChat Pay public key"))
            findings.append(ok("WeChat Pay public key: loads"))
        except ConfigurationError as error:
            findings.append(fail(f"WeChat Pay public key: {error}"))
    return findings


def call_findings(make_auth: Callable[[], WeChatPayAuth], base_url: str, path: str, timeout: float) -> list[Finding]:
    """One signed GET of ``path``: is the signature accepted, is the answer verified, is the clock in step."""
    where = f"GET {base_url}{path}"
    try:
        auth = make_auth()
    except ConfigurationError as error:
        return [fail(f"signed call: not made, the credentials do not build: {error}")]
    try:
        with httpx.Client(auth=auth, timeout=timeout) as client:
            response = client.get(base_url + path)
    except ClockSkewError as error:  # a 401 while the server's Date is minutes away, or a stale answer
        return [ok(f"signed {where}: sent"), fail(f"clock: {error}")]
    except SignatureVerificationError as error:
        return [ok(f"signed {where}: sent and answered"), fail(f"answer NOT verified, nothing of it used: {error}")]
    except httpx.HTTPError as error:
        return [fail(f"signed {where}: no answer ({type(error).__name__}: {shown(error)})")]
    finally:
        store = auth.verifier.certificates
        if isinstance(store, PlatformCertificateStore):
            store.close()
    verified = _verified(auth, response)
    return [_accepted(where, response, verified), verified, _clock(response)]


def _code(response: httpx.Response) -> str:
    try:
        payload = response.json()
    except ValueError:
        payload = None
    code, message = ("-", "-") if not isinstance(payload, dict) else (payload.get("code"), payload.get("message"))
    request_id = shown(response.headers.get(REQUEST_ID, "-"), 64)
    return f"HTTP {response.status_code} {shown(code, 64)}: {shown(message)} (Request-ID: {request_id})"


def _accepted(where: str, response: httpx.Response, verified: Finding) -> Finding:
    if response.is_success:
        return ok(f"signed {where}: WeChat Pay accepted the signature (HTTP {response.status_code})")
    if response.status_code == httpx.codes.UNAUTHORIZED:
        # Failed either way; only a verified answer shows that it was WeChat Pay that refused.
        refused = "WeChat Pay refused the signature" if verified.status == "OK" else "refused, answer unverified"
        return fail(
            f"signed {where}: {refused}, {_code(response)}: check the merchant ID, the certificate serial and the"
            " private key (wechatpay explain shows the signed message)"
        )
    if response.status_code == httpx.codes.NOT_FOUND and "RESOURCE_NOT_EXISTS" in response.text:
        if verified.status == "OK":
            # Signatures are checked before the resource is looked up: a signed 404 means the request was accepted.
            return ok(f"signed {where}: WeChat Pay accepted the signature; {_code(response)}")
        # Anything on the way (a proxy, a wrong host) can answer an unsigned 404: it proves nothing either way.
        return skip(
            f"signed {where}: reached, answer unverified: {_code(response)}; no proof that WeChat Pay accepted"
            " the signature"
        )
    return fail(f"signed {where}: {_code(response)}")


def _verified(auth: WeChatPayAuth, response: httpx.Response) -> Finding:
    serial = shown(response.headers.get(WECHATPAY_SERIAL, "-"), 64)
    if response.is_success:  # the auth verified it already, or the call would have raised
        return ok(f"answer verified: signed by {serial}")
    if WECHATPAY_SIGNATURE not in response.headers:
        return skip(f"answer not verified: an error answer (HTTP {response.status_code}) without a signature")
    try:
        auth.verifier.verify(response.headers, response.content)
    except (SignatureVerificationError, ClockSkewError) as error:
        return fail(f"answer NOT verified: {error}")
    return ok(f"answer verified: the error answer is signed by {serial}")


def _clock(response: httpx.Response) -> Finding:
    skew = date_header_skew(response.headers, time.time())
    if skew is None:
        return skip("clock: the server sent no Date header to compare with")
    good = abs(skew) <= CLOCK_WARNING_SECONDS
    advice = "" if good else " (WeChat Pay refuses requests more than 5 minutes off; fix the clock, e.g. NTP)"
    return check(good, f"clock: {describe_skew(skew)} the server's Date header{advice}")


def report(findings: list[Finding], out: Callable[[str], None]) -> bool:
    """Print one line per finding; whether none failed."""
    for finding in findings:
        out(str(finding))
    return all(finding.status != "FAIL" for finding in findings)
