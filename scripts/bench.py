"""Benchmark: this client against the crypto, bare httpx, a minimal reference and wechatpayv3, in one run.

Two halves. The loopback half (below) measures plain HTTP on loopback, sequential and up to 50 in flight. The
realistic half (scripts/bench_realistic.py) adds TLS, a server 0/5/30 ms of network round trip away (handshakes
included), up to 1,000 in flight and threads sharing a sync client, with minimal hand-written clients and wechatpayv3
on the same server. ``--quick`` runs the realistic half only, at 30 ms, in a few minutes.

A loopback server (scripts/bench_server.py) in another process answers the face-collection GET with a validly
signed response; client and server are pinned to different cores where there are two. Every figure is the median
of several repetitions, and every ratio compares figures of this run only. Prints a table and the performance
targets, and writes benchmark.png (throughput against concurrency).

    python scripts/bench.py [--quick] [--calls 1000] [--repeats 5] [--chart benchmark.png]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gc
import json
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bench_realistic
import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from measure import rss_mib, run_in_flight
from wechatpay_offlineface import Client
from wechatpay_offlineface.api.face_collections import get_face_collection
from wechatpay_sandbox import credentials as sandbox_credentials
from wechatpay_signing import auth_from_env, httpx_args, load_public_key

ROOT = Path(__file__).resolve().parents[1]
COLLECTION_ID = "FC2353ZJIHOJKHOIIOIJ"
PATH = f"/v3/offlineface/face-collections/{COLLECTION_ID}"
IN_FLIGHT = (1, 10, 50)
RSS_CALLS = 20_000


@dataclass
class Row:
    name: str
    us_per_call: float

    @property
    def calls_per_s(self) -> float:
        return 1e6 / self.us_per_call


# ---------------------------------------------------------------- the server and the machine


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor() or platform.machine(),
    )
    return (
        f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


# ---------------------------------------------------------------- timing


def loop(call: Callable[[], object]) -> Callable[[int], None]:
    def batch(count: int) -> None:
        for _ in range(count):
            call()

    return batch


def median_us(batch: Callable[[int], None], calls: int, repeats: int) -> float:
    batch(max(calls // 10, 20))  # warm up: connections, caches
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        batch(calls)
        times.append((time.perf_counter() - started) / calls * 1e6)
    return statistics.median(times)


def median_us_async(make_client: Callable[[], Client], calls: int, repeats: int, in_flight: int) -> float:
    """µs per call of the generated async client with ``in_flight`` calls at a time, one event loop throughout."""

    async def measured() -> float:
        client = make_client()

        async def batch(count: int) -> None:
            await run_in_flight(
                range(count), in_flight, lambda _: get_face_collection.asyncio(COLLECTION_ID, client=client)
            )

        try:
            await batch(max(calls // 10, in_flight * 2))
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                await batch(calls)
                times.append((time.perf_counter() - started) / calls * 1e6)
        finally:
            await client.get_async_httpx_client().aclose()
        return statistics.median(times)

    return asyncio.run(measured())


# ---------------------------------------------------------------- what is measured


class Reference:
    """httpx + sign + verify in the fewest lines: the floor any client of this stack pays."""

    def __init__(self, url: str, creds: sandbox_credentials.SandboxCredentials) -> None:
        key = serialization.load_pem_private_key((creds.folder / "apiclient_key.pem").read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)  # noqa: S101
        self.private_key = key
        self.public_key = load_public_key((creds.folder / "pub_key.pem").read_bytes())
        self.mchid, self.serial = creds.mchid, creds.merchant_serial
        self.client = httpx.Client(base_url=url)

    def sign(self) -> str:
        nonce, timestamp = secrets.token_hex(16), str(int(time.time()))
        message = f"GET\n{PATH}\n{timestamp}\n{nonce}\n\n".encode()
        signature = base64.b64encode(self.private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()
        return (
            f'WECHATPAY2-SHA256-RSA2048 mchid="{self.mchid}",nonce_str="{nonce}",signature="{signature}",'
            f'timestamp="{timestamp}",serial_no="{self.serial}"'
        )

    def verify(self, headers: Any, body: bytes) -> None:
        message = f"{headers['Wechatpay-Timestamp']}\n{headers['Wechatpay-Nonce']}\n".encode() + body + b"\n"
        signature = base64.b64decode(headers["Wechatpay-Signature"])
        self.public_key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())

    def call(self) -> None:
        response = self.client.get(PATH, headers={"Authorization": self.sign(), "Accept": "application/json"})
        self.verify(response.headers, response.content)
        json.loads(response.content)

    def crypto_only(self, headers: Any, body: bytes) -> None:
        self.sign()
        self.verify(headers, body)


def wechatpayv3_core(url: str, creds: sandbox_credentials.SandboxCredentials) -> Any:
    from wechatpayv3.core import Core

    core = Core(
        mchid=creds.mchid,
        cert_serial_no=creds.merchant_serial,
        private_key=(creds.folder / "apiclient_key.pem").read_text(),
        apiv3_key=creds.apiv3_key,
        public_key=(creds.folder / "pub_key.pem").read_text(),
        public_key_id=creds.public_key_id,
    )
    core._gate_way = url  # it has no option for another host
    return core


def import_seconds(statement: str, repeats: int) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        for _ in range(repeats)
    ]
    return statistics.median(runs)


# ---------------------------------------------------------------- the run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=1000, help="calls per repetition (default: 1000)")
    parser.add_argument("--repeats", type=int, default=5, help="repetitions per figure; the median counts")
    parser.add_argument("--rss-calls", type=int, default=RSS_CALLS)
    parser.add_argument("--chart", type=Path, default=ROOT / "benchmark.png")
    parser.add_argument("--tls-chart", type=Path, default=ROOT / "benchmark-tls.png")
    parser.add_argument("--quick", action="store_true", help="the realistic half only, at 30 ms (a few minutes)")
    args = parser.parse_args()

    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    server_cpu = cores[-1] if len(cores) > 1 else None
    folder = Path(tempfile.mkdtemp(prefix="wechatpay-bench-"))
    creds = sandbox_credentials.create(folder)
    server, url = bench_realistic.start_server(folder, None, 0, server_cpu)
    if server_cpu is not None:
        os.sched_setaffinity(0, set(cores[:-1]))
    try:
        try:
            if not args.quick:
                run(url, creds, args, pinned=server_cpu is not None)
        finally:
            server.terminate()
            server.wait(timeout=10)
        client_cpus = set(cores[:-1]) if server_cpu is not None else None
        return run_realistic(folder, args, server_cpu=server_cpu, client_cpus=client_cpus)
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the test credentials: nothing left in the temp folder


def run_realistic(
    folder: Path, args: argparse.Namespace, *, server_cpu: int | None, client_cpus: set[int] | None
) -> int:
    from wechatpay_sandbox.tls import make_tls_files

    plan = bench_realistic.QUICK if args.quick else bench_realistic.FULL
    tls = folder / "tls"
    make_tls_files(tls)
    print(f"\nmachine: {machine()}")
    pinning = "pinned apart" if server_cpu is not None else "not pinned"
    print(
        f"realistic: TLS, {', '.join(map(str, plan.delays_ms))} ms network round trip (handshakes included);"
        f" a fresh process per row for {plan.seconds:g} s after warming up; server and client {pinning}"
    )
    sample_server, url = bench_realistic.start_server(folder, tls, 0, server_cpu)
    try:
        sample = bench_realistic.sample_answer(url, tls / "ca.pem")
    finally:
        sample_server.terminate()
        sample_server.wait(timeout=10)
    crypto = bench_realistic.crypto_us(folder, sample)
    results = bench_realistic.run(folder, tls, plan, server_cpu=server_cpu, client_cpus=client_cpus)
    bench_realistic.print_table(results, crypto)
    bench_realistic.print_targets(results, crypto, plan)
    if not args.quick:
        bench_realistic.chart(args.tls_chart, results, crypto, plan, machine())
        print(f"\nchart: {args.tls_chart}")
    return 0


def run(url: str, creds: sandbox_credentials.SandboxCredentials, args: argparse.Namespace, *, pinned: bool) -> None:
    calls, repeats = args.calls, args.repeats
    env = {**creds.env(), "WECHATPAY_BASE_URL": url}
    env.pop("WECHATPAY_APIV3_KEY_PATH")  # public-key mode, as wechatpayv3 is run: no certificate store
    auth = auth_from_env(env)
    print(f"machine: {machine()}")
    print(
        f"client and server {'pinned to different cores' if pinned else 'not pinned (one core)'}; {calls} calls x"
        f" {repeats} repetitions per figure, medians\n"
    )

    reference = Reference(url, creds)
    sample = reference.client.get(PATH)
    rows: dict[str, Row] = {}

    def add(name: str, us: float) -> None:
        rows[name] = Row(name, us)
        print(f"  measured {name:<44} {us:9.0f} µs/call", flush=True)

    add("server ceiling (raw sockets, 50 connections)", server_ceiling_us(url, calls * 5))
    add(
        "crypto only (sign + verify)",
        median_us(loop(lambda: reference.crypto_only(sample.headers, sample.content)), calls, repeats),
    )
    bare = httpx.Client(base_url=url)
    add("bare httpx GET", median_us(loop(lambda: bare.get(PATH)), calls, repeats))
    add("reference: httpx + sign + verify", median_us(loop(reference.call), calls, repeats))
    sync_client = Client(base_url=url, httpx_args=httpx_args(auth))
    add(
        "this client, sync",
        median_us(loop(lambda: get_face_collection.sync(COLLECTION_ID, client=sync_client)), calls, repeats),
    )
    core = wechatpayv3_core(url, creds)
    add(
        "wechatpayv3 (new connection per call)",
        median_us(loop(lambda: core.request(PATH)), max(calls // 2, 50), repeats),
    )

    curves: dict[str, list[float]] = {}
    transports: list[tuple[str, Callable[[], httpx.AsyncBaseTransport | None]]] = [
        ("httpx's own pool, given by hand", httpx.AsyncHTTPTransport),
        ("default (aiohttp's pool)", lambda: None),
    ]
    for label, async_transport in transports:
        curves[label] = []
        for in_flight in IN_FLIGHT:

            def make_client(async_transport: Callable[[], httpx.AsyncBaseTransport | None] = async_transport) -> Client:
                return Client(base_url=url, httpx_args=httpx_args(auth, async_transport=async_transport()))

            us = median_us_async(make_client, calls, repeats, in_flight)
            add(f"this client, async, {label}, {in_flight} in flight", us)
            curves[label].append(1e6 / us)

    print_table(rows)
    print_targets(rows, rss_calls=args.rss_calls, sync_client=sync_client)
    chart(args.chart, rows, curves)
    print(f"\nchart: {args.chart}")


def server_ceiling_us(url: str, calls: int) -> float:
    host, port = url.removeprefix("http://").split(":")
    request = f"GET {PATH} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()

    async def connection(count: int) -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        for _ in range(count):
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length_line = next(h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length"))
            length = int(length_line.split(b":")[1])
            await reader.readexactly(length)
        writer.close()

    async def all_connections() -> float:
        started = time.perf_counter()
        await asyncio.gather(*(connection(calls // 50) for _ in range(50)))
        return (time.perf_counter() - started) / (calls // 50 * 50) * 1e6

    return asyncio.run(all_connections())


def print_table(rows: dict[str, Row]) -> None:
    reference = rows["reference: httpx + sign + verify"]
    v3 = rows["wechatpayv3 (new connection per call)"]
    print(f"\n{'':<62}{'calls/s':>9}{'µs/call':>9}{'x ref':>8}{'x wechatpayv3':>15}")
    for row in rows.values():
        print(
            f"{row.name:<62}{row.calls_per_s:>9,.0f}{row.us_per_call:>9,.0f}"
            f"{row.calls_per_s / reference.calls_per_s:>8.2f}{row.calls_per_s / v3.calls_per_s:>15.2f}"
        )


def verdict(name: str, measured: float, target: float, *, at_most: bool = False) -> None:
    met = measured <= target if at_most else measured >= target
    if met:
        print(f"  met     {name}: {measured:.3f} (target {'≤' if at_most else '≥'} {target})")
    else:
        by = (measured / target - 1) * 100 if at_most else (1 - measured / target) * 100
        print(f"  MISSED  {name}: {measured:.3f} (target {'≤' if at_most else '≥'} {target}; missed by {by:.1f}%)")


def print_targets(rows: dict[str, Row], *, rss_calls: int, sync_client: Client) -> None:
    speed = {name: row.calls_per_s for name, row in rows.items()}
    sync = speed["this client, sync"]
    best_async = speed["this client, async, default (aiohttp's pool), 50 in flight"]
    default_async = speed["this client, async, httpx's own pool, given by hand, 50 in flight"]

    print("\nimport time (median of 15 fresh interpreters):")
    ours = import_seconds("import wechatpay_offlineface, wechatpay_signing", 15)
    base = import_seconds("import httpx; from cryptography.hazmat.primitives.asymmetric import rsa, padding", 15)
    print(f"  wechatpay_offlineface + wechatpay_signing {ours * 1e3:.0f} ms; httpx + cryptography {base * 1e3:.0f} ms")

    print(f"\nRSS over {rss_calls:,} calls of the sync client:")
    gc.collect()
    before = rss_mib()
    for _ in range(rss_calls):
        get_face_collection.sync(COLLECTION_ID, client=sync_client)
    gc.collect()
    growth = rss_mib() - before
    print(f"  {before:.1f} MiB -> {before + growth:.1f} MiB ({growth:+.2f} MiB)")

    print("\ntargets (ratios within this run):")
    verdict("sync client / reference", sync / speed["reference: httpx + sign + verify"], 0.90)
    verdict("sync client / wechatpayv3", sync / speed["wechatpayv3 (new connection per call)"], 1.6)
    verdict("async at 50 in flight / sync client", best_async / sync, 1.3)
    verdict("async at 50 in flight / httpx's own async pool at 50", best_async / default_async, 3.0)
    verdict("import time / httpx + cryptography", ours / base, 1.2, at_most=True)
    verdict(f"RSS growth over {rss_calls:,} calls, MiB", growth, 5.0, at_most=True)


def chart(path: Path, rows: dict[str, Row], curves: dict[str, list[float]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 4.5), dpi=110)
    for label, values in curves.items():
        axes.plot(IN_FLIGHT, values, marker="o", label=f"this client, async: {label}")
    for name, style in [
        ("this client, sync", "-"),
        ("reference: httpx + sign + verify", "--"),
        ("wechatpayv3 (new connection per call)", ":"),
    ]:
        axes.axhline(rows[name].calls_per_s, linestyle=style, color="grey", label=f"{name} (sequential)")
    axes.set_xscale("log")
    axes.set_xticks(IN_FLIGHT, [str(n) for n in IN_FLIGHT])
    axes.set_xlabel("requests in flight")
    axes.set_ylabel("calls per second")
    axes.set_ylim(bottom=0)
    axes.set_title("GET face-collection against a loopback server, signed and verified")
    axes.legend(fontsize=7, loc="lower right")
    figure.tight_layout()
    figure.savefig(path)


if __name__ == "__main__":
    sys.exit(main())
