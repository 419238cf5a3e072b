"""One auth for clients of httpx and of httpx2 (``WeChatPayAuth.for_httpx2()``): the same flow, on real sockets.

Each test runs on both libraries, sync and async, against a hostile WeChat Pay on loopback. The request's signature
is checked by openssl over what arrived on the socket; each answer is signed by openssl. A genuine answer is
returned; an unsigned, tampered, unknown-key, stale, oversized or late one raises and is never returned.
"""

from __future__ import annotations

import base64
import gzip
import importlib
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from email.utils import formatdate
from typing import IO, Any

import httpx
import httpx2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from wechatpay_sandbox import SandboxConfig, SandboxServer
from wechatpay_sandbox import credentials as sandbox_credentials
from wechatpay_signing import (
    AnswerError,
    ClockSkewError,
    ConfigurationError,
    DeadlineExceededError,
    MerchantSigner,
    PlatformCertificateStore,
    ResponseTooLargeError,
    ResponseVerifier,
    SignatureVerificationError,
    WeChatPayAuth,
    auth_from_files,
    load_private_key,
)

from .hostile_server import Answer, Received, hostile_server, write_answer
from .support import (
    MCHID,
    MERCHANT_SERIAL,
    PLATFORM_B_SERIAL,
    PUBLIC_KEY_ID,
    merchant_public_pem,
    openssl_verify,
    parse_authorization,
    pem,
    signed_message,
    signed_response_headers,
)

LIBRARIES = ["httpx", "httpx2"]
MODES = ["sync", "async"]
GENUINE = {"collection_id": "FC2353ZJIHOJKHOIIOIJ", "organization_id": "123", "collection_state": "PHOTO_UPLOADED"}
BODY = json.dumps(GENUINE).encode()
FORGED = json.dumps({**GENUINE, "collection_state": "COMPLETE"}).encode()
TARGET = "/v3/offlineface/face-collections/FC2353ZJIHOJKHOIIOIJ?organization_id=%E5%AD%A6%E6%A0%A1&limit=1"


def make_auth(**limits: Any) -> WeChatPayAuth:
    signer = MerchantSigner(MCHID, MERCHANT_SERIAL, pem("merchant_key.pem"))
    return WeChatPayAuth(signer, ResponseVerifier({PUBLIC_KEY_ID: pem("wechatpay_pub_key.pem")}), **limits)


def answering(status: int, body: bytes, headers: dict[str, str] | None = None, *, signed: bool = True) -> Answer:
    """Every request answered ``status`` with ``body``, signed by openssl over ``body`` (or not at all)."""

    def answer(path: str, request_headers: dict[str, str], out: IO[bytes]) -> None:
        signature = signed_response_headers(body, timestamp=int(time.time())) if signed else {}
        write_answer(out, status, {"Content-Type": "application/json", **signature, **(headers or {})}, body)

    return answer


async def call(library: str, mode: str, auth: WeChatPayAuth, method: str, url: str, **kwargs: Any) -> Any:
    """One request through a client of ``library`` (httpx2 gets ``auth.for_httpx2()``), closed after it."""
    client_args: dict[str, Any] = {"auth": auth if library == "httpx" else auth.for_httpx2()}
    client_args |= {name: kwargs.pop(name) for name in ("follow_redirects", "timeout") if name in kwargs}
    module = importlib.import_module(library)
    if mode == "sync":
        with module.Client(**client_args) as client:
            return client.request(method, url, **kwargs)
    async with module.AsyncClient(**client_args) as async_client:
        return await async_client.request(method, url, **kwargs)


def assert_signed_as_received(request: Received) -> None:
    """openssl verifies the Authorization with the merchant's certificate over what arrived: method, target, body."""
    fields = parse_authorization(request.headers["authorization"])
    assert fields["mchid"] == MCHID
    assert fields["serial_no"] == MERCHANT_SERIAL
    assert abs(int(fields["timestamp"]) - time.time()) < 300
    message, signature = signed_message(request.method, request.target, request.body, request.headers["authorization"])
    assert openssl_verify(merchant_public_pem(), message, signature)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("library", LIBRARIES)
