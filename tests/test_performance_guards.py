"""What performance rests on, checked by counting, never by timing: keys parsed once, the fast transport works."""

from __future__ import annotations

import gc
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from wechatpay_offlineface import Client
from wechatpay_offlineface.api.face_collections import get_face_collection
from wechatpay_sandbox import FAULT_HEADER, SandboxServer
from wechatpay_signing import SignatureVerificationError, aiohttp_transport, auth_from_env, httpx_args

COLLECTION_ID = "FC2353ZJIHOJKHOIIOIJ"


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_the_private_key_is_parsed_once_per_credential_object(
    sandbox: SandboxServer, creds: Any, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    parsed: list[bytes] = []
    real = serialization.load_pem_private_key

    def counting(data: bytes, *args: Any, **kwargs: Any) -> Any:
        parsed.append(data)
        return real(data, *args, **kwargs)

    monkeypatch.setattr(serialization, "load_pem_private_key", counting)
    env = {k: v for k, v in creds.env().items() if k != "WECHATPAY_APIV3_KEY_PATH"}
    auth = auth_from_env(env)
    assert len(parsed) == 1  # a parse costs about 29 ms: at construction, once
    client = Client(base_url=sandbox.url, httpx_args=httpx_args(auth))
    for _ in range(30):
        if mode == "sync":
            get_face_collection.sync(COLLECTION_ID, client=client)
        else:
            await get_face_collection.asyncio(COLLECTION_ID, client=client)
    assert len(parsed) == 1


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_call_leaves_no_reference_cycle_for_the_garbage_collector(
    sandbox: SandboxServer, creds: Any, mode: str
) -> None:
    # httpx's stream refers back to its response: left bound, every call's response, request, URL and headers wait
    # for the garbage collector (about 25 µs of CPU a call at 50 in flight) instead of going with the response.
    client = Client(base_url=sandbox.url, httpx_args=httpx_args(auth_from_env(creds.env())))

    async def call() -> None:
        if mode == "sync":
            get_face_collection.sync(COLLECTION_ID, client=client)
        else:
            await get_face_collection.asyncio(COLLECTION_ID, client=client)

    await call()  # the pools and the certificate-free public-key mode set up
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector would free is kept in gc.garbage, to look at
    try:
        for _ in range(10):
            await call()
        gc.collect()
        responses = [garbage for garbage in gc.garbage if isinstance(garbage, httpx.Response)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
        if mode == "sync":
            client.get_httpx_client().close()
        else:
            await client.get_async_httpx_client().aclose()
    assert responses == []


async def test_the_aiohttp_transport_signs_verifies_and_retries(sandbox: SandboxServer, creds: Any) -> None:
    auth = auth_from_env(creds.env())
    client = Client(base_url=sandbox.url, httpx_args=httpx_args(auth, async_transport=aiohttp_transport()))
    async with client:
        collection = await get_face_collection.asyncio(COLLECTION_ID, client=client)
        assert collection.organization_id == "123"
        tampered = Client(
            base_url=sandbox.url,
            httpx_args=httpx_args(auth, async_transport=aiohttp_transport()),
            headers={FAULT_HEADER: "tampered-body"},
        )
        async with tampered:
            with pytest.raises(SignatureVerificationError, match="does not match"):
                await get_face_collection.asyncio(COLLECTION_ID, client=tampered)
