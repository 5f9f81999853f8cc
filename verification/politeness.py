"""At most N simultaneous connections to one mail server, across all workers.

A counting semaphore made of N named locks per server address: Redis locks
when Redis is the broker (several machines), ``flock`` on files under
``var/locks`` otherwise (one machine, any number of processes). A lock held by
a killed process is freed: Redis locks expire, the kernel drops file locks.
"""

import contextlib
import fcntl
import hashlib
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from verification.probes.smtp import HostBusy


def host_gate(*, limit: int, wait: float, hold: float):
    """A context-manager factory ``gate(address)`` for the configured backend."""
    if settings.REDIS_URL:
        return _RedisGate(settings.REDIS_URL, limit=limit, wait=wait, hold=hold)
    return _FileGate(Path(settings.VAR_DIR) / "locks" / "smtp", limit=limit, wait=wait)


class _RedisGate:
    def __init__(self, url: str, *, limit: int, wait: float, hold: float):
        import redis

        self.client = redis.Redis.from_url(url)
        self.limit, self.wait, self.hold = limit, wait, hold

    @contextlib.contextmanager
    def __call__(self, address: str) -> Iterator[None]:
        deadline = time.monotonic() + self.wait
        while True:
            for slot in range(self.limit):
                lock = self.client.lock(f"leadqual:smtp-slot:{address}:{slot}", timeout=self.hold)
                if lock.acquire(blocking=False):
                    try:
                        yield
                    finally:
                        with contextlib.suppress(Exception):  # expired meanwhile
                            lock.release()
                    return
            if time.monotonic() >= deadline:
                raise HostBusy(f"{address}: {self.limit} connection(s) already open")
            time.sleep(0.02)


class _FileGate:
    def __init__(self, folder: Path, *, limit: int, wait: float):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.limit, self.wait = folder, limit, wait

    @contextlib.contextmanager
    def __call__(self, address: str) -> Iterator[None]:
        name = hashlib.sha256(address.encode()).hexdigest()[:16]
        deadline = time.monotonic() + self.wait
        while True:
            for slot in range(self.limit):
                handle = open(self.folder / f"{name}.{slot}", "a")  # noqa: SIM115
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    handle.close()
                    continue
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
                    handle.close()
                return
            if time.monotonic() >= deadline:
                raise HostBusy(f"{address}: {self.limit} connection(s) already open")
            time.sleep(0.02)