async def test_a_request_is_signed_as_sent_and_a_genuine_answer_returned(library: str, mode: str) -> None:
    received: list[Received] = []
    with hostile_server(answering(200, BODY), received) as url:
        response = await call(library, mode, make_auth(), "POST", url + TARGET, json={"学校": "一中", "n": 1})
    assert type(response) is importlib.import_module(library).Response
    assert response.status_code == 200
    assert response.json() == GENUINE
    (request,) = received
    assert (request.method, request.target) == ("POST", TARGET)
    assert json.loads(request.body) == {"学校": "一中", "n": 1}
    assert_signed_as_received(request)
    assert request.headers["wechatpay-serial"] == PUBLIC_KEY_ID
    assert request.headers["accept"] == "application/json"
    assert request.headers["user-agent"].startswith(f"wechatpay-signing/1.0.0 {library}/")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("library", LIBRARIES)
async def test_each_attempt_is_signed_afresh(library: str, mode: str) -> None:
    received: list[Received] = []
    auth = make_auth()
    with hostile_server(answering(200, BODY), received) as url:
        for _ in range(2):
            await call(library, mode, auth, "GET", url + TARGET)
    first, second = (parse_authorization(request.headers["authorization"]) for request in received)
    assert first["nonce_str"] != second["nonce_str"]
    for request in received:
        assert_signed_as_received(request)


def redirect_to_unsigned(path: str, request_headers: dict[str, str], out: IO[bytes]) -> None:
    if path.startswith("/moved"):
        answering(200, FORGED, signed=False)(path, request_headers, out)
    else:
        write_answer(out, 307, {"Location": "/moved"}, b"")


def redirect_to_another_host(path: str, request_headers: dict[str, str], out: IO[bytes]) -> None:
    """A 307 from 127.0.0.1 to localhost (the same server, another origin), which answers unsigned."""
    if path.startswith("/elsewhere"):
        answering(200, FORGED, signed=False)(path, request_headers, out)
    else:
        port = request_headers["host"].rpartition(":")[2]
        write_answer(out, 307, {"Location": f"http://localhost:{port}/elsewhere"}, b"")


def signed_by(body: bytes, *, age: int = 0, **how: Any) -> Answer:
    """A 200 carrying FORGED, with openssl's signature over ``body``, made ``age`` seconds ago as ``how`` says."""

    def answer(path: str, request_headers: dict[str, str], out: IO[bytes]) -> None:
        headers = signed_response_headers(body, timestamp=int(time.time()) - age, **how)
        write_answer(out, 200, {"Content-Type": "application/json", **headers}, FORGED)

    return answer


