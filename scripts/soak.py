"""Soak: many calls at many in flight against the sandbox in another process, as the README recommends building them.

One call in 20 asks the sandbox for a forged answer (tampered, badly signed, unknown key, stale) and one in 50
asks for an unknown id. The run fails (exit 1) on any unexpected error, on any forged answer handed over as data,
or when RSS grows by 10 MiB or more after the warm-up.

    python scripts/soak.py [--calls 20000] [--in-flight 50]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from measure import rss_mib, run_in_flight
from wechatpay_offlineface import Client, errors
from wechatpay_offlineface.api.face_collections import get_face_collection
from wechatpay_sandbox import FAULT_HEADER, SandboxProcess
from wechatpay_signing import ClockSkewError, SignatureVerificationError, auth_from_env, httpx_args

FORGERIES = ["tampered-body", "bad-signature", "unknown-serial", "stale-timestamp"]
RSS_LIMIT_MIB = 10.0
WARM_UP = 500


@dataclass
class Tally:
    verified: int = 0
    forged_refused: int = 0
    forged_handed_over: int = 0  # must stay 0
    api_errors_expected: int = 0
    unexpected: Counter[str] = field(default_factory=Counter)  # must stay empty


async def one_call(client: Client, forging: list[Client], number: int, tally: Tally) -> None:
    if number % 20 == 0:
        forged = forging[number // 20 % len(forging)]
        try:
            await get_face_collection.asyncio("FC2353ZJIHOJKHOIIOIJ", client=forged)
        except (SignatureVerificationError, ClockSkewError):  # a stale answer is refused as a clock problem
            tally.forged_refused += 1
        else:
            tally.forged_handed_over += 1
        return
    collection_id = "FC_UNKNOWN" if number % 50 == 1 else "FC2353ZJIHOJKHOIIOIJ"
    try:
        collection = await get_face_collection.asyncio(collection_id, client=client)
    except errors.ApiError as error:
        if collection_id == "FC_UNKNOWN" and error.code == "RESOURCE_NOT_EXISTS":
            tally.api_errors_expected += 1
        else:
            tally.unexpected[f"ApiError {error.status_code} {error.code}"] += 1
    except Exception as error:
        tally.unexpected[type(error).__name__] += 1
    else:
        if collection.collection_id == collection_id:
            tally.verified += 1
        else:
            tally.unexpected["wrong collection"] += 1


async def soak(url: str, env: dict[str, str], calls: int, in_flight: int) -> int:
    auth = auth_from_env(env)
    tally = Tally()
    client = Client(base_url=url, httpx_args=httpx_args(auth))
    forging = [client.with_headers({FAULT_HEADER: name}) for name in FORGERIES]
    await run_in_flight(range(WARM_UP), in_flight, lambda number: one_call(client, forging, number, tally))
    gc.collect()
    rss_before = rss_mib()
    started = time.perf_counter()
    measured = range(WARM_UP, WARM_UP + calls)
    await run_in_flight(measured, in_flight, lambda number: one_call(client, forging, number, tally))
    elapsed = time.perf_counter() - started
    gc.collect()
    rss_growth = rss_mib() - rss_before
    for each in [client, *forging]:
        await each.get_async_httpx_client().aclose()

    unexpected = sum(tally.unexpected.values())
    print(f"calls:                 {calls} measured at {in_flight} in flight, after {WARM_UP} to warm up")
    print("counts below cover both")
    print(f"calls/s:               {calls / elapsed:,.0f}  ({elapsed:.1f} s)")
    print(f"verified answers:      {tally.verified}")
    print(f"forged answers refused:{tally.forged_refused:>6}")
    print(f"unknown ids (404):     {tally.api_errors_expected}")
    print(f"errors:                {unexpected}  {dict(tally.unexpected) or ''}")
    print(f"unverified handed over:{tally.forged_handed_over:>6}")
    print(f"RSS growth:            {rss_growth:+.2f} MiB (limit {RSS_LIMIT_MIB:.0f} MiB)")
    failed = unexpected > 0 or tally.forged_handed_over > 0 or rss_growth >= RSS_LIMIT_MIB
    print("FAILED" if failed else "OK")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--in-flight", type=int, default=50)
    args = parser.parse_args()
    # Client and sandbox on different cores where there are two, so neither starves the other.
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    with (
        tempfile.TemporaryDirectory(prefix="wechatpay-soak-") as folder,
        SandboxProcess(Path(folder), cpu=cores[-1] if cores else None) as box,
    ):
        if len(cores) > 1:
            os.sched_setaffinity(0, set(cores[:-1]))
        return asyncio.run(soak(box.url, box.env, args.calls, args.in_flight))


if __name__ == "__main__":
    sys.exit(main())
