"""The aiohttp pool's turns: first come first served, a pool timeout from one shared timer, and no turn lost to a
caller that gave up, was cancelled, or was cancelled just as a turn reached it."""

from __future__ import annotations

import asyncio
import time

import pytest
from wechatpay_signing.turns import Turns


async def test_waiters_are_served_first_come_first_served() -> None:
    turns = Turns(2)
    assert turns.take_now() and turns.take_now()
    assert not turns.take_now()
    served: list[int] = []

    async def caller(number: int) -> None:
        await turns.take(5.0)
        served.append(number)

    callers = [asyncio.ensure_future(caller(number)) for number in range(6)]
    await asyncio.sleep(0)
    for _ in range(6):
        turns.give_back()
        await asyncio.sleep(0)
    await asyncio.gather(*callers)
    assert served == list(range(6))
    assert not turns.take_now()  # the two turns went round: both are held now
    turns.give_back()
    turns.give_back()
    assert turns.take_now() and turns.take_now() and not turns.take_now()


async def test_a_free_turn_does_not_jump_the_queue() -> None:
    """A turn given back goes to the first waiter, not to whoever asks next with take_now()."""
    turns = Turns(1)
    assert turns.take_now()
    waiter = asyncio.ensure_future(turns.take(5.0))
    await asyncio.sleep(0)
    turns.give_back()
    assert not turns.take_now()
    await waiter


async def test_a_waiter_gives_up_after_its_timeout_and_loses_no_turn() -> None:
    turns = Turns(1)
    assert turns.take_now()
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        await turns.take(0.05)
    assert 0.04 < time.monotonic() - started < 2
    turns.give_back()
    assert turns.take_now()  # the turn given back is free: the waiter that gave up holds none


async def test_a_shorter_timeout_queued_later_still_ends_first() -> None:
    turns = Turns(1)
    assert turns.take_now()
    patient = asyncio.ensure_future(turns.take(30.0))
    await asyncio.sleep(0)
    with pytest.raises(TimeoutError):
        await turns.take(0.05)
    assert not patient.done()
    turns.give_back()
    await patient  # the turn skipped the one that gave up


async def test_waiters_share_one_timer(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the class is for: 50 waiters with the same pool timeout set one timer, not 50."""
    loop = asyncio.get_running_loop()
    timers: list[float] = []
    call_at = loop.call_at

    def counting_call_at(when: float, *args: object, **kwargs: object) -> asyncio.TimerHandle:
        timers.append(when)
        return call_at(when, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loop, "call_at", counting_call_at)
    turns = Turns(1)
    assert turns.take_now()
    waiters = [asyncio.ensure_future(turns.take(10.0)) for _ in range(50)]
    await asyncio.sleep(0)
    assert len(timers) == 1
    for _ in waiters:
        turns.give_back()
        await asyncio.sleep(0)
    await asyncio.gather(*waiters)
    assert len(timers) == 1


async def test_a_cancelled_waiter_loses_no_turn() -> None:
    turns = Turns(1)
    assert turns.take_now()
    cancelled = asyncio.ensure_future(turns.take(5.0))
    after = asyncio.ensure_future(turns.take(5.0))
    await asyncio.sleep(0)
    cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    turns.give_back()
    await after  # the turn went past the cancelled waiter
    turns.give_back()
    assert turns.take_now()


async def test_a_turn_reaching_a_waiter_cancelled_at_that_moment_is_passed_on() -> None:
    """The turn is handed over (its future done), and the waiter is cancelled before it runs: it must not keep it."""
    turns = Turns(1)
    assert turns.take_now()
    unlucky = asyncio.ensure_future(turns.take(5.0))
    next_in_line = asyncio.ensure_future(turns.take(5.0))
    await asyncio.sleep(0)
    turns.give_back()  # to unlucky, which has not run yet
    unlucky.cancel()
    with pytest.raises(asyncio.CancelledError):
        await unlucky
    await asyncio.wait_for(next_in_line, 2)  # it got the turn unlucky never used
    turns.give_back()
    assert turns.take_now()


async def test_no_timeout_waits_until_a_turn_comes() -> None:
    turns = Turns(1)
    assert turns.take_now()
    waiter = asyncio.ensure_future(turns.take(None))
    await asyncio.sleep(0.05)
    assert not waiter.done()
    turns.give_back()
    await waiter
