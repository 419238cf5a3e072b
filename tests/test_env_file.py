"""The sandbox's wechatpay.env works as the README says: auth_from_env(path), wechatpay --env-file, and the shell."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from wechatpay_offlineface import Client
from wechatpay_offlineface.api.face_collections import get_face_collection
from wechatpay_sandbox import SandboxProcess
from wechatpay_signing import ConfigurationError, auth_from_env, read_env_file

COLLECTION = "/v3/offlineface/face-collections/FC2353ZJIHOJKHOIIOIJ"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    # A space in the folder, as in many home folders: the file must quote its paths.
    with SandboxProcess(tmp_path_factory.mktemp("env file") / "my credentials") as process:
        yield process


def without_wechatpay_variables() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if not name.startswith("WECHATPAY_")}


def test_auth_from_env_reads_the_file_the_sandbox_wrote(sandbox: SandboxProcess) -> None:
    auth = auth_from_env(sandbox.env_file)
    assert auth_from_env(str(sandbox.env_file)).signer.serial_no == auth.signer.serial_no
    with Client(base_url=sandbox.url, httpx_args={"auth": auth}) as client:
        assert get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client).organization_id == "123"


def test_the_shell_reads_the_same_settings(sandbox: SandboxProcess) -> None:
    # The README's other way: `set -a; . wechatpay.env`. The shell, not our parser, is the reference here.
    shell = subprocess.run(
        ["sh", "-c", 'set -a; . "$0"; env -0', str(sandbox.env_file)],
        env=without_wechatpay_variables(),
        capture_output=True,
        check=True,
    )
    exported = dict(item.split("=", 1) for item in shell.stdout.decode().split("\0") if item.startswith("WECHATPAY_"))
    assert exported == read_env_file(sandbox.env_file)
    assert " " in exported["WECHATPAY_PRIVATE_KEY_PATH"] and Path(exported["WECHATPAY_PRIVATE_KEY_PATH"]).is_file()
    assert exported["WECHATPAY_BASE_URL"] == sandbox.url


def test_the_cli_reads_the_file_with_env_file(sandbox: SandboxProcess) -> None:
    command = [sys.executable, "-m", "wechatpay_signing.cli", "--env-file", str(sandbox.env_file), "get", COLLECTION]
    result = subprocess.run(command, env=without_wechatpay_variables(), capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert '"organization_id": "123"' in result.stdout
    # Or named by $WECHATPAY_ENV_FILE; a variable set in the environment wins over the file.
    env = {**without_wechatpay_variables(), "WECHATPAY_ENV_FILE": str(sandbox.env_file)}
    env["WECHATPAY_BASE_URL"] = "http://127.0.0.1:9"
    result = subprocess.run(command[:3] + command[5:], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 4, result.stderr  # the network error of port 9, not the sandbox's answer


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("WECHATPAY_MCHID=1900000109\nthis is not a setting\n", "line 2: expected NAME=value"),
        ("WECHATPAY_APIV3_KEY=secret key value\n", "line 1: WECHATPAY_APIV3_KEY's value holds spaces; quote it"),
        ("WECHATPAY_APIV3_KEY='secret\n", "line 1: WECHATPAY_APIV3_KEY's value has an unclosed quote"),
    ],
)
def test_a_bad_line_is_named_without_its_value(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "wechatpay.env"
    path.write_text(content)
    with pytest.raises(ConfigurationError) as caught:
        auth_from_env(path)
    assert str(caught.value).startswith(f"{path}, {problem}")
    assert "secret" not in str(caught.value)


def test_comments_export_and_quotes_are_read_as_the_shell_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "wechatpay.env"
    path.write_text("# merchant\n\nexport WECHATPAY_MCHID=1900000109\nWECHATPAY_A='x y'\nWECHATPAY_B=\"z\"\nC=\n")
    assert read_env_file(path) == {"WECHATPAY_MCHID": "1900000109", "WECHATPAY_A": "x y", "WECHATPAY_B": "z", "C": ""}


def test_a_missing_file_or_a_wrong_argument_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"cannot read the settings file .*nope\.env.*: No such file"):
        auth_from_env(tmp_path / "nope.env")
    with pytest.raises(ConfigurationError, match=r"mapping of WECHATPAY_\* variables or the path of a wechatpay\.env"):
        auth_from_env(42)  # type: ignore[arg-type]
    missing = tmp_path / "partial.env"
    missing.write_text("WECHATPAY_MCHID=1900000109\n")
    with pytest.raises(ConfigurationError, match=r"WECHATPAY_MERCHANT_SERIAL_NO in .*partial\.env is not set"):
        auth_from_env(missing)
