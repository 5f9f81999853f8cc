"""Run a socketserver in a daemon thread: the one start/stop of every sandbox server."""

import random
import threading
import time

# Seconds of delay: a fixed value, or (low, high) for a uniformly random one each time.
Latency = float | tuple[float, float]


def pause(latency: Latency) -> None:
    """Sleep for ``latency`` (a network's round trip, a slow server)."""
    low, high = latency if isinstance(latency, tuple) else (latency, latency)
    if high > 0:
        time.sleep(random.uniform(low, high))


class Background:
    """Mixin for socketserver servers; quick to stop (short poll interval)."""

    daemon_threads = True
    allow_reuse_address = True
    # How often the accept loop looks for shutdown; longer when thousands of servers run.
    poll_interval = 0.05

    @property
    def port(self) -> int:
        return self.server_address[1]  # type: ignore[attr-defined]

    def start(self):
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": self.poll_interval},  # type: ignore[attr-defined]
                         daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()  # type: ignore[attr-defined]
        self.server_close()  # type: ignore[attr-defined]
