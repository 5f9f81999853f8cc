"""The inbox's default order, work before history (``leads.models.work_first_index``).

PostgreSQL only, like 0005: SQLite does not take NULLS LAST in an index (its inbox
sorts the few companies of a development machine). It builds the index from
``work_first_index`` as it is now: a change to ``answer_owed_rank`` needs a migration
that drops and creates the index again, or the inbox sorts without it."""

from django.db import migrations


def _index(apps, schema_editor, *, add: bool) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    from leads.models import work_first_index

    company = apps.get_model("leads", "Company")
    if add:
        schema_editor.add_index(company, work_first_index())
    else:
        schema_editor.remove_index(company, work_first_index())


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0012_first_response_target"),
    ]

    operations = [
        migrations.RunPython(lambda apps, editor: _index(apps, editor, add=True),
                             lambda apps, editor: _index(apps, editor, add=False)),
    ]
