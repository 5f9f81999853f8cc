"""Default free-mail domains, role accounts, target industries and keywords."""

from django.db import migrations


def install(apps, schema_editor):
    from leads.mailproviders import FREE_MAIL_DOMAINS
    from verification.lists import keywords_install_defaults
    from verification.probes.email_address import ROLE_LOCAL_PARTS

    MailList = apps.get_model("verification", "MailList")
    MailList.objects.bulk_create(
        [MailList(kind="free_mail", value=d) for d in sorted(FREE_MAIL_DOMAINS)]
        + [MailList(kind="role_account", value=p) for p in sorted(ROLE_LOCAL_PARTS)],
        ignore_conflicts=True,
    )
    keywords_install_defaults(apps)


class Migration(migrations.Migration):
    dependencies = [("verification", "0002_engine")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
