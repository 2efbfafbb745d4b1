"""Starting the service in a child process for a benchmark, and waiting until it answers."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request


def serve(url: str, port: int, *options: str) -> subprocess.Popen:
    """``hotline serve`` on ``port`` over ``url`` with eight threads and ``options``, once ``/health`` answers."""
    process = subprocess.Popen([sys.executable, "-c", "from api.cli import main; main()", "--database-url", url,
                                "serve", "--port", str(port), "--threads", "8", *options],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")
