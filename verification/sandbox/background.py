"""Run a socketserver in a daemon thread: the one start/stop of every sandbox server."""

import threading


class Background:
    """Mixin for socketserver servers; quick to stop (short poll interval)."""

    daemon_threads = True
    allow_reuse_address = True

    @property
    def port(self) -> int:
        return self.server_address[1]  # type: ignore[attr-defined]

    def start(self):
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05},  # type: ignore[attr-defined]
                         daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()  # type: ignore[attr-defined]
        self.server_close()  # type: ignore[attr-defined]
