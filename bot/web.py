"""`HttpServer`: wirewatch's one HTTP listener (`[http]`), for `/healthz`, `/metrics` and the Telegram webhook.

Routes may be added while it runs (a platform that starts later registers its webhook path then):

    server = HttpServer("127.0.0.1", 9120)
    server.route("GET", "/healthz", health_handler)
    await server.start()                 # port 0 picks a free port: see `server.port`
    ...
    await server.stop()
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

__all__ = ["Handler", "HttpServer", "HttpStartError"]

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_SHUTDOWN_TIMEOUT = 2.0


class HttpStartError(Exception):
    """The listener could not start (the address is in use, or not this machine's)."""


class HttpServer:
    """An aiohttp server on `listen:port` that dispatches by (method, path) to the registered handlers."""

    def __init__(self, listen: str, port: int) -> None:
        self.listen = listen
        self._port = port
        self._routes: dict[tuple[str, str], Handler] = {}
        self._runner: web.AppRunner | None = None

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        host = f"[{self.listen}]" if ":" in self.listen else self.listen
        return f"http://{host}:{self._port}"

    def route(self, method: str, path: str, handler: Handler) -> None:
        """Answer `method` requests for `path` with `handler` (replacing an earlier one)."""
        self._routes[(method.upper(), path)] = handler

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=_SHUTDOWN_TIMEOUT)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.listen, self._port).start()
        except OSError as exc:
            await runner.cleanup()
            raise HttpStartError(
                f"cannot listen on {self.listen}:{self._port}: {exc.strerror or exc}"
            ) from None
        self._runner = runner
        self._port = runner.addresses[0][1]
        log.info("HTTP server listening on %s", self.url)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        handler = self._routes.get((request.method, request.path))
        if handler is None:
            if any(path == request.path for _, path in self._routes):
                return web.Response(status=405, text="method not allowed\n")
            return web.Response(status=404, text="not found\n")
        return await handler(request)
