"""RSA-OAEP sensitive fields: WeChatPayAuth.encrypt/decrypt against openssl, wechatpayv3 and the cryptography
primitives, which key encrypts, and errors that never show a plaintext, a ciphertext or a frame that holds one."""

from __future__ import annotations

import base64
import datetime
import logging
import subprocess
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from wechatpay_sandbox import SandboxConfig, SandboxServer
from wechatpay_sandbox import credentials as sandbox_credentials
from wechatpay_sandbox.sensitive import SensitiveFieldRefused, decrypt_field, decrypt_fields
from wechatpay_signing import (
    ConfigurationError,
    MerchantSigner,
    PlatformCertificateStore,
    ResponseVerifier,
    SensitiveFieldError,
    WeChatPayAuth,
    WeChatPayError,
    auth_from_files,
    load_private_key,
    load_public_key,
)
from wechatpay_signing.cipher import rsa_oaep_encrypt
from wechatpayv3 import utils as wechatpayv3_utils

from .support import (
    FIXTURES,
    MCHID,
    MERCHANT_SERIAL,
    PLATFORM_A_SERIAL,
    PLATFORM_B_SERIAL,
    PUBLIC_KEY_ID,
    pem,
    raised,
    shown_by,
)

# SHA-1 is what WeChat Pay's OAEP uses; built here from the primitives, independently of wechatpay_signing.
OAEP = padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None)  # noqa: S303
OPENSSL_OAEP = ["-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha1", "-pkeyopt", "rsa_mgf1_md:sha1"]
PLAINTEXTS = ["张三", "13800138000", "110101200001011234", "6222 0000 1111 2222", "x" * 214, "张" * 71 + "x"]


