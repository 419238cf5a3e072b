"""One row of the realistic benchmark, in a process of its own: one client, one load, one line of JSON out.

A fresh process per row keeps rows apart (peak RSS, pools, caches). ``scripts/bench.py`` starts it pinned to the
client's core, against ``scripts/bench_server.py`` over TLS; it is not meant to be run by hand, but can be:

    python scripts/bench_worker.py CLIENT URL CREDENTIALS_DIR CA_FILE --at-once 200 --seconds 4

CLIENT is one of ``CLIENTS``. ``--at-once`` is calls in flight (async clients) or threads sharing one client (sync
clients). It prints calls/s, p50/p99 latency (ms), CPU µs per call, new connections per call, peak RSS and errors.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import resource
import secrets
import ssl
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

PATH = "/v3/offlineface/face-collections/FC2353ZJIHOJKHOIIOIJ"
STATS_PATH = "/__connections"

ASYNC_CLIENTS = (
    "this client, async",
    "minimal aiohttp + cryptography",
    "bare aiohttp (no crypto)",
    "this client, async, httpx's own pool",
)
SYNC_CLIENTS = ("this client, sync", "minimal httpx + cryptography", "wechatpayv3")
CLIENTS = ASYNC_CLIENTS + SYNC_CLIENTS


class Minimal:
    """Sign and verify in the fewest lines, on cryptography directly: what any client of this stack must pay."""

    def __init__(self, folder: Path) -> None:
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding, rsa
        from wechatpay_sandbox import credentials

        creds = credentials.load(folder)
        key = serialization.load_pem_private_key((folder / "apiclient_key.pem").read_bytes(), password=None)
        public_key = serialization.load_pem_public_key((folder / "pub_key.pem").read_bytes())
        assert isinstance(key, rsa.RSAPrivateKey)  # noqa: S101
        assert isinstance(public_key, rsa.RSAPublicKey)  # noqa: S101
        self.key, self.public_key = key, public_key
        self.padding, self.sha256 = padding.PKCS1v15(), hashes.SHA256()
        self.mchid, self.serial = creds.mchid, creds.merchant_serial
        self.public_key_id = creds.public_key_id

    def headers(self) -> dict[str, str]:
        nonce, timestamp = secrets.token_hex(16), str(int(time.time()))
        message = f"GET\n{PATH}\n{timestamp}\n{nonce}\n\n".encode()
        signature = base64.b64encode(self.key.sign(message, self.padding, self.sha256)).decode()
        authorization = (
            f'WECHATPAY2-SHA256-RSA2048 mchid="{self.mchid}",nonce_str="{nonce}",signature="{signature}",'
            f'timestamp="{timestamp}",serial_no="{self.serial}"'
        )
        return {"Authorization": authorization, "Accept": "application/json", "Wechatpay-Serial": self.public_key_id}

    def check(self, headers: Any, body: bytes) -> Any:
        if headers["Wechatpay-Serial"] != self.public_key_id:
            raise ValueError("unknown serial")
        message = f"{headers['Wechatpay-Timestamp']}\n{headers['Wechatpay-Nonce']}\n".encode() + body + b"\n"
        self.public_key.verify(base64.b64decode(headers["Wechatpay-Signature"]), message, self.padding, self.sha256)
        return json.loads(body)


# ---------------------------------------------------------------- the clients, each as one call


def async_call(name: str, url: str, folder: Path, ca: Path) -> tuple[Callable[[], Awaitable[object]], Any]:
    """(one call, what closes the client)"""
    context = ssl.create_default_context(cafile=str(ca))
    if name.startswith("this client, async"):
        import httpx
        from wechatpay_offlineface import Client
        from wechatpay_offlineface.api.face_collections import get_face_collection
        from wechatpay_signing import auth_from_env, httpx_args

        # The before picture: httpx's own async pool, given by hand (the default is aiohttp's).
        pool = httpx.AsyncHTTPTransport(verify=context) if name.endswith("own pool") else None
        auth = _auth(auth_from_env, folder, url)
        client = Client(base_url=url, verify_ssl=context, httpx_args=httpx_args(auth, async_transport=pool))

        async def ours() -> object:
            return await get_face_collection.asyncio("FC2353ZJIHOJKHOIIOIJ", client=client)

        return ours, client.get_async_httpx_client().aclose
    import aiohttp

    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=context, limit=100))
    if name == "bare aiohttp (no crypto)":

        async def bare() -> object:
            async with session.get(url + PATH) as response:
                return await response.read()

        return bare, session.close
    minimal = Minimal(folder)

    async def minimal_call() -> object:
        async with session.get(url + PATH, headers=minimal.headers()) as response:
            body = await response.read()
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}")
            return minimal.check(response.headers, body)

    return minimal_call, session.close


def sync_call(name: str, url: str, folder: Path, ca: Path) -> Callable[[], object]:
    if name == "this client, sync":
        from wechatpay_offlineface import Client
        from wechatpay_offlineface.api.face_collections import get_face_collection
        from wechatpay_signing import auth_from_env, httpx_args

        context = ssl.create_default_context(cafile=str(ca))
        client = Client(base_url=url, verify_ssl=context, httpx_args=httpx_args(_auth(auth_from_env, folder, url)))
        return lambda: get_face_collection.sync("FC2353ZJIHOJKHOIIOIJ", client=client)
    if name == "minimal httpx + cryptography":
        import httpx

        minimal = Minimal(folder)
        # As a careful hand-written client would be: keep-alive for every thread.
        http = httpx.Client(
            base_url=url,
            verify=ssl.create_default_context(cafile=str(ca)),
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=100),
        )

        def minimal_call() -> object:
            response = http.get(PATH, headers=minimal.headers())
            response.raise_for_status()
            return minimal.check(response.headers, response.content)

        return minimal_call
    from wechatpay_sandbox import credentials
    from wechatpayv3.core import Core

    creds = credentials.load(folder)
    os.environ["REQUESTS_CA_BUNDLE"] = str(ca)  # requests' own way to trust a CA; wechatpayv3 has no option
    core = Core(
        mchid=creds.mchid,
        cert_serial_no=creds.merchant_serial,
        private_key=(folder / "apiclient_key.pem").read_text(),
        apiv3_key=creds.apiv3_key,
        public_key=(folder / "pub_key.pem").read_text(),
        public_key_id=creds.public_key_id,
    )
    core._gate_way = url  # it has no option for another host

    def v3_call() -> object:
        code, _ = core.request(PATH)
        if code != 200:
            raise RuntimeError(f"HTTP {code}")
        return code

    return v3_call


def _auth(auth_from_env: Any, folder: Path, url: str) -> Any:
    from wechatpay_sandbox import credentials

    env = {**credentials.load(folder).env(), "WECHATPAY_BASE_URL": url}
    env.pop("WECHATPAY_APIV3_KEY_PATH", None)  # public-key mode, as the minimal clients and wechatpayv3 run
    return auth_from_env(env)


def connections(url: str, ca: Path) -> int:
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    context = ssl.create_default_context(cafile=str(ca))
    connection = http.client.HTTPSConnection(parts.hostname or "", parts.port, context=context, timeout=10)
    try:
        connection.request("GET", STATS_PATH)
        return int(connection.getresponse().read())
    finally:
        connection.close()


# ---------------------------------------------------------------- the load


class Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors = 0
        self.first_error = ""

    def failed(self, error: BaseException) -> None:
        self.errors += 1
        self.first_error = self.first_error or f"{type(error).__name__}: {str(error)[:200]}"


def run_async(
    name: str, url: str, folder: Path, ca: Path, at_once: int, seconds: float, warmed_up: Callable[[], None]
) -> tuple[Tally, float, float]:
    async def main() -> tuple[Tally, float, float]:
        call, close = async_call(name, url, folder, ca)

        async def load(tally: Tally, until: float) -> None:
            async def worker() -> None:
                while time.perf_counter() < until:
                    started = time.perf_counter()
                    try:
                        await call()
                    except Exception as error:
                        tally.failed(error)
                        continue
                    tally.latencies.append(time.perf_counter() - started)

            await asyncio.gather(*(worker() for _ in range(at_once)))

        await load(Tally(), time.perf_counter() + min(2.0, seconds / 2))  # warm up: connections, caches
        warmed_up()
        tally = Tally()
        cpu, wall = time.process_time(), time.perf_counter()
        await load(tally, wall + seconds)
        result = tally, time.perf_counter() - wall, time.process_time() - cpu
        await close()
        return result

    return asyncio.run(main())


def run_threads(
    name: str, url: str, folder: Path, ca: Path, at_once: int, seconds: float, warmed_up: Callable[[], None]
) -> tuple[Tally, float, float]:
    call = sync_call(name, url, folder, ca)

    def load(tally: Tally, until: float) -> None:
        lock = threading.Lock()

        def worker() -> None:
            while time.perf_counter() < until:
                started = time.perf_counter()
                try:
                    call()
                except Exception as error:
                    with lock:
                        tally.failed(error)
                    continue
                tally.latencies.append(time.perf_counter() - started)  # list.append is atomic

        threads = [threading.Thread(target=worker) for _ in range(at_once)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    load(Tally(), time.perf_counter() + min(2.0, seconds / 2))
    warmed_up()
    tally = Tally()
    cpu, wall = time.process_time(), time.perf_counter()
    load(tally, wall + seconds)
    return tally, time.perf_counter() - wall, time.process_time() - cpu


def peak_rss_mib() -> float:
    """This process's peak RSS. Not ru_maxrss: on Linux that keeps the parent's peak across fork and exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("client", choices=CLIENTS)
    parser.add_argument("url")
    parser.add_argument("folder", type=Path)
    parser.add_argument("ca", type=Path)
    parser.add_argument("--at-once", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args()
    run = run_async if args.client in ASYNC_CLIENTS else run_threads
    before: list[int] = []
    tally, wall, cpu = run(
        args.client,
        args.url,
        args.folder,
        args.ca,
        args.at_once,
        args.seconds,
        lambda: before.append(connections(args.url, args.ca)),
    )
    opened = connections(args.url, args.ca) - before[0] - 1  # less this stats connection
    calls = len(tally.latencies)
    latencies = sorted(tally.latencies) or [float("nan")]
    print(
        json.dumps(
            {
                "calls": calls,
                "calls_per_s": calls / wall,
                "p50_ms": latencies[len(latencies) // 2] * 1e3,
                "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1e3,
                "cpu_us_per_call": cpu / max(calls, 1) * 1e6,
                "connections_per_call": max(opened, 0) / max(calls, 1),
                "peak_rss_mib": peak_rss_mib(),
                "errors": tally.errors,
                "first_error": tally.first_error,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
