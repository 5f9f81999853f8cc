"""Recompute fit and grade of every verified inquiry from stored texts (no network)."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from verification.models import Verification
from verification.services import verifications_rescore


class Command(BaseCommand):
    help = ("Score every verified inquiry again with the current keywords, from the website "
            "texts stored at verification time; nothing is fetched again.")

    def handle(self, *args, **options):
        total = Verification.objects.filter(verified_at__isnull=False).count()
        with tqdm(total=total, unit="inquiry", desc="rescored", file=self.stderr._out) as bar:
            count = verifications_rescore(progress=bar.update)
        self.stdout.write(f"rescored {count} inquiries")
