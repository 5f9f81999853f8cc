from pathlib import Path

from django.core.management.base import BaseCommand

from leads.exporting import EXPORT_FORMATS, export_inquiries


class Command(BaseCommand):
    help = "Write every inquiry with its company, owner and status as JSON or CSV."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=EXPORT_FORMATS, default="csv")
        parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")

    def handle(self, *args, format: str, output: Path | None, **options):
        if output is None:
            self.stdout.ending = ""  # the exporter writes its own line ends
            export_inquiries(self.stdout, fmt=format)
            return
        with output.open("w", encoding="utf-8", newline="") as stream:
            count = export_inquiries(stream, fmt=format)
        self.stderr.write(f"wrote {count} inquiries to {output}")
