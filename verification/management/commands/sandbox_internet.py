"""Serve the sandbox internet (DNS, mail, web, WHOIS on loopback) until Ctrl-C."""

import signal
import threading

from django.core.management.base import BaseCommand

from verification.sandbox.internet import SandboxInternet

DEFAULT_PORTS = {"dns": 5353, "smtp": 2525, "http": 8081, "https": 8443, "whois": 4343}


def sandbox_world(name: str):
    if name == "scenario":
        from verification.sandbox.scenario import scenario

        return scenario().world
    from verification.sandbox.demo_world import demo_world

    return demo_world()


class Command(BaseCommand):
    help = ("Run the sandbox internet of the demo data (or of the accuracy scenario) on "
            "loopback, and print the settings that send verification to it.")

    def add_arguments(self, parser):
        parser.add_argument("--world", choices=["demo", "scenario"], default="demo")
        for name, port in DEFAULT_PORTS.items():
            parser.add_argument(f"--{name}-port", type=int, default=port)

    def handle(self, *args, world: str, **options):
        ports = {name: options[f"{name}_port"] for name in DEFAULT_PORTS}
        internet = SandboxInternet(sandbox_world(world)).start(ports=ports)
        self.stdout.write("The sandbox internet is running. Point Leadqual at it with these "
                          "settings (in .env or the environment of web and worker):\n")
        for key, value in internet.env().items():
            self.stdout.write(f"{key}={value}")
        self.stdout.write("\nthen: python manage.py verify_inquiries --all --wait\n"
                          "Ctrl-C stops the sandbox.")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            internet.stop()
