"""The fake gateway: one WebSocket session at a time, the way discord.py's `DiscordWebSocket` expects it.

HELLO (op 10) on connect; heartbeats (op 1) are ACKed (op 11); IDENTIFY (op 2) starts a session: READY
(with `resume_gateway_url` = `<gateway>/resume` and a `session_id`) and a GUILD_CREATE per guild the bot
is in. RESUME (op 6) with the current session replays the dispatches after the client's `seq`, then
RESUMED; any other RESUME gets INVALID_SESSION (op 9, d=false), after which discord.py identifies anew.

Dispatches made while the client is away are kept and replayed on RESUME (a new IDENTIFY drops them, as
Discord does). If the client asked for `compress=zlib-stream`, frames go out zlib-compressed as binary,
the way Discord sends them; `compress=False` on the fake sends plain text frames (which discord.py also
reads, whatever it asked for).

`sync()` is the barrier tests need: it sends a heartbeat request (op 1) and waits for the client's
heartbeat in reply. discord.py handles frames in order, so by then it has processed every earlier dispatch.
"""

from __future__ import annotations

import asyncio
import json
import uuid
import zlib
from typing import Any

from aiohttp import WSMsgType, web

from .records import GatewayConnection
from .waiting import Changes
from .world import World

__all__ = ["Gateway"]

DISPATCH, HEARTBEAT, IDENTIFY, RESUME = 0, 1, 2, 6
RECONNECT, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 7, 9, 10, 11


class _Socket:
    def __init__(self, ws: web.WebSocketResponse, connection: GatewayConnection, compress: bool) -> None:
        self.ws = ws
        self.connection = connection
        self.zlib = zlib.compressobj() if compress else None

    async def send(self, frame: dict[str, Any]) -> None:
        text = json.dumps(frame, separators=(",", ":"), ensure_ascii=False)
        if self.zlib is None:
            await self.ws.send_str(text)
        else:
            await self.ws.send_bytes(self.zlib.compress(text.encode()) + self.zlib.flush(zlib.Z_SYNC_FLUSH))