FORGERIES: dict[str, tuple[Answer, type[AnswerError], str]] = {
    "unsigned": (answering(200, FORGED, signed=False), SignatureVerificationError, "missing header"),
    "unsigned 204": (answering(204, b"", signed=False), SignatureVerificationError, "missing header"),
    "tampered": (signed_by(BODY), SignatureVerificationError, "does not match"),
    "unknown serial": (
        signed_by(FORGED, key_file="platform_b_key.pem", serial=PLATFORM_B_SERIAL),
        SignatureVerificationError,
        "unknown Wechatpay-Serial",
    ),
    "stale": (signed_by(FORGED, age=600), ClockSkewError, "10 min"),
    "redirected to unsigned": (redirect_to_unsigned, SignatureVerificationError, "missing header"),
    "redirected to another host": (redirect_to_another_host, AnswerError, "redirected to another host"),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("forgery", FORGERIES)
async def test_a_forged_answer_never_reaches_the_caller(library: str, mode: str, forgery: str) -> None:
    answer, error, reason = FORGERIES[forgery]
    returned: list[Any] = []
    with hostile_server(answer) as url, pytest.raises(error, match=reason) as caught:
        returned.append(await call(library, mode, make_auth(), "GET", url + TARGET, follow_redirects=True))
    assert returned == []
    assert caught.value.status_code == (204 if forgery == "unsigned 204" else 200)


@pytest.mark.parametrize("library", LIBRARIES)
def test_a_streamed_forged_answer_is_refused_before_the_stream_opens(library: str) -> None:
    module = importlib.import_module(library)
    auth = make_auth()
    with (
        hostile_server(answering(200, FORGED, signed=False)) as url,
        module.Client(auth=auth if library == "httpx" else auth.for_httpx2()) as client,
        pytest.raises(SignatureVerificationError),
        client.stream("GET", url + TARGET),
    ):
        raise AssertionError("the forged answer was handed over")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("library", LIBRARIES)
async def test_a_401_from_a_server_whose_clock_is_minutes_away_names_the_clock(library: str, mode: str) -> None:
    refused = json.dumps({"code": "SIGN_ERROR", "message": "签名错误"}).encode()
    date = formatdate(time.time() + 600, usegmt=True)
    with (
        hostile_server(answering(401, refused, {"Date": date}, signed=False)) as url,
        pytest.raises(ClockSkewError, match="fix the clock") as caught,
    ):
        await call(library, mode, make_auth(), "GET", url + TARGET)
    assert caught.value.status_code == 401


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("library", LIBRARIES)
async def test_a_compressed_answer_is_verified_and_a_gzip_bomb_refused(library: str, mode: str) -> None:
    compressed = gzip.compress(BODY)

    def gzip_answer(path: str, request_headers: dict[str, str], out: IO[bytes]) -> None:
        headers = signed_response_headers(BODY, timestamp=int(time.time()))  # over the body; the wire has it gzipped
        write_answer(out, 200, {**headers, "Content-Encoding": "gzip"}, compressed)

    with hostile_server(gzip_answer) as url:
        response = await call(library, mode, make_auth(), "GET", url + TARGET)
    assert response.json() == GENUINE
    bomb = gzip.compress(b"\0" * (8 * 1024 * 1024), compresslevel=9)  # 8 MiB in about 8 KiB

    def bomb_answer(path: str, request_headers: dict[str, str], out: IO[bytes]) -> None:
        headers = signed_response_headers(bomb, timestamp=int(time.time()))
        write_answer(out, 200, {**headers, "Content-Encoding": "gzip", "Request-ID": "bomb-1"}, bomb)

    with hostile_server(bomb_answer) as url, pytest.raises(ResponseTooLargeError, match="more than 1048576") as caught:
        await call(library, mode, make_auth(max_body_size=1024 * 1024), "GET", url + TARGET)
    assert caught.value.request_id == "bomb-1"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("library", LIBRARIES)
async def test_a_dripping_answer_ends_at_the_calls_deadline(library: str, mode: str) -> None:
    body = json.dumps({**GENUINE, "note": "x" * 200}).encode()

    def drip(path: str, request_headers: dict[str, str], out: IO[bytes]) -> None:
        head = "HTTP/1.1 200 OK\r\n" + "".join(
            f"{name}: {value}\r\n" for name, value in signed_response_headers(body, timestamp=int(time.time())).items()
        )
        out.write(f"{head}Content-Length: {len(body)}\r\n\r\n".encode())
        for index in range(len(body)):  # a byte every 50 ms: each read is quick, the whole takes 10 s or more
            out.write(body[index : index + 1])
            out.flush()
            time.sleep(0.05)

    started = time.monotonic()
    with hostile_server(drip) as url, pytest.raises(DeadlineExceededError):
        await call(library, mode, make_auth(deadline=0.5), "GET", url + TARGET, timeout=1.0)
    assert time.monotonic() - started < 8  # generous: only shows that it did not wait for the whole drip


OAEP = padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None)  # noqa: S303


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("library", LIBRARIES)
async def test_sensitive_fields_arrive_encrypted_and_signed_as_sent(library: str, mode: str) -> None:
    received: list[Received] = []
    document = {"user_name": "张三", "phone": "13800138000", "status": "NORMAL"}
    extensions = {"wechatpay.sensitive_fields": ("user_name", "phone")}
    with hostile_server(answering(204, b""), received) as url:
        response = await call(library, mode, make_auth(), "PATCH", url + TARGET, json=document, extensions=extensions)
    assert response.status_code == 204
    (request,) = received
    assert request.headers["wechatpay-serial"] == PUBLIC_KEY_ID
    assert b"13800138000" not in request.body and "张三".encode() not in request.body
    arrived = json.loads(request.body)
    key = load_private_key(pem("wechatpay_pub_key_private.pem"))  # the cryptography primitive opens them
    for name in ("user_name", "phone"):
        arrived[name] = key.decrypt(base64.b64decode(arrived[name]), OAEP).decode()
    assert arrived == document
    assert_signed_as_received(request)


