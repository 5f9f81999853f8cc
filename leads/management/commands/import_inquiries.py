from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from leads import services
from leads.importer import AUTO, PRESET_CHOICES, UnreadableFile, detect_preset, read_table
from leads.models import ImportBatch


class Command(BaseCommand):
    help = (
        "Import inquiries from a CSV or XLSX export (generic columns, Alibaba.com or "
        "Made-in-China.com). Prints 'imported N, duplicates D, rejected R' and every rejected "
        "row with its row number; exits non-zero only if the file cannot be read."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--platform", choices=PRESET_CHOICES, default=AUTO,
                            help="column preset of the file (default: auto-detect)")

    def handle(self, *args, path: Path, platform: str, **options):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        try:
            table = read_table(data, filename=path.name, max_rows=services.import_max_rows())
        except UnreadableFile as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        preset = detect_preset(table.headers) if platform == AUTO else platform
        self.stderr.write(
            f"{path.name}: {len(table)} rows, {table.file_format}"
            f"{' ' + table.encoding if table.encoding else ''}, columns: {preset}"
        )
        with tqdm(total=len(table), unit="row", file=self.stderr, disable=len(table) < 1000,
                  desc="importing") as bar:
            batch = services.inquiries_import(
                table=table, preset=preset, source=ImportBatch.Source.FILE, filename=path.name,
                progress=lambda done: bar.update(done - bar.n),
            )
        self.stdout.write(
            f"imported {batch.imported_count}, duplicates {batch.duplicate_count}, "
            f"rejected {batch.rejected_count}"
        )
        for rejected in batch.rejected_rows:
            self.stdout.write(f"  row {rejected['row']}: {rejected['reason']}")
