"""A small closed-loop HTTP load generator (threads, one request at a time each)."""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    return (
        f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


@contextlib.contextmanager
def gunicorn_server(log_dir: Path, settings_module: str, workers: int = 2) -> Iterator[int]:
    """Serve the project with gunicorn on a free loopback port against the test database
    (eager Celery, no Redis), yield the port, stop it afterwards."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": _database_url(),
        "DEBUG": "0",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    log_path = log_dir / "gunicorn.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        break
                except OSError:
                    time.sleep(0.2)
            else:
                raise RuntimeError("gunicorn did not start: " + log_path.read_text())
            yield port
        finally:
            process.terminate()
            process.wait(timeout=10)


class Session:
    """One simulated shopper: keeps cookies, does not follow redirects."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> tuple[int, dict[str, str]]:
        return self.request("GET", path)

    def request(self, method: str, path: str, body: str = "") -> tuple[int, dict[str, str]]:
        """One request on a fresh connection; cookies in, cookies kept; a POST is a form post
        carrying the CSRF cookie's token."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"User-Agent": "midpage-bench/1.0 (iPhone; MicroMessenger)"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for key, morsel in jar.items():
                self.cookies[key] = morsel.value
        result = response.status, {k.lower(): v for k, v in response.getheaders()}
        conn.close()
        return result


def run(
    host: str, port: int, step: Callable[[Session], int], *, threads: int = 4, seconds: float = 6.0
) -> tuple[float, int, int]:
    """Run `step(session)` (returns how many requests it made) in a loop on each thread for
    `seconds`; return (steps per second, total steps, errors)."""
    stop = time.monotonic() + seconds
    counts, errors = [0] * threads, [0] * threads

    def worker(i: int) -> None:
        session = Session(host, port)
        while time.monotonic() < stop:
            try:
                step(session)
                counts[i] += 1
            except Exception:
                errors[i] += 1

    start = time.monotonic()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.monotonic() - start
    return sum(counts) / elapsed, sum(counts), sum(errors)
