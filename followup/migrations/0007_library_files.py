"""The library of files sent with follow-up emails, the log of what each email carried,
and the default cadence's messages promising only what is attached (issue 25)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import followup.models

# The shipped texts (0005_default_cadence) and what they become; a text an admin has
# changed is left as it is.
OLD_FIRST = ("thank you for your inquiry about {product}. Our catalogue and price list are "
             "attached. Could you tell us the quantity and the destination port, so that we "
             "can quote exactly?\n\nBest regards,")
NEW_FIRST = ("thank you for your inquiry about {product}. Could you tell us the quantity and "
             "the destination port, so that we can quote exactly?\n\n{attachments}\n\n"
             "Best regards,")
OLD_THIRD = "did our catalogue reach you?"
NEW_THIRD = "did my last email reach you?"


def _replace(apps, pairs):
    CadenceStep = apps.get_model("followup", "CadenceStep")
    for step in CadenceStep.objects.filter(cadence__is_default=True):
        text = step.template
        for old, new in pairs:
            text = text.replace(old, new)
        if text != step.template:
            step.template = text
            step.save(update_fields=["template"])


def promise_only_what_is_attached(apps, schema_editor):
    _replace(apps, [(OLD_FIRST, NEW_FIRST), (OLD_THIRD, NEW_THIRD)])


def promise_as_before(apps, schema_editor):
    _replace(apps, [(NEW_FIRST, OLD_FIRST), (NEW_THIRD, OLD_THIRD)])


class Migration(migrations.Migration):

    dependencies = [
        ("followup", "0006_followup_mail"),
        ("leads", "0008_automatic_mail"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="LibraryFile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("kind", models.CharField(choices=[("catalogue", "Catalogue"),
                                                   ("price_list", "Price list"),
                                                   ("certificate", "Certificate"),
                                                   ("other", "Other")],
                                          max_length=20, verbose_name="kind")),
                ("language", models.CharField(
                    choices=[("any", "Any language"), ("en", "English"), ("es", "Spanish"),
                             ("pt", "Portuguese"), ("fr", "French"), ("de", "German"),
                             ("it", "Italian"), ("ru", "Russian"), ("ar", "Arabic"),
                             ("tr", "Turkish"), ("pl", "Polish"), ("nl", "Dutch"),
                             ("vi", "Vietnamese"), ("id", "Indonesian"), ("th", "Thai"),
                             ("ja", "Japanese"), ("ko", "Korean"),
                             ("zh-hans", "Chinese (simplified)")],
                    default="any", max_length=10, verbose_name="language")),
                ("file", models.FileField(max_length=300,
                                          upload_to=followup.models.library_upload_to,
                                          verbose_name="file")),
                ("filename", models.CharField(help_text="The name the buyer sees.",
                                              max_length=200, verbose_name="file name")),
                ("size", models.PositiveBigIntegerField(verbose_name="size (bytes)")),
                ("content_type", models.CharField(max_length=100, verbose_name="content type")),
                ("uploaded_at", models.DateTimeField(default=django.utils.timezone.now,
                                                     verbose_name="uploaded")),
                ("active", models.BooleanField(default=True, verbose_name="offered to reps")),
                ("uploaded_by", models.ForeignKey(
                    blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                    related_name="+", to=settings.AUTH_USER_MODEL,
                    verbose_name="uploaded by")),
            ],
            options={
                "verbose_name": "library file",
                "verbose_name_plural": "library files",
                "ordering": ["kind", "language", "title"],
                "constraints": [models.CheckConstraint(condition=models.Q(("size__gt", 0)),
                                                       name="library_file_not_empty")],
            },
        ),
        migrations.CreateModel(
            name="MailAttachment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField(default=0,
                                                              verbose_name="position")),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("filename", models.CharField(max_length=200, verbose_name="file name")),
                ("size", models.PositiveBigIntegerField(verbose_name="size (bytes)")),
                ("content_type", models.CharField(max_length=100, verbose_name="content type")),
                ("file", models.ForeignKey(
                    blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                    related_name="sent_with", to="followup.libraryfile",
                    verbose_name="library file")),
                ("mail", models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE,
                    related_name="library_attachments", to="leads.mailmessage",
                    verbose_name="email")),
            ],
            options={
                "verbose_name": "email attachment",
                "verbose_name_plural": "email attachments",
                "ordering": ["mail", "position"],
                "constraints": [models.UniqueConstraint(fields=("mail", "file"),
                                                        name="library_file_once_per_mail")],
            },
        ),
        migrations.RunPython(promise_only_what_is_attached, promise_as_before),
    ]
