from django.apps import AppConfig


class WiringConfig(AppConfig):
    """``config`` as an app: the commands that wire every app together (the demo, the
    scale data set, the whole stack in one process group). No app imports it."""

    name = "config"
    label = "wiring"
    verbose_name = "Wiring"
