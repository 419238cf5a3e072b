"""The sandbox's pytest plugin, used the way a user's suite would: one line, then the fixtures."""

from __future__ import annotations

import pytest


def test_plugin_gives_a_configured_client(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        pytest_plugins = ["wechatpay_sandbox.pytest_plugin"]

        from wechatpay_offlineface.api.face_collections import get_face_collection
        from wechatpay_offlineface.models import FaceCollection


        def test_calls_the_sandbox(wechatpay_client):
            result = get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=wechatpay_client)
            assert isinstance(result, FaceCollection)
            assert result.organization_id == "123"


        def test_sandbox_url_is_loopback(wechatpay_sandbox):
            assert wechatpay_sandbox.url.startswith("http://127.0.0.1:")
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