def openssl_decrypt(key_file: Path, ciphertext: str) -> str:
    """The plaintext the openssl command finds in a base64 RSA-OAEP-SHA1 ciphertext."""
    return subprocess.run(
        ["openssl", "pkeyutl", "-decrypt", "-inkey", str(key_file), *OPENSSL_OAEP],
        input=base64.b64decode(ciphertext),
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")


def openssl_encrypt(certificate_file: Path, plaintext: str) -> str:
    """Base64 RSA-OAEP-SHA1 ciphertext made by the openssl command for a certificate's key."""
    ciphertext = subprocess.run(
        ["openssl", "pkeyutl", "-encrypt", "-certin", "-inkey", str(certificate_file), *OPENSSL_OAEP],
        input=plaintext.encode("utf-8"),
        capture_output=True,
        check=True,
    ).stdout
    return base64.b64encode(ciphertext).decode()


def public_key_auth() -> WeChatPayAuth:
    """Public-key mode, built by hand as the issue requires it to work."""
    signer = MerchantSigner(MCHID, MERCHANT_SERIAL, pem("merchant_key.pem"))
    return WeChatPayAuth(signer, ResponseVerifier({PUBLIC_KEY_ID: pem("wechatpay_pub_key.pem")}))


def private_key(name: str) -> rsa.RSAPrivateKey:
    return load_private_key(pem(name))


@pytest.mark.parametrize("plaintext", PLAINTEXTS)
def test_what_we_encrypt_openssl_decrypts_with_the_wechatpay_key(plaintext: str) -> None:
    auth = public_key_auth()
    ciphertext = auth.encrypt(plaintext)
    assert auth.encryption_serial == PUBLIC_KEY_ID
    assert len(base64.b64decode(ciphertext, validate=True)) == 256
    assert openssl_decrypt(FIXTURES / "wechatpay_pub_key_private.pem", ciphertext) == plaintext
    assert auth.encrypt(plaintext) != ciphertext  # OAEP is randomised: a ciphertext tells nothing of a repeat


@pytest.mark.parametrize("plaintext", PLAINTEXTS)
def test_what_openssl_encrypts_for_the_merchant_we_decrypt(plaintext: str) -> None:
    assert public_key_auth().decrypt(openssl_encrypt(FIXTURES / "merchant_cert.pem", plaintext)) == plaintext


def test_wechatpayv3_interoperates_both_ways() -> None:
    auth = public_key_auth()
    wechatpay_private = private_key("wechatpay_pub_key_private.pem")
    assert wechatpayv3_utils.rsa_decrypt(auth.encrypt("李四 13900139000"), wechatpay_private) == "李四 13900139000"
    merchant_public = load_public_key(pem("merchant_cert.pem"))
    assert auth.decrypt(wechatpayv3_utils.rsa_encrypt("王五", merchant_public)) == "王五"


def test_auth_from_files_encrypts_for_the_public_key_when_certificates_are_configured_too() -> None:
    auth = auth_from_files(
        mchid=MCHID,
        serial_no=MERCHANT_SERIAL,
        private_key_path=FIXTURES / "merchant_key.pem",
        public_key_id=PUBLIC_KEY_ID,
        public_key_path=FIXTURES / "wechatpay_pub_key.pem",
        platform_certificate_paths=[FIXTURES / "platform_a_cert.pem", FIXTURES / "platform_b_cert.pem"],
    )
    assert auth.encryption_serial == PUBLIC_KEY_ID
    opened = private_key("wechatpay_pub_key_private.pem").decrypt(base64.b64decode(auth.encrypt("赵六")), OAEP)
    assert opened.decode() == "赵六"


def test_certificate_files_encrypt_for_one_certificate_deterministically() -> None:
    # Both fixtures are valid over the same dates: the tie goes to the larger serial, whatever the order given.
    for order in (["platform_a_cert.pem", "platform_b_cert.pem"], ["platform_b_cert.pem", "platform_a_cert.pem"]):
        auth = auth_from_files(
            mchid=MCHID,
            serial_no=MERCHANT_SERIAL,
            private_key_path=FIXTURES / "merchant_key.pem",
            platform_certificate_paths=[FIXTURES / name for name in order],
        )
        assert auth.encryption_serial == max(PLATFORM_A_SERIAL, PLATFORM_B_SERIAL) == PLATFORM_B_SERIAL
        opened = private_key("platform_b_key.pem").decrypt(base64.b64decode(auth.encrypt("孙七")), OAEP)
        assert opened.decode() == "孙七"


def certificate(days_from_now: tuple[int, int]) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay.com Root CA")])
    built = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + datetime.timedelta(days=days_from_now[0]))
        .not_valid_after(now + datetime.timedelta(days=days_from_now[1]))
        .sign(key, hashes.SHA256())
    )
    return built, key


def verifier_keys(certificates: list[x509.Certificate]) -> dict[str, x509.Certificate]:
    return {format(c.serial_number, "X"): c for c in certificates}


def test_the_newest_valid_certificate_encrypts() -> None:
    rotating_out, _ = certificate((-360, 5))
    newest, newest_key = certificate((-5, 1800))
    not_yet_valid, _ = certificate((1, 3650))
    expired, _ = certificate((-400, -1))
    held = [rotating_out, newest, not_yet_valid, expired]
    verifier = ResponseVerifier(verifier_keys(held))
    auth = WeChatPayAuth(MerchantSigner(MCHID, MERCHANT_SERIAL, pem("merchant_key.pem")), verifier)
    assert auth.encryption_serial == format(newest.serial_number, "X")
    assert newest_key.decrypt(base64.b64decode(auth.encrypt("周八")), OAEP) == "周八".encode()
    with_public_key = ResponseVerifier({PUBLIC_KEY_ID: pem("wechatpay_pub_key.pem"), **verifier_keys(held)})
    assert WeChatPayAuth(auth.signer, with_public_key).encryption_serial == PUBLIC_KEY_ID


def test_no_key_to_encrypt_for_is_a_clear_error() -> None:
    expired, _ = certificate((-400, -1))
    bare_key = {PLATFORM_A_SERIAL: load_public_key(pem("platform_a_cert.pem"))}  # no certificate: verifies only
    for keys in (verifier_keys([expired]), bare_key):
        auth = WeChatPayAuth(MerchantSigner(MCHID, MERCHANT_SERIAL, pem("merchant_key.pem")), ResponseVerifier(keys))
        with pytest.raises(ConfigurationError, match="no WeChat Pay key to encrypt sensitive fields"):
            auth.encrypt("13800138000")
        with pytest.raises(ConfigurationError, match="no WeChat Pay key"):
            _ = auth.encryption_serial


