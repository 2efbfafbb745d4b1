"""Serving the API: one process with waitress threads, or several gunicorn worker processes.

Python runs one thread at a time per process, so on a machine with several cores more processes serve
more requests. Each worker builds its own hotline, app and timer scheduler; the database claims make
several schedulers safe (as with several nodes).
"""

from __future__ import annotations

import errno
import os
import socket
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

SUGGESTION_STEP = 100  # 8000 busy: try 8100, 8200, …


class PortUnavailable(OSError):
    """The server cannot listen where it was asked to; the message says what to do instead."""


def check_port(host: str, port: int) -> None:
    """Make sure the server can listen on ``host:port`` before anything starts, so a busy port is one line
    (with a free port to try) instead of a start-up banner and a traceback from deep inside the server."""
    try:
        _bind(host, port)
    except OSError as err:
        if err.errno == errno.EADDRINUSE:
            raise PortUnavailable(f"port {port} is in use; try {_command(_free_port(host, port))}") from None
        reason = err.strerror or str(err)
        raise PortUnavailable(f"cannot listen on {host}:{port}: {reason}") from None


def _bind(host: str, port: int) -> None:
    """Bind and release ``host:port`` as the servers will (reusing a port left in TIME_WAIT, as they do)."""
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def _free_port(host: str, busy: int) -> int:
    """A port near ``busy`` that is free now: 8100, 8200, … (any free one if none of those is)."""
    for port in range(busy + SUGGESTION_STEP, 65536, SUGGESTION_STEP):
        try:
            _bind(host, port)
        except OSError:
            continue
        return port
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def _command(port: int) -> str:
    """How to start the server on ``port``, in the words the person used (make sets MAKELEVEL for its commands)."""
    return f"`make serve PORT={port}`" if os.environ.get("MAKELEVEL") else f"`hotline serve --port {port}`"


def serve_threads(app: Flask, host: str, port: int, threads: int) -> None:
    from waitress import serve

    serve(app, host=host, port=port, threads=threads, ident="hotline")


def serve_processes(build: Callable[[], Flask], host: str, port: int, workers: int, threads: int) -> None:
    """Run ``build()`` in each of ``workers`` gunicorn processes (built after the fork, never shared)."""
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):
        def load_config(self) -> None:
            for key, value in {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
                               "worker_class": "gthread", "accesslog": None, "timeout": 60}.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return build()

    Application().run()
