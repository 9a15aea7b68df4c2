"""A small closed-loop HTTP load generator (threads, one request at a time each)."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Callable
from http.cookies import SimpleCookie


class Session:
    """One simulated shopper: keeps cookies, does not follow redirects."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> tuple[int, dict[str, str]]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"User-Agent": "midpage-bench/1.0 (iPhone; MicroMessenger)"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request("GET", path, headers=headers)
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
