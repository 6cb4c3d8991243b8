"""A small sticky reverse proxy in front of several ``streamlit run`` processes.

``python -m bench.proxy --port 8600 --backend 127.0.0.1:8601 --backend 127.0.0.1:8602``

A Streamlit session lives in the process that holds its websocket (session state, the media
files of its downloads, its component values): every request of one browser must reach the same
process. The proxy reads the head of the first request of each client connection only:

* a ``mif_backend=<n>`` cookie names the backend (a browser that has been here before);
* otherwise the backend with the fewest open connections is chosen, and the ``Set-Cookie`` of
  that choice is added to the head of the backend's first response (a websocket's ``101``
  included), so the browser's next connections go to the same process.

After that head the connection is one backend's, both ways, byte for byte: HTTP keep-alive,
chunked bodies and the websocket frames pass unchanged (pinned by connection). A backend that
refuses the connection is skipped for a new client; a pinned client whose backend is down gets
``502`` (its session is gone with that process anyway).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import signal
import sys
from dataclasses import dataclass

COOKIE = "mif_backend"
HEAD_END = b"\r\n\r\n"
MAX_HEAD = 64 * 1024  # bytes; a longer request head is refused
CHUNK = 64 * 1024
_COOKIE_RE = re.compile(rb"(?:^|;)\s*" + COOKIE.encode() + rb"=(\d+)")
BAD_GATEWAY = (
    b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: 22\r\nConnection: close\r\n\r\nbackend not reachable\n"
)


@dataclass
class Backend:
    """One app process: where it listens and how many client connections it holds now."""

    host: str
    port: int
    open_connections: int = 0


def parse_backend(value: str) -> Backend:
    """``host:port`` → ``Backend``."""
    host, _, port = value.rpartition(":")
    return Backend(host or "127.0.0.1", int(port))


def pinned_backend(head: bytes, count: int) -> int | None:
    """The backend index named by the request's ``mif_backend`` cookie, if valid."""
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() != b"cookie":
            continue
        match = _COOKIE_RE.search(value)
        if match and int(match.group(1)) < count:
            return int(match.group(1))
    return None


def with_cookie(head: bytes, index: int) -> bytes:
    """A response head with the ``Set-Cookie`` that pins the browser to backend ``index``."""
    status_line, _, rest = head.partition(b"\r\n")
    cookie = f"Set-Cookie: {COOKIE}={index}; Path=/; HttpOnly; SameSite=Lax".encode()
    return status_line + b"\r\n" + cookie + (b"\r\n" + rest if rest else b"")


async def read_head(reader: asyncio.StreamReader) -> bytes:
    """Bytes up to and including the blank line that ends an HTTP head (b"" at EOF)."""
    try:
        return await reader.readuntil(HEAD_END)
    except asyncio.IncompleteReadError:
        return b""
    except asyncio.LimitOverrunError:
        return b""


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy bytes until EOF, then half-close the other side."""
    try:
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except (ConnectionError, OSError):
        pass


class Proxy:
    """Accepts clients and pins each to a backend (see the module docstring)."""

    def __init__(self, backends: list[Backend]) -> None:
        self.backends = backends
        self.connections = 0

    def choose(self, exclude: set[int]) -> int | None:
        """The backend with the fewest open connections, among those not excluded."""
        candidates = [i for i in range(len(self.backends)) if i not in exclude]
        if not candidates:
            return None
        return min(candidates, key=lambda i: (self.backends[i].open_connections, i))

    async def connect(
        self, pinned: int | None
    ) -> tuple[int, asyncio.StreamReader, asyncio.StreamWriter] | None:
        """Open the client's backend: its pinned one, else the least busy one that answers
        (its count of open connections raised)."""
        tried: set[int] = set()
        while True:
            index = pinned if pinned is not None else self.choose(tried)
            if index is None:
                return None
            backend = self.backends[index]
            # Counted at once: clients arriving together must not all pick the same backend.
            backend.open_connections += 1
            try:
                reader, writer = await asyncio.open_connection(
                    backend.host, backend.port, limit=MAX_HEAD
                )
            except OSError:
                backend.open_connections -= 1
                if pinned is not None:
                    return None
                tried.add(index)
                continue
            return index, reader, writer

    async def handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        """One client connection, from its first request head to its end."""
        self.connections += 1
        backend: Backend | None = None
        back_w: asyncio.StreamWriter | None = None
        try:
            head = await read_head(client_r)
            if not head:
                return
            pinned = pinned_backend(head, len(self.backends))
            opened = await self.connect(pinned)
            if opened is None:
                client_w.write(BAD_GATEWAY)
                await client_w.drain()
                return
            index, back_r, back_w = opened
            backend = self.backends[index]  # its count was raised by ``connect``
            back_w.write(head)
            await back_w.drain()

            async def downstream() -> None:
                # Only a new client learns its backend, in the head of its first response.
                if pinned is None:
                    response = await read_head(back_r)
                    if not response:
                        return
                    client_w.write(with_cookie(response, index))
                    await client_w.drain()
                await pipe(back_r, client_w)

            await asyncio.gather(pipe(client_r, back_w), downstream())
        except (ConnectionError, OSError):
            pass
        finally:
            if backend is not None:
                backend.open_connections -= 1
            for writer in (back_w, client_w):
                if writer is not None:
                    writer.close()
                    with contextlib.suppress(ConnectionError, OSError):
                        await writer.wait_closed()


async def serve(host: str, port: int, backends: list[Backend]) -> None:
    """Run the proxy until SIGTERM or SIGINT."""
    proxy = Proxy(backends)
    server = await asyncio.start_server(proxy.handle, host, port, limit=MAX_HEAD)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"proxy on {host}:{port} -> " + ", ".join(f"{b.host}:{b.port}" for b in backends))
    sys.stdout.flush()
    async with server:
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m bench.proxy --port P --backend H:P [--backend H:P ...]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8600)
    parser.add_argument("--backend", action="append", required=True, help="host:port")
    args = parser.parse_args(argv)
    asyncio.run(serve(args.host, args.port, [parse_backend(b) for b in args.backend]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
