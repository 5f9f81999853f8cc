"""The wider circle of target buyers: hospitals, clinics, laboratories and schools; lamp
and lighting distributors; aquarium and pond equipment (with their default keywords)."""

from django.db import migrations

NEW = ("healthcare", "lighting_distribution", "aquarium_pond")


def install(apps, schema_editor):
    from verification.lists import keywords_install_defaults

    keywords_install_defaults(apps, only=NEW)


class Migration(migrations.Migration):
    dependencies = [("verification", "0006_fit_labels_and_models")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
