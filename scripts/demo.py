"""make demo: the generated client and the signing plugin against the local sandbox, sync and async.

Pointing the same code at WeChat Pay is a matter of the base URL and real credentials (see the README).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from wechatpay_offlineface import Client, errors
from wechatpay_offlineface.api.face_collections import get_face_collection, list_face_collections
from wechatpay_offlineface.models import FaceCollection
from wechatpay_offlineface.types import Unset
from wechatpay_sandbox import FAULT_HEADER, SandboxProcess
from wechatpay_signing import SignatureVerificationError, WeChatPayAuth, auth_from_env, httpx_args


def describe(collection: FaceCollection) -> str:
    def shown(value: object) -> str:
        return "-" if isinstance(value, Unset) else str(value)

    state = getattr(collection.collection_state, "value", collection.collection_state)
    return (
        f"{collection.collection_id}  user {shown(collection.use_id)}  organization {collection.organization_id}  "
        f"{state:<20} photo uploaded {shown(collection.register_photo_upload_time)}  "
        f"confirmed {shown(collection.confirm_time)}"
    )


def run_sync(client: Client) -> None:
    print("\n== sync: getFaceCollection ==")
    for collection_id in ("FC2353ZJIHOJKHOIIOIJ", "FC2353ZJIHOJKHOIIOIL"):
        result = get_face_collection.sync(collection_id, client=client)
        assert isinstance(result, FaceCollection)  # noqa: S101 - the demo stops on anything else
        print(describe(result))
    try:
        get_face_collection.sync("FC_DOES_NOT_EXIST", client=client)
    except errors.ApiError as error:
        print(f"unknown id -> errors.ApiError: {error}")
    else:
        raise SystemExit("an unknown id returned data")


async def run_async(client: Client) -> None:
    print("\n== asyncio: getFaceCollection x3 concurrently, then listFaceCollections ==")
    ids = ["FC2353ZJIHOJKHOIIOIK", "FC8801SHANGHAIMIDDLE2", "FC9902SHENZHENPRIMARY"]
    results = await asyncio.gather(*(get_face_collection.asyncio(i, client=client) for i in ids))
    for result in results:
        assert isinstance(result, FaceCollection)  # noqa: S101
        print(describe(result))
    page = await list_face_collections.asyncio(client=client, organization_id="123", offset=0, limit=2)
    print(f"organization 123, first page of 2: {[c.collection_id for c in page.face_collections]}")


def run_tampered(client: Client) -> None:
    print("\n== a tampered answer ==")
    tampering = client.with_headers({FAULT_HEADER: "tampered-body"})
    try:
        get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=tampering)
    except SignatureVerificationError as error:
        print(f"refused, no data returned: {error}")
    else:
        raise SystemExit("a tampered answer was accepted")


def main() -> int:
    # The sandbox's test credentials live as long as the demo: nothing is left in the temp folder.
    with tempfile.TemporaryDirectory(prefix="wechatpay-demo-") as folder, SandboxProcess(Path(folder)) as sandbox:
        print("\n".join(sandbox.banner))
        url, env = sandbox.url, sandbox.env
        auth: WeChatPayAuth = auth_from_env(env)
        print(f"client auth: {auth!r}")
        # Signing, verification and retries of idempotent calls, as the README recommends.
        client = Client(base_url=url, httpx_args=httpx_args(auth), raise_on_unexpected_status=True)
        with client:
            run_sync(client)
            run_tampered(client)
        asyncio.run(run_async(Client(base_url=url, httpx_args=httpx_args(auth))))
    print("\nsandbox stopped; demo done.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
