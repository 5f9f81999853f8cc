"""The inbox filtered by country and grade (issue 9), in its own order.

``country = … AND grade = … ORDER BY last_received_at DESC NULLS LAST, id DESC`` read
both single-column indexes, combined them and sorted every match to show fifty; with
this index it reads the fifty rows in order. PostgreSQL only (``NULLS LAST`` in an index
is not portable), like the indexes of 0005; skipped on other databases.
"""

from django.db import migrations

CREATE = ('CREATE INDEX IF NOT EXISTS "company_country_grade_recent" ON "leads_company" '
          '("country", "grade", "last_received_at" DESC NULLS LAST, "id" DESC)')
DROP = 'DROP INDEX IF EXISTS "company_country_grade_recent"'


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [("leads", "0005_screen_indexes")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]
