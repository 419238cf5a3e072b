"""python -m wechatpay_sandbox: a start-up problem is one clear line on stderr and a non-zero exit, no traceback;
credentials it made for itself are gone when it stops."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from wechatpay_sandbox import credentials


def sandbox(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wechatpay_sandbox", *args], cwd=cwd, capture_output=True, text=True, timeout=60
    )


def assert_one_line(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("python -m wechatpay_sandbox: error: ")
    for part in expected:
        assert part in result.stderr


def test_a_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = sandbox("--port", str(port), "--credentials-dir", str(tmp_path / "creds"), cwd=tmp_path)
    assert_one_line(result, f"cannot listen on 127.0.0.1:{port}: the port is in use")


@pytest.mark.parametrize(
    ("prepare", "expected"),
    [
        (lambda folder: folder.write_text("a file, not a folder"), "is not a folder"),
        (lambda folder: (folder.mkdir(), (folder / "sandbox.json").write_text("{}")), "no such file or directory"),
        (
            lambda folder: (folder.mkdir(), (folder / "sandbox.json").write_text("not json")),
            "Expecting value",
        ),
    ],
    ids=["a-file", "keys-missing", "broken-sandbox-json"],
)
def test_an_unusable_credentials_folder(tmp_path: Path, prepare: object, expected: str) -> None:
    folder = tmp_path / "creds"
    prepare(folder)  # type: ignore[operator]
    result = sandbox("--credentials-dir", str(folder), cwd=tmp_path)
    assert_one_line(result, f"cannot use the credentials folder {folder}", expected)


def test_an_unreadable_key_file(tmp_path: Path) -> None:
    folder = tmp_path / "creds"
    credentials.create(folder)
    # A key that cannot be read, as root too (root reads any file whatever its mode): a folder in its place.
    (folder / "apiclient_cert.pem").unlink()
    (folder / "apiclient_cert.pem").mkdir()
    result = sandbox("--credentials-dir", str(folder), cwd=tmp_path)
    assert_one_line(result, "is a directory: ", "apiclient_cert.pem")
    if os.geteuid() != 0:
        (folder / "apiclient_cert.pem").rmdir()
        (folder / "apiclient_cert.pem").write_text("")
        (folder / "apiclient_cert.pem").chmod(0)
        assert_one_line(sandbox("--credentials-dir", str(folder), cwd=tmp_path), "permission denied")


def test_missing_face_collections(tmp_path: Path) -> None:
    result = sandbox("--credentials-dir", str(tmp_path / "creds"), "--fixtures", "nope.json", cwd=tmp_path)
    assert_one_line(result, "cannot read the face collections in nope.json: no such file or directory")
    (tmp_path / "bad.json").write_text(json.dumps({"collections": []}))
    result = sandbox("--credentials-dir", str(tmp_path / "creds"), "--fixtures", "bad.json", cwd=tmp_path)
    assert_one_line(result, "cannot read the face collections in bad.json: sandbox.json has no 'face_collections'")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "terminate"])
def test_credentials_it_made_for_itself_are_removed_when_it_stops(tmp_path: Path, stop: signal.Signals) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "wechatpay_sandbox"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    banner = [process.stdout.readline() for _ in range(2)]
    folder = Path(banner[1].split("credentials: ", 1)[1].split(" (", 1)[0])
    assert folder.parent == tmp_path and (folder / "apiclient_key.pem").is_file()
    assert "removed when the sandbox stops" in banner[1]
    process.send_signal(stop)
    _, errors = process.communicate(timeout=30)
    assert process.returncode == 0 and "Traceback" not in errors
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("url", ["localhost:8000/notify", "ftp://example.com/notify", "http:///notify", "http://h:x/"])
def test_a_notify_url_that_cannot_work_is_named_at_start_up(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from wechatpay_sandbox.__main__ import parse_args

    with pytest.raises(SystemExit) as exited:
        parse_args(["--notify-url", url])
    assert exited.value.code == 2
    assert "argument --notify-url: " in capsys.readouterr().err


def test_an_http_notify_url_is_taken() -> None:
    from wechatpay_sandbox.__main__ import parse_args

    assert parse_args(["--notify-url", "http://127.0.0.1:8000/notify"]).notify_url == "http://127.0.0.1:8000/notify"
