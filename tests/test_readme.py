"""Every ```python block of README.md runs, imports included, against the sandbox, and prints what the README shows.

The blocks run in order in one namespace, as a reader would paste them, with the README's production values (host,
key files, serial, public key ID) replaced by the sandbox's. A block followed directly by a ```text block must print
exactly that text. A block that defines ``pytest_plugins`` or a top-level ``test_`` function is a test module: it
runs under pytest, with the sandbox's plugin (a continuation block like the README's ``test_lunch`` leaves that line
to the block before it). A block whose
previous line is ``<!-- readme-test: skip (why) -->`` is left out.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import inspect
import io
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import certifi
import pytest
from wechatpay_sandbox import SandboxServer
from wechatpay_sandbox import credentials as sandbox_credentials
from wechatpay_signing import PlatformCertificateStore

README = Path(__file__).parents[1] / "README.md"
PRODUCTION_HOST = "https://api.mch.weixin.qq.com"
_FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<language>[\w-]*)\s*$")
_SKIP = "<!-- readme-test: skip"
_TEST_FUNCTION = re.compile(r"^(async )?def test_", re.MULTILINE)


@dataclass(frozen=True)
class Snippet:
    line: int  # where its fence opens in README.md, for messages
    code: str
    expected_output: str | None  # the ```text block right after it, if any
    skipped: bool

    @property
    def is_test_module(self) -> bool:
        return "pytest_plugins" in self.code or _TEST_FUNCTION.search(self.code) is not None

    @property
    def module_code(self) -> str:
        """The block as a test module: with the plugin line where the README leaves it to the block before."""
        if "pytest_plugins" in self.code:
            return self.code
        return self.code + '\npytest_plugins = ["wechatpay_sandbox.pytest_plugin"]\n'


def snippets(text: str) -> list[Snippet]:
    """The ```python blocks, with the output block each is followed by (only blank lines between)."""
    lines = text.splitlines()
    blocks: list[tuple[int, str, str]] = []  # (opening line index, language, dedented content)
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None or not opening["language"]:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        content = textwrap.dedent("\n".join(lines[index + 1 : end])) + "\n"
        blocks.append((index, opening["language"], content))
        index = end + 1
    found = []
    for number, (start, language, content) in enumerate(blocks):
        if language != "python":
            continue
        previous = next((line for line in reversed(lines[:start]) if line.strip()), "")
        expected = None
        if number + 1 < len(blocks) and blocks[number + 1][1] == "text":
            next_start = blocks[number + 1][0]
            closing = next(i for i in range(start + 1, len(lines)) if lines[i].strip() == "```")
            if all(not line.strip() for line in lines[closing + 1 : next_start]):
                expected = blocks[number + 1][2]
        found.append(Snippet(start + 1, content, expected, previous.strip().startswith(_SKIP)))
    return found


def sandbox_values(
    sandbox: SandboxServer, creds: sandbox_credentials.SandboxCredentials, cache: Path
) -> dict[str, str]:
    """The README's production values, and the sandbox's in their place."""
    return {
        PRODUCTION_HOST: sandbox.url,
        "/etc/wechatpay/apiclient_key.pem": str(creds.folder / "apiclient_key.pem"),
        "/etc/wechatpay/pub_key.pem": str(creds.folder / "pub_key.pem"),
        "/etc/wechatpay/apiv3_key.txt": str(creds.folder / "apiv3_key.txt"),
        "/var/cache/wechatpay": str(cache),
        "5157F09EFDC096DE15EBE81A47057A7232F1B8E1": creds.merchant_serial,
        "PUB_KEY_ID_0114232134912410000000000000": creds.public_key_id,
        '"1900000109"': f'"{creds.mchid}"',
        '"corporate-ca.pem"': repr(certifi.where()),  # a CA file that exists: httpx's own
    }


def substituted(code: str, values: dict[str, str]) -> str:
    for production, local in values.items():
        code = code.replace(production, local)
    return code


def run(snippet: Snippet, code: str, namespace: dict[str, Any]) -> str:
    """Run one block in the shared namespace (top-level await allowed, as in the README's asyncio block)."""
    compiled = compile(code, f"README.md, block at line {snippet.line}", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        result = eval(compiled, namespace)  # noqa: S307 - the README's own code, as a reader would run it
        if inspect.iscoroutine(result):
            asyncio.run(result)
    return printed.getvalue()


def test_the_readme_has_python_blocks_and_the_parser_finds_them() -> None:
    text = README.read_text(encoding="utf-8")
    found = snippets(text)
    assert len(re.findall(r"^[ \t]*```python[ \t]*$", text, re.MULTILINE)) == len(found)
    assert any(s.expected_output for s in found) and any(s.is_test_module for s in found)


def test_every_python_block_runs_against_the_sandbox(
    sandbox: SandboxServer, creds: sandbox_credentials.SandboxCredentials, tmp_path: Path
) -> None:
    values = sandbox_values(sandbox, creds, tmp_path / "cache")
    namespace: dict[str, Any] = {"__name__": "readme"}
    ran = 0
    try:
        for snippet in snippets(README.read_text(encoding="utf-8")):
            if snippet.skipped or snippet.is_test_module:
                continue
            printed = run(snippet, substituted(snippet.code, values), namespace)
            ran += 1
            if snippet.expected_output is not None:
                shown = printed.replace(sandbox.url, PRODUCTION_HOST)
                assert shown == snippet.expected_output, f"README.md line {snippet.line} prints something else"
    finally:
        auth = namespace.get("auth")
        store = getattr(getattr(auth, "verifier", None), "certificates", None)
        if isinstance(store, PlatformCertificateStore):
            store.close()
    assert ran >= 5


def test_every_test_module_block_passes_under_pytest(pytester: pytest.Pytester) -> None:
    modules = [s for s in snippets(README.read_text(encoding="utf-8")) if s.is_test_module and not s.skipped]
    assert modules
    for number, snippet in enumerate(modules):
        pytester.makepyfile(**{f"test_readme_{number}": snippet.module_code})
    # -o: pytest-asyncio warns until its loop scope is set, and -W error would make that fatal.
    options = ["-p", "no:cacheprovider", "-W", "error", "-o", "asyncio_default_fixture_loop_scope=function"]
    result = pytester.runpytest_subprocess(*options)
    assert result.ret == 0, "\n".join(result.outlines)
    outcomes = result.parseoutcomes()
    defined = sum(len(_TEST_FUNCTION.findall(snippet.code)) for snippet in modules)
    assert outcomes.get("passed", 0) == defined and not outcomes.get("skipped")  # every test function ran
