"""Serving the API: one process with waitress threads, or several gunicorn worker processes.

Python runs one thread at a time per process, so on a machine with several cores more processes serve
more requests. Each worker builds its own hotline, app and timer scheduler; the database claims make
several schedulers safe (as with several nodes).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask


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