@pytest.fixture(scope="module")
def certificate_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    creds = sandbox_credentials.create(tmp_path_factory.mktemp("certificates"))
    with SandboxServer(SandboxConfig(credentials=creds, certificate_mode=True)) as server:
        yield server


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("library", LIBRARIES)
async def test_certificate_mode_downloads_the_certificates_an_answer_needs(
    certificate_sandbox: SandboxServer, library: str, mode: str
) -> None:
    """An empty store: the first answer names a serial it does not hold, so the flow refreshes it, then verifies."""
    creds = certificate_sandbox.config.credentials
    auth = auth_from_files(
        mchid=creds.mchid,
        serial_no=creds.merchant_serial,
        private_key_path=creds.folder / "apiclient_key.pem",
        apiv3_key=creds.apiv3_key,
        base_url=certificate_sandbox.url,
    )
    store = auth.verifier.certificates
    assert isinstance(store, PlatformCertificateStore)
    assert store.downloads == 0
    url = certificate_sandbox.url + "/v3/offlineface/face-collections/FC2353ZJIHOJKHOIIOIJ"
    response = await call(library, mode, auth, "GET", url)
    assert response.status_code == 200
    assert response.json()["collection_id"] == "FC2353ZJIHOJKHOIIOIJ"
    assert store.downloads == 1
    assert response.headers["Wechatpay-Serial"] in store.all()


def test_for_httpx2_is_the_same_auth_as_an_httpx2_auth() -> None:
    auth = make_auth()
    for_httpx2 = auth.for_httpx2()
    assert isinstance(for_httpx2, httpx2.Auth)
    assert for_httpx2.auth is auth  # keys, limits and certificate store are shared, not copied
    assert repr(for_httpx2) == f"Httpx2Auth({auth!r})"
    assert "PRIVATE" not in repr(for_httpx2)


def test_httpx2_refuses_the_httpx_auth_itself() -> None:
    """Why for_httpx2 exists: httpx2 takes only its own Auth class, so it refuses before anything is sent."""
    with pytest.raises(TypeError, match='Invalid "auth" argument'):
        httpx2.Client(auth=make_auth())  # type: ignore[arg-type]
    assert isinstance(make_auth(), httpx.Auth)


def test_without_httpx2_for_httpx2_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "httpx2", None)  # an import of it now fails as if it were not installed
    monkeypatch.delitem(sys.modules, "wechatpay_signing.httpx2_auth", raising=False)
    with pytest.raises(ConfigurationError, match=r"wechatpay-offlineface\[httpx2\]"):
        make_auth().for_httpx2()


def test_importing_the_plugin_or_the_client_does_not_import_httpx2() -> None:
    probe = "import sys, wechatpay_signing, wechatpay_offlineface; print('httpx2' in sys.modules)"
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert shown.strip() == "False"
