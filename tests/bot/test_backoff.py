"""Backoff after failures and Retry-After parsing."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.backoff import MAX_RETRY_AFTER, backoff_ceiling, backoff_delay, next_delay, retry_after_seconds

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)

failures_st = st.integers(min_value=-5, max_value=5000)
base_st = st.floats(min_value=0.001, max_value=3600, allow_nan=False)
cap_st = st.floats(min_value=0, max_value=7 * 86400, allow_nan=False)


@given(failures=failures_st, base=base_st, cap=cap_st, seed=st.integers())
def test_delay_is_within_the_ceiling_and_the_cap(failures: int, base: float, cap: float, seed: int) -> None:
    delay = backoff_delay(failures, base=base, cap=cap, rng=random.Random(seed))
    ceiling = backoff_ceiling(failures, base=base, cap=cap)

    assert 0.0 <= delay <= ceiling <= cap
    if failures <= 0:
        assert delay == 0.0 and ceiling == 0.0


@given(failures=st.integers(min_value=1, max_value=5000), base=base_st, cap=cap_st)
def test_ceiling_grows_monotonically_to_the_cap(failures: int, base: float, cap: float) -> None:
    before = backoff_ceiling(failures, base=base, cap=cap)
    after = backoff_ceiling(failures + 1, base=base, cap=cap)

    assert before <= after <= cap
    if before < cap:
        assert after == min(cap, 2 * before)  # doubles until it hits the cap


def test_ceiling_values() -> None:
    ceilings = [backoff_ceiling(n, base=30, cap=600) for n in range(8)]
    assert ceilings == [0, 30, 60, 120, 240, 480, 600, 600]
    assert backoff_ceiling(10**9, base=30, cap=600) == 600  # no overflow


def test_full_jitter_spreads_over_the_whole_range() -> None:
    rng = random.Random(1234)
    delays = [backoff_delay(5, base=10, cap=1000, rng=rng) for _ in range(500)]

    assert min(delays) < 160 / 4 and max(delays) > 160 * 3 / 4  # ceiling for 5 failures is 160
    assert len(set(delays)) == len(delays)


@pytest.mark.parametrize(("base", "cap"), [(0, 10), (-1, 10), (float("nan"), 10), (1, -1), (1, float("inf"))])
def test_bad_bounds_raise(base: float, cap: float) -> None:
    with pytest.raises(ValueError):
        backoff_delay(1, base=base, cap=cap, rng=random.Random(0))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("1.5", 1.5),
        (format_datetime(NOW + timedelta(seconds=90), usegmt=True), 90.0),  # IMF-fixdate
        ("Friday, 27-Nov-26 12:05:00 GMT", 300.0),  # RFC 850
        ("Fri Nov 27 12:00:30 2026", 30.0),  # asctime, no zone: GMT
        (format_datetime(NOW - timedelta(hours=1), usegmt=True), 0.0),  # in the past
        ("-5", None),
        ("soon", None),
        ("", None),
        (None, None),
        ("9" * 400, None),  # not a finite number
        ("Fri, 99 Nov 2026 12:00:00 GMT", None),
    ],
)
def test_retry_after_seconds(value: str | None, expected: float | None) -> None:
    assert retry_after_seconds(value, NOW) == expected


def test_retry_after_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        retry_after_seconds("10", datetime(2026, 11, 27, 12, 0))


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [
        (None, "backoff"),
        (0.5, "backoff"),
        (900.0, 900.0),
        (10 * 86400.0, MAX_RETRY_AFTER),
        (float("nan"), "backoff"),
    ],
)
def test_next_delay_honours_a_longer_retry_after(retry_after: float | None, expected: float | str) -> None:
    backoff = backoff_delay(3, base=10, cap=300, rng=random.Random(7))  # in (0.5, 40] for this seed

    delay = next_delay(3, base=10, cap=300, rng=random.Random(7), retry_after=retry_after)

    assert 0.5 < backoff <= 40
    assert delay == (backoff if expected == "backoff" else expected)