def test_certificate_mode_downloads_and_encrypts_for_the_newest_platform_certificate(tmp_path: Path) -> None:
    creds = sandbox_credentials.create(tmp_path / "sandbox")
    with SandboxServer(SandboxConfig(credentials=creds, certificate_mode=True)) as server:
        auth = auth_from_files(
            mchid=creds.mchid,
            serial_no=creds.merchant_serial,
            private_key_path=creds.folder / "apiclient_key.pem",
            apiv3_key=creds.apiv3_key,
            base_url=server.url,
        )
        store = auth.verifier.certificates
        assert isinstance(store, PlatformCertificateStore)
        assert store.downloads == 0
        ciphertext = auth.encrypt("13800138000")  # the first use downloads the certificates
        newest = creds.platform_certificates[1]  # the other one expires in 5 days
        assert auth.encryption_serial == newest.serial
        assert store.downloads == 1
    # The sandbox opens it with the key the serial names (cryptography primitives, not our cipher).
    assert decrypt_field(creds, auth.encryption_serial, ciphertext) == "13800138000"
    with pytest.raises(SensitiveFieldRefused, match="does not decrypt"):
        decrypt_field(creds, creds.platform_certificates[0].serial, ciphertext)
    with pytest.raises(SensitiveFieldRefused, match="names no WeChat Pay key"):
        decrypt_field(creds, PUBLIC_KEY_ID, ciphertext)


def test_the_sandbox_decrypts_the_fields_of_a_body(tmp_path: Path) -> None:
    creds = sandbox_credentials.create(tmp_path / "sandbox")
    auth = auth_from_files(
        mchid=creds.mchid,
        serial_no=creds.merchant_serial,
        private_key_path=creds.folder / "apiclient_key.pem",
        public_key_id=creds.public_key_id,
        public_key_path=creds.folder / "pub_key.pem",
    )
    body = {"user_name": auth.encrypt("张三"), "phone": None, "card": {"number": auth.encrypt("6222")}, "k": "v"}
    opened = decrypt_fields(creds, auth.encryption_serial, body, ["user_name", "phone", "card.number", "x.y"])
    assert opened == {"user_name": "张三", "phone": None, "card": {"number": "6222"}, "k": "v"}


# Errors: clear, from the error root, and never showing what they are about.


def test_the_longest_plaintext_that_fits_is_214_utf8_bytes() -> None:
    auth = public_key_auth()
    assert openssl_decrypt(FIXTURES / "wechatpay_pub_key_private.pem", auth.encrypt("9" * 214)) == "9" * 214
    for too_long, size in [("9" * 215, 215), ("张" * 72, 216)]:  # 72 characters, 3 bytes each
        with pytest.raises(SensitiveFieldError, match=f"is {size} bytes in UTF-8, longer than the 214 bytes"):
            auth.encrypt(too_long)


def ciphertext_for(key_file: str, data: bytes) -> str:
    return base64.b64encode(load_public_key(pem(key_file)).encrypt(data, OAEP)).decode()


def bad_ciphertexts() -> dict[str, tuple[str, str]]:
    """Ciphertexts that must not open, each with what the error must say."""
    good = ciphertext_for("merchant_cert.pem", b"13800138000")
    raw = bytearray(base64.b64decode(good))
    raw[100] ^= 1
    return {
        "not base64": (good[:-4] + "!!!!", "not base64"),
        "non-ASCII": ("密文" + good, "not base64"),
        "cut": (base64.b64encode(base64.b64decode(good)[:200]).decode(), "200 bytes, while RSA-2048 ciphertexts"),
        "changed": (base64.b64encode(bytes(raw)).decode(), "does not open with this private key"),
        "for another key": (ciphertext_for("wechatpay_pub_key.pem", b"13800138000"), "does not open"),
        "not UTF-8": (ciphertext_for("merchant_cert.pem", b"\xff\xfe13800138000"), "not UTF-8 text"),
        "empty": ("", "0 bytes"),
    }