class Gateway:
    """Gateway sessions; see the module docstring. `identifies`, `resumes` and `connections` record them."""

    def __init__(self, world: World, changes: Changes, *, token: str, compress: bool = True) -> None:
        self.world = world
        self.changes = changes
        self.token = token
        self.compress = compress
        self.url = ""  # set by the server once it listens: ws://127.0.0.1:PORT/
        self.heartbeat_interval_ms = 41250
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.connections: list[GatewayConnection] = []
        self.other_ops: list[dict[str, Any]] = []
        self.heartbeats = 0
        self.session_id: str | None = None
        self.seq = 0
        self._backlog: list[tuple[int, str, dict[str, Any]]] = []
        self._live: _Socket | None = None
        self._sockets: set[_Socket] = set()
        self._last_beat_seq = -1
        self._lock = asyncio.Lock()

    @property
    def live(self) -> bool:
        """Whether a session is up (READY or RESUMED sent on an open socket)."""
        return self._live is not None and not self._live.ws.closed

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/{tail:.*}", self._handle)
        return app

    async def close(self) -> None:
        for sock in list(self._sockets):
            await sock.ws.close(code=1001)

    # --- a connection --------------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        compress = self.compress and request.query.get("compress") == "zlib-stream"
        connection = GatewayConnection(len(self.connections) + 1, request.path, dict(request.query), compress)
        self.connections.append(connection)
        sock = _Socket(ws, connection, compress)
        self._sockets.add(sock)
        self.changes.changed()
        try:
            await sock.send(
                {"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}, "s": None, "t": None}
            )
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._receive(sock, json.loads(msg.data))
        finally:
            self._sockets.discard(sock)
            if self._live is sock:
                self._live = None
            self.changes.changed()
        return ws

    async def _receive(self, sock: _Socket, frame: dict[str, Any]) -> None:
        op, data = frame.get("op"), frame.get("d")
        if op == HEARTBEAT:
            self.heartbeats += 1
            if isinstance(data, int):
                self._last_beat_seq = data
            await sock.send({"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
        elif op == IDENTIFY:
            await self._identify(sock, data or {})
        elif op == RESUME:
            await self._resume(sock, data or {})
        else:
            self.other_ops.append(frame)
        self.changes.changed()

    async def _identify(self, sock: _Socket, data: dict[str, Any]) -> None:
        self.identifies.append(data)
        if data.get("token") != self.token:
            await sock.ws.close(code=4004, message=b"Authentication failed.")
            return
        async with self._lock:
            self.session_id = uuid.uuid4().hex
            self.seq = 0
            self._backlog.clear()
            guilds = [g for g in self.world.guilds.values() if g.joined]
            ready: dict[str, Any] = {
                "v": 10,
                "user": self.world.bot.to_api() | {"verified": True, "mfa_enabled": False, "flags": 0},
                "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
                "session_id": self.session_id,
                "session_type": "normal",
                "resume_gateway_url": f"{self.url}resume",
                "application": {"id": str(self.world.application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "geo_ordered_rtc_regions": [],
            }
            if "shard" in data:
                ready["shard"] = data["shard"]
            await self._send_dispatch(sock, "READY", ready)
            for guild in guilds:
                await self._send_dispatch(sock, "GUILD_CREATE", self.world.guild_payload(guild.id))
            self._live = sock

    async def _resume(self, sock: _Socket, data: dict[str, Any]) -> None:
        self.resumes.append(data)
        async with self._lock:
            seq = data.get("seq")
            if (
                data.get("token") != self.token
                or self.session_id is None
                or data.get("session_id") != self.session_id
            ):
                await sock.send({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
                return
            for number, event, payload in self._backlog:
                if seq is None or number > seq:
                    await sock.send({"op": DISPATCH, "t": event, "s": number, "d": payload})
            await self._send_dispatch(sock, "RESUMED", {}, keep=False)
            self._live = sock

    async def _send_dispatch(
        self, sock: _Socket, event: str, data: dict[str, Any], *, keep: bool = True
    ) -> int:
        self.seq += 1
        if keep:
            self._backlog.append((self.seq, event, data))
        await sock.send({"op": DISPATCH, "t": event, "s": self.seq, "d": data})
        return self.seq

    # --- driving the client --------------------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any]) -> int:
        """Send a dispatch now, or keep it for a RESUME if the client is away; its sequence number. Without
        a session (nobody identified yet, or it was invalidated) there is nobody to tell: 0, nothing sent;
        the next IDENTIFY sees the world as it is then."""
        async with self._lock:
            if self.session_id is None:
                return 0
            if self.live and self._live is not None:
                return await self._send_dispatch(self._live, event, data)
            self.seq += 1
            self._backlog.append((self.seq, event, data))
            return self.seq

    async def sync(self, *, timeout: float) -> None:
        """Return once the client has handled every dispatch sent so far (see the module docstring)."""
        async with self._lock:
            if not self.live or self._live is None:
                raise AssertionError("the gateway has no live session to sync with")
            before, target = self.heartbeats, self.seq
            await self._live.send({"op": HEARTBEAT, "d": None, "s": None, "t": None})
        await self.changes.wait_until(
            lambda: self.heartbeats > before and self._last_beat_seq >= target,
            timeout=timeout,
            what=f"the client's heartbeat after dispatch {target}",
        )

    async def drop(self, *, resume: bool) -> None:
        """Close the live socket with 4000 (discord.py resumes) or send INVALID_SESSION d=false (it
        identifies again)."""
        async with self._lock:
            sock = self._live
            if sock is None:
                raise AssertionError("the gateway has no live session to drop")
            self._live = None
            if not resume:
                self.session_id = None
                await sock.send({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
        if resume:
            await sock.ws.close(code=4000, message=b"Unknown error")
        self.changes.changed()

    async def request_reconnect(self) -> None:
        """Send RECONNECT (op 7): discord.py closes and resumes."""
        async with self._lock:
            sock = self._live
            if sock is None:
                raise AssertionError("the gateway has no live session")
            self._live = None
            await sock.send({"op": RECONNECT, "d": None, "s": None, "t": None})
        self.changes.changed()
