"""The rate limiter: the platforms' published limits, per chat and overall, without sleeping."""

from __future__ import annotations

import pytest

from bot.adapters.base import RateLimit
from bot.delivery import RateLimiter
from bot.discord.limits import DISCORD_RATE_LIMITS
from bot.telegram.limits import TELEGRAM_RATE_LIMITS, is_telegram_group
from storage.destinations import parse_destination_key
from storage.models import Destination


def dest(key: str) -> Destination:
    parts = parse_destination_key(key)
    return Destination(
        id=hash(key), key=key, platform=parts.platform, chat_id=parts.chat_id, thread_id=parts.thread_id
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
