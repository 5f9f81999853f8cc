from django.core.management.base import BaseCommand

from config.demo import DEMO_USERS, demo_seed


class Command(BaseCommand):
    help = "Create demo users and ~300 realistic inquiries (once; later runs change nothing)."

    def handle(self, *args, **options):
        batch = demo_seed()
        if batch is None:
            self.stdout.write("demo data already present; nothing added")
        else:
            self.stdout.write(
                f"demo data: imported {batch.imported_count}, duplicates "
                f"{batch.duplicate_count}, rejected {batch.rejected_count}"
            )
        self.stdout.write("demo logins (username / password / role):")
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.username} / {user.password} / {user.role}")
