"""The sandbox's own secrets: private from the moment they exist, and never on a command line."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from wechatpay_sandbox import credentials as sandbox_credentials
from wechatpay_sandbox.__main__ import config_from_args, parse_args


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """Umask 0: whatever mode a file or folder is created with is the mode it has."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def test_keys_and_folders_are_private_from_the_start(
    tmp_path: Path, permissive_umask: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A chmod after the write leaves a moment in which another user can open the file: take chmod away, and
    # what is left is the mode each file and folder was created with.
    monkeypatch.setattr(os, "chmod", lambda *args, **kwargs: None)
    folder = tmp_path / "credentials"
    sandbox_credentials.create(folder)
    written = [folder, *folder.rglob("*")]
    secrets = {"apiclient_key.pem", "apiv3_key.txt", "pub_key_private.pem", "platform_0_key.pem"}
    assert secrets <= {path.name for path in written}
    for path in written:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if path.is_dir():
            assert mode == 0o700, path
        elif path.name in secrets or path.suffix in (".pem", ".txt"):
            assert mode == 0o600, path


def test_a_key_file_is_not_written_through_a_planted_symlink(tmp_path: Path) -> None:
    folder = tmp_path / "credentials"
    folder.mkdir(mode=0o700)
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("someone else's file")
    (folder / "apiclient_key.pem").symlink_to(elsewhere)
    with pytest.raises(OSError):
        sandbox_credentials.create(folder)
    assert elsewhere.read_text() == "someone else's file"


def test_the_apiv3_key_is_refused_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        parse_args(["--apiv3-key", "0123456789abcdef0123456789abcdef"])
    assert caught.value.code == 2
    error = capsys.readouterr().err
    assert "--apiv3-key is no longer accepted" in error and "--apiv3-key-file" in error
    assert "0123456789abcdef0123456789abcdef" not in error


def test_the_apiv3_key_comes_from_a_file_or_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key_file = tmp_path / "apiv3_key.txt"
    key_file.write_text("0123456789abcdef0123456789abcdef\n")
    folder = tmp_path / "credentials"
    config = config_from_args(parse_args(["--credentials-dir", str(folder), "--apiv3-key-file", str(key_file)]))
    assert config.apiv3_key == "0123456789abcdef0123456789abcdef"
    monkeypatch.setenv("WECHATPAY_SANDBOX_APIV3_KEY", "fedcba9876543210fedcba9876543210")
    config = config_from_args(parse_args(["--credentials-dir", str(folder)]))
    assert config.apiv3_key == "fedcba9876543210fedcba9876543210"
