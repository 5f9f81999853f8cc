"""Indexes for the screens at 100,000 inquiries (issue 9).

Portable ones are declared in the models. The PostgreSQL-only ones are created here
with SQL and skipped on other databases (SQLite for development and local tests):

* the inbox's default order, ``last_received_at DESC NULLS LAST, id DESC`` (the
  declared ``-last_received_at`` index is NULLS FIRST, so PostgreSQL had to sort every
  visible company to show the first page);
* trigram GIN indexes (pg_trgm) on ``UPPER(...)`` of every column the inbox search
  reads with ``icontains`` (Django writes ``UPPER(col::text) LIKE UPPER('%term%')``),
  which keeps its substring semantics.
"""

import django.db.models.functions.text
from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

TRIGRAM = [
    ("company_name_trgm", "leads_company", "name"),
    ("company_domain_trgm", "leads_company", "domain"),
    ("inquiry_buyer_trgm", "leads_inquiry", "buyer_name"),
    ("inquiry_email_trgm", "leads_inquiry", "email"),
    ("inquiry_company_trgm", "leads_inquiry", "company_name"),
    ("inquiry_product_trgm", "leads_inquiry", "product"),
    ("inquiry_message_trgm", "leads_inquiry", "message"),
]
CREATE = [
    'CREATE INDEX IF NOT EXISTS "company_recent_nulls_last" ON "leads_company" '
    '("last_received_at" DESC NULLS LAST, "id" DESC)',
    *[f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
      f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)' for name, table, column in TRIGRAM],
]
DROP = [f'DROP INDEX IF EXISTS "{name}"'
        for name in ["company_recent_nulls_last", *[name for name, _, _ in TRIGRAM]]]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('leads', '0004_team_business_hours'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='activity',
            index=models.Index(fields=['kind', 'company', 'created_at'], name='activity_kind_company'),
        ),
        migrations.AddIndex(
            model_name='company',
            index=models.Index(django.db.models.functions.text.Upper('name'), name='company_name_upper'),
        ),
        migrations.AddIndex(
            model_name='contactchannel',
            index=models.Index(fields=['value'], name='channel_value'),
        ),
        TrigramExtension(),  # does nothing on other databases
        migrations.RunPython(_run(CREATE), _run(DROP), elidable=False),
    ]
