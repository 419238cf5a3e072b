"""The README's family examples: there, and the escape hatch signed and verified.

tests/test_readme.py runs every README block against the sandbox, these included (the deduction, the presign, the
two 204s, the pagination helpers, the escape hatch); here the escape hatch also meets a server that checks its
signature with openssl and then forges an answer."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import httpx
import pytest
from wechatpay_offlineface import Client
from wechatpay_signing import SignatureVerificationError

from .support import merchant_public_pem, openssl_verify, signed_request_message, signed_response_headers
from .test_client import make_auth

README = Path(__file__).parents[1] / "README.md"


def python_blocks(heading: str) -> list[str]:
    """The ```python blocks of the README section under the heading, up to the next heading of any level."""
    text = README.read_text(encoding="utf-8")
    start = text.index(heading + "\n")
    end = re.compile(r"^#{2,3} ", re.MULTILINE).search(text, start + len(heading) + 1)
    section = text[start : end.start() if end else None]
    return re.findall(r"```python\n(.*?)```", section, re.DOTALL)


FAMILY = python_blocks("### The whole family: 13 operations")
ESCAPE_HATCH = python_blocks("### Paths the spec does not have yet")


def test_the_sections_have_their_examples() -> None:
    assert len(FAMILY) == 4 and len(ESCAPE_HATCH) == 1
    assert "create_deduction.sync" in FAMILY[0] and "presign_contract.sync" in FAMILY[1]


def test_the_escape_hatch_is_signed_and_verified() -> None:
    """Through client.get_httpx_client(): the body is signed as sent (openssl checks), a forged answer raises."""
    requests: list[httpx.Request] = []
    forged = {"value": False}

    def wechat_pay(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        message, signature = signed_request_message(request)
        assert openssl_verify(merchant_public_pem(), message, signature)
        body = json.dumps({"repayment_url": "https://example.invalid/r", "expire_at": "2021-03-08T08:30:00+08:00"})
        headers = signed_response_headers(body.encode(), timestamp=int(time.time()))
        sent = body.replace("example.invalid", "evil.invalid") if forged["value"] else body
        return httpx.Response(200, headers=headers, content=sent.encode())

    client = Client(
        base_url="https://api.mch.weixin.qq.com",
        httpx_args={"auth": make_auth(), "transport": httpx.MockTransport(wechat_pay)},
    )
    with client:
        exec(compile(ESCAPE_HATCH[0], "README escape hatch", "exec"), {"client": client})  # noqa: S102
        (request,) = requests
        assert request.url.path == "/v3/offlineface/repayment-url"
        assert json.loads(request.content)["organization_id"] == "OAABBCCDDeeff"
        forged["value"] = True
        with pytest.raises(SignatureVerificationError):
            client.get_httpx_client().post("/v3/offlineface/repayment-url", json={"out_user_id": "x"})
