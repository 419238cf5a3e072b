"""What the soak and the benchmark both need: this process's memory, and calls kept in flight."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path


def rss_mib() -> float:
    """Resident set size from /proc (Linux), without a dependency."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def run_in_flight(numbers: Iterable[int], at_once: int, call: Callable[[int], Awaitable[object]]) -> None:
    """``call(number)`` for every number, ``at_once`` calls running at any time."""
    queue = iter(numbers)

    async def worker() -> None:
        for number in queue:
            await call(number)

    await asyncio.gather(*(worker() for _ in range(at_once)))