@pytest.mark.parametrize("case", list(bad_ciphertexts()))
def test_a_ciphertext_that_does_not_open_is_a_clear_error(case: str) -> None:
    ciphertext, message = bad_ciphertexts()[case]
    with pytest.raises(SensitiveFieldError, match=message) as caught:
        public_key_auth().decrypt(ciphertext)
    assert isinstance(caught.value, WeChatPayError)
    if ciphertext:
        assert ciphertext[:24] not in "\n".join(shown_by(caught.value))


def test_text_is_required() -> None:
    auth = public_key_auth()
    with pytest.raises(SensitiveFieldError, match="not bytes"):
        auth.encrypt(b"13800138000")  # type: ignore[arg-type]
    with pytest.raises(SensitiveFieldError, match="lone surrogate at index 3"):
        auth.encrypt("138\ud800")
    with pytest.raises(SensitiveFieldError, match="base64 text"):
        auth.decrypt(None)  # type: ignore[arg-type]


SECRET = "身份证110101200001011234"


@pytest.mark.parametrize(
    "failing",
    [
        lambda auth: auth.encrypt(SECRET * 10),
        lambda auth: auth.encrypt(SECRET + "\udc80"),
        lambda auth: auth.decrypt(base64.b64encode(SECRET.encode()).decode()),
        lambda auth: auth.decrypt(ciphertext_for("merchant_cert.pem", b"\xff" + SECRET.encode())),
        lambda auth: auth.signer.decrypt(SECRET),
    ],
    ids=["too long", "surrogate", "not a ciphertext", "not UTF-8", "signer"],
)
def test_no_error_shows_the_plaintext_in_its_message_chain_or_frame_locals(
    failing: Callable[[WeChatPayAuth], object], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    error = raised(lambda: failing(public_key_auth()))
    assert isinstance(error, SensitiveFieldError)
    package_frames = [
        f for f, _ in traceback.walk_tb(error.__traceback__) if "wechatpay_signing" in f.f_code.co_filename
    ]
    assert package_frames, "the error must leave through the package, or this test checks nothing"
    shown = "\n".join(shown_by(error))
    assert SECRET not in shown and SECRET.encode().hex() not in shown
    assert base64.b64encode(SECRET.encode()).decode()[:16] not in shown
    assert SECRET not in caplog.text


def test_the_frame_check_would_catch_a_leak() -> None:
    """Without the wrapper that drops the frames below it, the plaintext is found in a frame's locals."""
    key = load_public_key(pem("wechatpay_pub_key.pem"))
    unwrapped = rsa_oaep_encrypt.__wrapped__  # type: ignore[attr-defined]
    error = raised(lambda: unwrapped(key, SECRET * 10))
    assert any(SECRET in shown for shown in shown_by(error))


def test_reprs_show_no_plaintext_or_key() -> None:
    auth = public_key_auth()
    auth.encrypt(SECRET)
    for shown in (repr(auth), str(auth), repr(auth.verifier), repr(auth.signer)):
        assert SECRET not in shown
        assert "PRIVATE" not in shown


def test_a_pkcs1_ciphertext_does_not_open_as_oaep() -> None:
    """The padding matters: PKCS#1 v1.5 (which an old spec once named) opens neither in openssl's OAEP nor in ours."""
    key = load_public_key(pem("merchant_cert.pem"))
    pkcs1 = base64.b64encode(key.encrypt(b"13800138000", padding.PKCS1v15())).decode()
    with pytest.raises(subprocess.CalledProcessError):
        openssl_decrypt(FIXTURES / "merchant_key.pem", pkcs1)
    with pytest.raises(SensitiveFieldError, match="does not open"):
        public_key_auth().decrypt(pkcs1)
