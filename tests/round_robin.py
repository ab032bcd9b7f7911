"""A load balancer for tests: a TCP proxy on loopback that hands each new connection to the
next backend in turn. With `Connection: close` on every request, consecutive requests of one
browser go to different portal processes, as behind a real balancer without sticky sessions."""

from __future__ import annotations

import itertools
import socket
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress


def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, target):
            with suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)


@contextmanager
def round_robin(backends: Sequence[tuple[str, int]]) -> Iterator[tuple[int, list[int]]]:
    """(the proxy's port, the index of the backend each connection went to, in order)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    chosen: list[int] = []
    turn = itertools.cycle(range(len(backends)))
    stopping = threading.Event()

    def serve() -> None:
        while not stopping.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            index = next(turn)
            chosen.append(index)
            backend = socket.create_connection(backends[index], timeout=30)
            for source, target in ((client, backend), (backend, client)):
                threading.Thread(target=_pipe, args=(source, target), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield port, chosen
    finally:
        stopping.set()
        thread.join(timeout=2)
        listener.close()
