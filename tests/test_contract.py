"""Contract test: schemathesis generates calls from openapi/ and checks the sandbox's answers against it.

Every call is signed by WeChatPayAuth and every 2xx answer verified by it, so a mismatch in either direction (the
spec promising what the server does not do, or the server sending what the spec does not describe) fails here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from wechatpay_sandbox import SandboxServer
from wechatpay_signing import WeChatPayAuth

SPEC = Path(__file__).parents[1] / "openapi" / "offlineface.yaml"
# The sandbox keeps WeChat Pay's business state, so a request the spec allows may still break a business rule: an
# organization, user, contract or order it does not have (404), a payment credential it never issued or a sensitive
# field sent in the clear (400 INVALID_REQUEST / PARAM_ERROR, as WeChat Pay answers). Those refusals are expected;
# what they must look like is checked below (business_refusals_are_wechat_errors).
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2XX", "400", "401", "404", "409", "429", "5XX"]}}}
)
schema = schemathesis.openapi.from_path(SPEC, config=CONFIG)
BUSINESS_CODES = {"PARAM_ERROR", "INVALID_REQUEST", "RESOURCE_NOT_EXISTS", "ORDER_NOT_EXIST", "NOT_FOUND"}


def business_refusals_are_wechat_errors(response: httpx.Response) -> None:
    """A 400 or 404 is WeChat Pay's JSON error with one of the documented codes, never a bare failure."""
    if response.status_code in (400, 404):
        assert response.json().get("code") in BUSINESS_CODES, response.text


@pytest.fixture(scope="module")
def signed_client(sandbox: SandboxServer, auth: WeChatPayAuth) -> httpx.Client:
    return httpx.Client(base_url=sandbox.url, auth=auth, timeout=5)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_sandbox_answers_as_the_spec_says(case: schemathesis.Case[Any], signed_client: httpx.Client) -> None:
    kwargs = case.as_transport_kwargs(base_url=str(signed_client.base_url))
    # The body as schemathesis serialised it (JSON, or raw bytes for negative cases): signed exactly as sent.
    body: dict[str, Any] = {key: kwargs[key] for key in ("json", "content") if key in kwargs}
    if isinstance(kwargs.get("data"), bytes | str):
        body["content"] = kwargs["data"]
    elif "data" in kwargs:
        body["data"] = kwargs["data"]
    response = signed_client.request(
        kwargs["method"], kwargs["url"], params=kwargs.get("params"), headers=kwargs.get("headers"), **body
    )
    case.validate_response(response)
    business_refusals_are_wechat_errors(response)
