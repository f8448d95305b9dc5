from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import configure_logging

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.fixture
def logged(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DISCORD_BOT_TOKEN", "discord-secret-value-xyz")
    stream = io.StringIO()
    root = logging.getLogger()
    before = list(root.handlers), root.level
    configure_logging(2, "text", stream=stream)
    yield stream
    for handler in [h for h in root.handlers if h not in before[0]]:
        root.removeHandler(handler)
    root.setLevel(before[1])


def test_tokens_never_reach_a_log_line(logged: io.StringIO) -> None:
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot%s/getUpdates", TOKEN)
    logging.getLogger("bot").warning("discord said no to discord-secret-value-xyz")
    logging.getLogger("bot").warning("some other bot 987654321:ZZZdqTcvCH1vGWJxfSeofSAs0K5PALDsab")
    try:
        raise RuntimeError(f"failed at /bot{TOKEN}/sendMessage")
    except RuntimeError:
        logging.getLogger("bot").exception("send failed")
    text = logged.getvalue()
    assert TOKEN not in text
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in text
    assert "discord-secret-value-xyz" not in text
    assert "ZZZdqTcvCH1vGWJxfSeofSAs0K5PALDsab" not in text
    assert "/bot***/getUpdates" in text
    assert "RuntimeError: failed at /bot***/sendMessage" in text


def test_quiet_by_default_and_libraries_quieter(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    before = list(root.handlers), root.level
    try:
        configure_logging(0, "text", stream=stream)
        logging.getLogger("bot.pipeline").info("routine")
        logging.getLogger("bot.pipeline").warning("attention")
        configure_logging(1, "text", stream=stream)
        logging.getLogger("bot.pipeline").info("now shown")
        logging.getLogger("httpx").info("request noise")
    finally:
        for handler in [h for h in root.handlers if h not in before[0]]:
            root.removeHandler(handler)
        root.setLevel(before[1])
    text = stream.getvalue()
    assert "routine" not in text
    assert "attention" in text
    assert "now shown" in text
    assert "request noise" not in text
    assert len([h for h in root.handlers if getattr(h, "wirewatch", False)]) == 0


def test_json_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    before = list(root.handlers), root.level
    try:
        configure_logging(1, "json", stream=stream)
        logging.getLogger("bot.pipeline").info("poll failed", extra={"source": "nos", "failures": 3})
    finally:
        for handler in [h for h in root.handlers if h not in before[0]]:
            root.removeHandler(handler)
        root.setLevel(before[1])
    (line,) = stream.getvalue().splitlines()
    data = json.loads(line)
    assert data["message"] == "poll failed"
    assert data["level"] == "info"
    assert data["logger"] == "bot.pipeline"
    assert data["source"] == "nos"
    assert data["failures"] == 3
    assert data["time"].endswith("Z")


def test_an_html_error_page_becomes_one_short_line() -> None:
    from bot.logs import one_line

    page = (
        "<html>\n<head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center>\n"
        + ("<p>" + "x" * 1000 + "</p></body></html>")
    )
    line = one_line(page)
    assert "\n" not in line and "<" not in line and len(line) <= 300
    assert line.startswith("502 Bad Gateway 502 Bad Gateway")
