from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0011_search_columns"),
    ]

    operations = [
        migrations.AddField(
            model_name="teamsettings",
            name="first_response_hours",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="first answer within (business hours)",
                help_text="Our business hours a new A or B inquiry may wait for its first "
                          "answer before the work queue marks it late; empty = one business "
                          "day."),
        ),
    ]
