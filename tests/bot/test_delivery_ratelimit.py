"""The rate limiter: the platforms' published limits, per chat and overall, without sleeping, whatever the
delays between granting a send, its arrival at the platform and its answer."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.base import RateLimit
from bot.delivery import RateLimiter, Slot
from bot.discord.limits import DISCORD_RATE_LIMITS
from bot.telegram.limits import TELEGRAM_RATE_LIMITS, is_telegram_group
from storage.destinations import parse_destination_key
from storage.models import Destination


def dest(key: str) -> Destination:
    parts = parse_destination_key(key)
    return Destination(
        id=abs(hash(key)), key=key, platform=parts.platform, chat_id=parts.chat_id, thread_id=parts.thread_id
    )


def sends_within(
    limiter: RateLimiter, destination: Destination, *, seconds: float, step: float = 0.01
) -> int:
    """How many messages the limiter lets through in `seconds`, trying every `step`."""
    sent, now = 0, 1000.0
    end = now + seconds
    while now < end:
        if limiter.try_acquire(destination, now) is None:
            sent += 1
        now = round(now + step, 6)
    return sent


def test_telegram_private_chat_gets_one_message_a_second() -> None:
    assert sends_within(RateLimiter(TELEGRAM_RATE_LIMITS), dest("telegram:42"), seconds=10) == 10


def test_telegram_group_gets_twenty_a_minute() -> None:
    limiter = RateLimiter(TELEGRAM_RATE_LIMITS)
    assert sends_within(limiter, dest("telegram:-100"), seconds=60) == 20
    assert sends_within(RateLimiter(TELEGRAM_RATE_LIMITS), dest("telegram:-100"), seconds=120) == 40


def test_forum_topics_share_their_chats_budget() -> None:
    limiter = RateLimiter(TELEGRAM_RATE_LIMITS)
    assert limiter.try_acquire(dest("telegram:-100:1"), 0.0) is None
    assert limiter.try_acquire(dest("telegram:-100:2"), 0.5) == 1.0
    assert limiter.try_acquire(dest("telegram:-200:1"), 0.5) is None  # another chat


def test_telegram_platform_limit_is_thirty_a_second_over_all_chats() -> None:
    limiter = RateLimiter(TELEGRAM_RATE_LIMITS)
    taken = [limiter.try_acquire(dest(f"telegram:{n}"), 0.0) for n in range(1, 32)]
    assert taken[:30] == [None] * 30
    assert taken[30] == 1.0


def test_discord_channel_gets_five_per_five_seconds_and_fifty_overall() -> None:
    assert sends_within(RateLimiter(DISCORD_RATE_LIMITS), dest("discord:1"), seconds=10) == 10
    limiter = RateLimiter(DISCORD_RATE_LIMITS)
    results = [limiter.try_acquire(dest(f"discord:{n}"), 0.0) for n in range(51)]
    assert results.count(None) == 50 and results[50] == 1.0


def test_a_refused_attempt_takes_no_slot() -> None:
    limiter = RateLimiter([RateLimit(1, 10.0, per_chat=True)])
    d = dest("fake:1")
    assert limiter.try_acquire(d, 0.0) is None
    for moment in (1.0, 2.0, 9.0):
        assert limiter.try_acquire(d, moment) == 10.0
    assert limiter.try_acquire(d, 10.0) is None
    assert limiter.ready_at(d, 10.5) == 20.0


def test_group_detection_and_limit_validation() -> None:
    assert is_telegram_group(dest("telegram:-1001"))
    assert not is_telegram_group(dest("telegram:12345"))
    with pytest.raises(ValueError, match="count"):
        RateLimit(0, 1.0, per_chat=True)
    with pytest.raises(ValueError, match="period"):
        RateLimit(1, 0.0, per_chat=False)


def test_a_send_holds_its_place_until_its_answer_is_in() -> None:
    limiter = RateLimiter([RateLimit(2, 1.0, per_chat=False)])
    first, second = limiter.acquire(dest("fake:1"), 0.0), limiter.acquire(dest("fake:2"), 0.0)
    assert isinstance(first, Slot) and isinstance(second, Slot)
    assert limiter.acquire(dest("fake:3"), 5.0) is None  # the first is still in flight: ask again later
    limiter.release(second, 0.2)
    assert limiter.acquire(dest("fake:3"), 5.0) is None  # the one two places back decides
    limiter.release(first, 0.5)
    assert limiter.acquire(dest("fake:3"), 1.0) == 1.5  # a period after its answer
    assert isinstance(limiter.acquire(dest("fake:3"), 1.5), Slot)


def test_a_cancelled_send_gives_its_place_back() -> None:
    limiter = RateLimiter([RateLimit(1, 1.0, per_chat=True)])
    granted = limiter.acquire(dest("fake:1"), 0.0)
    assert isinstance(granted, Slot)
    limiter.cancel(granted)
    assert isinstance(limiter.acquire(dest("fake:1"), 0.0), Slot)


def arrivals_within(times: list[float], count: int, period: float) -> bool:
    """Whether no half-open window of `period` seconds holds more than `count` of `times` (to a nanosecond:
    `end + period` may round a hair below the exact sum)."""
    ordered = sorted(times)
    return all(ordered[i + count] - ordered[i] >= period - 1e-9 for i in range(len(ordered) - count))


@settings(max_examples=150, deadline=None)
@given(
    chats=st.integers(min_value=1, max_value=60),
    messages=st.integers(min_value=1, max_value=4),
    groups=st.integers(min_value=0, max_value=3),
    concurrency=st.integers(min_value=1, max_value=64),
    there=st.lists(st.floats(min_value=0.0, max_value=0.8), min_size=1, max_size=50),
    back=st.lists(st.floats(min_value=0.0, max_value=0.8), min_size=1, max_size=50),
)
def test_varying_delays_never_put_more_sends_in_a_window_than_telegram_allows(
    chats: int, messages: int, groups: int, concurrency: int, there: list[float], back: list[float]
) -> None:
    """A simulated fan-out: each send reaches the platform `there[i]` seconds after it was granted and its
    answer comes back `back[i]` seconds later; the limiter hears only of grants and answers. Whatever the
    delays, the arrivals keep every rule: 30 a second overall, 1 a second per chat, 20 a minute per group."""
    limiter = RateLimiter(TELEGRAM_RATE_LIMITS)
    targets = [dest(f"telegram:{-100 - n if n < groups else n + 1}") for n in range(chats)]
    waiting = {d.id: messages for d in targets}
    in_flight: dict[int, tuple[float, Slot]] = {}  # destination -> (answer time, slot)
    arrivals: dict[str, list[float]] = {}
    now, sends = 0.0, 0
    while any(waiting.values()) or in_flight:
        wake = [end for end, _ in in_flight.values()]
        for target in targets:
            if not waiting[target.id] or target.id in in_flight or len(in_flight) >= concurrency:
                continue
            granted = limiter.acquire(target, now)
            if isinstance(granted, Slot):
                arrive = now + there[sends % len(there)]
                answered = arrive + back[sends % len(back)]
                sends += 1
                waiting[target.id] -= 1
                in_flight[target.id] = (answered, granted)
                arrivals.setdefault(target.chat_id, []).append(arrive)
                wake.append(answered)
            elif granted is not None:
                wake.append(granted)
        now = min(wake)
        for target_id, (answered, slot) in list(in_flight.items()):
            if answered <= now:
                limiter.release(slot, answered)
                del in_flight[target_id]
    everything = [t for times in arrivals.values() for t in times]
    assert len(everything) == chats * messages
    assert arrivals_within(everything, 30, 1.0)
    for chat, times in arrivals.items():
        assert arrivals_within(times, 1, 1.0), chat
        if chat.startswith("-"):
            assert arrivals_within(times, 20, 60.0), chat
